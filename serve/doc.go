// Package serve runs Arazzo workflows when their triggers fire: signed
// webhooks, schedules and manual starts, as the flows of a definition
// file (package serve/definition) say.
//
// A Server is embeddable in a Go service: Handler serves each webhook
// flow's path, the admin API (under /admin/, behind a bearer token) and
// /healthz; Start resumes what the store holds and starts the workers,
// the scheduler and the notifier; Shutdown drains them. Every accepted
// event is written to the store (package store; store/sqlite is the
// embedded default) before the sender gets its 2xx, so a crash loses
// nothing: a restart runs the events accepted but not run, and handles
// the runs that were in progress by their flow's policy (PolicyResumeSafe
// by default). weft serve (cmd/weft) is a thin command on it;
// docs/serve.md documents both.
package serve
