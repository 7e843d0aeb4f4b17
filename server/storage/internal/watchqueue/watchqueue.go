// Package watchqueue is the per-watch queue the storage backends share: writers
// push events without ever waiting for the receiver, and one goroutine per watch
// delivers the replayed history, then the live events, in order.
package watchqueue

import (
	"context"
	"strings"
	"sync"

	"kctl.dev/kctl/server/storage"
)

// Watcher is one open watch: the prefix and revision it starts after, and an
// unbounded queue between the writers that fill it and the goroutine (run) that
// drains it into out. Writers never wait for the receiver.
type Watcher struct {
	prefix string
	after  int64
	out    chan storage.Event // read it with Events
	wake   chan struct{}      // holds one token when the queue may be non-empty

	mu    sync.Mutex
	queue []storage.Event
}

// New returns a watch of the keys under prefix, for events after revision after.
func New(prefix string, after int64) *Watcher {
	return &Watcher{
		prefix: prefix,
		after:  after,
		out:    make(chan storage.Event, 16),
		wake:   make(chan struct{}, 1),
	}
}

// Matches reports whether ev belongs on this watch.
func (w *Watcher) Matches(ev *storage.Event) bool {
	return ev.KV.ModRevision > w.after && strings.HasPrefix(ev.KV.Key, w.prefix)
}

// Push queues ev for delivery; it never blocks on the receiver.
func (w *Watcher) Push(ev storage.Event) {
	w.mu.Lock()
	w.queue = append(w.queue, ev)
	w.mu.Unlock()
	w.signal()
}

// Progress queues a progress notification at rev, after everything queued so
// far. The caller must have pushed every matching event with revision <= rev,
// and no later one, under the lock it publishes with. A progress has no key, so
// the prefix does not apply, but a watch that starts after rev (from a future
// revision) gets none. A progress still queued right behind another replaces
// it, so an idle watch nobody reads holds at most one.
func (w *Watcher) Progress(rev int64) {
	if rev < w.after {
		return
	}
	ev := storage.Event{Type: storage.EventProgress, KV: storage.KeyValue{ModRevision: rev}}
	w.mu.Lock()
	if n := len(w.queue); n > 0 && w.queue[n-1].Type == storage.EventProgress {
		w.queue[n-1] = ev
	} else {
		w.queue = append(w.queue, ev)
	}
	w.mu.Unlock()
	w.signal()
}

// signal wakes Run.
func (w *Watcher) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run sends the matching replay events, then the queued ones (progress
// notifications included, so those come after the replay) as they come, until
// ctx ends or stop is closed; then it closes out.
func (w *Watcher) Run(ctx context.Context, stop <-chan struct{}, replay [][]storage.Event) {
	defer close(w.out)
	send := func(ev *storage.Event) bool {
		select {
		case w.out <- *ev:
			return true
		case <-ctx.Done():
		case <-stop:
		}
		return false
	}
	for _, chunk := range replay {
		for i := range chunk {
			if w.Matches(&chunk[i]) && !send(&chunk[i]) {
				return
			}
		}
	}
	var spare []storage.Event
	for {
		w.mu.Lock()
		batch := w.queue
		w.queue = spare[:0]
		w.mu.Unlock()
		for i := range batch {
			if !send(&batch[i]) {
				return
			}
		}
		clear(batch) // drop references to delivered values
		spare = batch
		if len(batch) > 0 {
			continue
		}
		select {
		case <-w.wake:
		case <-ctx.Done():
			return
		case <-stop:
			return
		}
	}
}

// Events is the channel Run delivers on; it is closed when Run returns.
func (w *Watcher) Events() <-chan storage.Event { return w.out }
