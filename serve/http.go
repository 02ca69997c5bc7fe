package serve

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/weftflow/weft/runtime"
	"github.com/weftflow/weft/store"
	"github.com/weftflow/weft/webhook"
)

// Handler returns the server's HTTP handler: each webhook flow's path
// (POST only), the admin API under /admin/ (bearer token), and /healthz.
func (s *Server) Handler() http.Handler {
	hooks := map[string]*flow{}
	for _, f := range s.order {
		if wh := f.def.Trigger.Webhook; wh != nil {
			hooks[wh.Path] = f
		}
	}
	admin := s.adminHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f := hooks[r.URL.Path]; f != nil {
			s.serveWebhook(w, r, f)
			return
		}
		switch {
		case r.URL.Path == "/healthz":
			if !s.accepting.Load() {
				writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "stopping"})
				return
			}
			writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		case r.URL.Path == "/admin" || len(r.URL.Path) > 7 && r.URL.Path[:7] == "/admin/":
			admin.ServeHTTP(w, r)
		default:
			writeError(w, http.StatusNotFound, "no such route")
		}
	})
}

// serveWebhook accepts one delivery of f's webhook: the body read within
// the limit (413 beyond it), the signature verified (401 and nothing
// started when unsigned, wrongly signed, stale or replayed), the event
// written to the store, then 202 with the run id (200 with the first
// run's id for a repeated delivery; 400 or 422 with the id of the failed
// start when the body is not JSON or the inputs do not map or validate).
func (s *Server) serveWebhook(w http.ResponseWriter, r *http.Request, f *flow) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "webhooks are POSTed")
		return
	}
	if !s.accepting.Load() {
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, "the server is stopping")
		return
	}
	wh := f.def.Trigger.Webhook
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, wh.MaxBodyBytes))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			s.refuse(r, f, "too_large", "")
			writeError(w, http.StatusRequestEntityTooLarge, "the body is over the flow's maxBodyBytes ("+strconv.FormatInt(wh.MaxBodyBytes, 10)+")")
			return
		}
		writeError(w, http.StatusBadRequest, "reading the body failed")
		return
	}
	var signed webhook.Delivery
	if f.verifier != nil {
		if signed, err = f.verifier.Verify(r.Header, body, s.opts.now()); err != nil {
			reason := "signature"
			var ve *webhook.Error
			if errors.As(err, &ve) {
				reason = string(ve.Reason)
			}
			s.refuse(r, f, reason, s.mask.String(err.Error()))
			writeError(w, http.StatusUnauthorized, s.mask.String(err.Error()))
			return
		}
	}
	ev := newEvent(r.Header, r.URL.RawQuery, body)
	run := &store.Run{Trigger: store.TriggerWebhook, DedupKey: f.dedupKey(ev), TraceParent: r.Header.Get("traceparent"),
		Event: &store.Event{Header: storedHeader(r.Header, f.sigHeaders, s.mask.String), Query: r.URL.RawQuery}}
	if f.def.KeepBody {
		run.Event.Body, run.Event.BodyKept = s.mask.Bytes(body), true
	}
	if !signed.Timestamp.IsZero() {
		// A signed timestamp: the sender re-signs each retry, so the
		// fingerprint of this delivery tells a retry from a replay.
		run.BodyHash = deliveryHash(f, r.Header, body)
	}
	acc, err := s.start(r.Context(), f, run, ev, nil)
	var se *StartError
	switch {
	case errors.As(err, &se) && se.NotJSON:
		writeJSON(w, http.StatusBadRequest, acc)
	case se != nil:
		writeJSON(w, http.StatusUnprocessableEntity, acc)
	case err != nil:
		s.log.Error("could not record an event", slog.String(LogKeyFlow, f.def.Name), slog.String(runtime.LogKeyError, err.Error()))
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, "the event could not be recorded; send it again")
	case acc.Duplicate && run.BodyHash != "" && acc.firstHash == run.BodyHash:
		// The very request seen before, signature and timestamp included:
		// a sender re-signs its retries, so this is a replay.
		s.refuse(r, f, "replayed", "")
		writeError(w, http.StatusUnauthorized, "replayed delivery: this signed request was received before")
	case acc.Duplicate:
		writeJSON(w, http.StatusOK, acc)
	default:
		writeJSON(w, http.StatusAccepted, acc)
	}
}

// refuse logs a refused delivery.
func (s *Server) refuse(r *http.Request, f *flow, reason, detail string) {
	attrs := []slog.Attr{slog.String(LogKeyFlow, f.def.Name), slog.String(LogKeyReason, reason)}
	if detail != "" {
		attrs = append(attrs, slog.String(runtime.LogKeyError, detail))
	}
	s.log.LogAttrs(r.Context(), slog.LevelWarn, "webhook refused", attrs...)
}

// adminHandler serves the admin API behind the bearer token.
func (s *Server) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/flows", s.adminFlows)
	mux.HandleFunc("POST /admin/flows/{flow}/runs", s.adminTrigger)
	mux.HandleFunc("GET /admin/runs", s.adminRuns)
	mux.HandleFunc("GET /admin/runs/{id}", s.adminRun)
	mux.HandleFunc("POST /admin/runs/{id}/replay", s.adminReplay)
	var want [32]byte
	token := s.def.AdminToken.Text
	if token != "" {
		want = sha256.Sum256([]byte(token))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get("Authorization")
		const prefix = "Bearer "
		ok := token != "" && len(got) > len(prefix) && equalFold(got[:len(prefix)], prefix)
		if ok {
			h := sha256.Sum256([]byte(got[len(prefix):]))
			ok = subtle.ConstantTimeCompare(h[:], want[:]) == 1
		}
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="weft admin"`)
			msg := "the admin API needs the bearer token"
			if token == "" {
				msg = "the admin API is disabled: no admin token is configured"
			}
			writeError(w, http.StatusUnauthorized, msg)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// FlowInfo describes a flow in the admin API.
type FlowInfo struct {
	Name     string `json:"name"`
	Workflow string `json:"workflow"`
	Trigger  string `json:"trigger"` // webhook, schedule or manual
	Path     string `json:"path,omitempty"`
	Schedule string `json:"schedule,omitempty"`
	// Queued and InFlight are the runs waiting for a worker and running.
	Queued   int `json:"queued"`
	InFlight int `json:"inFlight"`
	// MissedTicks counts the schedule's ticks that fell while the server
	// was down, reported at the last start and not run.
	MissedTicks int `json:"missedTicks,omitempty"`
}

// Flows describes the server's flows, in file order.
func (s *Server) Flows() []FlowInfo {
	out := make([]FlowInfo, 0, len(s.order))
	for _, f := range s.order {
		fi := FlowInfo{Name: f.def.Name, Workflow: f.def.Workflow, Trigger: "manual"}
		switch t := f.def.Trigger; {
		case t.Webhook != nil:
			fi.Trigger, fi.Path = "webhook", t.Webhook.Path
		case t.Schedule != nil:
			fi.Trigger = "schedule"
			fi.Schedule = t.Schedule.Cron
			if t.Schedule.Every > 0 {
				fi.Schedule = "every " + t.Schedule.Every.String()
			}
		}
		fi.Queued, fi.InFlight = f.queue.stats()
		s.missedMu.Lock()
		fi.MissedTicks = s.missed[f.def.Name].count
		s.missedMu.Unlock()
		out = append(out, fi)
	}
	return out
}

func (s *Server) adminFlows(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"flows": s.Flows()})
}

// TriggerRequest is the body of POST /admin/flows/{flow}/runs.
type TriggerRequest struct {
	Inputs map[string]any `json:"inputs"`
}

func (s *Server) adminTrigger(w http.ResponseWriter, r *http.Request) {
	var req TriggerRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil && !errors.Is(err, io.EOF) {
		writeError(w, http.StatusBadRequest, "the body must be {\"inputs\": {...}}: "+err.Error())
		return
	}
	acc, err := s.Trigger(r.Context(), r.PathValue("flow"), req.Inputs)
	s.answerStart(w, acc, err)
}

func (s *Server) adminReplay(w http.ResponseWriter, r *http.Request) {
	acc, err := s.Replay(r.Context(), r.PathValue("id"))
	s.answerStart(w, acc, err)
}

// answerStart writes the answer to a manual start or a replay.
func (s *Server) answerStart(w http.ResponseWriter, acc Accepted, err error) {
	var (
		uf *UnknownFlowError
		se *StartError
		re *ReplayError
	)
	switch {
	case err == nil:
		writeJSON(w, http.StatusAccepted, acc)
	case errors.As(err, &se):
		writeJSON(w, http.StatusUnprocessableEntity, acc)
	case errors.As(err, &uf), errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, s.mask.String(err.Error()))
	case errors.As(err, &re):
		writeError(w, http.StatusConflict, s.mask.String(err.Error()))
	case errors.Is(err, ErrStopping):
		writeError(w, http.StatusServiceUnavailable, err.Error())
	default:
		writeError(w, http.StatusInternalServerError, s.mask.String(err.Error()))
	}
}

func (s *Server) adminRuns(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.Filter{Flow: q.Get("flow"), Status: store.Status(q.Get("status")), Before: q.Get("before")}
	for name, dst := range map[string]*time.Time{"since": &f.Since, "until": &f.Until} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				writeError(w, http.StatusBadRequest, name+": want an RFC 3339 time, e.g. 2026-12-02T10:00:00Z")
				return
			}
			*dst = t
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, http.StatusBadRequest, "limit: want 1 to 1000")
			return
		}
		f.Limit = n
	}
	runs, err := s.st.List(r.Context(), f)
	if err != nil {
		writeError(w, http.StatusInternalServerError, s.mask.String(err.Error()))
		return
	}
	if runs == nil {
		runs = []*store.Run{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"runs": runs})
}

// RunDetail is the admin API's answer for one run.
type RunDetail struct {
	Run           *store.Run            `json:"run"`
	Attempts      []*store.Attempt      `json:"attempts"`
	Notifications []*store.Notification `json:"notifications"`
}

// Inspect returns run id with its attempts (each with its step records)
// and notifications.
func (s *Server) Inspect(ctx context.Context, id string) (*RunDetail, error) {
	run, err := s.st.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	atts, err := s.st.Attempts(ctx, id)
	if err != nil {
		return nil, err
	}
	ns, err := s.st.Notifications(ctx, id)
	if err != nil {
		return nil, err
	}
	return &RunDetail{Run: run, Attempts: atts, Notifications: ns}, nil
}

func (s *Server) adminRun(w http.ResponseWriter, r *http.Request) {
	d, err := s.Inspect(r.Context(), r.PathValue("id"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, "no run "+strconv.Quote(r.PathValue("id")))
	case err != nil:
		writeError(w, http.StatusInternalServerError, s.mask.String(err.Error()))
	default:
		writeJSON(w, http.StatusOK, d)
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}
