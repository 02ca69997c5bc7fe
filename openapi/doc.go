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
// time: an operation's parameters, request body and $refs (local or, through
// [ParseOptions.Read], external) are resolved the first time the operation
// builds a request, once, and cached; response schemas are compiled the first
// time a response is validated. A run pays for the operations it uses.
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
//     collectionFormat maps to style and explode as kin-openapi's openapi2conv
//     does (csv, ssv, pipes, multi; tsv as a tab-delimited style).
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
// credentials (token fetched from tokenUrl, cached per source and scheme until
// it expires, shared by concurrent callers, dropped by
// [Authorizer.Invalidate]) are supported. [EnvCredentials] reads credentials
// from environment variables named WEFT_<SOURCE>_<SCHEME>_<PART>; see
// [EnvVarNames]. Credential values never appear in this package's errors.
//
// # Responses
//
// [ReadResponse] reads a body up to a cap and decodes JSON with exact
// numbers; [Operation.ValidateResponse] checks status, content type and JSON
// schema and reports findings instead of failing on broken descriptions.
package openapi
