package sqlite

// schemaVersion is the PRAGMA user_version this package writes. A file
// with a higher version was written by a newer weft and is refused.
const schemaVersion = 1

// migrations[i] takes a file from user_version i to i+1. They run at Open,
// in one transaction with the user_version change.
var migrations = []string{
	// 0 → 1: the first schema.
	`
CREATE TABLE runs (
	id              TEXT PRIMARY KEY,
	flow            TEXT NOT NULL,
	workflow        TEXT NOT NULL,
	trigger         TEXT NOT NULL,
	dedup_key       TEXT NOT NULL DEFAULT '',
	body_hash       TEXT NOT NULL DEFAULT '',
	replay_of       TEXT NOT NULL DEFAULT '',
	status          TEXT NOT NULL,
	reason          TEXT NOT NULL DEFAULT '',
	attempt         INTEGER NOT NULL DEFAULT 0,
	inputs          TEXT,
	outputs         TEXT,
	has_event       INTEGER NOT NULL DEFAULT 0,
	ev_header       TEXT,
	ev_query        TEXT NOT NULL DEFAULT '',
	ev_body         BLOB,
	ev_body_kept    INTEGER NOT NULL DEFAULT 0,
	ev_fired_at     INTEGER NOT NULL DEFAULT 0,
	trace_parent    TEXT NOT NULL DEFAULT '',
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL,
	next_attempt_at INTEGER NOT NULL DEFAULT 0,
	finished_at     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_created ON runs (created_at, id);
CREATE INDEX runs_flow_created ON runs (flow, created_at, id);
CREATE INDEX runs_status_created ON runs (status, created_at, id);
CREATE INDEX runs_dedup ON runs (flow, dedup_key, created_at, id) WHERE dedup_key <> '';

CREATE TABLE attempts (
	run_id       TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	n            INTEGER NOT NULL,
	status       TEXT NOT NULL,
	error        TEXT NOT NULL DEFAULT '',
	started      INTEGER NOT NULL,
	finished     INTEGER NOT NULL DEFAULT 0,
	request_sent INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (run_id, n)
) WITHOUT ROWID;

CREATE TABLE steps (
	run_id TEXT NOT NULL,
	n      INTEGER NOT NULL,
	seq    INTEGER NOT NULL,
	record TEXT NOT NULL,
	PRIMARY KEY (run_id, n, seq),
	FOREIGN KEY (run_id, n) REFERENCES attempts (run_id, n) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE notifications (
	id              TEXT PRIMARY KEY,
	run_id          TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	flow            TEXT NOT NULL,
	target          TEXT NOT NULL,
	payload         TEXT NOT NULL,
	status          TEXT NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL DEFAULT 0,
	created_at      INTEGER NOT NULL
);
CREATE INDEX notifications_run ON notifications (run_id, created_at, id);
CREATE INDEX notifications_status ON notifications (status, created_at, id);

CREATE TABLE deliveries (
	notification_id TEXT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
	n               INTEGER NOT NULL,
	at              INTEGER NOT NULL,
	status_code     INTEGER NOT NULL DEFAULT 0,
	error           TEXT NOT NULL DEFAULT '',
	duration_ns     INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (notification_id, n)
) WITHOUT ROWID;

CREATE TABLE ticks (
	flow TEXT PRIMARY KEY,
	at   INTEGER NOT NULL
) WITHOUT ROWID;
`,
}
