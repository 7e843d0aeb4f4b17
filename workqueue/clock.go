package workqueue

import "time"

// Clock is the source of time for a Queue: when delayed items become ready,
// how long items wait and run (Metrics), and the token bucket of the default
// rate limiter. Tests pass a fake one in Config.Clock; nil means real time.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// AfterFunc calls f in its own goroutine once d has elapsed, unless the
	// returned Timer is stopped first. It must not call f synchronously.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc call.
type Timer interface {
	// Stop cancels the call; it reports false if f already ran or started.
	Stop() bool
}

// realClock is the Clock used when Config.Clock is nil.
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }
