package informer

import (
	"testing"
	"time"
)

// TestBackoff: delays double from Initial up to Max, jitter adds at most
// Jitter*delay, and a failure after ResetAfter of health starts over.
func TestBackoff(t *testing.T) {
	b := newBackoff(Backoff{Initial: 100 * time.Millisecond, Max: time.Second, Jitter: 0.5, ResetAfter: time.Minute})
	now := time.Unix(0, 0)
	base := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i, ms := range base {
		lo := ms * time.Millisecond
		hi := min(lo+lo/2, time.Second)
		now = now.Add(time.Second)
		if d := b.delay(now); d < lo || d > hi {
			t.Errorf("failure %d: delay %v, want in [%v, %v]", i, d, lo, hi)
		}
	}
	if d := b.delay(now.Add(2 * time.Minute)); d > 150*time.Millisecond {
		t.Errorf("after a healthy spell: delay %v, want back to Initial", d)
	}
}

// TestBackoffDefaults are client-go's: 0.8 s, x2, 30 s cap, 2 minute reset.
func TestBackoffDefaults(t *testing.T) {
	b := Backoff{}.withDefaults()
	if b.Initial != 800*time.Millisecond || b.Factor != 2 || b.Max != 30*time.Second || b.ResetAfter != 2*time.Minute {
		t.Errorf("defaults = %+v", b)
	}
}
