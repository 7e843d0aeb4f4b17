package client

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Backoff bounds between retries without a Retry-After.
const (
	backoffBase = 100 * time.Millisecond
	backoffMax  = 5 * time.Second
	// retryAfterMax caps a server's Retry-After.
	retryAfterMax = time.Minute
)

func isIdempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}

// retryableStatus: a 429 means the request was not processed, so any method
// may be retried; 502/503/504 only when repeating the request is harmless.
func retryableStatus(code int, idempotent bool) bool {
	switch code {
	case http.StatusTooManyRequests:
		return true
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return idempotent
	}
	return false
}

// retryAfter parses a Retry-After header in seconds (0 when absent or bad).
func retryAfter(v string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n <= 0 {
		return 0
	}
	return min(time.Duration(n)*time.Second, retryAfterMax)
}

// backoff returns the delay before retry attempt+1: exponential, jittered.
func backoff(attempt int) time.Duration {
	d := backoffBase << min(attempt, 10)
	d = min(d, backoffMax)
	return d/2 + rand.N(d/2+1)
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// deadlineSoon is the deadline of a courtesy write (a websocket close frame).
func deadlineSoon() time.Time { return time.Now().Add(time.Second) }
