// Package sqlite is the embedded default store.Store of weft serve: one
// SQLite file in WAL mode through the pure-Go modernc.org/sqlite driver.
//
// Every write is durable when its method returns (synchronous=FULL: the
// commit is fsynced to the WAL). Writes go through one writer goroutine
// that gathers the calls waiting and commits them in one transaction
// (group commit), each call in its own savepoint so that one failing call
// does not undo the others; reads use a separate pool of WAL readers.
// See docs/store.md.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"

	"github.com/weftflow/weft/store"
)

// ErrClosed is returned by every method called after Close.
var ErrClosed = errors.New("store/sqlite: store is closed")

// Error is an error of this package: the operation, the id it concerned
// (when any) and the cause. Unwrap gives the cause (store.ErrNotFound for
// an unknown id).
type Error struct {
	Op  string // the method, e.g. "Accept"
	ID  string // the run or notification id, "" when none
	Err error
}

// Error says where and why.
func (e *Error) Error() string {
	if e.ID != "" {
		return fmt.Sprintf("store/sqlite: %s %q: %v", e.Op, e.ID, e.Err)
	}
	return fmt.Sprintf("store/sqlite: %s: %v", e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func wrap(op, id string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Op: op, ID: id, Err: err}
}

// Option configures Open.
type Option func(*config)

type config struct {
	maxBatch    int
	readConns   int
	busyTimeout time.Duration
}

// WithMaxBatch caps how many writes one group commit gathers (default 256).
func WithMaxBatch(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.maxBatch = n
		}
	}
}

// WithReadConns sets the size of the read pool (default 4).
func WithReadConns(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.readConns = n
		}
	}
}

// WithBusyTimeout sets how long a connection waits for a lock held by
// another connection or process before failing (default 5s).
func WithBusyTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.busyTimeout = d
		}
	}
}

// Store is a store.Store on one SQLite file. It is safe for concurrent use.
type Store struct {
	path  string
	cfg   config
	wdb   *sql.DB
	wconn *sql.Conn
	rdb   *sql.DB

	// Statements of Accept, prepared once on the writer's connection.
	insertRun, dedupWindowed, dedupForever *sql.Stmt

	ops     chan *op
	quit    chan struct{}
	stopped chan struct{}

	// onBatch, when set (by tests, before the first write), is called
	// with the size of each batch the writer commits.
	onBatch func(n int)

	closeOnce sync.Once
	closeErr  error
	mu        sync.RWMutex
	closed    bool
}

var _ store.Store = (*Store)(nil)

// op is one write waiting for the writer goroutine.
type op struct {
	ctx context.Context
	fn  func(tx *sql.Tx) error
	// single is set when fn writes with at most one statement (after any
	// reads): SQLite's statement atomicity then stands in for a savepoint.
	single bool
	done   chan error
}

func dsn(path string, busy time.Duration, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	if writer {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Set("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens (creating when absent) the store in the SQLite file at path,
// sets WAL mode, and creates or migrates its schema.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	cfg := config{maxBatch: 256, readConns: 4, busyTimeout: 5 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	if path == "" {
		return nil, wrap("Open", "", errors.New("empty path"))
	}
	s := &Store{path: path, cfg: cfg, ops: make(chan *op, 1024), quit: make(chan struct{}), stopped: make(chan struct{})}
	var err error
	if s.wdb, err = sql.Open("sqlite", dsn(path, cfg.busyTimeout, true)); err != nil {
		return nil, wrap("Open", path, err)
	}
	s.wdb.SetMaxOpenConns(1)
	s.wdb.SetMaxIdleConns(1)
	s.wdb.SetConnMaxLifetime(0)
	s.wdb.SetConnMaxIdleTime(0)
	if s.wconn, err = s.wdb.Conn(ctx); err != nil {
		s.wdb.Close()
		return nil, wrap("Open", path, err)
	}
	if err = migrate(ctx, s.wconn); err != nil {
		s.wconn.Close()
		s.wdb.Close()
		return nil, wrap("Open", path, err)
	}
	// Prepare Accept's statements on the pool's one connection (so the
	// writer's transactions reuse them), then hold that connection again.
	s.wconn.Close()
	for _, p := range []struct {
		st **sql.Stmt
		q  string
	}{{&s.insertRun, insertRunQuery}, {&s.dedupWindowed, dedupQuery(true)}, {&s.dedupForever, dedupQuery(false)}} {
		if *p.st, err = s.wdb.PrepareContext(ctx, p.q); err != nil {
			s.wdb.Close()
			return nil, wrap("Open", path, err)
		}
	}
	if s.wconn, err = s.wdb.Conn(ctx); err != nil {
		s.wdb.Close()
		return nil, wrap("Open", path, err)
	}
	if s.rdb, err = sql.Open("sqlite", dsn(path, cfg.busyTimeout, false)); err != nil {
		s.wconn.Close()
		s.wdb.Close()
		return nil, wrap("Open", path, err)
	}
	s.rdb.SetMaxOpenConns(cfg.readConns)
	s.rdb.SetMaxIdleConns(cfg.readConns)
	if err = s.rdb.PingContext(ctx); err != nil {
		s.rdb.Close()
		s.wconn.Close()
		s.wdb.Close()
		return nil, wrap("Open", path, err)
	}
	go s.writer()
	return s, nil
}

func migrate(ctx context.Context, c *sql.Conn) error {
	var mode string
	if err := c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("reading journal_mode: %w", err)
	}
	if mode != "wal" {
		return fmt.Errorf("journal_mode is %q, not wal (a file system without shared memory?)", mode)
	}
	var v int
	if err := c.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("reading schema version: %w", err)
	}
	if v > schemaVersion {
		return fmt.Errorf("schema version %d is newer than this weft's %d", v, schemaVersion)
	}
	if v == schemaVersion {
		return nil
	}
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Read again inside the (immediate) transaction: another process may
	// have migrated the file meanwhile.
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("reading schema version: %w", err)
	}
	for ; v < schemaVersion; v++ {
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("migrating schema %d→%d: %w", v, v+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return fmt.Errorf("setting schema version: %w", err)
	}
	return tx.Commit()
}

// writer is the one goroutine that writes: it takes the ops waiting (up to
// maxBatch, or until none is waiting) and commits them in one transaction.
func (s *Store) writer() {
	defer close(s.stopped)
	batch := make([]*op, 0, s.cfg.maxBatch)
	for {
		batch = batch[:0]
		select {
		case o := <-s.ops:
			batch = append(batch, o)
		case <-s.quit:
			// Answer what is still queued, then stop.
			for {
				select {
				case o := <-s.ops:
					o.done <- ErrClosed
				default:
					return
				}
			}
		}
	gather:
		for len(batch) < s.cfg.maxBatch {
			select {
			case o := <-s.ops:
				batch = append(batch, o)
			default:
				break gather
			}
		}
		s.commit(batch)
	}
}

func (s *Store) commit(batch []*op) {
	if s.onBatch != nil {
		s.onBatch(len(batch))
	}
	ctx := context.Background()
	errs := make([]error, len(batch))
	tx, err := s.wconn.BeginTx(ctx, nil)
	if err != nil {
		for _, o := range batch {
			o.done <- err
		}
		return
	}
	ran := 0
	for i, o := range batch {
		if err := o.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if o.single {
			if errs[i] = o.fn(tx); errs[i] == nil {
				ran++
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, "SAVEPOINT op"); err != nil {
			errs[i] = err
			continue
		}
		errs[i] = o.fn(tx)
		if errs[i] != nil {
			if _, err := tx.ExecContext(ctx, "ROLLBACK TO op"); err != nil {
				errs[i] = errors.Join(errs[i], err)
			}
		} else {
			ran++
		}
		if _, err := tx.ExecContext(ctx, "RELEASE op"); err != nil {
			errs[i] = errors.Join(errs[i], err)
		}
	}
	if ran == 0 {
		err = tx.Rollback()
	} else {
		err = tx.Commit()
	}
	for i, o := range batch {
		e := errs[i]
		if e == nil && err != nil {
			e = fmt.Errorf("commit: %w", err)
		}
		o.done <- e
	}
}

// write runs fn in the writer's next group commit and waits until it is
// committed (or ctx ends: a write already taken by the writer may then
// still be committed).
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.submit(ctx, fn, false)
}

// writeOne is write for an fn that writes with at most one statement.
func (s *Store) writeOne(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.submit(ctx, fn, true)
}

func (s *Store) submit(ctx context.Context, fn func(tx *sql.Tx) error, single bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	o := &op{ctx: ctx, fn: fn, single: single, done: make(chan error, 1)}
	select {
	case s.ops <- o:
	case <-ctx.Done():
		s.mu.RUnlock()
		return ctx.Err()
	}
	s.mu.RUnlock()
	select {
	case err := <-o.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// read returns ErrClosed after Close, nil otherwise.
func (s *Store) read() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	return nil
}

// Close stops the writer (writes queued and not yet taken answer
// ErrClosed) and closes the database. Later calls of any method return
// ErrClosed; Close itself may be called more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.quit)
		<-s.stopped
		s.closeErr = errors.Join(s.insertRun.Close(), s.dedupWindowed.Close(), s.dedupForever.Close(),
			s.wconn.Close(), s.wdb.Close(), s.rdb.Close())
	})
	return s.closeErr
}

// Path returns the file the store was opened on.
func (s *Store) Path() string { return s.path }

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
