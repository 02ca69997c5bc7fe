package arazzo

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// Parse decodes and validates a single Arazzo document (YAML or JSON)
// without loading its source descriptions: the schema and every semantic
// check that needs no source run; step targets stay unbound. location names
// the document in diagnostics (it may be empty). The document is nil only
// when data is not a YAML or JSON object, or is an OpenAPI description
// (then the one diagnostic has code "not-arazzo").
func Parse(data []byte, location string) (*Document, Diagnostics) {
	doc, root, diags := decodeDocument(data, location)
	if doc == nil {
		return nil, diags
	}
	v := &validator{doc: doc, file: location, loaded: false, src: data}
	v.run()
	diags = append(diags, v.diags...)
	locate(diags, root, location)
	diags = dropShadowed(diags)
	doc.Diagnostics = diags
	return doc, diags
}

// alwaysSchema makes every document go through the schema engine (tests
// compare the structural check with it).
var alwaysSchema bool

// decodeDocument parses data, decodes the model and applies the schema
// when the structural check cannot vouch for the document.
func decodeDocument(data []byte, file string) (*Document, *yaml.Node, Diagnostics) {
	root, diags := parseYAML(data, file)
	if root == nil {
		return nil, nil, diags
	}
	d := &decoder{file: file, skip: map[*yaml.Node]bool{}}
	if dg, ok := d.notArazzo(root); ok {
		// One finding, not a schema error for every OpenAPI field.
		return nil, nil, Diagnostics{dg}
	}
	// Aliases may add at most yamlbudget.MaxAliasNodes nodes to what the
	// document spells out, and values nest at most MaxNestingDepth levels.
	if diags := checkBudget(root, file); diags != nil {
		return nil, nil, diags
	}
	d.diags = append(d.diags, duplicateKeys(root, file)...)
	for _, p := range pairs(root) {
		switch p.key {
		case "arazzo":
			d.v11 = strings.HasPrefix(str(p.v), "1.1.")
		case "$schema":
			// Many real documents name a JSON Schema for editor support;
			// the Arazzo schema forbids the key, weft only warns.
			d.skip[p.v] = true
			d.diags = append(d.diags, Diagnostic{Severity: SeverityWarning, Pos: d.pos(p.kn), Pointer: "/$schema",
				Message: "top-level \"$schema\" is not an Arazzo field and is ignored",
				Hint:    "remove the $schema key", Code: CodeSchemaKey})
		}
	}
	doc := d.decodeDocument(root)
	if !alwaysSchema && d.structureValid(root) {
		// The schema would find nothing (structure.go): no compile,
		// no plain copy of the document.
		return doc, root, d.diags
	}
	value, err := d.plain(root)
	if err != nil {
		d.diags = append(d.diags, limitDiagnostic(err, file, root))
	} else {
		d.validateSchema(root, value)
	}
	return doc, root, d.diags
}

// notArazzo reports a document that is an OpenAPI description (a top-level
// openapi or swagger key and no arazzo key) given where an Arazzo document
// is expected.
func (d *decoder) notArazzo(root *yaml.Node) (Diagnostic, bool) {
	var kn *yaml.Node
	for _, p := range pairs(root) {
		switch p.key {
		case "arazzo":
			return Diagnostic{}, false
		case "openapi", "swagger":
			if kn == nil {
				kn = p.kn
			}
		}
	}
	if kn == nil {
		return Diagnostic{}, false
	}
	return Diagnostic{Severity: SeverityError, Pos: d.pos(kn), Pointer: "", Code: CodeNotArazzo,
		Message: "this is an OpenAPI description, not an Arazzo document",
		Hint:    "name it in sourceDescriptions of an Arazzo document, with type: openapi, and validate that document"}, true
}

// locate gives every diagnostic of the document file that has no line a
// position: the node its JSON pointer names, or the nearest ancestor node
// that exists (the document root at worst), so each finding carries
// file:line:col.
func locate(ds Diagnostics, root *yaml.Node, file string) {
	if root == nil {
		return
	}
	for i := range ds {
		d := &ds[i]
		if d.Pos.Line > 0 || (d.Pos.File != "" && d.Pos.File != file) {
			continue
		}
		n, _ := nodeAt(root, d.Pointer)
		if n = deref(n); n == nil || n.Line == 0 {
			n = root
		}
		d.Pos = Position{File: file, Line: n.Line, Column: n.Column}
	}
}
