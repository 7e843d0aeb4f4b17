package informer

import (
	"context"
	"math/rand/v2"
	"time"

	"kctl.dev/kctl/internal/wait"
)

// Backoff is the reflector's retry policy: jittered exponential backoff.
// The zero value takes the defaults in parentheses.
type Backoff struct {
	// Initial is the first delay (0.8 s).
	Initial time.Duration
	// Max caps the delay (30 s).
	Max time.Duration
	// Factor multiplies the delay after each failure (2).
	Factor float64
	// Jitter adds up to Jitter*delay at random to each wait (1.0), so that
	// many reflectors failing together do not retry together.
	Jitter float64
	// ResetAfter: a failure coming this long after the previous one starts
	// again from Initial (2 minutes of health).
	ResetAfter time.Duration
}

func (b Backoff) withDefaults() Backoff {
	if b.Initial <= 0 {
		b.Initial = 800 * time.Millisecond
	}
	if b.Max <= 0 {
		b.Max = 30 * time.Second
	}
	if b.Factor < 1 {
		b.Factor = 2
	}
	if b.Jitter < 0 {
		b.Jitter = 0
	} else if b.Jitter == 0 {
		b.Jitter = 1
	}
	if b.ResetAfter <= 0 {
		b.ResetAfter = 2 * time.Minute
	}
	return b
}

// backoff is the state of one retry loop. Not safe for concurrent use.
type backoff struct {
	Backoff
	next        time.Duration
	lastFailure time.Time
}

func newBackoff(b Backoff) *backoff {
	b = b.withDefaults()
	return &backoff{Backoff: b, next: b.Initial}
}

// delay returns how long to wait after a failure now, and advances.
func (b *backoff) delay(now time.Time) time.Duration {
	if !b.lastFailure.IsZero() && now.Sub(b.lastFailure) >= b.ResetAfter {
		b.next = b.Initial
	}
	b.lastFailure = now
	d := b.next
	b.next = min(time.Duration(float64(b.next)*b.Factor), b.Max)
	d += time.Duration(rand.Float64() * b.Jitter * float64(d))
	return min(d, b.Max)
}

// wait sleeps for the next delay or until ctx ends; false when ctx ended.
func (b *backoff) wait(ctx context.Context) bool {
	return wait.Sleep(ctx, b.delay(time.Now()))
}
