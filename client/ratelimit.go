package client

import (
	"context"
	"sync"
	"time"
)

// rateLimiter is a token bucket: burst tokens, refilled at qps per second.
// Each wait takes one token, sleeping until it is available.
type rateLimiter struct {
	mu     sync.Mutex
	qps    float64
	burst  float64
	tokens float64 // may go negative: reserved by waiters
	last   time.Time
}

func newRateLimiter(qps float64, burst int) *rateLimiter {
	return &rateLimiter{qps: qps, burst: float64(burst), tokens: float64(burst), last: time.Now()}
}

// wait takes a token, or returns ctx's error; a cancelled wait gives its token back.
func (l *rateLimiter) wait(ctx context.Context) error {
	l.mu.Lock()
	now := time.Now()
	l.tokens = min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.qps)
	l.last = now
	l.tokens--
	var delay time.Duration
	if l.tokens < 0 {
		delay = time.Duration(-l.tokens / l.qps * float64(time.Second))
	}
	l.mu.Unlock()
	if delay == 0 {
		return nil
	}
	if err := sleepContext(ctx, delay); err != nil {
		l.mu.Lock()
		l.tokens++
		l.mu.Unlock()
		return err
	}
	return nil
}
