package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/weftflow/weft/store"
)

const runCols = `id, flow, workflow, trigger, dedup_key, body_hash, replay_of, status, reason, attempt,
	inputs, outputs, trace_parent, created_at, updated_at, next_attempt_at, finished_at`

const eventCols = `, has_event, ev_header, ev_query, ev_body, ev_body_kept, ev_fired_at`

type scanner interface{ Scan(dest ...any) error }

func scanRun(sc scanner, withEvent bool) (*store.Run, error) {
	var r store.Run
	var status string
	var inputs, outputs sql.NullString
	var created, updated, next, finished int64
	dest := []any{&r.ID, &r.Flow, &r.Workflow, &r.Trigger, &r.DedupKey, &r.BodyHash, &r.ReplayOf,
		&status, &r.Reason, &r.Attempt, &inputs, &outputs, &r.TraceParent, &created, &updated, &next, &finished}
	var hasEvent, bodyKept int
	var header sql.NullString
	var query string
	var body []byte
	var fired int64
	if withEvent {
		dest = append(dest, &hasEvent, &header, &query, &body, &bodyKept, &fired)
	}
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	r.Status = store.Status(status)
	if inputs.Valid {
		r.Inputs = json.RawMessage(inputs.String)
	}
	if outputs.Valid {
		r.Outputs = json.RawMessage(outputs.String)
	}
	r.CreatedAt, r.UpdatedAt = fromNanos(created), fromNanos(updated)
	r.NextAttemptAt, r.FinishedAt = fromNanos(next), fromNanos(finished)
	if withEvent && hasEvent != 0 {
		ev := &store.Event{Query: query, BodyKept: bodyKept != 0, FiredAt: fromNanos(fired)}
		if header.Valid {
			var err error
			if ev.Header, err = decodeHeader(header.String); err != nil {
				return nil, fmt.Errorf("event header of run %q: %w", r.ID, err)
			}
		}
		if body != nil || ev.BodyKept {
			ev.Body = append([]byte{}, body...)
			if len(ev.Body) == 0 && !ev.BodyKept {
				ev.Body = nil
			}
		}
		r.Event = ev
	}
	return &r, nil
}

func nullJSON(m json.RawMessage) (sql.NullString, error) {
	if m == nil {
		return sql.NullString{}, nil
	}
	if !json.Valid(m) {
		return sql.NullString{}, errors.New("not valid JSON")
	}
	return sql.NullString{String: string(m), Valid: true}, nil
}

// Accept durably records r unless a run of the same flow with the same
// non-empty DedupKey was created at or after r.CreatedAt-window (any time
// when window is 0): then it returns that run (the latest such) with dup
// true and writes nothing. The check and the insert run in the writer's
// transaction, so they also see the runs accepted earlier in the same
// group commit.
func (s *Store) Accept(ctx context.Context, r *store.Run, window time.Duration) (*store.Run, bool, error) {
	if r == nil {
		return nil, false, wrap("Accept", "", errors.New("nil run"))
	}
	if err := checkAccept(r); err != nil {
		return nil, false, wrap("Accept", r.ID, err)
	}
	inputs, err := nullJSON(r.Inputs)
	if err != nil {
		return nil, false, wrap("Accept", r.ID, fmt.Errorf("inputs: %w", err))
	}
	outputs, err := nullJSON(r.Outputs)
	if err != nil {
		return nil, false, wrap("Accept", r.ID, fmt.Errorf("outputs: %w", err))
	}
	var hasEvent, bodyKept int
	var header sql.NullString
	var query string
	var body []byte
	var fired int64
	if ev := r.Event; ev != nil {
		hasEvent, bodyKept, query, fired = 1, boolInt(ev.BodyKept), ev.Query, nanos(ev.FiredAt)
		if ev.Header != nil {
			text, err := encodeHeader(ev.Header)
			if err != nil {
				return nil, false, wrap("Accept", r.ID, err)
			}
			header = sql.NullString{String: text, Valid: true}
		}
		if ev.Body != nil || ev.BodyKept {
			body = append([]byte{}, ev.Body...) // a kept empty body is a zero-length blob, not NULL
		}
	}
	updated := r.UpdatedAt
	if updated.IsZero() {
		updated = r.CreatedAt
	}
	var existing *store.Run
	err = s.writeOne(ctx, func(tx *sql.Tx) error {
		existing = nil
		if r.DedupKey != "" {
			args := []any{r.Flow, r.DedupKey}
			if window > 0 {
				args = append(args, r.CreatedAt.Add(-window).UnixNano())
			}
			st := s.dedupForever
			if window > 0 {
				st = s.dedupWindowed
			}
			e, err := scanRun(tx.Stmt(st).QueryRow(args...), true)
			switch {
			case err == nil:
				existing = e
				return nil
			case !errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("dedup check: %w", err)
			}
		}
		_, err := tx.Stmt(s.insertRun).Exec(
			r.ID, r.Flow, r.Workflow, r.Trigger, r.DedupKey, r.BodyHash, r.ReplayOf, string(r.Status), r.Reason, r.Attempt,
			inputs, outputs, r.TraceParent, nanos(r.CreatedAt), nanos(updated), nanos(r.NextAttemptAt), nanos(r.FinishedAt),
			hasEvent, header, query, body, bodyKept, fired)
		if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
			return fmt.Errorf("a run with this id exists")
		}
		return err
	})
	if err != nil {
		return nil, false, wrap("Accept", r.ID, err)
	}
	if existing != nil {
		return existing, true, nil
	}
	return nil, false, nil
}

const insertRunQuery = `INSERT INTO runs (` + runCols + eventCols + `) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`

// dedupQuery finds the latest run of a flow and dedup key (since a time
// when windowed). The literal dedup_key <> ” lets SQLite use the partial
// index runs_dedup: a bound parameter alone does not imply it.
func dedupQuery(windowed bool) string {
	q := `SELECT ` + runCols + eventCols + ` FROM runs WHERE flow = ? AND dedup_key = ? AND dedup_key <> ''`
	if windowed {
		q += ` AND created_at >= ?`
	}
	return q + ` ORDER BY created_at DESC, id DESC LIMIT 1`
}

func checkAccept(r *store.Run) error {
	switch {
	case r.ID == "":
		return errors.New("empty id")
	case r.Flow == "":
		return errors.New("empty flow")
	case r.CreatedAt.IsZero():
		return errors.New("zero CreatedAt")
	case r.Status != store.StatusQueued && r.Status != store.StatusFailed:
		return fmt.Errorf("status %q: an accepted run is queued or failed", r.Status)
	}
	return nil
}

// Get returns the run of id with its Event.
func (s *Store) Get(ctx context.Context, id string) (*store.Run, error) {
	if err := s.read(); err != nil {
		return nil, wrap("Get", id, err)
	}
	r, err := scanRun(s.rdb.QueryRowContext(ctx, `SELECT `+runCols+eventCols+` FROM runs WHERE id = ?`, id), true)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, wrap("Get", id, err)
	}
	return r, nil
}

// MaxListLimit bounds one List answer: a larger f.Limit is taken as this
// (page on with f.Before).
const MaxListLimit = 1000

// List returns the runs f selects, newest first (by CreatedAt, then id),
// without Events, at most f.Limit (0: 100; at most MaxListLimit) of them.
// f.Before naming an unknown run is ErrNotFound.
func (s *Store) List(ctx context.Context, f store.Filter) ([]*store.Run, error) {
	if err := s.read(); err != nil {
		return nil, wrap("List", "", err)
	}
	var where []string
	var args []any
	if f.Flow != "" {
		where, args = append(where, "flow = ?"), append(args, f.Flow)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, string(f.Status))
	}
	if !f.Since.IsZero() {
		where, args = append(where, "created_at >= ?"), append(args, f.Since.UnixNano())
	}
	if !f.Until.IsZero() {
		where, args = append(where, "created_at < ?"), append(args, f.Until.UnixNano())
	}
	if f.Before != "" {
		var c int64
		err := s.rdb.QueryRowContext(ctx, `SELECT created_at FROM runs WHERE id = ?`, f.Before).Scan(&c)
		if errors.Is(err, sql.ErrNoRows) {
			err = fmt.Errorf("cursor: %w", store.ErrNotFound)
		}
		if err != nil {
			return nil, wrap("List", f.Before, err)
		}
		where = append(where, "(created_at < ? OR (created_at = ? AND id < ?))")
		args = append(args, c, c, f.Before)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, MaxListLimit)
	q := `SELECT ` + runCols + ` FROM runs`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY created_at DESC, id DESC LIMIT ?`
	args = append(args, limit)
	runs, err := s.queryRuns(ctx, q, false, args...)
	return runs, wrap("List", "", err)
}

func (s *Store) queryRuns(ctx context.Context, q string, withEvent bool, args ...any) ([]*store.Run, error) {
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*store.Run
	for rows.Next() {
		r, err := scanRun(rows, withEvent)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Pending returns the runs queued, running, retrying or interrupted,
// oldest first, with Events.
func (s *Store) Pending(ctx context.Context) ([]*store.Run, error) {
	if err := s.read(); err != nil {
		return nil, wrap("Pending", "", err)
	}
	runs, err := s.queryRuns(ctx, `SELECT `+runCols+eventCols+` FROM runs
		WHERE status IN ('queued', 'running', 'retrying', 'interrupted') ORDER BY created_at, id`, true)
	return runs, wrap("Pending", "", err)
}

func runExists(tx *sql.Tx, id string) (int, error) {
	var attempt int
	err := tx.QueryRow(`SELECT attempt FROM runs WHERE id = ?`, id).Scan(&attempt)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, store.ErrNotFound
	}
	return attempt, err
}

// StartAttempt marks run id running, increments its Attempt and opens that
// attempt, started at now.
func (s *Store) StartAttempt(ctx context.Context, id string, now time.Time) (*store.Attempt, error) {
	var a *store.Attempt
	err := s.write(ctx, func(tx *sql.Tx) error {
		n, err := runExists(tx, id)
		if err != nil {
			return err
		}
		n++
		if _, err := tx.Exec(`UPDATE runs SET status = 'running', attempt = ?, updated_at = ?, next_attempt_at = 0 WHERE id = ?`,
			n, nanos(now), id); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO attempts (run_id, n, status, started) VALUES (?, ?, 'running', ?)`,
			id, n, nanos(now)); err != nil {
			return err
		}
		a = &store.Attempt{RunID: id, N: n, Status: store.StatusRunning, Started: fromNanos(nanos(now))}
		return nil
	})
	if err != nil {
		return nil, wrap("StartAttempt", id, err)
	}
	return a, nil
}

func attemptExists(tx *sql.Tx, id string, n int) error {
	var one int
	err := tx.QueryRow(`SELECT 1 FROM attempts WHERE run_id = ? AND n = ?`, id, n).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("attempt %d: %w", n, store.ErrNotFound)
	}
	return err
}

// AppendStep appends one step record (JSON) to attempt n of run id.
func (s *Store) AppendStep(ctx context.Context, id string, n int, step json.RawMessage) error {
	if !json.Valid(step) {
		return wrap("AppendStep", id, errors.New("step record is not valid JSON"))
	}
	rec := string(step)
	return wrap("AppendStep", id, s.writeOne(ctx, func(tx *sql.Tx) error {
		if err := attemptExists(tx, id, n); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO steps (run_id, n, seq, record)
			VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM steps WHERE run_id = ? AND n = ?), ?)`,
			id, n, id, n, rec)
		return err
	}))
}

// MarkRequestSent sets RequestSent on attempt n of run id.
func (s *Store) MarkRequestSent(ctx context.Context, id string, n int) error {
	return wrap("MarkRequestSent", id, s.writeOne(ctx, func(tx *sql.Tx) error {
		if err := attemptExists(tx, id, n); err != nil {
			return err
		}
		_, err := tx.Exec(`UPDATE attempts SET request_sent = 1 WHERE run_id = ? AND n = ?`, id, n)
		return err
	}))
}

// Finish applies u to run id at now: status, reason, next attempt time,
// and the outputs when u.Outputs is not nil (nil keeps the ones stored).
// FinishedAt is set to now when u.Status is final and cleared otherwise.
// When u.AttemptStatus is set it closes the run's current attempt; a run
// with no attempt is then an error and nothing is changed.
func (s *Store) Finish(ctx context.Context, id string, u store.Update, now time.Time) error {
	if u.Status == "" {
		return wrap("Finish", id, errors.New("empty status"))
	}
	outputs, err := nullJSON(u.Outputs)
	if err != nil {
		return wrap("Finish", id, fmt.Errorf("outputs: %w", err))
	}
	var finished int64
	if u.Status.Final() {
		finished = nanos(now)
	}
	return wrap("Finish", id, s.write(ctx, func(tx *sql.Tx) error {
		n, err := runExists(tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE runs SET status = ?, reason = ?, outputs = CASE WHEN ? THEN ? ELSE outputs END,
			next_attempt_at = ?, updated_at = ?, finished_at = ? WHERE id = ?`,
			string(u.Status), u.Reason, outputs.Valid, outputs, nanos(u.NextAttemptAt), nanos(now), finished, id); err != nil {
			return err
		}
		if u.AttemptStatus == "" {
			return nil
		}
		if n == 0 {
			return fmt.Errorf("closing attempt: the run has no attempt: %w", store.ErrNotFound)
		}
		_, err = tx.Exec(`UPDATE attempts SET status = ?, error = ?, finished = ? WHERE run_id = ? AND n = ?`,
			string(u.AttemptStatus), u.AttemptError, nanos(now), id, n)
		return err
	}))
}

// Attempts returns run id's attempts, oldest first, with their steps.
func (s *Store) Attempts(ctx context.Context, id string) ([]*store.Attempt, error) {
	if err := s.read(); err != nil {
		return nil, wrap("Attempts", id, err)
	}
	out, err := s.attempts(ctx, id)
	return out, wrap("Attempts", id, err)
}

func (s *Store) attempts(ctx context.Context, id string) ([]*store.Attempt, error) {
	tx, err := s.rdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var one int
	if err := tx.QueryRowContext(ctx, `SELECT 1 FROM runs WHERE id = ?`, id).Scan(&one); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, store.ErrNotFound
		}
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT n, status, error, started, finished, request_sent FROM attempts
		WHERE run_id = ? ORDER BY n`, id)
	if err != nil {
		return nil, err
	}
	var out []*store.Attempt
	byN := map[int]*store.Attempt{}
	for rows.Next() {
		a := &store.Attempt{RunID: id}
		var status string
		var started, finished int64
		var sent int
		if err := rows.Scan(&a.N, &status, &a.Error, &started, &finished, &sent); err != nil {
			rows.Close()
			return nil, err
		}
		a.Status, a.Started, a.Finished, a.RequestSent = store.Status(status), fromNanos(started), fromNanos(finished), sent != 0
		out = append(out, a)
		byN[a.N] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT n, record FROM steps WHERE run_id = ? ORDER BY n, seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var n int
		var rec string
		if err := rows.Scan(&n, &rec); err != nil {
			return nil, err
		}
		if a := byN[n]; a != nil {
			a.Steps = append(a.Steps, json.RawMessage(rec))
		}
	}
	return out, rows.Err()
}

// AddNotification durably records n as pending. Its run must exist.
func (s *Store) AddNotification(ctx context.Context, n *store.Notification) error {
	if n == nil || n.ID == "" {
		return wrap("AddNotification", "", errors.New("notification without id"))
	}
	if !json.Valid(n.Payload) {
		return wrap("AddNotification", n.ID, errors.New("payload is not valid JSON"))
	}
	return wrap("AddNotification", n.ID, s.write(ctx, func(tx *sql.Tx) error {
		if _, err := runExists(tx, n.RunID); err != nil {
			return fmt.Errorf("run %q: %w", n.RunID, err)
		}
		_, err := tx.Exec(`INSERT INTO notifications (id, run_id, flow, target, payload, status, attempts, next_attempt_at, created_at)
			VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
			n.ID, n.RunID, n.Flow, n.Target, string(n.Payload), nanos(n.NextAttemptAt), nanos(n.CreatedAt))
		return err
	}))
}

// PendingNotifications returns the pending notifications, oldest first,
// with their deliveries.
func (s *Store) PendingNotifications(ctx context.Context) ([]*store.Notification, error) {
	if err := s.read(); err != nil {
		return nil, wrap("PendingNotifications", "", err)
	}
	out, err := s.notifications(ctx, `status = 'pending'`)
	return out, wrap("PendingNotifications", "", err)
}

// Notifications returns run id's notifications, oldest first, with their
// deliveries (ErrNotFound when the run is unknown).
func (s *Store) Notifications(ctx context.Context, runID string) ([]*store.Notification, error) {
	if err := s.read(); err != nil {
		return nil, wrap("Notifications", runID, err)
	}
	var one int
	if err := s.rdb.QueryRowContext(ctx, `SELECT 1 FROM runs WHERE id = ?`, runID).Scan(&one); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			err = store.ErrNotFound
		}
		return nil, wrap("Notifications", runID, err)
	}
	out, err := s.notifications(ctx, `run_id = ?`, runID)
	return out, wrap("Notifications", runID, err)
}

func (s *Store) notifications(ctx context.Context, where string, args ...any) ([]*store.Notification, error) {
	tx, err := s.rdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT id, run_id, flow, target, payload, status, attempts, next_attempt_at, created_at
		FROM notifications WHERE `+where+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, err
	}
	var out []*store.Notification
	for rows.Next() {
		n := &store.Notification{}
		var payload string
		var next, created int64
		if err := rows.Scan(&n.ID, &n.RunID, &n.Flow, &n.Target, &payload, &n.Status, &n.Attempts, &next, &created); err != nil {
			rows.Close()
			return nil, err
		}
		n.Payload, n.NextAttemptAt, n.CreatedAt = json.RawMessage(payload), fromNanos(next), fromNanos(created)
		out = append(out, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, n := range out {
		drows, err := tx.QueryContext(ctx, `SELECT n, at, status_code, error, duration_ns FROM deliveries
			WHERE notification_id = ? ORDER BY n`, n.ID)
		if err != nil {
			return nil, err
		}
		for drows.Next() {
			var d store.Delivery
			var at, dur int64
			if err := drows.Scan(&d.N, &at, &d.StatusCode, &d.Error, &dur); err != nil {
				drows.Close()
				return nil, err
			}
			d.At, d.Duration = fromNanos(at), time.Duration(dur)
			n.Deliveries = append(n.Deliveries, d)
		}
		drows.Close()
		if err := drows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RecordDelivery appends d to notification id (d.N 0 numbers it after the
// last one), sets the attempts count, the status and the next attempt time.
func (s *Store) RecordDelivery(ctx context.Context, id string, d store.Delivery, status string, next time.Time) error {
	switch status {
	case store.NotificationPending, store.NotificationDelivered, store.NotificationDead:
	default:
		return wrap("RecordDelivery", id, fmt.Errorf("status %q: want pending, delivered or dead", status))
	}
	return wrap("RecordDelivery", id, s.write(ctx, func(tx *sql.Tx) error {
		var attempts int
		err := tx.QueryRow(`SELECT attempts FROM notifications WHERE id = ?`, id).Scan(&attempts)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		n := d.N
		if n == 0 {
			n = attempts + 1
		}
		if _, err := tx.Exec(`INSERT INTO deliveries (notification_id, n, at, status_code, error, duration_ns) VALUES (?, ?, ?, ?, ?, ?)`,
			id, n, nanos(d.At), d.StatusCode, d.Error, int64(d.Duration)); err != nil {
			if strings.Contains(err.Error(), "UNIQUE constraint failed") {
				return fmt.Errorf("delivery %d is already recorded", n)
			}
			return err
		}
		_, err = tx.Exec(`UPDATE notifications SET attempts = (SELECT COUNT(*) FROM deliveries WHERE notification_id = ?),
			status = ?, next_attempt_at = ? WHERE id = ?`, id, status, nanos(next), id)
		return err
	}))
}

// LastTick returns the last recorded tick of flow's schedule (zero when
// none).
func (s *Store) LastTick(ctx context.Context, flow string) (time.Time, error) {
	if err := s.read(); err != nil {
		return time.Time{}, wrap("LastTick", flow, err)
	}
	var at int64
	err := s.rdb.QueryRowContext(ctx, `SELECT at FROM ticks WHERE flow = ?`, flow).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, wrap("LastTick", flow, err)
	}
	return fromNanos(at), nil
}

// SetLastTick records t as the last tick of flow's schedule.
func (s *Store) SetLastTick(ctx context.Context, flow string, t time.Time) error {
	return wrap("SetLastTick", flow, s.writeOne(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO ticks (flow, at) VALUES (?, ?) ON CONFLICT (flow) DO UPDATE SET at = excluded.at`,
			flow, nanos(t))
		return err
	}))
}
