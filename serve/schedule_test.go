package serve_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/weftflow/weft/serve/definition"
	"github.com/weftflow/weft/store"
	"github.com/weftflow/weft/store/sqlite"
)

// scheduleFlow turns the reference flow into a schedule flow whose source
// name is the tick's time.
func scheduleFlow(h *harness, sd *definition.Schedule) {
	f := h.def.Flows[0]
	f.Trigger = definition.Trigger{Schedule: sd}
	f.Inputs[0] = definition.Input{Name: "sourceName", Expr: "tick-{$request.body#/firedAtUnixMilli}"}
	f.Inputs[1] = definition.Input{Name: "integrationLabel", Expr: "$request.body#/flow"}
}

// TestScheduleRuns pins that an interval schedule starts runs whose inputs
// map the tick, and that overlap "skip" starts nothing while a run of the
// flow is in flight.
func TestScheduleRuns(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		scheduleFlow(h, &definition.Schedule{Every: 40 * time.Millisecond, Overlap: "skip"})
	})
	// Slow runs: each lasts about 4 ticks.
	h.setGate(func(*http.Request) { time.Sleep(40 * time.Millisecond) })
	time.Sleep(700 * time.Millisecond)
	h.stop()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, h.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	runs, _ := st.List(ctx, store.Filter{Flow: "attach"})
	succeeded := 0
	for _, r := range runs {
		t.Logf("run %s %s %s", r.ID, r.Status, r.Reason)
		if r.Trigger != store.TriggerSchedule {
			t.Errorf("trigger = %s", r.Trigger)
		}
		if r.Status == store.StatusSucceeded {
			succeeded++
		}
	}
	// 700ms of 40ms ticks is 17 ticks; runs of ~160ms each, one at a
	// time, leave room for 3 to 5.
	if succeeded < 2 || len(runs) > 6 {
		t.Errorf("%d runs (%d succeeded) in 700ms: overlap skip not applied?", len(runs), succeeded)
	}
	if !strings.Contains(h.logs.String(), "tick skipped") {
		t.Error("no skipped tick was reported")
	}
}

// TestScheduleMissedTicksReported pins that ticks that fell while the
// server was down are counted and reported, not run in a burst.
func TestScheduleMissedTicksReported(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		scheduleFlow(h, &definition.Schedule{Cron: "*/10 * * * *", TimeZone: "Europe/Paris"})
		st, err := sqlite.Open(context.Background(), h.dbPath)
		if err != nil {
			t.Fatal(err)
		}
		// Down for an hour and five minutes: six or seven ten-minute ticks.
		if err := st.SetLastTick(context.Background(), "attach", time.Now().Add(-65*time.Minute)); err != nil {
			t.Fatal(err)
		}
		st.Close()
	})
	fi := h.srv.Flows()
	if len(fi) != 1 || fi[0].MissedTicks < 6 || fi[0].MissedTicks > 7 || fi[0].Trigger != "schedule" {
		t.Errorf("flows = %+v", fi)
	}
	if !strings.Contains(h.logs.String(), "missed") {
		t.Error("missed ticks not logged")
	}
	time.Sleep(100 * time.Millisecond)
	if runs, _ := h.st.List(context.Background(), store.Filter{}); len(runs) != 0 {
		t.Errorf("missed ticks ran: %d runs", len(runs))
	}
}
