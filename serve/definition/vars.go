package definition

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/internal/suggest"
	"gopkg.in/yaml.v3"
)

var varFields = []string{"env", "default", "secret", "description"}

// validName reports whether s is a variable or environment variable name:
// [A-Za-z_][A-Za-z0-9_]*.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}

// decodeVars reads the vars section and resolves every variable from the
// environment. It runs before anything that substitutes.
func (d *decoder) decodeVars(n *yaml.Node) []*Var {
	d.vars = map[string]*varState{}
	fs, order := d.mapping(n, "vars", nil)
	var out []*Var
	for _, name := range order {
		f := fs[name]
		v := &Var{Name: name, Env: name, Pos: d.nodePos(f.key)}
		st := &varState{v: v}
		what := "variable " + name
		if !validName(name) {
			d.err(f.key, CodeVarSyntax, fmt.Sprintf("variable name %q is not [A-Za-z_][A-Za-z0-9_]*", name), "")
			st.failed = true
		}
		vf, _ := d.mapping(f.val, what, varFields)
		if e, ok := vf["env"]; ok {
			if s, ok := d.rawScalar(e.val, what+": env"); ok {
				if validName(s) {
					v.Env = s
				} else {
					d.err(e.val, CodeVarSyntax, fmt.Sprintf("%s: env %q is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)", what, s), "")
					st.failed = true
				}
			}
		}
		if e, ok := vf["secret"]; ok {
			v.Secret, _ = d.boolean(e.val, what+": secret")
		}
		if e, ok := vf["description"]; ok {
			d.rawScalar(e.val, what+": description")
		}
		if e, ok := vf["default"]; ok {
			if s, ok := d.rawScalar(e.val, what+": default"); ok {
				if i := refIndex(s); i >= 0 {
					pos, _ := d.textAt(deref(e.val), i, "${")
					d.errAt(pos, CodeVarSyntax, what+": a default cannot reference a variable (${...} in defaults is not supported)",
						"write the value out, or escape a literal \"${\" as \"$${\"")
					st.failed = true
				}
				v.Default, v.HasDefault = strings.ReplaceAll(s, "$${", "${"), true
			}
		}
		if val, ok := d.lookup(v.Env); ok {
			v.Value = val
		} else if v.HasDefault {
			v.Value = v.Default
		} else if !st.failed {
			dg := d.err(f.key, CodeMissingVar, fmt.Sprintf("variable %s is required: environment variable %s is not set", name, v.Env),
				"set "+v.Env+" or give the variable a default")
			if v.Env != name {
				dg.Message = fmt.Sprintf("variable %s is required: environment variable %s (its env) is not set", name, v.Env)
			}
			st.failed = true
		}
		if _, dup := d.vars[name]; !dup {
			d.vars[name] = st
			d.varNames = append(d.varNames, name)
			out = append(out, v)
		}
	}
	return out
}

// rawScalar is a scalar taken as written (no substitution).
func (d *decoder) rawScalar(n *yaml.Node, what string) (string, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.err(n, CodeType, fmt.Sprintf("%s must be a string, found %s", what, kindName(n)), "")
		return "", false
	}
	return n.Value, true
}

// refIndex returns the byte offset of the first unescaped "${" in s, or -1.
func refIndex(s string) int {
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '$' {
			continue
		}
		if strings.HasPrefix(s[i:], "$${") {
			i += 2
			continue
		}
		if s[i+1] == '{' {
			return i
		}
	}
	return -1
}

// substitute replaces every ${NAME} of scalar n's value by the value of
// variable NAME and every "$${" by "${". secret reports that a secret
// variable was used; ok is false when a reference failed (reported).
func (d *decoder) substitute(n *yaml.Node) (text string, secret, subst, ok bool) {
	s := n.Value
	if !strings.Contains(s, "${") {
		return s, false, false, true
	}
	var b strings.Builder
	ok = true
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "$${") {
			b.WriteString("${")
			i += 3
			subst = true
			continue
		}
		if !strings.HasPrefix(s[i:], "${") {
			b.WriteByte(s[i])
			i++
			continue
		}
		off := utf8.RuneCountInString(s[:i])
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			pos, _ := d.textAt(n, off, "${")
			d.errAt(pos, CodeVarSyntax, "unclosed ${: a variable reference is ${NAME}", "escape a literal \"${\" as \"$${\"")
			return s, secret, subst, false
		}
		name := s[i+2 : i+2+end]
		ref := s[i : i+3+end]
		pos, exact := d.textAt(n, off, ref)
		i += 3 + end
		subst = true
		if !validName(name) {
			msg := fmt.Sprintf("%q is not a variable reference: a name is [A-Za-z_][A-Za-z0-9_]*", ref)
			if strings.Contains(name, "${") {
				msg = "nested ${...} references are not supported"
			}
			d.errAt(pos, CodeVarSyntax, msg, "escape a literal \"${\" as \"$${\"")
			ok = false
			continue
		}
		st, known := d.vars[name]
		if !known {
			dg := d.errAt(pos, CodeUnknownVar, fmt.Sprintf("unknown variable %s: it is not declared under vars", name), "declare it under vars")
			if best := suggest.Closest(name, d.varNames); best != "" {
				dg.Hint = fmt.Sprintf("did you mean %s?", best)
				if exact {
					p := pos
					p.Column += 2
					e := p
					e.Column += utf8.RuneCountInString(name)
					dg.SuggestedFixes = []arazzo.SuggestedFix{{Message: fmt.Sprintf("use variable %s", best),
						Edits: []arazzo.TextEdit{{Pos: p, End: e, NewText: best}}}}
				}
			}
			ok = false
			continue
		}
		secret = secret || st.v.Secret
		if st.failed {
			ok = false
			continue
		}
		if d.expandedOut {
			ok = false
			continue
		}
		d.expanded += len(st.v.Value)
		if d.expanded > MaxExpandedBytes {
			d.expandedOut = true
			d.errAt(pos, CodeTooLarge, fmt.Sprintf("variable substitution too large: limit MaxExpandedBytes (%d) reached", MaxExpandedBytes),
				"reference large values fewer times")
			ok = false
			continue
		}
		b.WriteString(st.v.Value)
	}
	if !ok {
		return s, secret, subst, false
	}
	return b.String(), secret, subst, true
}
