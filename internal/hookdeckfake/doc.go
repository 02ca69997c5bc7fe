// Package hookdeckfake is a stateful, in-process fake of the part of the
// Hookdeck Admin REST API (version 2025-07-01) that weft's Hookdeck examples
// and tests exercise. It is a plain http.Handler: serve it with httptest, or
// call Start for a loopback server.
//
// # What it models
//
// Resources: sources, integrations, connections, destinations and
// transformations, kept in memory per Server. Every resource has a
// Hookdeck-style id (src_, int_, web_, des_, trs_ followed by random
// letters and digits), a team_id (tm_...), and created_at/updated_at
// timestamps in RFC 3339 with milliseconds. Operations are those of the
// OpenAPI descriptions in testdata/hookdeck/openapi (written for weft): the
// fake routes each request with kin-openapi's router on those descriptions
// and dispatches on the operationId.
//
// Requests go through the same steps as on the real API:
//
//   - The base path is /2025-07-01: a workflow's server URL is
//     "<fake URL>/2025-07-01". Paths without that prefix get 404, so a client
//     that drops the server URL's path is caught.
//   - Authentication: "Authorization: Bearer <key>", or Basic with the key as
//     user name and an empty password. Anything else gets 401. The key is
//     never echoed in a response.
//   - The request (parameters and JSON body) is validated against the OpenAPI
//     description with kin-openapi's openapi3filter. A body that is not JSON
//     gets 400; a body or parameter that breaks the schema gets 422.
//   - Errors have Hookdeck's shape:
//     {"code": "...", "handled": true, "status": 422, "message": "...", "data": [...]}.
//   - Unknown ids get 404. Names are unique per resource kind (per source for
//     connections); a clash gets 422.
//
// Attaching an integration to a source (PUT /integrations/{id}/attach/{source_id})
// answers {"success": true}; afterwards the integration lists the source in
// its "sources", and the source reads back with "authenticated": true and
// config.auth_type set to the integration's provider (config.auth, holding
// the integration's configs, only with ?include=config.auth). A source has
// at most one integration: attaching another moves it.
//
// # Where it differs from the real API
//
//   - It is not Hookdeck: it receives no webhooks and delivers no events, so
//     requests, events, attempts, bookmarks and bulk retries are not modelled.
//   - Transformations are not executed (there is no JavaScript engine).
//     PUT /transformations/run answers log_level "info" and echoes the sample
//     request when the code registers a handler with addHandler( and contains
//     no throw; otherwise log_level "error" with a console line. The
//     log level can be forced with Server.ForceRunLogLevel.
//   - Some details are educated guesses, not checked against the live API:
//     the integration id prefix (int_), error "code" strings, the text of
//     messages, full_name of a connection ("source -> connection ->
//     destination"), 422 (not 409) for name clashes, and inline sources and
//     destinations in a connection being reused when one of that name exists.
//   - Lists are not paginated: every match is returned in one page.
//   - Deleted resources answer 404, not 410.
//   - By default a connection is returned as the published schema has it,
//     with embedded "source" and "destination" objects and no "source_id" or
//     "destination_id". Several corpus workflows read those two fields;
//     WithConnectionIDFields adds them for such documents.
//
// Failures can be injected for negative tests: FailNext makes the next calls
// of an operation answer an error status, SetAttachResult(false) makes attach
// answer {"success": false} without attaching. Calls records every request
// the fake answered.
//
// A Server is safe for concurrent use.
package hookdeckfake
