package workqueue

import (
	"math"
	"sync"
	"time"
)

// RateLimiter decides how long AddRateLimited waits before an item is queued
// again. Implementations must be safe for concurrent use.
type RateLimiter[T comparable] interface {
	// When records one more failure of item and returns how long to wait
	// before it is processed again.
	When(item T) time.Duration
	// Forget clears the failures recorded for item. Call it once item has
	// been processed successfully.
	Forget(item T)
	// NumRequeues returns the failures recorded for item since the last Forget.
	NumRequeues(item T) int
}

// DefaultRateLimiter returns the limiter New uses when Config.RateLimiter is
// nil: the larger of a per-item exponential backoff (5ms·2^n, capped at
// 1000s) and an overall token bucket (10 per second, burst of 100).
func DefaultRateLimiter[T comparable]() RateLimiter[T] {
	return defaultRateLimiter[T](realClock{})
}

func defaultRateLimiter[T comparable](c Clock) RateLimiter[T] {
	return MaxOfRateLimiter(
		ExponentialFailureRateLimiter[T](5*time.Millisecond, 1000*time.Second),
		newBucketRateLimiter[T](10, 100, c),
	)
}

// ExponentialFailureRateLimiter returns a per-item limiter whose delay after
// the n-th consecutive failure of an item (n counted from 0) is base·2^n,
// never more than max.
func ExponentialFailureRateLimiter[T comparable](base, max time.Duration) RateLimiter[T] {
	return &exponentialFailure[T]{base: base, max: max, failures: map[T]int{}}
}

type exponentialFailure[T comparable] struct {
	base, max time.Duration

	mu       sync.Mutex
	failures map[T]int
}

func (r *exponentialFailure[T]) When(item T) time.Duration {
	r.mu.Lock()
	n := r.failures[item]
	r.failures[item] = n + 1
	r.mu.Unlock()

	// Computed in float64 so that large n saturates at max instead of
	// overflowing int64.
	d := float64(r.base) * math.Pow(2, float64(n))
	if d > float64(r.max) {
		return r.max
	}
	return time.Duration(d)
}

func (r *exponentialFailure[T]) Forget(item T) {
	r.mu.Lock()
	delete(r.failures, item)
	r.mu.Unlock()
}

func (r *exponentialFailure[T]) NumRequeues(item T) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failures[item]
}

// BucketRateLimiter returns a limiter shared by all items: a token bucket
// that holds up to burst tokens and refills at qps tokens per second. Each
// When takes one token, waiting for it if the bucket is empty, so the first
// burst calls return 0 and later ones are spaced 1/qps apart. It keeps no
// per-item state: Forget does nothing and NumRequeues is always 0.
// It panics unless qps > 0 and burst >= 1.
func BucketRateLimiter[T comparable](qps float64, burst int) RateLimiter[T] {
	return newBucketRateLimiter[T](qps, burst, realClock{})
}

func newBucketRateLimiter[T comparable](qps float64, burst int, c Clock) *tokenBucket[T] {
	if !(qps > 0) || burst < 1 {
		panic("workqueue: BucketRateLimiter needs qps > 0 and burst >= 1")
	}
	return &tokenBucket[T]{qps: qps, burst: float64(burst), clock: c, tokens: float64(burst), last: c.Now()}
}

type tokenBucket[T comparable] struct {
	qps   float64
	burst float64
	clock Clock

	mu     sync.Mutex
	tokens float64 // negative when callers have reserved tokens not yet refilled
	last   time.Time
}

func (b *tokenBucket[T]) When(T) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.clock.Now()
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = math.Min(b.burst, b.tokens+elapsed.Seconds()*b.qps)
		b.last = now
	}
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / b.qps * float64(time.Second))
}

func (*tokenBucket[T]) Forget(T) {}

func (*tokenBucket[T]) NumRequeues(T) int { return 0 }

// MaxOfRateLimiter returns a limiter that asks every one of limiters and
// uses the longest delay and the highest NumRequeues; Forget reaches all.
func MaxOfRateLimiter[T comparable](limiters ...RateLimiter[T]) RateLimiter[T] {
	return maxOf[T](limiters)
}

type maxOf[T comparable] []RateLimiter[T]

func (m maxOf[T]) When(item T) time.Duration {
	var longest time.Duration
	for _, l := range m {
		// Every limiter is asked, so each records the failure.
		longest = max(longest, l.When(item))
	}
	return longest
}

func (m maxOf[T]) Forget(item T) {
	for _, l := range m {
		l.Forget(item)
	}
}

func (m maxOf[T]) NumRequeues(item T) int {
	n := 0
	for _, l := range m {
		n = max(n, l.NumRequeues(item))
	}
	return n
}
