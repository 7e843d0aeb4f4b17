package memory

import (
	"context"
	"strings"
	"sync"

	"kctl.dev/kctl/server/storage"
)

// watcher is one open watch: the prefix and revision it starts after, and an
// unbounded queue between the writers that fill it and the goroutine (run) that
// drains it into out. Writers never wait for the receiver.
type watcher struct {
	prefix string
	after  int64
	out    chan storage.Event
	wake   chan struct{} // holds one token when the queue may be non-empty

	mu    sync.Mutex
	queue []storage.Event
}

func newWatcher(prefix string, after int64) *watcher {
	return &watcher{
		prefix: prefix,
		after:  after,
		out:    make(chan storage.Event, 16),
		wake:   make(chan struct{}, 1),
	}
}

// matches reports whether ev belongs on this watch.
func (w *watcher) matches(ev *storage.Event) bool {
	return ev.KV.ModRevision > w.after && strings.HasPrefix(ev.KV.Key, w.prefix)
}

// push queues ev for delivery; it never blocks on the receiver.
func (w *watcher) push(ev storage.Event) {
	w.mu.Lock()
	w.queue = append(w.queue, ev)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// run sends the matching replay events, then the queued ones as they come, until
// ctx ends or stop is closed; then it closes out.
func (w *watcher) run(ctx context.Context, stop <-chan struct{}, replay [][]storage.Event) {
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
			if w.matches(&chunk[i]) && !send(&chunk[i]) {
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
