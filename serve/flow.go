package serve

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/expression"
	"github.com/weftflow/weft/openapi"
	"github.com/weftflow/weft/runtime"
	"github.com/weftflow/weft/serve/definition"
	"github.com/weftflow/weft/webhook"
)

// flow is one compiled flow: its runner, mapping, dedup key, verifier and
// queue.
type flow struct {
	def      *definition.Flow
	runner   *runtime.Runner
	mapping  mapping
	dedup    expression.Value // nil: no dedup
	verifier webhook.Verifier // nil: no webhook, or verify: none
	// sigHeaders are the headers the verifier reads (dropped before the
	// request is stored, and fingerprinted by deliveryHash).
	sigHeaders []string
	queue      *queue
	// scheduled counts the flow's schedule runs not yet final (overlap).
	scheduled atomic.Int64
	limits    *sourceLimits
	// retryAfter holds, per attempt in flight, the last Retry-After a 429
	// or 503 answered with.
	retryAfter sync.Map // run id → time.Duration
}

// compileFlow loads fd's document and builds its runner, mapping, dedup
// expression and verifier. Mistakes the definition loader cannot see
// (an unknown workflow, a secret input mapped from the event) are
// diagnostics at the flow's position.
func (s *Server) compileFlow(ctx context.Context, fd *definition.Flow) (*flow, error) {
	f := &flow{def: fd}
	loadOpts := s.opts.loadOptions
	if loadOpts == nil {
		loadOpts = []arazzo.Option{arazzo.WithPolicy(arazzo.Policy{LocalRoot: localRoot(s.defPath(), fd.Document)})}
	}
	doc, err := arazzo.Load(ctx, fd.Document, loadOpts...)
	if err != nil {
		return nil, fmt.Errorf("flow %s: loading %s: %w", fd.Name, fd.Document, err)
	}
	f.limits, err = newSourceLimits(fd)
	if err != nil {
		return nil, err
	}
	client := s.opts.client
	if client == nil {
		client = &http.Client{}
	}
	if f.limits != nil {
		c := *client
		c.Transport = f.limits.transport(client.Transport)
		client = &c
	}
	ropts := []runtime.Option{
		runtime.WithHTTPClient(client),
		runtime.WithLogger(s.log.With(LogKeyFlow, fd.Name)),
		runtime.WithCredentials(flowCredentials(fd, s.opts.lookupEnv)),
		runtime.WithSecrets(s.secrets...),
	}
	for src, u := range fd.Servers {
		ropts = append(ropts, runtime.WithServer(src, u.Text))
	}
	ropts = append(ropts, s.opts.runtimeOptions...)
	r, err := runtime.New(doc, ropts...)
	if err != nil {
		return nil, fmt.Errorf("flow %s: %w", fd.Name, err)
	}
	f.runner = r
	var wf *arazzo.Workflow
	for _, w := range doc.Workflows {
		if w.WorkflowID == fd.Workflow {
			wf = w
		}
	}
	if wf == nil {
		return nil, arazzo.Diagnostics{{Severity: arazzo.SeverityError, Pos: fd.Pos, Code: CodeUnknownWorkflow,
			Message: fmt.Sprintf("flow %s: the document has no workflow %q (it has: %v)", fd.Name, fd.Workflow, r.Workflows())}}
	}
	schema, err := wf.InputSchema()
	if err != nil {
		return nil, fmt.Errorf("flow %s: reading the inputs schema: %w", fd.Name, err)
	}
	var diags arazzo.Diagnostics
	for _, in := range fd.Inputs {
		v, err := expression.CompileValue(in.Expr)
		if err != nil {
			diags = append(diags, arazzo.Diagnostic{Severity: arazzo.SeverityError, Pos: in.Pos, Code: CodeMapping,
				Message: fmt.Sprintf("flow %s: input %q: %v", fd.Name, in.Name, err)})
			continue
		}
		reads, body := readsEvent(v)
		secret := in.Secret
		if p := schema.Property(in.Name); p != nil && (p.Secret || p.Format == "password") {
			secret = true
		}
		if secret && reads {
			diags = append(diags, arazzo.Diagnostic{Severity: arazzo.SeverityError, Pos: in.Pos, Code: CodeSecretFromEvent,
				Message: fmt.Sprintf("flow %s: input %q is secret but its mapping reads the event", fd.Name, in.Name),
				Hint:    "weft serve never stores a secret, so it cannot keep one from the event for a retry or a replay; map the input from a secret variable (${NAME})"})
			continue
		}
		f.mapping.inputs = append(f.mapping.inputs, mappedInput{name: in.Name, val: v, secret: secret, readsBody: body})
	}
	if wh := fd.Trigger.Webhook; wh != nil && wh.Verify != nil {
		vc := webhook.Config{Preset: wh.Verify.Preset, Tolerance: wh.Verify.Tolerance,
			Header: wh.Verify.Header, Algorithm: wh.Verify.Algorithm, Encoding: wh.Verify.Encoding, Prefix: wh.Verify.Prefix}
		for _, sec := range wh.Verify.Secrets {
			vc.Secrets = append(vc.Secrets, sec.Text)
		}
		v, err := webhook.New(vc)
		if err != nil {
			diags = append(diags, arazzo.Diagnostic{Severity: arazzo.SeverityError, Pos: wh.Verify.Pos, Code: CodeVerify,
				Message: fmt.Sprintf("flow %s: verify: %v", fd.Name, err)})
		} else {
			f.verifier = v
			f.sigHeaders = v.SignatureHeaders()
		}
	}
	key := fd.Dedup.Key
	if key == "" && fd.Trigger.Webhook != nil && fd.Trigger.Webhook.Verify != nil {
		key = webhook.DedupKey(fd.Trigger.Webhook.Verify.Preset)
	}
	if key != "" {
		v, err := expression.CompileValue(key)
		if err != nil {
			diags = append(diags, arazzo.Diagnostic{Severity: arazzo.SeverityError, Pos: fd.Dedup.Pos, Code: CodeMapping,
				Message: fmt.Sprintf("flow %s: dedup key: %v", fd.Name, err)})
		} else {
			f.dedup = v
		}
	}
	if len(diags) > 0 {
		return nil, diags
	}
	n := fd.Concurrency
	if n <= 0 {
		n = 1
	}
	f.queue = newQueue(n)
	return f, nil
}

// flowCredentials returns the credentials of fd's runs: the parts the
// definition gives, then the environment as weft run reads it.
func flowCredentials(fd *definition.Flow, lookup func(string) (string, bool)) openapi.Credentials {
	env := openapi.EnvCredentials{Lookup: lookup}
	if len(fd.Credentials) == 0 {
		return env
	}
	return openapi.CredentialsFunc(func(ctx context.Context, source string, sc *openapi.SecurityScheme) (openapi.Credential, bool, error) {
		c, ok, err := env.Credential(ctx, source, sc)
		if err != nil {
			return c, ok, err
		}
		parts := fd.Credentials[source][sc.Name]
		for part, v := range parts {
			switch part {
			case "token":
				c.Token = v.Text
			case "apiKey":
				c.APIKey = v.Text
			case "username":
				c.Username = v.Text
			case "password":
				c.Password = v.Text
			case "clientId":
				c.ClientID = v.Text
			case "clientSecret":
				c.ClientSecret = v.Text
			default:
				continue
			}
			ok = true
		}
		return c, ok, nil
	})
}

// localRoot is the local tree a flow's document may read by default: the
// deepest directory holding both the definition file and the document.
// The operator who wrote the definition chose the document; what the
// document names stays within the tree the two share.
func localRoot(defPath, docPath string) string {
	a, err1 := filepath.Abs(filepath.Dir(defPath))
	b, err2 := filepath.Abs(filepath.Dir(docPath))
	if err1 != nil || err2 != nil {
		return ""
	}
	for {
		rel, err := filepath.Rel(a, b)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return a
		}
		parent := filepath.Dir(a)
		if parent == a {
			return a
		}
		a = parent
	}
}
