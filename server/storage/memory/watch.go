package memory

import (
	"context"
	"fmt"

	"kctl.dev/kctl/server/storage"
	"kctl.dev/kctl/server/storage/internal/watchqueue"
)

// Watch delivers every change under prefix with revision > rev (the current
// revision when rev is 0; a future rev skips the events up to it). Events from
// the log are replayed first, then live ones follow, each exactly once.
func (s *Store) Watch(ctx context.Context, prefix string, rev int64) (<-chan storage.Event, error) {
	if rev < 0 {
		return nil, fmt.Errorf("storage: memory: watch %q: negative revision %d", prefix, rev)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, storage.ErrClosed
	}
	if rev == 0 {
		rev = s.rev
	}
	if rev < s.compacted {
		return nil, fmt.Errorf("%w: watch from %d, compacted %d", storage.ErrCompacted, rev, s.compacted)
	}
	var replay [][]storage.Event
	if rev < s.rev {
		replay = s.log.since(rev)
	}
	w := watchqueue.New(prefix, rev)
	s.watchers[w] = struct{}{}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer s.unregister(w)
		w.Run(ctx, s.stop, replay)
	}()
	return w.Events(), nil
}

func (s *Store) unregister(w *watchqueue.Watcher) {
	s.mu.Lock()
	delete(s.watchers, w)
	s.mu.Unlock()
}

// RequestProgress queues, on every open watch, a progress notification at the
// current revision. It holds the lock that publish holds, so every event up to
// that revision is queued before it and every later one after it.
func (s *Store) RequestProgress(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return storage.ErrClosed
	}
	for w := range s.watchers {
		w.Progress(s.rev)
	}
	return nil
}
