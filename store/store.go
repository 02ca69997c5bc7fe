// Package store is the durable record of weft serve: every accepted event
// and the run it starts, the run's attempts and step records (secrets
// masked), its outputs (masked) and status, the outbound notifications and
// their delivery attempts, and the last tick of each schedule.
//
// Store is the interface the serve package writes through; package
// store/sqlite is the embedded default (one SQLite file, WAL). Any
// implementation must pass the suite of package store/storetest.
//
// Nothing secret is handed to a Store: the serve package masks step
// records, outputs, reasons and headers before writing, and never writes
// secret inputs (they are computed from configuration at each attempt).
package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// ErrNotFound is returned (wrapped) for an unknown run or notification id.
var ErrNotFound = errors.New("store: not found")

// Status is the state of a run.
type Status string

// Run statuses. A run moves queued → running → succeeded, or
// running → retrying → running … → dead; failed is a start that could not
// run (its inputs could not be mapped or validated); interrupted is a run
// that was running when the process stopped, until the recovery policy
// moves it on.
const (
	StatusQueued      Status = "queued"
	StatusRunning     Status = "running"
	StatusRetrying    Status = "retrying"
	StatusSucceeded   Status = "succeeded"
	StatusFailed      Status = "failed"
	StatusDead        Status = "dead"
	StatusInterrupted Status = "interrupted"
)

// Final reports whether s is an end state (succeeded, failed or dead).
func (s Status) Final() bool {
	return s == StatusSucceeded || s == StatusFailed || s == StatusDead
}

// Trigger kinds: what started a run.
const (
	TriggerWebhook  = "webhook"
	TriggerSchedule = "schedule"
	TriggerManual   = "manual"
	TriggerReplay   = "replay"
)

// Event is what a trigger received, kept so that a run can be shown and a
// failed start re-mapped. Body is nil when the flow does not keep bodies.
type Event struct {
	// Header holds the request's headers minus credentials (Authorization,
	// Cookie) and signatures, masked; nil for schedules and manual starts.
	Header map[string][]string `json:"header,omitempty"`
	// Query is the request's raw query string.
	Query string `json:"query,omitempty"`
	// Body is the raw body as received (nil when not kept).
	Body []byte `json:"body,omitempty"`
	// BodyKept tells a kept empty body from a body not kept.
	BodyKept bool `json:"bodyKept,omitempty"`
	// FiredAt is a schedule tick's time (zero otherwise).
	FiredAt time.Time `json:"firedAt,omitzero"`
}

// Run is one accepted event and the workflow run it starts.
type Run struct {
	ID       string `json:"id"`
	Flow     string `json:"flow"`
	Workflow string `json:"workflow"`
	Trigger  string `json:"trigger"`
	// DedupKey is the flow's dedup key of the event ("" for none).
	DedupKey string `json:"dedupKey,omitempty"`
	// BodyHash is the hex SHA-256 of the raw body, to tell a sender's
	// retry from a replayed id with another body ("" when no body).
	BodyHash string `json:"bodyHash,omitempty"`
	// ReplayOf is the id of the run this one replays ("" for none).
	ReplayOf string `json:"replayOf,omitempty"`
	Status   Status `json:"status"`
	// Reason says why the run failed, was dead-lettered or interrupted,
	// secrets masked.
	Reason string `json:"reason,omitempty"`
	// Attempt counts attempts started, from 1 once running.
	Attempt int `json:"attempt"`
	// Inputs are the mapped inputs without secret inputs (JSON object).
	Inputs json.RawMessage `json:"inputs,omitempty"`
	// Outputs are the workflow outputs of the last attempt, masked (JSON).
	Outputs json.RawMessage `json:"outputs,omitempty"`
	Event   *Event          `json:"event,omitempty"`
	// TraceParent is the W3C traceparent the event arrived with.
	TraceParent string    `json:"traceParent,omitempty"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	// NextAttemptAt is when a retrying run is due (zero otherwise).
	NextAttemptAt time.Time `json:"nextAttemptAt,omitzero"`
	// FinishedAt is when the run reached a final status (zero otherwise).
	FinishedAt time.Time `json:"finishedAt,omitzero"`
}

// Attempt is one execution of a run's workflow.
type Attempt struct {
	RunID    string    `json:"runId"`
	N        int       `json:"n"`
	Status   Status    `json:"status"` // running, succeeded, failed, interrupted
	Error    string    `json:"error,omitempty"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	// Steps are the attempt's step records in order (JSON of
	// runtime.StepRecord, masked), appended as the run goes.
	Steps []json.RawMessage `json:"steps,omitempty"`
	// RequestSent is set once any step of the attempt may have sent a
	// request: recovery never re-sends such an attempt unless the flow's
	// policy says so.
	RequestSent bool `json:"requestSent,omitempty"`
}

// Update is a change of a run's state, applied atomically by Finish.
type Update struct {
	Status        Status
	Reason        string
	Outputs       json.RawMessage
	NextAttemptAt time.Time
	// AttemptStatus and AttemptError close the run's current attempt (when
	// AttemptStatus is non-empty).
	AttemptStatus Status
	AttemptError  string
}

// Filter selects runs for List. Zero fields match everything.
type Filter struct {
	Flow   string
	Status Status
	// Since and Until bound CreatedAt (Since inclusive, Until exclusive).
	Since, Until time.Time
	// Limit caps the answer (0: 100); runs come newest first.
	Limit int
	// Before continues a listing: only runs created before the run of
	// this id (a cursor).
	Before string
}

// Notification is one outbound webhook a finished run sends.
type Notification struct {
	ID    string `json:"id"` // the event id the receiver dedups on
	RunID string `json:"runId"`
	Flow  string `json:"flow"`
	// Target names the flow's notification target (its index or name).
	Target string `json:"target"`
	// Payload is the event's JSON, masked, as it will be signed and sent.
	Payload json.RawMessage `json:"payload"`
	// Status is "pending", "delivered" or "dead".
	Status        string    `json:"status"`
	Attempts      int       `json:"attempts"`
	NextAttemptAt time.Time `json:"nextAttemptAt,omitzero"`
	CreatedAt     time.Time `json:"createdAt"`
	// Deliveries lists every attempt, oldest first.
	Deliveries []Delivery `json:"deliveries,omitempty"`
}

// Notification statuses.
const (
	NotificationPending   = "pending"
	NotificationDelivered = "delivered"
	NotificationDead      = "dead"
)

// Delivery is one attempt to send a Notification.
type Delivery struct {
	N          int           `json:"n"`
	At         time.Time     `json:"at"`
	StatusCode int           `json:"statusCode,omitempty"`
	Error      string        `json:"error,omitempty"`
	Duration   time.Duration `json:"duration"`
}

// Store is the durable record of weft serve. Implementations are safe for
// concurrent use; every method honours ctx.
type Store interface {
	// Accept durably records r (ID, Flow, Workflow, Trigger, Status queued
	// or failed, CreatedAt set by the caller) before it returns, unless a
	// run of the same flow with the same non-empty DedupKey was created
	// within window before r.CreatedAt: then nothing is written and the
	// earlier run is returned with dup true. window 0 means no limit.
	Accept(ctx context.Context, r *Run, window time.Duration) (existing *Run, dup bool, err error)
	// Get returns the run of id with its Event (ErrNotFound when unknown).
	Get(ctx context.Context, id string) (*Run, error)
	// List returns the runs filter selects, newest first, without Events.
	List(ctx context.Context, f Filter) ([]*Run, error)
	// Pending returns every run whose status is queued, running, retrying
	// or interrupted, oldest first, with Events: what a restart resumes.
	Pending(ctx context.Context) ([]*Run, error)
	// StartAttempt marks run id running, increments its Attempt and opens
	// attempt Attempt+1 (returned), started at now.
	StartAttempt(ctx context.Context, id string, now time.Time) (*Attempt, error)
	// AppendStep appends one masked step record (JSON) to attempt n.
	AppendStep(ctx context.Context, id string, n int, step json.RawMessage) error
	// MarkRequestSent sets RequestSent on attempt n.
	MarkRequestSent(ctx context.Context, id string, n int) error
	// Finish applies u to run id (and closes its current attempt when
	// u.AttemptStatus is set), at now.
	Finish(ctx context.Context, id string, u Update, now time.Time) error
	// Attempts returns run id's attempts, oldest first, with their steps.
	Attempts(ctx context.Context, id string) ([]*Attempt, error)

	// AddNotification durably records n (status pending).
	AddNotification(ctx context.Context, n *Notification) error
	// PendingNotifications returns the pending notifications, oldest first.
	PendingNotifications(ctx context.Context) ([]*Notification, error)
	// RecordDelivery appends d to notification id and sets its status and
	// next attempt time.
	RecordDelivery(ctx context.Context, id string, d Delivery, status string, next time.Time) error
	// Notifications returns run id's notifications with their deliveries.
	Notifications(ctx context.Context, runID string) ([]*Notification, error)

	// LastTick returns the last recorded tick of flow's schedule (zero
	// when none); SetLastTick records one.
	LastTick(ctx context.Context, flow string) (time.Time, error)
	SetLastTick(ctx context.Context, flow string, t time.Time) error

	// Close releases the store.
	Close() error
}
