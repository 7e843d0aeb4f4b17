package workqueue

import (
	"slices"
	"testing"
	"time"
)

// whens calls When n times for item and returns the delays.
func whens(r RateLimiter[string], item string, n int) []time.Duration {
	var got []time.Duration
	for range n {
		got = append(got, r.When(item))
	}
	return got
}

func TestExponentialFailureRateLimiter(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name      string
		base, max time.Duration
		calls     int
		want      []time.Duration
	}{
		{"doubles", ms, time.Second, 5, []time.Duration{ms, 2 * ms, 4 * ms, 8 * ms, 16 * ms}},
		{"caps at max", ms, 5 * ms, 5, []time.Duration{ms, 2 * ms, 4 * ms, 5 * ms, 5 * ms}},
		{"base above max", time.Second, ms, 2, []time.Duration{ms, ms}},
		{"default shape", 5 * ms, 1000 * time.Second, 3, []time.Duration{5 * ms, 10 * ms, 20 * ms}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ExponentialFailureRateLimiter[string](tt.base, tt.max)
			if got := whens(r, "a", tt.calls); !slices.Equal(got, tt.want) {
				t.Fatalf("When: got %v, want %v", got, tt.want)
			}
			if n := r.NumRequeues("a"); n != tt.calls {
				t.Fatalf("NumRequeues = %d, want %d", n, tt.calls)
			}
		})
	}
}

func TestExponentialFailureSaturatesWithoutOverflow(t *testing.T) {
	r := ExponentialFailureRateLimiter[string](5*time.Millisecond, 1000*time.Second)
	for i := range 200 {
		if d := r.When("a"); d <= 0 || d > 1000*time.Second {
			t.Fatalf("failure %d: delay %v out of range", i, d)
		}
	}
	if d := r.When("a"); d != 1000*time.Second {
		t.Fatalf("delay = %v, want the cap", d)
	}
}

func TestExponentialFailureIsPerItemAndForgotten(t *testing.T) {
	r := ExponentialFailureRateLimiter[string](time.Millisecond, time.Second)
	whens(r, "a", 3)
	if d := r.When("b"); d != time.Millisecond {
		t.Fatalf("b's first delay = %v, want 1ms", d)
	}
	r.Forget("a")
	if n := r.NumRequeues("a"); n != 0 {
		t.Fatalf("NumRequeues after Forget = %d", n)
	}
	if d := r.When("a"); d != time.Millisecond {
		t.Fatalf("delay after Forget = %v, want 1ms", d)
	}
	if n := r.NumRequeues("b"); n != 1 {
		t.Fatalf("b's NumRequeues = %d, want 1", n)
	}
}

func TestBucketRateLimiter(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name  string
		qps   float64
		burst int
		// calls to When, each after stepping the clock by its wait.
		waits []time.Duration
		want  []time.Duration
	}{
		{
			name: "burst then rate", qps: 10, burst: 3,
			waits: make([]time.Duration, 6),
			want:  []time.Duration{0, 0, 0, 100 * ms, 200 * ms, 300 * ms},
		},
		{
			name: "refills at qps", qps: 10, burst: 2,
			waits: []time.Duration{0, 0, 0, 100 * ms, 50 * ms, 50 * ms},
			// -1 token after the 3rd; 100ms later +1: the 4th waits 100ms;
			// 50ms later -1.5 left: 150ms; 50ms later: -2 → 200ms.
			want: []time.Duration{0, 0, 100 * ms, 100 * ms, 150 * ms, 200 * ms},
		},
		{
			name: "refill capped at burst", qps: 10, burst: 2,
			waits: []time.Duration{0, time.Hour, 0, 0},
			want:  []time.Duration{0, 0, 0, 100 * ms},
		},
		{
			name: "fractional qps", qps: 0.5, burst: 1,
			waits: []time.Duration{0, 0},
			want:  []time.Duration{0, 2 * time.Second},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			r := newBucketRateLimiter[string](tt.qps, tt.burst, clock)
			var got []time.Duration
			for _, w := range tt.waits {
				clock.Step(w)
				got = append(got, r.When("any"))
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			r.Forget("any")
			if n := r.NumRequeues("any"); n != 0 {
				t.Fatalf("NumRequeues = %d, want 0", n)
			}
		})
	}
}

func TestBucketRateLimiterRejectsBadSettings(t *testing.T) {
	for _, tt := range []struct {
		qps   float64
		burst int
	}{{0, 1}, {-1, 1}, {1, 0}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("BucketRateLimiter(%v, %d) did not panic", tt.qps, tt.burst)
				}
			}()
			BucketRateLimiter[string](tt.qps, tt.burst)
		}()
	}
}

func TestMaxOfRateLimiter(t *testing.T) {
	ms := time.Millisecond
	clock := newFakeClock()
	r := MaxOfRateLimiter(
		ExponentialFailureRateLimiter[string](ms, time.Minute),
		newBucketRateLimiter[string](1, 2, clock),
	)
	// Exponential 1, 2, 4ms; the bucket is empty at the third: 1s.
	if got, want := whens(r, "a", 3), []time.Duration{ms, 2 * ms, time.Second}; !slices.Equal(got, want) {
		t.Fatalf("When: got %v, want %v", got, want)
	}
	if n := r.NumRequeues("a"); n != 3 {
		t.Fatalf("NumRequeues = %d, want 3", n)
	}
	r.Forget("a")
	if n := r.NumRequeues("a"); n != 0 {
		t.Fatalf("NumRequeues after Forget = %d, want 0", n)
	}
	if d := MaxOfRateLimiter[string]().When("a"); d != 0 {
		t.Fatalf("empty MaxOf: When = %v, want 0", d)
	}
}

func TestDefaultRateLimiter(t *testing.T) {
	ms := time.Millisecond
	if got, want := whens(DefaultRateLimiter[string](), "a", 3), []time.Duration{5 * ms, 10 * ms, 20 * ms}; !slices.Equal(got, want) {
		t.Fatalf("When: got %v, want %v", got, want)
	}

	// The bucket: 100 at once, then 10 per second.
	clock := newFakeClock()
	r := defaultRateLimiter[int](clock)
	for i := range 100 {
		if d := r.When(i); d != 5*ms {
			t.Fatalf("item %d: delay %v, want 5ms", i, d)
		}
	}
	if d := r.When(100); d != 100*ms {
		t.Fatalf("101st item: delay %v, want 100ms", d)
	}
}

func TestQueueRateLimited(t *testing.T) {
	ms := time.Millisecond
	clock := newFakeClock()
	q := New(Config[string]{Clock: clock})
	defer q.ShutDown()

	for failure, wait := range []time.Duration{5 * ms, 10 * ms, 20 * ms} {
		q.AddRateLimited("a")
		if n := q.NumRequeues("a"); n != failure+1 {
			t.Fatalf("NumRequeues = %d, want %d", n, failure+1)
		}
		clock.Step(wait - 1)
		if q.Len() != 0 {
			t.Fatalf("failure %d: ready before %v", failure, wait)
		}
		clock.Step(1)
		if got := drain(t, q); !slices.Equal(got, []string{"a"}) {
			t.Fatalf("failure %d: got %q after %v, want [a]", failure, got, wait)
		}
	}
	q.Forget("a")
	if n := q.NumRequeues("a"); n != 0 {
		t.Fatalf("NumRequeues after Forget = %d", n)
	}
	q.AddRateLimited("a")
	clock.Step(5 * ms)
	if q.Len() != 1 {
		t.Fatal("after Forget, the delay did not restart at 5ms")
	}
}
