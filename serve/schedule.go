package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/robfig/cron/v3"

	"github.com/weftflow/weft/runtime"
	"github.com/weftflow/weft/serve/definition"
	"github.com/weftflow/weft/store"
)

// maxMissedCount caps the ticks counted while down (a per-second schedule
// down for a year would otherwise count for long).
const maxMissedCount = 100000

// missedTicks is what a start found of a schedule's downtime.
type missedTicks struct {
	count       int
	first, last time.Time
}

// scheduler fires the schedule flows through gocron, one gocron scheduler
// per flow (each in its flow's time zone).
type scheduler struct {
	s     *Server
	crons []gocron.Scheduler
}

// newScheduler reports the ticks each schedule missed while the server
// was down (they are not run: a burst of stale runs is rarely what an
// integration wants; replay or trigger by hand), then starts the
// schedules.
func newScheduler(ctx context.Context, s *Server) (*scheduler, error) {
	sc := &scheduler{s: s}
	for _, f := range s.order {
		sd := f.def.Trigger.Schedule
		if sd == nil {
			continue
		}
		loc, err := time.LoadLocation(orUTC(sd.TimeZone))
		if err != nil {
			return nil, fmt.Errorf("serve: flow %s: timeZone: %w", f.def.Name, err)
		}
		now := s.opts.now()
		last, err := s.st.LastTick(ctx, f.def.Name)
		if err != nil {
			return nil, fmt.Errorf("serve: flow %s: %w", f.def.Name, err)
		}
		if !last.IsZero() {
			m, err := countMissed(sd, loc, last, now)
			if err != nil {
				return nil, fmt.Errorf("serve: flow %s: %w", f.def.Name, err)
			}
			if m.count > 0 {
				s.missedMu.Lock()
				s.missed[f.def.Name] = m
				s.missedMu.Unlock()
				s.log.Warn("schedule ticks missed while the server was down; not run",
					slog.String(LogKeyFlow, f.def.Name), slog.Int("missed", m.count),
					slog.Time("first", m.first), slog.Time("last", m.last))
			}
		}
		// The downtime of the next stop counts from now.
		if err := s.st.SetLastTick(ctx, f.def.Name, now); err != nil {
			return nil, fmt.Errorf("serve: flow %s: %w", f.def.Name, err)
		}
		g, err := gocron.NewScheduler(gocron.WithLocation(loc))
		if err != nil {
			return nil, fmt.Errorf("serve: flow %s: %w", f.def.Name, err)
		}
		var jd gocron.JobDefinition
		if sd.Every > 0 {
			jd = gocron.DurationJob(sd.Every)
		} else {
			jd = gocron.CronJob(sd.Cron, len(strings.Fields(stripTZ(sd.Cron))) == 6)
		}
		if _, err := g.NewJob(jd, gocron.NewTask(sc.tick, f)); err != nil {
			_ = g.Shutdown()
			return nil, fmt.Errorf("serve: flow %s: schedule: %w", f.def.Name, err)
		}
		g.Start()
		sc.crons = append(sc.crons, g)
	}
	return sc, nil
}

// tick starts a schedule run, unless the overlap policy skips it.
func (sc *scheduler) tick(f *flow) {
	s := sc.s
	now := s.opts.now()
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if err := s.st.SetLastTick(ctx, f.def.Name, now); err != nil {
		s.log.Error("could not record a tick", slog.String(LogKeyFlow, f.def.Name), slog.String(runtime.LogKeyError, err.Error()))
	}
	if f.def.Trigger.Schedule.Overlap != "queue" && f.scheduled.Load() > 0 {
		s.log.Warn("schedule tick skipped: a run of the flow is still in flight (overlap: skip)", slog.String(LogKeyFlow, f.def.Name))
		return
	}
	if !s.accepting.Load() {
		return
	}
	body, _ := json.Marshal(map[string]any{"flow": f.def.Name, "firedAt": now.UTC().Format(time.RFC3339Nano),
		"firedAtUnixMilli": now.UnixMilli()})
	ev := newEvent(nil, "", body)
	r := &store.Run{Trigger: store.TriggerSchedule, Event: &store.Event{FiredAt: now, Body: body, BodyKept: true}}
	if _, err := s.start(ctx, f, r, ev, nil); err != nil {
		s.log.Warn("schedule run failed to start", slog.String(LogKeyFlow, f.def.Name), slog.String(runtime.LogKeyError, s.mask.String(err.Error())))
	}
}

// stop stops the schedules.
func (sc *scheduler) stop() {
	for _, g := range sc.crons {
		_ = g.Shutdown()
	}
}

// countMissed counts sd's ticks after last and up to now.
func countMissed(sd *definition.Schedule, loc *time.Location, last, now time.Time) (missedTicks, error) {
	var m missedTicks
	if sd.Every > 0 {
		n := int(now.Sub(last) / sd.Every)
		if n > maxMissedCount {
			n = maxMissedCount
		}
		if n > 0 {
			m = missedTicks{count: n, first: last.Add(sd.Every), last: last.Add(time.Duration(n) * sd.Every)}
		}
		return m, nil
	}
	spec := cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	sched, err := spec.Parse(sd.Cron)
	if err != nil {
		return m, fmt.Errorf("cron %q: %w", sd.Cron, err)
	}
	for t := sched.Next(last.In(loc)); !t.IsZero() && !t.After(now) && m.count < maxMissedCount; t = sched.Next(t) {
		if m.count == 0 {
			m.first = t
		}
		m.last = t
		m.count++
	}
	return m, nil
}

func orUTC(tz string) string {
	if tz == "" {
		return "UTC"
	}
	return tz
}

// stripTZ drops a leading CRON_TZ= or TZ= setting from a cron spec.
func stripTZ(spec string) string {
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "CRON_TZ=") || strings.HasPrefix(spec, "TZ=") {
		if i := strings.IndexByte(spec, ' '); i >= 0 {
			return spec[i+1:]
		}
	}
	return spec
}
