// Package wait holds the small waiting helpers the server and the client
// libraries share.
package wait

import (
	"context"
	"time"
)

// Sleep waits for d or until ctx ends; it reports false when ctx ended first.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
