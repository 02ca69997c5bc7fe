package expression

import "net/http"

// Values is a ready-made Env backed by plain fields, for tests and simple
// callers. The zero value resolves nothing. Maps are read, never written,
// so a Values may be shared by concurrent evaluations once filled.
type Values struct {
	URL    string // $url ("" = absent)
	Method string // $method ("" = absent)
	// StatusCode is $statusCode (0 = absent).
	StatusCode int
	Self       string // $self ("" = absent)

	RequestHeader http.Header    // $request.header.<name>, case-insensitive
	RequestQuery  map[string]any // $request.query.<name>
	RequestPath   map[string]any // $request.path.<name>
	RequestBody   any            // $request.body (decoded JSON, or string/[]byte)
	HasRequest    bool           // RequestBody is set (it may be null)

	ResponseHeader http.Header // $response.header.<name>, case-insensitive
	ResponseBody   any         // $response.body (decoded JSON, or string/[]byte)
	HasResponse    bool        // ResponseBody is set (it may be null)

	Inputs  map[string]any            // $inputs.<name>
	Outputs map[string]any            // $outputs.<name>
	Steps   map[string]map[string]any // $steps.<id>.outputs.<name>
	// Workflows holds $workflows.<id>.inputs.<name> and .outputs.<name>.
	Workflows map[string]WorkflowValues
	// SourceDescriptions maps a source name to its resolvable names
	// (operationIds, workflowIds, then fields such as "url").
	SourceDescriptions map[string]map[string]any
	// Components maps "parameters", "successActions", "failureActions" or
	// "inputs" to the components by key.
	Components map[string]map[string]any
	// Secret, when set, says which references hold secrets; their values
	// are shown as "***" in failure details (see secretChecker).
	Secret func(ref *Reference) bool
}

// secretChecker is an optional interface of an Env. When IsSecret reports
// true for a reference, failure details (Outcome.Detail) show "***"
// instead of its value. Values are never written anywhere else.
type secretChecker interface {
	IsSecret(ref *Reference) bool
}

// IsSecret implements secretChecker with the Secret field.
func (v *Values) IsSecret(ref *Reference) bool {
	return v.Secret != nil && v.Secret(ref)
}

func isSecret(env Env, ref *Reference) bool {
	sc, ok := env.(secretChecker)
	return ok && sc.IsSecret(ref)
}

// WorkflowValues are the inputs and outputs of one workflow run.
type WorkflowValues struct {
	Inputs  map[string]any
	Outputs map[string]any
}

// Resolve implements Env. Header names match case-insensitively and yield
// one string (several values joined with ", ").
func (v *Values) Resolve(ref *Reference) (any, bool) {
	switch ref.Root {
	case RootStatusCode:
		if v.StatusCode == 0 {
			return nil, false
		}
		return v.StatusCode, true
	case RootURL:
		return v.URL, v.URL != ""
	case RootMethod:
		return v.Method, v.Method != ""
	case RootSelf:
		return v.Self, v.Self != ""
	case RootRequest:
		switch ref.Field {
		case "header":
			return header(v.RequestHeader, ref.Name)
		case "query":
			return lookup(v.RequestQuery, ref.Name)
		case "path":
			return lookup(v.RequestPath, ref.Name)
		case "body":
			return v.RequestBody, v.HasRequest
		}
	case RootResponse:
		switch ref.Field {
		case "header":
			return header(v.ResponseHeader, ref.Name)
		case "body":
			return v.ResponseBody, v.HasResponse
		}
	case RootInputs:
		return lookup(v.Inputs, ref.Name)
	case RootOutputs:
		return lookup(v.Outputs, ref.Name)
	case RootSteps:
		return lookup(v.Steps[ref.ID], ref.Name)
	case RootWorkflows:
		w, ok := v.Workflows[ref.ID]
		if !ok {
			return nil, false
		}
		if ref.Field == "inputs" {
			return lookup(w.Inputs, ref.Name)
		}
		return lookup(w.Outputs, ref.Name)
	case RootSourceDescriptions:
		return lookup(v.SourceDescriptions[ref.ID], ref.Name)
	case RootComponents:
		return lookup(v.Components[ref.Field], ref.Name)
	}
	return nil, false
}

func lookup(m map[string]any, name string) (any, bool) {
	x, ok := m[name]
	return x, ok
}

func header(h http.Header, name string) (any, bool) {
	s, ok := headerValue(h, name)
	if !ok {
		return nil, false
	}
	return s, true
}
