package arazzo

import (
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/weftflow/weft/internal/yamlbudget"
	"gopkg.in/yaml.v3"
)

// The structural check decides, from the node tree and without the JSON
// Schema engine, that a document is valid against the embedded Arazzo
// schema (schema/arazzo-1.0.yaml, with workflow inputs against the JSON
// Schema 2020-12 metaschema). It is sound, not complete: it answers true
// only when the schema would report nothing, and false both for a
// document that breaks the schema and for anything it does not model
// exactly (merge keys, duplicate keys, $id, $schema or $vocabulary in an
// inputs schema, items whose hashes collide, ...). A false answer costs
// the schema: decodeDocument then validates with it, so diagnostics are
// always the schema's own. TestStructureMatchesSchema holds the two
// together on the corpus and its mutants.
//
// The checks read the value the schema would see: the plain value of
// the tree (decoder.plain), aliases followed, the nodes of decoder.skip
// left out, scalars typed as scalar() types them.

// structureValid reports whether the document at root certainly
// satisfies the embedded schema.
func (d *decoder) structureValid(root *yaml.Node) bool {
	c := &structChecker{d: d}
	return c.document(root)
}

// structChecker walks the tree once; depth guards the recursion of
// inputs schemas (checkBudget has bounded it already).
type structChecker struct {
	d     *decoder
	depth int
	// odd is set when hash met what it does not model (a merge key, a
	// duplicate key): uniqueness is then left to the schema.
	odd bool
}

// jsonKind is the JSON type of a node's plain value.
type jsonKind int

const (
	kindInvalid jsonKind = iota
	kindNull
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

// kindOf returns the JSON type of n's plain value and, for a scalar, the
// value itself (string, bool, int64, uint64 or float64).
func kindOf(n *yaml.Node) (jsonKind, any) {
	if n == nil {
		return kindNull, nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		return kindObject, nil
	case yaml.SequenceNode:
		return kindArray, nil
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!str":
			return kindString, n.Value
		case "!!int":
			// A plain decimal (no sign, no leading zero, no separator)
			// decodes as strconv does; anything else goes to scalar().
			if len(n.Value) > 0 && len(n.Value) < 19 && (n.Value[0] != '0' || len(n.Value) == 1) && allDigits(n.Value) {
				i, _ := strconv.ParseInt(n.Value, 10, 64)
				return kindNumber, i
			}
		case "!!null":
			return kindNull, nil
		}
		switch v := scalar(n).(type) {
		case nil:
			return kindNull, nil
		case bool:
			return kindBool, v
		case string:
			return kindString, v
		case int64, uint64, float64:
			return kindNumber, v
		}
	}
	return kindInvalid, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// entry is one property of an object as the schema sees it.
type entry struct {
	key string
	v   *yaml.Node
}

// object lists the properties of the object at n as plain() builds them;
// ok is false when n is not a mapping or when the mapping has a merge
// key, a key that is not a scalar, a value that is a broken alias or a
// duplicate key (plain keeps the last value: not modelled here).
func (c *structChecker) object(n *yaml.Node) (out []entry, ok bool) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, false
	}
	out = make([]entry, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if k == nil {
			continue
		}
		if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
			return nil, false
		}
		v := deref(n.Content[i+1])
		if v == nil {
			return nil, false
		}
		if c.d.skip[v] {
			continue
		}
		out = append(out, entry{key: k.Value, v: v})
	}
	if len(out) <= 16 {
		for i := 1; i < len(out); i++ {
			for j := 0; j < i; j++ {
				if out[i].key == out[j].key {
					return nil, false
				}
			}
		}
	} else {
		seen := make(map[string]bool, len(out))
		for _, e := range out {
			if seen[e.key] {
				return nil, false
			}
			seen[e.key] = true
		}
	}
	return out, true
}

// array lists the items of the array at n (ok false when n is not a
// sequence or holds a broken alias).
func array(n *yaml.Node) ([]*yaml.Node, bool) {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil, false
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		if out[i] = deref(c); out[i] == nil {
			return nil, false
		}
	}
	return out, true
}

func isString(n *yaml.Node) bool {
	k, _ := kindOf(n)
	return k == kindString
}

func stringValue(n *yaml.Node) (string, bool) {
	k, v := kindOf(n)
	if k != kindString {
		return "", false
	}
	return v.(string), true
}

// isExtension tells the keys the schema's specification-extensions
// accept (patternProperties '^x-').
func isExtension(key string) bool { return strings.HasPrefix(key, "x-") }

// has tells whether the object has the key.
func has(es []entry, key string) bool {
	for _, e := range es {
		if e.key == key {
			return true
		}
	}
	return false
}

// get returns the value of key (nil when absent).
func get(es []entry, key string) *yaml.Node {
	for _, e := range es {
		if e.key == key {
			return e.v
		}
	}
	return nil
}

// list checks an array with uniqueItems: true (minItems when min > 0)
// whose items all satisfy item.
func (c *structChecker) list(n *yaml.Node, min int, item func(*yaml.Node) bool) bool {
	items, ok := array(n)
	if !ok || len(items) < min {
		return false
	}
	for _, it := range items {
		if !item(it) {
			return false
		}
	}
	return c.unique(items)
}

// unique reports whether the items are pairwise different as JSON
// values. Two passes: a shallow hash (the members of an object with
// their scalar values, nested objects and arrays by kind only) tells
// apart items that differ in a scalar, such as steps by stepId; only
// when two shallow hashes collide do the deep hashes decide. Equal
// values have equal hashes, so different hashes prove the items
// different; a deep collision answers false and lets the schema decide.
func (c *structChecker) unique(items []*yaml.Node) bool {
	if len(items) < 2 {
		return true
	}
	c.odd = false
	defer func() { c.odd = false }()
	if distinct(items, c.shallowHash) && !c.odd {
		return true
	}
	c.odd = false
	return distinct(items, c.hash) && !c.odd
}

// distinct reports whether h gives every item a different hash.
func distinct(items []*yaml.Node, h func(*yaml.Node) uint64) bool {
	if len(items) <= 8 {
		var buf [8]uint64
		hs := buf[:len(items)]
		for i, it := range items {
			hs[i] = h(it)
			for j := 0; j < i; j++ {
				if hs[j] == hs[i] {
					return false
				}
			}
		}
		return true
	}
	seen := make(map[uint64]struct{}, len(items))
	for _, it := range items {
		v := h(it)
		if _, dup := seen[v]; dup {
			return false
		}
		seen[v] = struct{}{}
	}
	return true
}

// shallowHash hashes n's plain value down one level: an object's
// members with their scalar values; nested objects and arrays count by
// kind only.
func (c *structChecker) shallowHash(n *yaml.Node) uint64 {
	n = deref(n)
	k, _ := kindOf(n)
	if k != kindObject {
		if k == kindArray {
			return 13
		}
		return c.hash(n)
	}
	es, ok := c.object(n)
	if !ok {
		c.odd = true
		return 0
	}
	var sum uint64
	for _, e := range es {
		vh := uint64(17)
		switch k, _ := kindOf(e.v); k {
		case kindObject:
			vh = 19
		case kindArray:
			vh = 13
		default:
			vh = c.hash(e.v)
		}
		sum += mix(strHash(e.key)*0x9e3779b97f4a7c15 ^ vh)
	}
	return mix(sum ^ uint64(len(es))<<1 ^ 7)
}

// hash hashes n's plain value so that equal JSON values hash equal:
// object members in any order, numbers by their float64 value.
func (c *structChecker) hash(n *yaml.Node) uint64 {
	n = deref(n)
	switch k, v := kindOf(n); k {
	case kindObject:
		es, ok := c.object(n)
		if !ok {
			c.odd = true
			return 0
		}
		var sum uint64
		for _, e := range es {
			sum += mix(strHash(e.key)*0x9e3779b97f4a7c15 ^ c.hash(e.v))
		}
		return mix(sum ^ uint64(len(es))<<1 ^ 7)
	case kindArray:
		h := uint64(11)
		for _, it := range n.Content {
			h = mix(h*31 ^ c.hash(it))
		}
		return h
	case kindString:
		return mix(strHash(v.(string)) ^ 1)
	case kindNumber:
		var f float64
		switch x := v.(type) {
		case int64:
			f = float64(x)
		case uint64:
			f = float64(x)
		case float64:
			f = x
		}
		if f == 0 {
			f = 0 // -0 equals 0
		}
		return mix(math.Float64bits(f) ^ 2)
	case kindBool:
		if v.(bool) {
			return 3
		}
		return 4
	case kindNull:
		return 5
	}
	return 6
}

func strHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// mix is the splitmix64 finaliser.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// fields checks an object whose properties are all known or extensions:
// prop checks each known property (known false: not a property of this
// object, so not allowed: unevaluatedProperties: false), and every
// required one must be present.
func (c *structChecker) fields(n *yaml.Node, required []string, prop func(key string, v *yaml.Node) (known, ok bool)) ([]entry, bool) {
	es, ok := c.object(n)
	if !ok {
		return nil, false
	}
	for _, e := range es {
		known, ok := prop(e.key, e.v)
		if !known {
			ok = isExtension(e.key)
		}
		if !ok {
			return nil, false
		}
	}
	for _, r := range required {
		if !has(es, r) {
			return nil, false
		}
	}
	return es, true
}

// Property checks of the embedded schema, by definition.

// oneOf reports whether n is one of the strings given.
func oneOf(n *yaml.Node, values ...string) bool {
	s, ok := stringValue(n)
	if !ok {
		return false
	}
	for _, v := range values {
		if s == v {
			return true
		}
	}
	return false
}

// outputsMap is the outputs object: the values of keys matching
// '^[a-zA-Z0-9\.\-_]+$' are strings; other keys are not constrained.
func (c *structChecker) outputsMap(n *yaml.Node) bool {
	es, ok := c.object(n)
	if !ok {
		return false
	}
	for _, e := range es {
		if isName(e.key) && !isString(e.v) {
			return false
		}
	}
	return true
}

// isName matches '^[a-zA-Z0-9\.\-_]+$'.
func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '.' || b == '-' || b == '_') {
			return false
		}
	}
	return true
}

// isSourceName matches '^[A-Za-z0-9_\-]+$'.
func isSourceName(s string) bool {
	return isName(s) && !strings.Contains(s, ".")
}

// isArazzoVersion matches '^1\.[01]\.\d+(-.+)?$' (RE2: $ is the end of
// the text, . is any character but a newline).
func isArazzoVersion(s string) bool {
	if len(s) < 5 || s[0] != '1' || s[1] != '.' || (s[2] != '0' && s[2] != '1') || s[3] != '.' {
		return false
	}
	i := 4
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 4 {
		return false
	}
	if i == len(s) {
		return true
	}
	return s[i] == '-' && i+1 < len(s) && !strings.Contains(s[i+1:], "\n")
}

// Required fields, by object.
var (
	documentRequired    = []string{"arazzo", "info", "sourceDescriptions", "workflows"}
	infoRequired        = []string{"title", "version"}
	sourceRequired      = []string{"name", "url"}
	workflowRequired    = []string{"workflowId", "steps"}
	stepRequired        = []string{"stepId"}
	replacementRequired = []string{"target", "value"}
	criterionRequired   = []string{"condition"}
	actionRequired      = []string{"name", "type"}
	parameterRequired   = []string{"name", "value"}
)

func (c *structChecker) document(n *yaml.Node) bool {
	_, ok := c.fields(n, documentRequired, func(key string, v *yaml.Node) (bool, bool) {
		switch key {
		case "arazzo":
			s, ok := stringValue(v)
			return true, ok && isArazzoVersion(s)
		case "info":
			return true, c.info(v)
		case "sourceDescriptions":
			return true, c.list(v, 1, c.sourceDescription)
		case "workflows":
			return true, c.list(v, 1, c.workflow)
		case "components":
			return true, c.components(v)
		}
		return false, false
	})
	return ok
}

func (c *structChecker) info(n *yaml.Node) bool {
	_, ok := c.fields(n, infoRequired, func(key string, v *yaml.Node) (bool, bool) {
		switch key {
		case "title", "summary", "description", "version":
			return true, isString(v)
		}
		return false, false
	})
	return ok
}

func (c *structChecker) sourceDescription(n *yaml.Node) bool {
	_, ok := c.fields(n, sourceRequired, func(key string, v *yaml.Node) (bool, bool) {
		switch key {
		case "name":
			s, ok := stringValue(v)
			return true, ok && isSourceName(s)
		case "url":
			return true, isString(v)
		case "type":
			return true, oneOf(v, "arazzo", "openapi")
		}
		return false, false
	})
	return ok
}

// reusableOr checks an item of a list mixing Reusable Objects with other
// objects: if the item has a reference, a Reusable Object, else other.
func (c *structChecker) reusableOr(n *yaml.Node, other func(*yaml.Node) bool) bool {
	es, ok := c.object(n)
	if !ok {
		// if: required passes a non-object; then: type object fails.
		return false
	}
	if !has(es, "reference") {
		return other(n)
	}
	// reusable-object: no unevaluatedProperties, value of any type.
	return isString(get(es, "reference"))
}

func (c *structChecker) parameters(n *yaml.Node) bool {
	return c.list(n, 0, func(n *yaml.Node) bool { return c.reusableOr(n, c.parameter) })
}

func (c *structChecker) successActions(n *yaml.Node) bool {
	return c.list(n, 0, func(n *yaml.Node) bool { return c.reusableOr(n, c.successAction) })
}

func (c *structChecker) failureActions(n *yaml.Node) bool {
	return c.list(n, 0, func(n *yaml.Node) bool { return c.reusableOr(n, c.failureAction) })
}

func (c *structChecker) workflow(n *yaml.Node) bool {
	_, ok := c.fields(n, workflowRequired, func(key string, v *yaml.Node) (bool, bool) {
		switch key {
		case "workflowId", "summary", "description":
			return true, isString(v)
		case "inputs":
			return true, c.schema(v)
		case "dependsOn":
			return true, c.list(v, 0, isString)
		case "steps":
			return true, c.list(v, 1, c.step)
		case "successActions":
			return true, c.successActions(v)
		case "failureActions":
			return true, c.failureActions(v)
		case "outputs":
			return true, c.outputsMap(v)
		case "parameters":
			return true, c.parameters(v)
		}
		return false, false
	})
	return ok
}

func (c *structChecker) step(n *yaml.Node) bool {
	_, ok := c.fields(n, stepRequired, func(key string, v *yaml.Node) (bool, bool) {
		switch key {
		case "stepId", "description", "operationId", "operationPath", "workflowId":
			return true, isString(v)
		case "parameters":
			return true, c.parameters(v)
		case "requestBody":
			return true, c.requestBody(v)
		case "successCriteria":
			return true, c.list(v, 1, c.criterion)
		case "onSuccess":
			return true, c.successActions(v)
		case "onFailure":
			return true, c.failureActions(v)
		case "outputs":
			return true, c.outputsMap(v)
		}
		return false, false
	})
	return ok
}

func (c *structChecker) requestBody(n *yaml.Node) bool {
	_, ok := c.fields(n, nil, func(key string, v *yaml.Node) (bool, bool) {
		switch key {
		case "contentType":
			return true, isString(v)
		case "payload":
			return true, true
		case "replacements":
			return true, c.list(v, 0, c.replacement)
		}
		return false, false
	})
	return ok
}

func (c *structChecker) replacement(n *yaml.Node) bool {
	_, ok := c.fields(n, replacementRequired, func(key string, v *yaml.Node) (bool, bool) {
		switch key {
		case "target":
			return true, isString(v)
		case "value":
			return true, true
		}
		return false, false
	})
	return ok
}

func (c *structChecker) criterion(n *yaml.Node) bool {
	es, ok := c.fields(n, criterionRequired, func(key string, v *yaml.Node) (bool, bool) {
		switch key {
		case "context", "condition":
			return true, isString(v)
		case "type":
			// oneOf an enum of strings and an object: at most one holds.
			if k, _ := kindOf(v); k == kindObject {
				return true, c.expressionType(v)
			}
			return true, oneOf(v, "simple", "regex", "jsonpath", "xpath")
		}
		return false, false
	})
	// dependentRequired: type needs context.
	return ok && (!has(es, "type") || has(es, "context"))
}

// expressionType is the Criterion Expression Type Object: extra
// properties allowed, version fixed by type.
func (c *structChecker) expressionType(n *yaml.Node) bool {
	es, ok := c.object(n)
	if !ok || !has(es, "type") || !has(es, "version") {
		return false
	}
	t, ok := stringValue(get(es, "type"))
	if !ok {
		return false
	}
	v, isStr := stringValue(get(es, "version"))
	switch t {
	case "jsonpath":
		return isStr && v == "draft-goessner-dispatch-jsonpath-00"
	case "xpath":
		return isStr && (v == "xpath-10" || v == "xpath-20" || v == "xpath-30")
	}
	return false
}

// action checks a success (failure false) or failure action; goto names
// exactly one of workflowId and stepId.
func (c *structChecker) action(n *yaml.Node, failure bool) bool {
	es, ok := c.fields(n, actionRequired, func(key string, v *yaml.Node) (bool, bool) {
		switch key {
		case "name", "workflowId", "stepId":
			return true, isString(v)
		case "type":
			if failure {
				return true, oneOf(v, string(ActionEnd), string(ActionGoto), string(ActionRetry))
			}
			return true, oneOf(v, string(ActionEnd), string(ActionGoto))
		case "criteria":
			min := 1
			if failure {
				min = 0
			}
			return true, c.list(v, min, c.criterion)
		case "retryAfter":
			f, ok := number(v)
			return failure, ok && f >= 0
		case "retryLimit":
			f, ok := number(v)
			return failure, ok && f >= 0 && f == math.Trunc(f)
		}
		return false, false
	})
	if !ok {
		return false
	}
	if t, _ := stringValue(get(es, "type")); t == string(ActionGoto) {
		return has(es, "workflowId") != has(es, "stepId")
	}
	return true
}

func (c *structChecker) successAction(n *yaml.Node) bool { return c.action(n, false) }

func (c *structChecker) failureAction(n *yaml.Node) bool { return c.action(n, true) }

// number returns a number's value as a float64 (exact for the checks
// made with it: sign and integrality).
func number(n *yaml.Node) (float64, bool) {
	k, v := kindOf(n)
	if k != kindNumber {
		return 0, false
	}
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

func (c *structChecker) parameter(n *yaml.Node) bool {
	_, ok := c.fields(n, parameterRequired, func(key string, v *yaml.Node) (bool, bool) {
		switch key {
		case "name":
			return true, isString(v)
		case "in":
			return true, oneOf(v, "path", "query", "header", "cookie")
		case "value":
			return true, true
		}
		return false, false
	})
	return ok
}

func (c *structChecker) components(n *yaml.Node) bool {
	named := func(n *yaml.Node, item func(*yaml.Node) bool) bool {
		es, ok := c.object(n)
		if !ok {
			return false
		}
		for _, e := range es {
			if !isName(e.key) || !item(e.v) {
				return false
			}
		}
		return true
	}
	_, ok := c.fields(n, nil, func(key string, v *yaml.Node) (bool, bool) {
		switch key {
		case "inputs":
			return true, named(v, c.schema)
		case "parameters":
			return true, named(v, c.parameter)
		case "successActions":
			return true, named(v, c.successAction)
		case "failureActions":
			return true, named(v, c.failureAction)
		}
		return false, false
	})
	return ok
}

// The JSON Schema 2020-12 metaschema, for workflow inputs (formats
// asserted, as the schema engine is told to).

// schema checks a JSON Schema against the 2020-12 metaschema.
func (c *structChecker) schema(n *yaml.Node) bool {
	if c.depth++; c.depth > yamlbudget.MaxNestingDepth {
		return false
	}
	defer func() { c.depth-- }()
	switch k, _ := kindOf(n); k {
	case kindBool:
		return true
	case kindObject:
	default:
		return false
	}
	es, ok := c.object(n)
	if !ok {
		return false
	}
	for _, e := range es {
		if !c.keyword(e.key, e.v) {
			return false
		}
	}
	return true
}

// schemaMap checks an object of schemas.
func (c *structChecker) schemaMap(n *yaml.Node) bool {
	es, ok := c.object(n)
	if !ok {
		return false
	}
	for _, e := range es {
		if !c.schema(e.v) {
			return false
		}
	}
	return true
}

// schemaArray checks a non-empty array of schemas.
func (c *structChecker) schemaArray(n *yaml.Node) bool {
	items, ok := array(n)
	if !ok || len(items) == 0 {
		return false
	}
	for _, it := range items {
		if !c.schema(it) {
			return false
		}
	}
	return true
}

// stringArray checks an array of different strings.
func stringArray(n *yaml.Node) bool {
	items, ok := array(n)
	if !ok {
		return false
	}
	seen := make(map[string]bool, len(items))
	for _, it := range items {
		s, ok := stringValue(it)
		if !ok || seen[s] {
			return false
		}
		seen[s] = true
	}
	return true
}

func nonNegativeInteger(n *yaml.Node) bool {
	f, ok := number(n)
	return ok && f >= 0 && f == math.Trunc(f) && !math.IsInf(f, 0)
}

func isNumber(n *yaml.Node) bool {
	_, ok := number(n)
	return ok
}

func isBool(n *yaml.Node) bool {
	k, _ := kindOf(n)
	return k == kindBool
}

var simpleTypes = map[string]bool{"array": true, "boolean": true, "integer": true, "null": true, "number": true, "object": true, "string": true}

// isRegex is format "regex" as the schema engine asserts it (Go's
// regexp syntax).
func isRegex(s string) bool {
	_, err := regexp.Compile(s)
	return err == nil
}

// isURIReference is format "uri-reference" as jsonschema/v6 asserts it,
// except that a host with a colon (IPv6) is left to the engine.
func isURIReference(s string) bool {
	if strings.Contains(s, `\`) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && !strings.Contains(u.Hostname(), ":")
}

// isAnchor matches '^[A-Za-z_][-A-Za-z0-9._]*$'.
func isAnchor(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		letter := b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_'
		if i == 0 && !letter || i > 0 && !letter && !(b >= '0' && b <= '9' || b == '-' || b == '.') {
			return false
		}
	}
	return true
}

// keyword checks one keyword of a schema object; unknown keywords are
// free.
func (c *structChecker) keyword(key string, v *yaml.Node) bool {
	switch key {
	case "$id", "$schema", "$vocabulary":
		// Base URIs and dialects: left to the engine.
		return false
	case "$ref", "$dynamicRef", "$recursiveRef":
		s, ok := stringValue(v)
		return ok && isURIReference(s)
	case "$anchor", "$dynamicAnchor", "$recursiveAnchor":
		s, ok := stringValue(v)
		return ok && isAnchor(s)
	case "$comment", "title", "description", "format", "contentEncoding", "contentMediaType":
		return isString(v)
	case "$defs", "definitions", "properties", "dependentSchemas":
		return c.schemaMap(v)
	case "patternProperties":
		es, ok := c.object(v)
		if !ok {
			return false
		}
		for _, e := range es {
			if !isRegex(e.key) || !c.schema(e.v) {
				return false
			}
		}
		return true
	case "dependencies":
		es, ok := c.object(v)
		if !ok {
			return false
		}
		for _, e := range es {
			if !stringArray(e.v) && !c.schema(e.v) {
				return false
			}
		}
		return true
	case "prefixItems", "allOf", "anyOf", "oneOf":
		return c.schemaArray(v)
	case "items", "contains", "additionalProperties", "propertyNames", "if", "then", "else", "not",
		"unevaluatedItems", "unevaluatedProperties", "contentSchema":
		return c.schema(v)
	case "type":
		if s, ok := stringValue(v); ok {
			return simpleTypes[s]
		}
		items, ok := array(v)
		if !ok || len(items) == 0 {
			return false
		}
		seen := map[string]bool{}
		for _, it := range items {
			s, ok := stringValue(it)
			if !ok || !simpleTypes[s] || seen[s] {
				return false
			}
			seen[s] = true
		}
		return true
	case "enum", "examples":
		_, ok := array(v)
		return ok
	case "multipleOf":
		f, ok := number(v)
		return ok && f > 0
	case "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum":
		return isNumber(v)
	case "maxLength", "minLength", "maxItems", "minItems", "maxContains", "minContains", "maxProperties", "minProperties":
		return nonNegativeInteger(v)
	case "pattern":
		s, ok := stringValue(v)
		return ok && isRegex(s)
	case "uniqueItems", "deprecated", "readOnly", "writeOnly":
		return isBool(v)
	case "required":
		return stringArray(v)
	case "dependentRequired":
		es, ok := c.object(v)
		if !ok {
			return false
		}
		for _, e := range es {
			if !stringArray(e.v) {
				return false
			}
		}
		return true
	}
	return true
}
