package workqueue

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestAddAfter(t *testing.T) {
	type delayed struct {
		item string
		d    time.Duration
	}
	type step struct {
		by   time.Duration
		want []string // ready after the step, in Get order
	}
	tests := []struct {
		name  string
		adds  []delayed
		ready []string // ready at once
		steps []step
	}{
		{
			name: "ordered by ready time",
			adds: []delayed{{"a", 3 * time.Second}, {"b", time.Second}, {"c", 2 * time.Second}},
			steps: []step{
				{by: 999 * time.Millisecond},
				{by: time.Millisecond, want: []string{"b"}},
				{by: 2 * time.Second, want: []string{"c", "a"}},
			},
		},
		{
			name:  "same ready time keeps call order",
			adds:  []delayed{{"b", time.Second}, {"a", time.Second}},
			steps: []step{{by: time.Second, want: []string{"b", "a"}}},
		},
		{
			name: "earlier ready time wins",
			adds: []delayed{{"a", 5 * time.Second}, {"a", time.Second}},
			steps: []step{
				{by: time.Second, want: []string{"a"}},
				{by: 10 * time.Second},
			},
		},
		{
			name: "later ready time ignored",
			adds: []delayed{{"a", time.Second}, {"a", 5 * time.Second}},
			steps: []step{
				{by: time.Second, want: []string{"a"}},
				{by: 10 * time.Second},
			},
		},
		{
			name:  "zero or negative delay is Add",
			adds:  []delayed{{"a", 0}, {"b", -time.Second}, {"a", 0}},
			ready: []string{"a", "b"},
			steps: []step{{by: time.Second}},
		},
		{
			name:  "due item already queued is queued once",
			adds:  []delayed{{"a", 0}, {"a", time.Second}},
			ready: nil, // taken below only after the step
			steps: []step{{by: time.Second, want: []string{"a"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			q := New(Config[string]{Clock: clock})
			defer q.ShutDown()
			for _, a := range tt.adds {
				q.AddAfter(a.item, a.d)
			}
			if tt.ready != nil {
				if got := drain(t, q); !slices.Equal(got, tt.ready) {
					t.Fatalf("ready at once: got %q, want %q", got, tt.ready)
				}
			}
			var elapsed time.Duration
			for _, s := range tt.steps {
				clock.Step(s.by)
				elapsed += s.by
				if got := drain(t, q); !slices.Equal(got, s.want) {
					t.Fatalf("after %v: got %q, want %q", elapsed, got, s.want)
				}
			}
			if m := q.Metrics(); m.Waiting != 0 {
				t.Fatalf("%d items still waiting", m.Waiting)
			}
		})
	}
}

func TestAddAfterInFlightItemWaitsForDone(t *testing.T) {
	clock := newFakeClock()
	q := New(Config[string]{Clock: clock})
	defer q.ShutDown()
	q.Add("a")
	item := getNow(t, q)
	q.AddAfter("a", time.Second)
	clock.Step(time.Second)
	if q.Len() != 0 {
		t.Fatal("in-flight item handed out again before Done")
	}
	q.Done(item)
	if got := drain(t, q); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("got %q, want [a]", got)
	}
}

func TestShutDownStopsDelayTimer(t *testing.T) {
	for _, shutDown := range []struct {
		name string
		f    func(*Queue[string])
	}{
		{"ShutDown", (*Queue[string]).ShutDown},
		{"ShutDownWithDrain", func(q *Queue[string]) { _ = q.ShutDownWithDrain(context.Background()) }},
	} {
		t.Run(shutDown.name, func(t *testing.T) {
			clock := newFakeClock()
			q := New(Config[string]{Clock: clock})
			q.AddAfter("a", time.Second)
			if clock.pending() != 1 {
				t.Fatalf("%d timers armed, want 1", clock.pending())
			}
			shutDown.f(q)
			if clock.pending() != 0 {
				t.Fatalf("%d timers armed after shutdown", clock.pending())
			}
			clock.Step(time.Hour)
			if q.Len() != 0 || q.Metrics().Waiting != 0 {
				t.Fatalf("delayed item survived shutdown: %+v", q.Metrics())
			}
		})
	}
}

func TestAddAfterKeepsOneTimer(t *testing.T) {
	clock := newFakeClock()
	q := New(Config[int]{Clock: clock})
	defer q.ShutDown()
	for i := range 100 {
		q.AddAfter(i, time.Duration(100-i)*time.Second) // each earlier than the last
	}
	if n := clock.pending(); n != 1 {
		t.Fatalf("%d timers armed, want 1", n)
	}
	clock.Step(50 * time.Second)
	if q.Len() != 50 || clock.pending() != 1 {
		t.Fatalf("Len = %d, timers = %d; want 50, 1", q.Len(), clock.pending())
	}
}

func TestAddAfterRealClock(t *testing.T) {
	q := New(Config[string]{})
	defer q.ShutDown()
	q.AddAfter("a", time.Millisecond)
	if got := getWithin(t, q, 10*time.Second); got != "a" {
		t.Fatalf("Get = %q, want a", got)
	}
}

// getWithin takes and finishes the next item, failing the test if none is
// ready within d.
func getWithin(t *testing.T, q *Queue[string], d time.Duration) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	item, ok := q.Get(ctx)
	if !ok {
		t.Fatal("Get: ok false")
	}
	q.Done(item)
	return item
}
