// Package flowtest holds no code: its tests run weft's Hookdeck workflows
// end to end, with the real loader and runtime, against the fake in
// package hookdeckfake. It lives apart from hookdeckfake so that the fake's
// own tests do not depend on the runtime.
package flowtest
