package arazzo

import (
	"net/url"
	"slices"

	"github.com/weftflow/weft/openapi"
	"gopkg.in/yaml.v3"
)

// Position is a place in a source document: the file (or URL) it came from,
// a 1-based line and a 1-based column. The zero Position means "unknown".
type Position struct {
	File   string
	Line   int
	Column int
}

// Meta is embedded in every object of the model. It records where the
// object was decoded from and keeps its specification extensions.
type Meta struct {
	// Pos is the position of the object's first token.
	Pos Position
	// Pointer is the RFC 6901 JSON pointer of the object inside its document,
	// for example "/workflows/0/steps/2".
	Pointer string
	// Extensions holds every "x-" field of the object, decoded as plain Go
	// values (map[string]any, []any, string, int, float64, bool, nil).
	Extensions map[string]any

	// node is the YAML node the object was decoded from; the validator uses
	// it to position diagnostics inside nested values.
	node *yaml.Node
}

// Document is a decoded Arazzo document (the root "Arazzo Object").
type Document struct {
	Meta
	// Arazzo is the version of the specification the document uses ("1.0.1").
	Arazzo             string
	Info               *Info
	SourceDescriptions []*SourceDescription
	Workflows          []*Workflow
	Components         *Components

	// URL is where the document was loaded from (nil for documents decoded
	// from bytes without a location).
	URL *url.URL
	// Diagnostics holds every finding of the loader and the validator for
	// this document and the documents it loaded; warnings included.
	Diagnostics Diagnostics
}

// Info is the Info Object.
type Info struct {
	Meta
	Title       string
	Summary     string
	Description string
	Version     string
}

// Source description types.
const (
	SourceTypeOpenAPI = "openapi"
	SourceTypeArazzo  = "arazzo"
)

// SourceDescription is a Source Description Object. After loading, exactly
// one of OpenAPI and Arazzo is set (both nil when the source failed to load,
// in which case Diagnostics say why).
type SourceDescription struct {
	Meta
	Name string
	URL  string
	// Type is "openapi", "arazzo", or "" when the document did not say (the
	// loader then sniffs the content and records what it found in Resolved).
	Type string

	// ResolvedURL is the absolute location the source was read from.
	ResolvedURL *url.URL
	// ResolvedType is the type after sniffing.
	ResolvedType string
	// OpenAPI is the loaded description for openapi sources.
	OpenAPI *openapi.Description
	// Arazzo is the loaded document for arazzo sources.
	Arazzo *Document
}

// Workflow is a Workflow Object.
type Workflow struct {
	Meta
	WorkflowID  string
	Summary     string
	Description string
	// Inputs is the JSON Schema of the workflow's inputs, decoded as plain Go
	// values; nil when absent.
	Inputs    any
	DependsOn []string
	// Dependencies holds, for each entry of DependsOn, the workflow it
	// names, resolved by the validator (nil where it did not resolve:
	// Diagnostics say why). The runner executes these, never the names.
	Dependencies   []*Target
	Steps          []*Step
	SuccessActions []*SuccessAction
	FailureActions []*FailureAction
	Outputs        []*Output
	Parameters     []*Parameter

	// Document is the document that declares this workflow.
	Document *Document
}

// Output is one entry of an outputs map: a name and a runtime expression
// (kept in document order).
type Output struct {
	Meta
	Name  string
	Value string
}

// Step is a Step Object. Exactly one of OperationID, OperationPath and
// WorkflowID is set in a valid document.
type Step struct {
	Meta
	StepID        string
	Description   string
	OperationID   string
	OperationPath string
	WorkflowID    string
	Parameters    []*Parameter
	RequestBody   *RequestBody
	// SuccessCriteria lists the criteria; HasSuccessCriteria tells an absent
	// list from an empty one (which the validator rejects).
	SuccessCriteria    []*Criterion
	HasSuccessCriteria bool
	OnSuccess          []*SuccessAction
	OnFailure          []*FailureAction
	Outputs            []*Output

	// Target is what the step calls, bound by the loader; nil when it could
	// not be bound (Diagnostics say why).
	Target *Target

	// async marks an Arazzo 1.1 AsyncAPI step (channelPath), which weft
	// reports as not yet supported instead of as a step without target.
	async bool
}

// Target is a bound step target: an operation of an OpenAPI source, or a
// workflow (of this document or of an arazzo source).
type Target struct {
	// Source is the source description the target was found in; nil for a
	// workflow of the step's own document.
	Source *SourceDescription
	// Operation is set for operationId and operationPath steps.
	Operation *openapi.Operation
	// Workflow is set for workflowId steps.
	Workflow *Workflow
}

// Parameter locations.
const (
	InPath   = "path"
	InQuery  = "query"
	InHeader = "header"
	InCookie = "cookie"
)

// Parameter is a Parameter Object, or a Reusable Object pointing at a
// component parameter (then Reusable is set and Name/In/Value are empty).
type Parameter struct {
	Meta
	Name  string
	In    string
	Value any

	Reusable *Reusable
}

// Reusable is a Reusable Object: a reference to a component, with an
// optional value that replaces a referenced parameter's value.
//
// The validator resolves Reference once and keeps the component it names
// in the field of the kind the reference stands for (Parameter for a
// parameter, SuccessAction or FailureAction for an action); that field is
// nil when the reference did not resolve (Diagnostics say why). The runner
// executes these links, never the reference.
type Reusable struct {
	Meta
	Reference string
	Value     any
	HasValue  bool

	// Parameter is the component parameter Reference names.
	Parameter *Parameter
	// SuccessAction is the component success action Reference names.
	SuccessAction *SuccessAction
	// FailureAction is the component failure action Reference names.
	FailureAction *FailureAction
	// Step is, for an action reference used in a workflow, the step of
	// that workflow that the component action's stepId names (a
	// component's stepId depends on where it is used); nil otherwise.
	Step *Step
}

// ActionType is the type of a success or failure action, as the document
// wrote it. The known types are the constants below; a document may hold
// another value, which the validator reports.
type ActionType string

// Action types.
const (
	// ActionEnd ends the workflow.
	ActionEnd ActionType = "end"
	// ActionGoto transfers to a step of the same workflow or to another
	// workflow.
	ActionGoto ActionType = "goto"
	// ActionRetry runs the step again (failure actions only).
	ActionRetry ActionType = "retry"
)

// SuccessAction is a Success Action Object, or a Reusable reference to one
// (then Reusable is set).
type SuccessAction struct {
	Meta
	Name       string
	Type       ActionType
	WorkflowID string
	StepID     string
	Criteria   []*Criterion
	// Parameters are the Arazzo 1.1 action parameters for goto workflow.
	Parameters []*Parameter
	// Target is the workflow that WorkflowID names, resolved by the
	// validator under the same rules as a step's workflowId (a local id or
	// $sourceDescriptions.<name>.<workflowId>); nil when WorkflowID is empty
	// or did not resolve (Diagnostics say why).
	Target *Target
	// Step is the step of the same workflow that StepID names, resolved
	// by the validator; nil when StepID is empty, did not resolve, or the
	// action is a component (see Reusable.Step).
	Step *Step

	Reusable *Reusable
}

// FailureAction is a Failure Action Object, or a Reusable reference to one
// (then Reusable is set).
type FailureAction struct {
	Meta
	Name       string
	Type       ActionType
	WorkflowID string
	StepID     string
	// RetryAfter is in seconds; nil when absent.
	RetryAfter *float64
	// RetryLimit is nil when absent (meaning 1).
	RetryLimit *int
	Criteria   []*Criterion
	// Parameters are the Arazzo 1.1 action parameters for goto workflow.
	Parameters []*Parameter
	// Target is the workflow that WorkflowID names, resolved as for a
	// SuccessAction; nil when WorkflowID is empty or did not resolve.
	Target *Target
	// Step is the step that StepID names, resolved as for a SuccessAction.
	Step *Step

	Reusable *Reusable
}

// Criterion types.
const (
	CriterionSimple   = "simple"
	CriterionRegex    = "regex"
	CriterionJSONPath = "jsonpath"
	CriterionXPath    = "xpath"
)

// Criterion is a Criterion Object. Type is "" (simple), "simple", "regex",
// "jsonpath" or "xpath"; when the document used a Criterion Expression Type
// Object, Type holds its type and Version its version.
type Criterion struct {
	Meta
	Context   string
	Condition string
	Type      string
	Version   string
}

// RequestBody is a Request Body Object.
type RequestBody struct {
	Meta
	ContentType  string
	Payload      any
	HasPayload   bool
	Replacements []*PayloadReplacement
}

// PayloadReplacement is a Payload Replacement Object.
type PayloadReplacement struct {
	Meta
	Target string
	Value  any
}

// Components is a Components Object.
type Components struct {
	Meta
	Inputs         map[string]any
	Parameters     map[string]*Parameter
	SuccessActions map[string]*SuccessAction
	FailureActions map[string]*FailureAction
}

// EachSource calls fn for every source description of d and, depth first,
// of the Arazzo documents they load, visiting each document once (cycles
// between documents are cut).
func (d *Document) EachSource(fn func(*SourceDescription)) {
	visited := map[*Document]bool{}
	var walk func(x *Document)
	walk = func(x *Document) {
		if x == nil || visited[x] {
			return
		}
		visited[x] = true
		for _, sd := range x.SourceDescriptions {
			if sd == nil {
				continue
			}
			fn(sd)
			walk(sd.Arazzo)
		}
	}
	walk(d)
}

// OpenAPISourceNames lists the names of the loaded OpenAPI source
// descriptions of d and of the Arazzo documents it references, sorted and
// without duplicates: the sources a server URL can be set for.
func (d *Document) OpenAPISourceNames() []string {
	var out []string
	d.EachSource(func(sd *SourceDescription) {
		if sd.OpenAPI != nil && !slices.Contains(out, sd.Name) {
			out = append(out, sd.Name)
		}
	})
	slices.Sort(out)
	return out
}
