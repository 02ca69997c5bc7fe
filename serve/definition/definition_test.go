package definition

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/weftflow/weft/arazzo"
)

// testEnv is the environment of the tests: every required variable of
// testdata/hookdeck.yml is set.
var testEnv = map[string]string{
	"HOOKDECK_KEY":   "hk_live_key",
	"WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	"NOTIFY_SECRET":  "whsec_notify",
}

func lookup(env map[string]string) Option {
	return WithLookupEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
}

func TestLoadWorkedExample(t *testing.T) {
	f, err := Load(context.Background(), "testdata/hookdeck.yml", lookup(testEnv))
	if err != nil {
		t.Fatal(err)
	}
	pos := func(line, col int) arazzo.Position {
		return arazzo.Position{File: "testdata/hookdeck.yml", Line: line, Column: col}
	}
	if f.Path != "testdata/hookdeck.yml" || f.Listen != "127.0.0.1:8080" || f.Store != filepath.Join("testdata", "weft.db") || f.DrainTimeout != 30*time.Second {
		t.Errorf("top level: %+v", f)
	}
	if f.AdminToken != (Value{Text: "", Secret: true, Pos: pos(6, 10)}) {
		t.Errorf("admin token %+v", f.AdminToken)
	}
	wantVars := []Var{
		{Name: "HOOKDECK_URL", Env: "HOOKDECK_URL", Default: "http://127.0.0.1:9000/2025-07-01", HasDefault: true, Value: "http://127.0.0.1:9000/2025-07-01", Pos: pos(8, 3)},
		{Name: "HOOKDECK_API_KEY", Env: "HOOKDECK_KEY", Secret: true, Value: "hk_live_key", Pos: pos(9, 3)},
		{Name: "WEBHOOK_SECRET", Env: "WEBHOOK_SECRET", Secret: true, Value: testEnv["WEBHOOK_SECRET"], Pos: pos(10, 3)},
		{Name: "ADMIN_TOKEN", Env: "ADMIN_TOKEN", Secret: true, HasDefault: true, Pos: pos(11, 3)},
		{Name: "NOTIFY_URL", Env: "NOTIFY_URL", Default: "http://127.0.0.1:9100/notify", HasDefault: true, Value: "http://127.0.0.1:9100/notify", Pos: pos(12, 3)},
		{Name: "NOTIFY_SECRET", Env: "NOTIFY_SECRET", Secret: true, Value: "whsec_notify", Pos: pos(13, 3)},
	}
	if len(f.Vars) != len(wantVars) {
		t.Fatalf("%d vars", len(f.Vars))
	}
	for i, v := range f.Vars {
		if *v != wantVars[i] {
			t.Errorf("var %d:\n got %+v\nwant %+v", i, *v, wantVars[i])
		}
	}
	if len(f.Flows) != 2 {
		t.Fatalf("%d flows", len(f.Flows))
	}
	doc := filepath.Join("testdata", "../../../testdata/hookdeck/arazzo/hookdeck-attach-integration-to-source-workflow.yml")
	if _, err := os.Stat(doc); err != nil {
		t.Errorf("the example's document does not resolve: %v", err)
	}
	url := "http://127.0.0.1:9000/2025-07-01"
	a := f.Flows[0]
	want := &Flow{
		Name: "attach-source", Document: doc, Workflow: "attach-integration-to-source",
		Servers:     map[string]Value{"sourcesApi": {Text: url, Pos: pos(18, 27)}, "integrationsApi": {Text: url, Pos: pos(18, 63)}},
		Credentials: map[string]map[string]map[string]Value{"sourcesApi": {"bearerAuth": {"token": {Text: "hk_live_key", Secret: true, Pos: pos(19, 52)}}}},
		Trigger: Trigger{Webhook: &Webhook{Path: "/hooks/attach-source", MaxBodyBytes: 1 << 20, Pos: pos(22, 15),
			Verify: &Verify{Preset: "standard-webhooks", Secrets: []Value{{Text: testEnv["WEBHOOK_SECRET"], Secret: true, Pos: pos(23, 55)}},
				Tolerance: 5 * time.Minute, Pos: pos(23, 9)}}},
		Inputs: []Input{
			{Name: "sourceName", Expr: "$request.body#/data/name", Pos: pos(26, 7)},
			{Name: "integrationLabel", Expr: "Label {$request.body#/data/label}", Pos: pos(27, 7)},
			{Name: "provider", Expr: "HMAC", Pos: pos(28, 7)},
		},
		Dedup:        Dedup{Key: "$request.header.webhook-id", Window: 24 * time.Hour, Pos: pos(29, 5)},
		Concurrency:  4,
		SourceLimits: map[string]int{"sourcesApi": 2},
		Retry:        Retry{Attempts: 3, Initial: time.Second, Max: 5 * time.Minute, Interrupted: "resume-safe", Pos: pos(32, 5)},
		Notify: []*Notify{{Name: "ops", URL: Value{Text: "http://127.0.0.1:9100/notify", Pos: pos(36, 14)},
			Secret: Value{Text: "whsec_notify", Secret: true, Pos: pos(37, 17)}, On: []string{"succeeded", "dead"},
			Outputs: []string{"sourceId"}, Attempts: 5, Initial: time.Second, Max: 5 * time.Minute, Pos: pos(35, 9)}},
		KeepBody: true,
		Pos:      pos(15, 3),
	}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("flow attach-source:\n got %s\nwant %s", dump(a), dump(want))
	}
	n := f.Flows[1]
	if n.Name != "nightly" || n.Trigger.Webhook != nil || n.Trigger.Schedule == nil {
		t.Fatalf("nightly: %+v", n)
	}
	if s := *n.Trigger.Schedule; s != (Schedule{Cron: "0 3 * * *", TimeZone: "Europe/Paris", Overlap: "skip", Pos: pos(45, 15)}) {
		t.Errorf("schedule %+v", s)
	}
	// defaults of a flow that gives none
	if n.Concurrency != 4 || !n.KeepBody || n.Dedup.Key != "" || n.Dedup.Window != 24*time.Hour ||
		n.Retry.Attempts != 3 || n.Retry.Initial != time.Second || n.Retry.Max != 5*time.Minute || n.Retry.Interrupted != "resume-safe" {
		t.Errorf("nightly defaults: %+v", n)
	}
}

func dump(f *Flow) string {
	s := strings.Builder{}
	s.WriteString(strings.ReplaceAll(strings.TrimSpace(sprintf("%+v", *f)), " ", " "))
	if w := f.Trigger.Webhook; w != nil {
		s.WriteString(sprintf(" webhook=%+v", *w))
		if w.Verify != nil {
			s.WriteString(sprintf(" verify=%+v", *w.Verify))
		}
	}
	for _, n := range f.Notify {
		s.WriteString(sprintf(" notify=%+v", *n))
	}
	return s.String()
}

// defaults: a minimal file fills every default.
func TestDefaults(t *testing.T) {
	src := `weft: serve/v1
vars:
  S: {secret: true}
flows:
  a:
    document: doc.yml
    workflow: w
    trigger:
      webhook:
        path: /a
        verify: {preset: standard-webhooks, secrets: ["${S}"]}
    notify:
      - url: https://example.com/n
        secret: ${S}
  b:
    document: /abs/doc.yml
    workflow: w
    trigger: {schedule: {every: 1d12h}}
`
	f, err := Parse("dir/serve.yml", []byte(src), lookup(map[string]string{"S": "s3cr3t"}))
	if err != nil {
		t.Fatal(err)
	}
	if f.Listen != DefaultListen || f.Store != filepath.Join("dir", "weft.db") || f.DrainTimeout != 30*time.Second || f.AdminToken.Text != "" {
		t.Errorf("top: %+v", f)
	}
	a := f.Flows[0]
	if a.Document != filepath.Join("dir", "doc.yml") || a.Concurrency != 4 || !a.KeepBody {
		t.Errorf("flow a: %+v", a)
	}
	w := a.Trigger.Webhook
	if w.MaxBodyBytes != 1<<20 || w.Verify.Tolerance != 5*time.Minute {
		t.Errorf("webhook %+v %+v", w, w.Verify)
	}
	nt := a.Notify[0]
	if nt.Name != "0" || nt.Attempts != 5 || nt.Initial != time.Second || nt.Max != 5*time.Minute ||
		!reflect.DeepEqual(nt.On, []string{"succeeded", "failed", "dead"}) || nt.Outputs != nil {
		t.Errorf("notify %+v", nt)
	}
	b := f.Flows[1]
	if b.Document != "/abs/doc.yml" || b.Trigger.Schedule.Every != 36*time.Hour || b.Trigger.Schedule.TimeZone != "UTC" || b.Trigger.Schedule.Overlap != "skip" {
		t.Errorf("flow b: %+v %+v", b, b.Trigger.Schedule)
	}
}

// head is the start of every file in the table: variables for every test.
const head = `weft: serve/v1
vars:
  S: {secret: true}
  PLAIN: {default: plain}
flows:
`

// flowHead is one flow's opening, lines 6-8; the flow's fields go on from
// line 9 at column 5.
const flowHead = head + `  f:
    document: d.yml
    workflow: w
`

var badFiles = []struct {
	name, src string
	code      string
	line, col int
	msg       string
}{
	{"empty", ``, CodeSyntax, 1, 1, "the definition file is empty"},
	{"not a mapping", "- a\n", CodeSyntax, 1, 1, "must be a mapping, found a list"},
	{"syntax", "weft: serve/v1\nflows: [\n", CodeSyntax, 2, 1, "cannot parse"},
	{"no marker", "flows: {f: {document: d, workflow: w}}\n", CodeMarker, 1, 1, "missing the format marker"},
	{"wrong marker", "weft: serve/v2\nflows: {f: {document: d, workflow: w}}\n", CodeMarker, 1, 7, `unknown format "serve/v2"`},
	{"unknown top field", "weft: serve/v1\nlisten: :8080\nflowz: {}\n", CodeUnknownField, 3, 1, `unknown field "flowz" in the definition file`},
	{"no flows", "weft: serve/v1\n", CodeMissingField, 1, 1, `missing required field "flows"`},
	{"empty flows", "weft: serve/v1\nflows: {}\n", CodeMissingField, 2, 1, "flows is empty"},
	{"duplicate key", "weft: serve/v1\nweft: serve/v1\nflows: {f: {document: d, workflow: w}}\n", CodeDuplicateKey, 2, 1, `duplicate key "weft"`},
	{"bad listen", "weft: serve/v1\nlisten: localhost\nflows: {f: {document: d, workflow: w}}\n", CodeInvalidValue, 2, 9, "is not host:port"},
	{"bad drain", "weft: serve/v1\ndrainTimeout: 30\nflows: {f: {document: d, workflow: w}}\n", CodeDuration, 2, 15, `drainTimeout: "30" is not a duration`},
	{"literal admin token", "weft: serve/v1\nadmin: {token: hunter2}\nflows: {f: {document: d, workflow: w}}\n", CodeLiteralSecret, 2, 16, "admin.token must come from a secret variable"},
	{"flow name", head + "  bad/name: {document: d, workflow: w}\n", CodeFlowName, 6, 3, `flow name "bad/name"`},
	{"missing document", head + "  f: {workflow: w}\n", CodeMissingField, 6, 3, `flow f: missing required field "document"`},
	{"empty workflow", head + "  f: {document: d, workflow: \"\"}\n", CodeInvalidValue, 6, 30, "workflow must not be empty"},
	{"flow unknown field", flowHead + "    concurency: 2\n", CodeUnknownField, 9, 5, `unknown field "concurency" in flow f`},
	{"flow wrong type", flowHead + "    concurrency: four\n", CodeType, 9, 18, "concurrency must be a positive integer, found a string"},
	{"flow zero", flowHead + "    concurrency: 0\n", CodeInvalidValue, 9, 18, "must be a positive integer"},
	{"keepBody type", flowHead + "    keepBody: yes please\n", CodeType, 9, 15, "keepBody must be true or false"},
	{"servers list", flowHead + "    servers: [a]\n", CodeType, 9, 14, "servers must be a mapping, found a list"},
	{"server url", flowHead + "    servers: {api: ftp://x}\n", CodeURL, 9, 20, "is not an http(s) URL"},
	{"unknown var", flowHead + "    servers: {api: \"https://${HOOKDEK}/x\"}\n", CodeUnknownVar, 9, 29, "unknown variable HOOKDEK"},
	{"unclosed var", flowHead + "    servers: {api: \"https://${S\"}\n", CodeVarSyntax, 9, 29, "unclosed ${"},
	{"bad var ref", flowHead + "    servers: {api: \"https://${a-b}\"}\n", CodeVarSyntax, 9, 29, "is not a variable reference"},
	{"var in default", "weft: serve/v1\nvars:\n  A: {default: \"x${B}\"}\n  B: {default: y}\nflows: {f: {document: d, workflow: w}}\n", CodeVarSyntax, 3, 18, "a default cannot reference a variable"},
	{"missing env", "weft: serve/v1\nvars:\n  K: {env: NOT_SET_ANYWHERE}\nflows: {f: {document: d, workflow: w}}\n", CodeMissingVar, 3, 3, "environment variable NOT_SET_ANYWHERE (its env) is not set"},
	{"bad env name", "weft: serve/v1\nvars:\n  K: {env: \"A-B\", default: x}\nflows: {f: {document: d, workflow: w}}\n", CodeVarSyntax, 3, 12, "is not an environment variable name"},
	{"var unknown field", "weft: serve/v1\nvars:\n  K: {secrte: true}\nflows: {f: {document: d, workflow: w}}\n", CodeUnknownField, 3, 7, `unknown field "secrte" in variable K`},
	{"both triggers", flowHead + "    trigger:\n      webhook: {path: /a, verify: {preset: none}}\n      schedule: {every: 1m}\n", CodeTrigger, 11, 7, "at most one of webhook and schedule"},
	{"no verify", flowHead + "    trigger: {webhook: {path: /a}}\n", CodeVerify, 9, 15, "missing verify"},
	{"path no slash", flowHead + "    trigger: {webhook: {path: a, verify: {preset: none}}}\n", CodeWebhookPath, 9, 31, `must start with "/"`},
	{"path reserved", flowHead + "    trigger: {webhook: {path: /admin/x, verify: {preset: none}}}\n", CodeWebhookPath, 9, 31, "lies under /admin"},
	{"path healthz", flowHead + "    trigger: {webhook: {path: /healthz, verify: {preset: none}}}\n", CodeWebhookPath, 9, 31, "lies under /healthz"},
	{"path unclean", flowHead + "    trigger: {webhook: {path: /a/../b, verify: {preset: none}}}\n", CodeWebhookPath, 9, 31, "must be clean"},
	{"duplicate path", head + "  a: {document: d, workflow: w, trigger: {webhook: {path: /x, verify: {preset: none}}}}\n  b: {document: d, workflow: w, trigger: {webhook: {path: /x, verify: {preset: none}}}}\n", CodeDuplicatePath, 7, 59, "webhook path /x is already served"},
	{"unknown preset", flowHead + "    trigger: {webhook: {path: /a, verify: {preset: stripee}}}\n", CodeInvalidValue, 9, 52, `did-you-mean:stripe`},
	{"no preset", flowHead + "    trigger: {webhook: {path: /a, verify: {secrets: [\"${S}\"]}}}\n", CodeVerify, 9, 35, "missing preset"},
	{"literal secret", flowHead + "    trigger: {webhook: {path: /a, verify: {preset: github, secrets: [abc]}}}\n", CodeLiteralSecret, 9, 70, "signing secrets must come from a secret variable"},
	{"plain var secret", flowHead + "    trigger: {webhook: {path: /a, verify: {preset: github, secrets: [\"${PLAIN}\"]}}}\n", CodeLiteralSecret, 9, 70, "signing secrets must come from a secret variable"},
	{"no secrets", flowHead + "    trigger: {webhook: {path: /a, verify: {preset: github}}}\n", CodeVerify, 9, 35, "missing secrets"},
	{"empty secrets", flowHead + "    trigger: {webhook: {path: /a, verify: {preset: github, secrets: []}}}\n", CodeVerify, 9, 69, "secrets must not be empty"},
	{"none with secrets", flowHead + "    trigger: {webhook: {path: /a, verify: {preset: none, secrets: [\"${S}\"]}}}\n", CodeVerify, 9, 58, "preset none takes no secrets"},
	{"tolerance on github", flowHead + "    trigger: {webhook: {path: /a, verify: {preset: github, secrets: [\"${S}\"], tolerance: 1m}}}\n", CodeVerify, 9, 79, "preset github has no timestamp"},
	{"hmac field on preset", flowHead + "    trigger: {webhook: {path: /a, verify: {preset: stripe, secrets: [\"${S}\"], header: X}}}\n", CodeVerify, 9, 79, "header is a parameter of the hmac preset"},
	{"hmac no header", flowHead + "    trigger: {webhook: {path: /a, verify: {preset: hmac, secrets: [\"${S}\"], algorithm: sha256, encoding: hex}}}\n", CodeMissingField, 9, 35, `missing required field "header"`},
	{"hmac algorithm", flowHead + "    trigger: {webhook: {path: /a, verify: {preset: hmac, secrets: [\"${S}\"], header: X-Sig, algorithm: md5, encoding: hex}}}\n", CodeInvalidValue, 9, 103, "algorithm must be one of sha256, sha1, sha512"},
	{"hmac encoding", flowHead + "    trigger: {webhook: {path: /a, verify: {preset: hmac, secrets: [\"${S}\"], header: X-Sig, algorithm: sha1, encoding: base32}}}\n", CodeInvalidValue, 9, 119, "encoding must be one of hex, base64"},
	{"hmac header name", flowHead + "    trigger: {webhook: {path: /a, verify: {preset: hmac, secrets: [\"${S}\"], header: \"X Sig\", algorithm: sha1, encoding: hex}}}\n", CodeVerify, 9, 85, "is not an HTTP header name"},
	{"bad size", flowHead + "    trigger: {webhook: {path: /a, maxBodyBytes: 1MB2, verify: {preset: none}}}\n", CodeSize, 9, 49, "is not a size"},
	{"bad tolerance", flowHead + "    trigger: {webhook: {path: /a, verify: {preset: stripe, secrets: [\"${S}\"], tolerance: 5 minutes}}}\n", CodeDuration, 9, 90, "is not a duration"},
	{"schedule neither", flowHead + "    trigger: {schedule: {timeZone: UTC}}\n", CodeTrigger, 9, 15, "missing cron or every"},
	{"schedule both", flowHead + "    trigger: {schedule: {cron: \"* * * * *\", every: 1m}}\n", CodeTrigger, 9, 45, "one of cron and every, not both"},
	{"cron fields", flowHead + "    trigger: {schedule: {cron: \"0 0 3 * * *\"}}\n", CodeCron, 9, 32, "expected 5 fields"},
	{"cron range", flowHead + "    trigger: {schedule: {cron: \"61 3 * * *\"}}\n", CodeCron, 9, 32, "above maximum"},
	{"cron every", flowHead + "    trigger: {schedule: {cron: \"@every 5m\"}}\n", CodeCron, 9, 32, "@every is written as every"},
	{"time zone", flowHead + "    trigger: {schedule: {cron: \"0 3 * * *\", timeZone: Mars/Olympus}}\n", CodeTimeZone, 9, 55, "is not a known IANA time zone"},
	{"overlap", flowHead + "    trigger: {schedule: {every: 1m, overlap: skipp}}\n", CodeInvalidValue, 9, 46, "overlap must be one of skip, queue"},
	{"every zero", flowHead + "    trigger: {schedule: {every: 0s}}\n", CodeDuration, 9, 33, "every must be longer than 0"},
	{"input root", flowHead + "    inputs: {id: $steps.a.outputs.id}\n", CodeExpressionRoot, 9, 18, "an event mapping reads only $request"},
	{"input template root", flowHead + "    inputs: {id: \"x {$inputs.y}\"}\n", CodeExpressionRoot, 9, 22, "$inputs.y"},
	{"input nested root", flowHead + "    inputs:\n      obj:\n        list: [1, $response.body]\n", CodeExpressionRoot, 11, 19, "$response.body"},
	{"input bad expression", flowHead + "    inputs: {id: $request.bdy}\n", CodeExpression, 9, 27, "inputs.id"},
	{"input unknown var", flowHead + "    inputs: {id: \"${PLAN}\"}\n", CodeUnknownVar, 9, 19, "did-you-mean:PLAIN"},
	{"dedup root", flowHead + "    dedup: {key: $inputs.id}\n", CodeExpressionRoot, 9, 18, "an event mapping reads only $request"},
	{"dedup template", flowHead + "    dedup: {key: \"id {$request.body#/id}\"}\n", CodeExpression, 9, 19, "dedup.key"},
	{"dedup window", flowHead + "    dedup: {window: forever}\n", CodeDuration, 9, 21, "is not a duration"},
	{"retry interrupted", flowHead + "    retry: {interrupted: resume}\n", CodeInvalidValue, 9, 26, "interrupted must be one of retry, resume-safe"},
	{"retry attempts", flowHead + "    retry: {attempts: 0}\n", CodeInvalidValue, 9, 23, "attempts must be a positive integer"},
	{"retry order", flowHead + "    retry: {initial: 10m, max: 1m}\n", CodeInvalidValue, 9, 32, "initial (10m0s) is longer than max (1m0s)"},
	{"retry initial vs default max", flowHead + "    retry: {initial: 1h}\n", CodeInvalidValue, 9, 22, "longer than max (5m0s)"},
	{"source limit", flowHead + "    sourceLimits: {api: -1}\n", CodeInvalidValue, 9, 25, "must be a positive integer"},
	{"credential literal", flowHead + "    credentials: {api: {bearer: {token: abc}}}\n", CodeLiteralSecret, 9, 41, "token must come from a secret variable"},
	{"credential part", flowHead + "    credentials: {api: {bearer: {tokn: \"${S}\"}}}\n", CodeUnknownField, 9, 34, "did-you-mean:token"},
	{"notify not list", flowHead + "    notify: {url: x}\n", CodeType, 9, 13, "notify must be a list"},
	{"notify url", flowHead + "    notify: [{url: \"mailto:a@b\", secret: \"${S}\"}]\n", CodeURL, 9, 20, "is not an http(s) URL"},
	{"notify literal secret", flowHead + "    notify: [{url: \"https://x\", secret: abc}]\n", CodeLiteralSecret, 9, 41, "signing secrets must come from a secret variable"},
	{"notify no url", flowHead + "    notify: [{secret: \"${S}\"}]\n", CodeMissingField, 9, 14, `missing required field "url"`},
	{"notify on", flowHead + "    notify: [{url: \"https://x\", secret: \"${S}\", on: [succeeded, crashed]}]\n", CodeInvalidValue, 9, 65, "on must be one of succeeded, failed, dead"},
	{"notify dup name", flowHead + "    notify:\n      - {name: a, url: \"https://x\", secret: \"${S}\"}\n      - {name: a, url: \"https://y\", secret: \"${S}\"}\n", CodeDuplicateName, 11, 9, `name "a" is used twice`},
	{"merge key", flowHead + "    <<: {concurrency: 2}\n", CodeUnknownField, 9, 5, "merge keys"},
}

func TestBadFiles(t *testing.T) {
	env := map[string]string{"S": "the-signing-secret"}
	for _, tc := range badFiles {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("bad.yml", []byte(tc.src), lookup(env))
			var ds arazzo.Diagnostics
			if !errors.As(err, &ds) {
				t.Fatalf("error %v (%T), want arazzo.Diagnostics", err, err)
			}
			for _, d := range ds {
				if d.Code != tc.code || d.Pos.Line != tc.line || d.Pos.Column != tc.col {
					continue
				}
				if want, ok := strings.CutPrefix(tc.msg, "did-you-mean:"); ok {
					if !strings.Contains(d.Hint, `"`+want+`"`) && !strings.Contains(d.Hint, " "+want+"?") {
						t.Errorf("hint %q, want a suggestion of %s", d.Hint, want)
					}
					if len(d.SuggestedFixes) != 1 || d.SuggestedFixes[0].Edits[0].NewText != want {
						t.Errorf("suggested fixes %+v, want one naming %s", d.SuggestedFixes, want)
					} else if got := applyFix(tc.src, d.SuggestedFixes[0].Edits[0]); strings.Contains(got, "stripee") || !strings.Contains(got, want) {
						t.Errorf("the fix gives %q", got)
					}
					return
				}
				if !strings.Contains(d.Message, tc.msg) {
					t.Errorf("message %q, want it to contain %q", d.Message, tc.msg)
				}
				if d.Pos.File != "bad.yml" {
					t.Errorf("file %q", d.Pos.File)
				}
				return
			}
			t.Errorf("no %s diagnostic at %d:%d; got:\n%s", tc.code, tc.line, tc.col, codes(ds))
		})
	}
}

func codes(ds arazzo.Diagnostics) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(sprintf("  [%s] %s\n", d.Code, d.String()))
	}
	return b.String()
}

// applyFix applies one single-line edit to src.
func applyFix(src string, e arazzo.TextEdit) string {
	lines := strings.Split(src, "\n")
	l := []rune(lines[e.Pos.Line-1])
	lines[e.Pos.Line-1] = string(l[:e.Pos.Column-1]) + e.NewText + string(l[e.End.Column-1:])
	return strings.Join(lines, "\n")
}

// A misspelled field's suggested fix renames it, and the result loads.
func TestSuggestedFixLoads(t *testing.T) {
	src := flowHead + "    concurency: 2\n"
	_, err := Parse("f.yml", []byte(src), lookup(map[string]string{"S": "x"}))
	ds := err.(arazzo.Diagnostics)
	if len(ds) != 1 || len(ds[0].SuggestedFixes) != 1 {
		t.Fatalf("%v", ds)
	}
	fixed := applyFix(src, ds[0].SuggestedFixes[0].Edits[0])
	f, err := Parse("f.yml", []byte(fixed), lookup(map[string]string{"S": "x"}))
	if err != nil || f.Flows[0].Concurrency != 2 {
		t.Fatalf("after the fix: %v", err)
	}
}

// Secret values never appear in a diagnostic, even when the secret is
// misused where a message would quote the value.
func TestSecretNeverInDiagnostics(t *testing.T) {
	const secret = "sk_live_TOPSECRET_42"
	src := `weft: serve/v1
listen: ${K}
drainTimeout: ${K}
vars:
  K: {secret: true}
flows:
  f:
    document: d
    workflow: w
    servers: {api: "${K}"}
    trigger:
      webhook:
        path: ${K}
        maxBodyBytes: ${K}
        verify: {preset: hmac, secrets: ["${K}"], header: "${K}", algorithm: "${K}", encoding: "${K}"}
    inputs: {a: "${K}", b: "$request.${K}", c: "x {$steps.${K}.outputs.y}"}
    dedup: {key: "$request.${K}", window: "${K}"}
    retry: {interrupted: "${K}", initial: "${K}"}
    notify: [{name: "${K}", url: "${K}", secret: "${K}", on: ["${K}"]}]
  g:
    document: d
    workflow: w
    trigger: {schedule: {cron: "${K}", timeZone: "${K}", overlap: "${K}"}}
`
	_, err := Parse("s.yml", []byte(src), lookup(map[string]string{"K": secret}))
	ds, ok := err.(arazzo.Diagnostics)
	if !ok || len(ds) < 15 {
		t.Fatalf("want many diagnostics, got %v", err)
	}
	for _, d := range ds {
		all := d.String() + d.Hint + d.Pointer
		for _, f := range d.SuggestedFixes {
			all += f.Message
			for _, e := range f.Edits {
				all += e.NewText
			}
		}
		for _, r := range d.Related {
			all += r.Message
		}
		if strings.Contains(all, "TOPSECRET") {
			t.Errorf("the secret leaks: %s", d)
		}
	}
	if !strings.Contains(err.Error(), "not shown") {
		t.Errorf("messages should say a secret value is not shown:\n%v", err)
	}
}

// The Secret flags follow the variables used.
func TestSecretFlags(t *testing.T) {
	src := flowHead + `    servers: {api: "https://${PLAIN}", priv: "https://x/${S}"}
    inputs: {a: "${S}", b: {c: ["${S}"]}, d: "${PLAIN}", e: $request.body}
`
	f, err := Parse("f.yml", []byte(src), lookup(map[string]string{"S": "s"}))
	if err != nil {
		t.Fatal(err)
	}
	fl := f.Flows[0]
	if fl.Servers["api"].Secret || !fl.Servers["priv"].Secret || fl.Servers["api"].Text != "https://plain" {
		t.Errorf("servers %+v", fl.Servers)
	}
	want := map[string]bool{"a": true, "b": true, "d": false, "e": false}
	for _, in := range fl.Inputs {
		if in.Secret != want[in.Name] {
			t.Errorf("input %s: secret %v", in.Name, in.Secret)
		}
	}
	if b := fl.Inputs[1].Expr; !reflect.DeepEqual(b, map[string]any{"c": []any{"s"}}) {
		t.Errorf("input b %#v", b)
	}
}

func TestSubstitution(t *testing.T) {
	src := flowHead + `    inputs:
      lit: "$${S} and ${PLAIN}"
      num: 42
      flag: true
      nul: null
`
	f, err := Parse("f.yml", []byte(src), lookup(map[string]string{"S": "s", "PLAIN": "from-env"}))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]any{}
	for _, in := range f.Flows[0].Inputs {
		got[in.Name] = in.Expr
	}
	want := map[string]any{"lit": "${S} and from-env", "num": 42, "flag": true, "nul": nil}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("inputs %#v, want %#v", got, want)
	}
	if v := f.Vars[1]; v.Value != "from-env" || v.Default != "plain" {
		t.Errorf("PLAIN %+v", v)
	}
}

func TestDurationsAndSizes(t *testing.T) {
	for s, want := range map[string]time.Duration{"30s": 30 * time.Second, "1d": 24 * time.Hour, "2d3h": 51 * time.Hour, "1h30m": 90 * time.Minute, "0": 0} {
		if got, err := parseDuration(s); err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "d", "1.5d", "5 minutes", "3", "1dd", "-1d"} {
		if got, err := parseDuration(s); err == nil && s != "3" {
			t.Errorf("parseDuration(%q) = %v, want an error", s, got)
		}
	}
	for s, want := range map[string]int64{"1MiB": 1 << 20, "512KiB": 512 << 10, "10MB": 10_000_000, "100B": 100, "4096": 4096, "1GiB": 1 << 30} {
		if got, ok := parseSize(s); !ok || got != want {
			t.Errorf("parseSize(%q) = %v, %v", s, got, ok)
		}
	}
	for _, s := range []string{"", "MiB", "1.5MiB", "-1", "1TiB", "99999999999999GiB"} {
		if got, ok := parseSize(s); ok {
			t.Errorf("parseSize(%q) = %v, want an error", s, got)
		}
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Load(ctx, "testdata/hookdeck.yml", lookup(testEnv))
	var ds arazzo.Diagnostics
	if !errors.As(err, &ds) || ds[0].Code != CodeCancelled {
		t.Fatalf("%v", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(context.Background(), "testdata/nope.yml")
	var ds arazzo.Diagnostics
	if !errors.As(err, &ds) || ds[0].Code != CodeRead || ds[0].Pos.File != "testdata/nope.yml" {
		t.Fatalf("%v", err)
	}
}
