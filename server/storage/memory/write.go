package memory

import (
	"context"
	"fmt"

	"kctl.dev/kctl/server/storage"
)

// Create writes key only if it does not exist; else storage.ErrExists.
func (s *Store) Create(ctx context.Context, key string, value []byte) (int64, error) {
	if err := validKey(key); err != nil {
		return 0, err
	}
	value = append(make([]byte, 0, len(value)), value...)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, storage.ErrClosed
	}
	r := s.keys[key]
	if _, ok := r.latest(); ok {
		return 0, fmt.Errorf("%w: %q", storage.ErrExists, key)
	}
	if r == nil {
		r = &record{key: key}
		s.keys[key] = r
		s.index.ReplaceOrInsert(r)
	}
	s.rev++
	v := version{createRev: s.rev, modRev: s.rev, value: value}
	r.versions = append(r.versions, v)
	s.publish(storage.Event{Type: storage.EventPut, KV: *v.keyValue(key)})
	return s.rev, nil
}

// Update writes key only if its ModRevision equals expected.
func (s *Store) Update(ctx context.Context, key string, value []byte, expected int64) (int64, error) {
	value = append(make([]byte, 0, len(value)), value...)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, storage.ErrClosed
	}
	r := s.keys[key]
	prev, ok := r.latest()
	if !ok {
		return 0, fmt.Errorf("%w: %q", storage.ErrNotFound, key)
	}
	if prev.modRev != expected {
		return 0, fmt.Errorf("%w: %q is at %d, not %d", storage.ErrConflict, key, prev.modRev, expected)
	}
	s.rev++
	v := version{createRev: prev.createRev, modRev: s.rev, value: value}
	r.versions = append(r.versions, v)
	s.publish(storage.Event{Type: storage.EventPut, KV: *v.keyValue(key), PrevKV: prev.keyValue(key)})
	return s.rev, nil
}

// Delete removes key only if its ModRevision equals expected (any when 0).
func (s *Store) Delete(ctx context.Context, key string, expected int64) (int64, *storage.KeyValue, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, nil, storage.ErrClosed
	}
	r := s.keys[key]
	prev, ok := r.latest()
	if !ok {
		return 0, nil, fmt.Errorf("%w: %q", storage.ErrNotFound, key)
	}
	if expected != 0 && prev.modRev != expected {
		return 0, nil, fmt.Errorf("%w: %q is at %d, not %d", storage.ErrConflict, key, prev.modRev, expected)
	}
	s.rev++
	r.versions = append(r.versions, version{modRev: s.rev, deleted: true})
	prevKV := prev.keyValue(key)
	s.publish(storage.Event{
		Type:   storage.EventDelete,
		KV:     storage.KeyValue{Key: key, ModRevision: s.rev},
		PrevKV: prevKV,
	})
	return s.rev, prevKV, nil
}

// publish appends ev, the event of revision s.rev, to the log and to the queue of
// every watch it matches. The caller holds s.mu for writing.
func (s *Store) publish(ev storage.Event) {
	s.log.append(ev)
	for w := range s.watchers {
		if w.Matches(&ev) {
			w.Push(ev)
		}
	}
}
