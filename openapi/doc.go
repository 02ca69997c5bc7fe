// Package openapi binds Arazzo steps to OpenAPI operations: it indexes
// OpenAPI 3.0/3.1 and Swagger 2.0 descriptions, builds HTTP requests for an
// operation from evaluated parameter values and a body, applies security,
// and reads and validates responses.
//
// # Loading
//
// [Parse] reads a JSON or YAML description into a yaml.v3 node tree and
// indexes its operations (by operationId and by path and method), servers,
// security schemes and document security. Nothing else is resolved at parse
// time; large block-style YAML and JSON descriptions are even decoded section
// by section, lazily. A run pays for the operations it uses: binding one
// operation of the 3.9 MB mist.com description costs milliseconds, where
// loading the whole description with kin-openapi takes seconds.
//
// # Binding in layers
//
// An operation is bound in two layers. The request layer (parameters with
// their serialization, request body media types and Encoding Objects,
// servers, security) is read from the node tree the first time a request is
// built (runtime.New does it for every step): it reads the operation, its
// path item and what their parameters and request body $ref, never a
// schema, and applies kin-openapi's defaults and openapi2conv's Swagger 2.0
// conversion itself, so that requests are built as kin-openapi would have
// bound them (a test compares both over every operation of the corpus).
//
// The schema layer is kin-openapi (github.com/getkin/kin-openapi), loaded
// only when a response is validated: a
// minimal document is cut out of the node tree (openapi version, info,
// document servers and security, the operations' path items with only those
// operations and the path-level parameters and servers, and every entry
// reachable from them through local $refs, transitively) and loaded with
// openapi3.Loader; external $refs are read by the loader through
// [ParseOptions.Read], resolved against the description's URL (RFC 3986),
// each document once per description. Swagger 2.0 minimal documents are
// converted with openapi2conv.ToV3. The operations registered together by
// [Description.WillValidate] share one such document; others get one each.
// Response headers and bodies are validated by
// openapi3filter.ValidateResponse.
//
// When kin-openapi cannot load an operation (a broken $ref or schema in what
// the operation uses), loading it reports why, and response validation then
// checks status and content type only, with a finding saying why the schema
// was not checked. Parts of the description the operation does not use
// never matter; a budget, duplicate key or $ref cycle reached only from the
// responses is reported by the schema layer, not by the request binding.
//
// # Requests
//
// [Operation.BuildRequest] follows weft's decisions H1 to H3:
//
//   - Base URL: the caller's override, else the operation's servers, else the
//     path item's, else the document's (first entry; server variables at
//     their defaults unless overridden). Relative server URLs resolve against
//     the description's URL; base paths are kept. Swagger 2.0 servers are
//     derived from schemes, host and basePath.
//   - Parameters: path, query, header and cookie with every OpenAPI style
//     and explode combination. Object members are serialized in sorted key
//     order. Values are percent-encoded per RFC 3986 (everything but
//     unreserved characters in path and query values; allowReserved keeps
//     reserved characters in query values); the delimiters a style defines
//     (",", "|", ".", ";", "[", "]") are written literally, spaces as %20.
//     Header values are not encoded; cookie values are percent-encoded only
//     for characters RFC 6265 forbids. Parameters the operation does not
//     declare are sent in their location with its default style. Swagger 2.0
//     collectionFormat goes through openapi2conv (csv, ssv, pipes, multi;
//     csv when absent, as Swagger 2.0 defines; tsv, and formats outside the
//     query, by this package: tsv as a tab-delimited style).
//   - Bodies: JSON (and +json), application/x-www-form-urlencoded (with
//     Encoding Objects), multipart/form-data ([]byte and io.Reader values
//     become file parts), XML and text (strings), raw bytes. An empty
//     content type means the operation's first declared media type.
//     Payload replacements use RFC 6901 pointers for JSON-like payloads and
//     XPath (antchfx/xmlquery) for XML payloads.
//
// # Security
//
// An [Authorizer] applies the operation's security requirements (else the
// document's): the first requirement whose every scheme has credentials.
// apiKey (header, query, cookie), HTTP basic and bearer, and OAuth2 client
// credentials (token fetched from tokenUrl, cached per source, scheme,
// token URL and set of scopes until it expires, shared by concurrent
// callers, dropped by [Authorizer.Invalidate]) are supported.
// [Authorizer.Send] sends a built request and, after a 401 to an OAuth2
// credential, authorizes it afresh and resends it once. A relative tokenUrl is resolved
// (RFC 3986) against the server URL the request goes to, a base URL override
// included; an absolute one is used as written. [EnvCredentials] reads credentials
// from environment variables named WEFT_<SOURCE>_<SCHEME>_<PART>; see
// [EnvVarNames]. Credential values never appear in this package's errors.
//
// # Responses
//
// [ReadResponse] reads a body up to a cap and decodes JSON with exact
// numbers; [Operation.ValidateResponse] checks the status and content type
// and, through openapi3filter, the documented headers and the JSON body's
// schema (unknown formats ignored, security not re-checked), and reports
// findings (JSON pointer and reason, never the value) instead of failing on
// broken descriptions; a panic inside kin-openapi becomes a finding.
package openapi
