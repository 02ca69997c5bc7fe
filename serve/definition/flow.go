package definition

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/expression"
	"gopkg.in/yaml.v3"
)

var flowFields = []string{"document", "workflow", "servers", "credentials", "trigger", "inputs", "dedup",
	"concurrency", "sourceLimits", "retry", "keepBody", "notify"}

// Defaults of a flow's fields.
const (
	DefaultConcurrency    = 4
	DefaultRetryAttempts  = 3
	DefaultRetryInitial   = time.Second
	DefaultRetryMax       = 5 * time.Minute
	DefaultInterrupted    = "resume-safe"
	DefaultMaxBodyBytes   = 1 << 20
	DefaultTolerance      = 5 * time.Minute
	DefaultDedupWindow    = 24 * time.Hour
	DefaultNotifyAttempts = 5
	DefaultNotifyInitial  = time.Second
	DefaultNotifyMax      = 5 * time.Minute
	DefaultOverlap        = "skip"
	DefaultTimeZone       = "UTC"
)

// ReservedPrefixes are the URL paths weft serve keeps for itself: no
// webhook path may be one of them or lie under one.
var ReservedPrefixes = []string{"/admin", "/metrics", "/healthz"}

// credentialParts are the parts a credential may give; secretParts must
// come from a secret variable.
var (
	credentialParts = []string{"token", "apiKey", "username", "password", "clientId", "clientSecret"}
	secretParts     = []string{"token", "apiKey", "password", "clientSecret"}
)

func validFlowName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

func (d *decoder) decodeFlows(top field) []*Flow {
	fs, order := d.mapping(top.val, "flows", nil)
	if fs != nil && len(order) == 0 {
		d.err(top.key, CodeMissingField, "flows is empty: a definition file runs at least one flow", "")
	}
	paths := map[string]*Webhook{}
	var out []*Flow
	for _, name := range order {
		f := fs[name]
		fl := d.decodeFlow(name, f)
		if fl == nil {
			continue
		}
		if w := fl.Trigger.Webhook; w != nil && w.Path != "" {
			if first, dup := paths[w.Path]; dup {
				dg := d.errAt(w.Pos, CodeDuplicatePath, fmt.Sprintf("flow %s: webhook path %s is already served by another flow", name, w.Path), "give each flow its own path")
				dg.Related = []arazzo.RelatedInformation{{Pos: first.Pos, Message: "first served here"}}
			} else {
				paths[w.Path] = w
			}
		}
		out = append(out, fl)
	}
	return out
}

func (d *decoder) decodeFlow(name string, f field) *Flow {
	what := "flow " + name
	fl := &Flow{Name: name, Pos: d.nodePos(f.key), Concurrency: DefaultConcurrency, KeepBody: true,
		Retry:        Retry{Attempts: DefaultRetryAttempts, Initial: DefaultRetryInitial, Max: DefaultRetryMax, Interrupted: DefaultInterrupted, Pos: d.nodePos(f.key)},
		Dedup:        Dedup{Window: DefaultDedupWindow, Pos: d.nodePos(f.key)},
		Servers:      map[string]Value{},
		Credentials:  map[string]map[string]map[string]Value{},
		SourceLimits: map[string]int{},
	}
	if !validFlowName(name) {
		d.err(f.key, CodeFlowName, fmt.Sprintf("flow name %q is not [A-Za-z0-9_.-]+", name), "the name appears in URLs and the store; use letters, digits, _ . -")
	}
	fs, _ := d.mapping(f.val, what, flowFields)
	if fs == nil {
		return nil
	}
	if v, ok := d.required(fs, "document", f.key, what); ok {
		if s, ok := d.scalar(v.val, what+": document"); ok && s.ok {
			if s.Text == "" {
				d.errAt(s.Pos, CodeInvalidValue, what+": document must not be empty", "")
			} else if strings.HasPrefix(s.Text, "http://") || strings.HasPrefix(s.Text, "https://") {
				fl.Document = s.Text
			} else {
				fl.Document = d.resolve(s.Text)
			}
		}
	}
	if v, ok := d.required(fs, "workflow", f.key, what); ok {
		if s, ok := d.scalar(v.val, what+": workflow"); ok && s.ok {
			if s.Text == "" {
				d.errAt(s.Pos, CodeInvalidValue, what+": workflow must not be empty", "name a workflowId of the document")
			}
			fl.Workflow = s.Text
		}
	}
	if v, ok := fs["servers"]; ok {
		sf, order := d.mapping(v.val, what+": servers", nil)
		for _, src := range order {
			if s, ok := d.scalar(sf[src].val, what+": servers."+src); ok && s.ok {
				if d.httpURL(s, what+": servers."+src) {
					fl.Servers[src] = s.Value
				}
			}
		}
	}
	if v, ok := fs["credentials"]; ok {
		d.decodeCredentials(v.val, what, fl)
	}
	if v, ok := fs["trigger"]; ok {
		d.decodeTrigger(v, what, fl)
	}
	if v, ok := fs["inputs"]; ok {
		fl.Inputs = d.decodeInputs(v.val, what)
	}
	if v, ok := fs["dedup"]; ok {
		d.decodeDedup(v, what, fl)
	}
	if v, ok := fs["concurrency"]; ok {
		if n, ok := d.positiveInt(v.val, what+": concurrency"); ok {
			fl.Concurrency = n
		}
	}
	if v, ok := fs["sourceLimits"]; ok {
		sf, order := d.mapping(v.val, what+": sourceLimits", nil)
		for _, src := range order {
			if n, ok := d.positiveInt(sf[src].val, what+": sourceLimits."+src); ok {
				fl.SourceLimits[src] = n
			}
		}
	}
	if v, ok := fs["retry"]; ok {
		d.decodeRetry(v, what, fl)
	}
	if v, ok := fs["keepBody"]; ok {
		if b, ok := d.boolean(v.val, what+": keepBody"); ok {
			fl.KeepBody = b
		}
	}
	if v, ok := fs["notify"]; ok {
		fl.Notify = d.decodeNotify(v.val, what)
	}
	return fl
}

// httpURL checks an absolute http(s) URL with a host.
func (d *decoder) httpURL(s str, what string) bool {
	u, err := url.Parse(s.Text)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		d.errAt(s.Pos, CodeURL, fmt.Sprintf("%s: %s is not an http(s) URL", what, s.show()), "for example https://api.example.com/v1")
		return false
	}
	return true
}

func (d *decoder) decodeCredentials(n *yaml.Node, what string, fl *Flow) {
	sf, sources := d.mapping(n, what+": credentials", nil)
	for _, src := range sources {
		schemes, order := d.mapping(sf[src].val, what+": credentials."+src, nil)
		for _, scheme := range order {
			w := what + ": credentials." + src + "." + scheme
			parts, porder := d.mapping(schemes[scheme].val, w, credentialParts)
			for _, part := range porder {
				s, ok := d.scalar(parts[part].val, w+"."+part)
				if !ok || !s.ok {
					continue
				}
				if contains(secretParts, part) && !s.Secret {
					d.errAt(s.Pos, CodeLiteralSecret, w+"."+part+" must come from a secret variable", "declare a variable with secret: true and write ${NAME}")
					continue
				}
				if fl.Credentials[src] == nil {
					fl.Credentials[src] = map[string]map[string]Value{}
				}
				if fl.Credentials[src][scheme] == nil {
					fl.Credentials[src][scheme] = map[string]Value{}
				}
				fl.Credentials[src][scheme][part] = s.Value
			}
		}
	}
}

func (d *decoder) decodeTrigger(t field, what string, fl *Flow) {
	fs, _ := d.mapping(t.val, what+": trigger", []string{"webhook", "schedule", "manual"})
	if fs == nil {
		return
	}
	w, hasW := fs["webhook"]
	s, hasS := fs["schedule"]
	if hasW && hasS {
		d.err(s.key, CodeTrigger, what+": a trigger has at most one of webhook and schedule", "split it into two flows naming the same workflow")
	}
	if m, ok := fs["manual"]; ok {
		if b, ok := d.boolean(m.val, what+": trigger.manual"); ok && !b {
			d.err(m.val, CodeInvalidValue, what+": trigger.manual cannot be false: every flow can be started manually", "remove it")
		}
	}
	if hasW {
		fl.Trigger.Webhook = d.decodeWebhook(w, what)
	}
	if hasS && !hasW {
		fl.Trigger.Schedule = d.decodeSchedule(s, what)
	}
}

var webhookFields = []string{"path", "verify", "maxBodyBytes"}

func (d *decoder) decodeWebhook(f field, what string) *Webhook {
	w := &Webhook{MaxBodyBytes: DefaultMaxBodyBytes, Pos: d.nodePos(f.key)}
	what += ": webhook"
	fs, _ := d.mapping(f.val, what, webhookFields)
	if fs == nil {
		return w
	}
	if p, ok := d.required(fs, "path", f.key, what); ok {
		if s, ok := d.scalar(p.val, what+".path"); ok && s.ok {
			w.Pos = s.Pos
			if d.webhookPath(s, what) {
				w.Path = s.Text
			}
		}
	}
	if v, ok := fs["maxBodyBytes"]; ok {
		if n, ok := d.size(v.val, what+".maxBodyBytes"); ok {
			w.MaxBodyBytes = n
		}
	}
	if v, ok := fs["verify"]; !ok {
		d.err(f.key, CodeVerify, what+": missing verify: a webhook checks its sender's signature",
			"add verify: {preset: standard-webhooks, secrets: [\"${SECRET}\"]} (or hookdeck, stripe, github, hmac); write verify: {preset: none} to accept unsigned requests")
	} else {
		w.Verify = d.decodeVerify(v, what)
	}
	return w
}

func (d *decoder) webhookPath(s str, what string) bool {
	p := s.Text
	bad := func(msg string) bool {
		d.errAt(s.Pos, CodeWebhookPath, fmt.Sprintf("%s.path %s %s", what, s.show(), msg), "for example /hooks/orders")
		return false
	}
	if !strings.HasPrefix(p, "/") {
		return bad("must start with \"/\"")
	}
	if strings.ContainsAny(p, "?#{} \t\r\n%") {
		return bad("must be a plain path (no query, fragment, pattern, escape or space)")
	}
	for _, seg := range strings.Split(p[1:], "/") {
		if seg == "." || seg == ".." || (seg == "" && p != "/") {
			return bad("must be clean (no empty, \".\" or \"..\" segment, no trailing \"/\")")
		}
	}
	for _, r := range ReservedPrefixes {
		if p == r || strings.HasPrefix(p, r+"/") {
			return bad("lies under " + r + ", which weft serve keeps for itself")
		}
	}
	return true
}

var (
	presets       = []string{"standard-webhooks", "hookdeck", "stripe", "github", "hmac", "none"}
	timedPresets  = []string{"standard-webhooks", "stripe"}
	hmacFields    = []string{"header", "algorithm", "encoding", "prefix"}
	verifyFields  = []string{"preset", "secrets", "tolerance", "header", "algorithm", "encoding", "prefix"}
	hmacAlgorithm = []string{"sha256", "sha1", "sha512"}
	hmacEncoding  = []string{"hex", "base64"}
)

func (d *decoder) decodeVerify(f field, what string) *Verify {
	what += ".verify"
	v := &Verify{Pos: d.nodePos(f.key)}
	fs, _ := d.mapping(f.val, what, verifyFields)
	if fs == nil {
		return v
	}
	p, ok := fs["preset"]
	if !ok {
		d.err(f.key, CodeVerify, what+": missing preset", "one of "+strings.Join(presets, ", "))
		return v
	}
	ps, ok := d.scalar(p.val, what+".preset")
	if !ok || !d.enum(ps, what+".preset", presets) {
		return v
	}
	v.Preset = ps.Text
	if v.Preset == "none" {
		for _, k := range verifyFields[1:] {
			if g, ok := fs[k]; ok {
				d.err(g.key, CodeVerify, fmt.Sprintf("%s: preset none takes no %s", what, k), "remove it, or choose a preset that verifies")
			}
		}
		return nil
	}
	if s, ok := fs["secrets"]; !ok {
		d.err(f.key, CodeVerify, what+": missing secrets", "list the signing secrets, each from a secret variable: secrets: [\"${WEBHOOK_SECRET}\"]")
	} else if list, ok := d.stringList(s.val, what+".secrets"); ok || len(list) > 0 {
		if len(list) == 0 && ok {
			d.err(s.val, CodeVerify, what+".secrets must not be empty", "list at least one secret")
		}
		for _, e := range list {
			if !e.ok {
				continue
			}
			if !e.Secret {
				d.errAt(e.Pos, CodeLiteralSecret, "signing secrets must come from a secret variable", "declare a variable with secret: true and write ${NAME}")
				continue
			}
			if e.Text == "" {
				d.errAt(e.Pos, CodeVerify, what+": a signing secret is empty", "set the variable it comes from")
				continue
			}
			v.Secrets = append(v.Secrets, e.Value)
		}
	}
	if contains(timedPresets, v.Preset) {
		v.Tolerance = DefaultTolerance
	}
	if t, ok := fs["tolerance"]; ok {
		if !contains(timedPresets, v.Preset) {
			d.err(t.key, CodeVerify, fmt.Sprintf("%s: preset %s has no timestamp: tolerance applies to %s only", what, v.Preset, strings.Join(timedPresets, " and ")), "remove it")
		} else if dur, ok := d.duration(t.val, what+".tolerance", false); ok {
			v.Tolerance = dur
		}
	}
	if v.Preset != "hmac" {
		for _, k := range hmacFields {
			if g, ok := fs[k]; ok {
				d.err(g.key, CodeVerify, fmt.Sprintf("%s: %s is a parameter of the hmac preset; preset %s fixes it", what, k, v.Preset), "remove it, or use preset: hmac")
			}
		}
		return v
	}
	if h, ok := d.required(fs, "header", f.key, what); ok {
		if s, ok := d.scalar(h.val, what+".header"); ok && s.ok {
			if !validHeaderName(s.Text) {
				d.errAt(s.Pos, CodeVerify, fmt.Sprintf("%s.header %s is not an HTTP header name", what, s.show()), "")
			} else {
				v.Header = s.Text
			}
		}
	}
	if a, ok := d.required(fs, "algorithm", f.key, what); ok {
		if s, ok := d.scalar(a.val, what+".algorithm"); ok && d.enum(s, what+".algorithm", hmacAlgorithm) {
			v.Algorithm = s.Text
		}
	}
	if e, ok := d.required(fs, "encoding", f.key, what); ok {
		if s, ok := d.scalar(e.val, what+".encoding"); ok && d.enum(s, what+".encoding", hmacEncoding) {
			v.Encoding = s.Text
		}
	}
	if e, ok := fs["prefix"]; ok {
		if s, ok := d.scalar(e.val, what+".prefix"); ok && s.ok {
			v.Prefix = s.Text
		}
	}
	return v
}

// validHeaderName reports an RFC 9110 token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}

func (d *decoder) decodeSchedule(f field, what string) *Schedule {
	what += ": schedule"
	s := &Schedule{TimeZone: DefaultTimeZone, Overlap: DefaultOverlap, Pos: d.nodePos(f.key)}
	fs, _ := d.mapping(f.val, what, []string{"cron", "every", "timeZone", "overlap"})
	if fs == nil {
		return s
	}
	c, hasC := fs["cron"]
	e, hasE := fs["every"]
	switch {
	case hasC && hasE:
		d.err(e.key, CodeTrigger, what+": give one of cron and every, not both", "")
	case !hasC && !hasE:
		d.err(f.key, CodeTrigger, what+": missing cron or every", "cron: \"0 3 * * *\" or every: 15m")
	case hasC:
		if v, ok := d.scalar(c.val, what+".cron"); ok && v.ok {
			if msg := checkCron(v.Text); msg != "" {
				d.errAt(v.Pos, CodeCron, fmt.Sprintf("%s.cron %s: %s", what, v.show(), msg),
					"five fields: minute hour day-of-month month day-of-week, as in \"0 3 * * *\"; or @daily, @hourly...")
			} else {
				s.Cron = v.Text
			}
		}
	default:
		if dur, ok := d.duration(e.val, what+".every", false); ok {
			s.Every = dur
		}
	}
	if z, ok := fs["timeZone"]; ok {
		if v, ok := d.scalar(z.val, what+".timeZone"); ok && v.ok {
			if loc, err := time.LoadLocation(v.Text); err != nil || v.Text == "" || v.Text == "Local" {
				d.errAt(v.Pos, CodeTimeZone, fmt.Sprintf("%s.timeZone %s is not a known IANA time zone", what, v.show()), "for example UTC, Europe/Paris, America/New_York")
			} else {
				s.TimeZone = loc.String()
			}
		}
	}
	if o, ok := fs["overlap"]; ok {
		if v, ok := d.scalar(o.val, what+".overlap"); ok && d.enum(v, what+".overlap", []string{"skip", "queue"}) {
			s.Overlap = v.Text
		}
	}
	return s
}

func (d *decoder) decodeRetry(f field, what string, fl *Flow) {
	what += ": retry"
	r := &fl.Retry
	r.Pos = d.nodePos(f.key)
	fs, _ := d.mapping(f.val, what, []string{"attempts", "initial", "max", "interrupted"})
	if v, ok := fs["attempts"]; ok {
		if n, ok := d.positiveInt(v.val, what+".attempts"); ok {
			r.Attempts = n
		}
	}
	d.backoff(fs, what, &r.Initial, &r.Max)
	if v, ok := fs["interrupted"]; ok {
		if s, ok := d.scalar(v.val, what+".interrupted"); ok && d.enum(s, what+".interrupted", []string{"retry", "resume-safe"}) {
			r.Interrupted = s.Text
		}
	}
}

// backoff decodes initial and max and checks initial <= max.
func (d *decoder) backoff(fs map[string]field, what string, initial, maxd *time.Duration) {
	iv, hasI := fs["initial"]
	mv, hasM := fs["max"]
	okI, okM := true, true
	if hasI {
		var t time.Duration
		if t, okI = d.duration(iv.val, what+".initial", false); okI {
			*initial = t
		}
	}
	if hasM {
		var t time.Duration
		if t, okM = d.duration(mv.val, what+".max", false); okM {
			*maxd = t
		}
	}
	if okI && okM && *initial > *maxd {
		n := iv.val
		if hasM {
			n = mv.val
		}
		d.err(n, CodeInvalidValue, fmt.Sprintf("%s: initial (%s) is longer than max (%s)", what, *initial, *maxd), "initial <= max")
	}
}

var dedupFields = []string{"key", "window"}

func (d *decoder) decodeDedup(f field, what string, fl *Flow) {
	what += ": dedup"
	fl.Dedup.Pos = d.nodePos(f.key)
	fs, _ := d.mapping(f.val, what, dedupFields)
	if v, ok := fs["key"]; ok {
		if s, ok := d.scalar(v.val, what+".key"); ok && s.ok {
			if d.requestExpr(s, what+".key") {
				fl.Dedup.Key = s.Text
			}
		}
	}
	if v, ok := fs["window"]; ok {
		if t, ok := d.duration(v.val, what+".window", true); ok {
			fl.Dedup.Window = t
		}
	}
}

// requestExpr checks that s is exactly one $request runtime expression.
func (d *decoder) requestExpr(s str, what string) bool {
	e, err := expression.Parse(s.Text)
	if err != nil {
		d.exprError(s, what, err)
		return false
	}
	return d.checkRoots(s, what, e.References())
}

func (d *decoder) exprError(s str, what string, err error) {
	pos := s.Pos
	msg := "not a runtime expression"
	if ee, ok := err.(*expression.Error); ok {
		if !s.Secret {
			msg = ee.Msg
		}
		if !s.subst && ee.Offset <= len(s.Text) {
			off := utf8.RuneCountInString(s.Text[:ee.Offset])
			if p, exact := d.textAt(s.node, off, s.Text[ee.Offset:]); exact {
				pos = p
			}
		}
	}
	text := s.show()
	d.errAt(pos, CodeExpression, fmt.Sprintf("%s: %s: %s", what, text, msg), "for example $request.body#/data/id or $request.header.X-Event")
}

// checkRoots allows only $request references.
func (d *decoder) checkRoots(s str, what string, refs []*expression.Reference) bool {
	ok := true
	for _, r := range refs {
		if r.Root == expression.RootRequest {
			continue
		}
		pos := s.Pos
		if !s.subst && r.Pos <= len(s.Text) {
			off := utf8.RuneCountInString(s.Text[:r.Pos])
			if p, exact := d.textAt(s.node, off, s.Text[r.Pos:]); exact {
				pos = p
			}
		}
		name := r.Text
		if s.Secret {
			name = "an expression"
		}
		d.errAt(pos, CodeExpressionRoot, fmt.Sprintf("%s: %s: an event mapping reads only $request (header, query, path, body)", what, name),
			"a trigger's event has no steps, inputs or responses yet; use $request.body#/..., $request.header.NAME, $request.query.NAME")
		ok = false
	}
	return ok
}

func (d *decoder) decodeInputs(n *yaml.Node, what string) []Input {
	fs, order := d.mapping(n, what+": inputs", nil)
	var out []Input
	for _, name := range order {
		f := fs[name]
		in := Input{Name: name, Pos: d.nodePos(f.key)}
		v, secret, ok := d.anyValue(f.val, what+": inputs."+name, 0)
		if !ok {
			continue
		}
		in.Expr, in.Secret = v, secret
		out = append(out, in)
	}
	return out
}

// anyValue decodes a mapping's value as plain Go values (map[string]any,
// []any, string, int, float64, bool, nil), substituting and checking each
// string as a runtime expression or template over $request.
func (d *decoder) anyValue(n *yaml.Node, what string, depth int) (any, bool, bool) {
	n = deref(n)
	if n == nil {
		return nil, false, true
	}
	switch n.Kind {
	case yaml.MappingNode:
		fs, order := d.mapping(n, what, nil)
		m := make(map[string]any, len(order))
		secret, ok := false, true
		for _, k := range order {
			v, s, good := d.anyValue(fs[k].val, what+"."+k, depth+1)
			m[k], secret, ok = v, secret || s, ok && good
		}
		return m, secret, ok
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		secret, ok := false, true
		for i, e := range n.Content {
			v, s, good := d.anyValue(e, what+"["+strconv.Itoa(i)+"]", depth+1)
			l, secret, ok = append(l, v), secret || s, ok && good
		}
		return l, secret, ok
	}
	if n.Tag != "!!str" && n.Tag != "" {
		var v any
		if err := n.Decode(&v); err != nil {
			d.err(n, CodeType, fmt.Sprintf("%s: cannot decode %s", what, kindName(n)), "")
			return nil, false, false
		}
		return v, false, true
	}
	s, _ := d.scalar(n, what)
	if !s.ok {
		return nil, s.Secret, false
	}
	c, err := expression.CompileValue(s.Text)
	if err != nil {
		d.exprError(s, what, err)
		return nil, s.Secret, false
	}
	if !d.checkRoots(s, what, c.References()) {
		return nil, s.Secret, false
	}
	return s.Text, s.Secret, true
}

var notifyFields = []string{"name", "url", "secret", "on", "outputs", "attempts", "initial", "max"}

func (d *decoder) decodeNotify(n *yaml.Node, what string) []*Notify {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		d.err(n, CodeType, fmt.Sprintf("%s: notify must be a list, found %s", what, kindName(n)), "")
		return nil
	}
	names := map[string]*Notify{}
	var out []*Notify
	for i, e := range n.Content {
		w := fmt.Sprintf("%s: notify[%d]", what, i)
		t := &Notify{Name: strconv.Itoa(i), Attempts: DefaultNotifyAttempts, Initial: DefaultNotifyInitial, Max: DefaultNotifyMax,
			On: []string{"succeeded", "failed", "dead"}, Pos: d.nodePos(e)}
		fs, _ := d.mapping(e, w, notifyFields)
		if fs == nil {
			continue
		}
		if v, ok := fs["name"]; ok {
			if s, ok := d.scalar(v.val, w+".name"); ok && s.ok {
				if !validFlowName(s.Text) {
					d.errAt(s.Pos, CodeInvalidValue, fmt.Sprintf("%s.name %s is not [A-Za-z0-9_.-]+", w, s.show()), "")
				} else {
					t.Name = s.Text
				}
			}
		}
		if first, dup := names[t.Name]; dup {
			dg := d.errAt(t.Pos, CodeDuplicateName, fmt.Sprintf("%s: notification target name %q is used twice", w, t.Name), "")
			dg.Related = []arazzo.RelatedInformation{{Pos: first.Pos, Message: "first used here"}}
		} else {
			names[t.Name] = t
		}
		if v, ok := d.required(fs, "url", e, w); ok {
			if s, ok := d.scalar(v.val, w+".url"); ok && s.ok && d.httpURL(s, w+".url") {
				t.URL = s.Value
			}
		}
		if v, ok := d.required(fs, "secret", e, w); ok {
			if s, ok := d.scalar(v.val, w+".secret"); ok && s.ok {
				switch {
				case !s.Secret:
					d.errAt(s.Pos, CodeLiteralSecret, w+".secret: signing secrets must come from a secret variable", "declare a variable with secret: true and write ${NAME}")
				case s.Text == "":
					d.errAt(s.Pos, CodeInvalidValue, w+".secret is empty", "set the variable it comes from")
				default:
					t.Secret = s.Value
				}
			}
		}
		if v, ok := fs["on"]; ok {
			if list, ok := d.stringList(v.val, w+".on"); ok {
				t.On = t.On[:0]
				for _, s := range list {
					if d.enum(s, w+".on", []string{"succeeded", "failed", "dead"}) && !contains(t.On, s.Text) {
						t.On = append(t.On, s.Text)
					}
				}
				if len(list) == 0 {
					d.err(v.val, CodeInvalidValue, w+".on must not be empty", "remove it to notify on every status")
				}
			}
		}
		if v, ok := fs["outputs"]; ok {
			if list, ok := d.stringList(v.val, w+".outputs"); ok {
				for _, s := range list {
					if s.ok {
						t.Outputs = append(t.Outputs, s.Text)
					}
				}
			}
		}
		if v, ok := fs["attempts"]; ok {
			if n, ok := d.positiveInt(v.val, w+".attempts"); ok {
				t.Attempts = n
			}
		}
		d.backoff(fs, w, &t.Initial, &t.Max)
		out = append(out, t)
	}
	return out
}
