package bolt

import (
	"context"
	"fmt"

	"kctl.dev/kctl/server/storage"
	"kctl.dev/kctl/server/storage/internal/watchqueue"
)

// Watch delivers every change under prefix with revision > rev (the current
// revision when rev is 0; a future rev skips the events up to it). The watch is
// registered for live events first; then the events up to that point are read
// from the log, so none is missed or repeated. The replay is read before Watch
// returns, so a compaction after it returns cannot take events from the watch.
func (s *Store) Watch(ctx context.Context, prefix string, rev int64) (<-chan storage.Event, error) {
	if rev < 0 {
		return nil, fmt.Errorf("storage: bolt: watch %q: negative revision %d", prefix, rev)
	}
	s.wmu.Lock()
	select {
	case <-s.stop:
		s.wmu.Unlock()
		return nil, storage.ErrClosed
	default:
	}
	published := s.rev
	after := rev
	if rev == 0 {
		after = published
	}
	w := watchqueue.New(prefix, after)
	s.watchers[w] = struct{}{}
	s.wg.Add(1)
	s.wmu.Unlock()

	// With nothing to replay, the live events are the whole watch: a compaction
	// committed meanwhile (not yet published) does not matter.
	var replay []storage.Event
	err := s.view(func(b buckets) error {
		if after >= published {
			return nil
		}
		if compacted := b.compacted(); after < compacted {
			return fmt.Errorf("%w: watch from %d, compacted %d", storage.ErrCompacted, after, compacted)
		}
		var err error
		replay, err = readLog(b, prefix, after, published)
		return err
	})
	if err != nil {
		s.unregister(w)
		s.wg.Done()
		return nil, err
	}
	go func() {
		defer s.wg.Done()
		defer s.unregister(w)
		w.Run(ctx, s.stop, [][]storage.Event{replay})
	}()
	return w.Events(), nil
}

// publish queues events, in revision order, on the watches they match, and marks
// them published. Only the committer calls it, after the events' commit.
func (s *Store) publish(events []storage.Event) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	for i := range events {
		for w := range s.watchers {
			if w.Matches(&events[i]) {
				w.Push(events[i])
			}
		}
	}
	s.rev = events[len(events)-1].KV.ModRevision
}

// RequestProgress queues, on every open watch, a progress notification at the
// current revision. It goes through the committer, which answers it between two
// commits, once the previous commit is published and before the next one is:
// every event up to that revision is queued before it, every later one after.
// It waits for a commit in flight, not for the writes queued with it.
func (s *Store) RequestProgress(ctx context.Context) error {
	if s.closed.Load() {
		return storage.ErrClosed
	}
	return s.submit(ctx, &request{op: opProgress})
}

func (s *Store) unregister(w *watchqueue.Watcher) {
	s.wmu.Lock()
	delete(s.watchers, w)
	s.wmu.Unlock()
}

// readLog returns the events under prefix with revision in (after, upto], read
// from the log and the versions it names.
func readLog(b buckets, prefix string, after, upto int64) ([]storage.Event, error) {
	var events []storage.Event
	kc := b.keys.Cursor()
	lc := b.log.Cursor()
	for lk, key := lc.Seek(putRev(nil, after+1)); lk != nil; lk, key = lc.Next() {
		rev := getRev(lk)
		if rev > upto {
			break
		}
		if len(key) < len(prefix) || string(key[:len(prefix)]) != prefix {
			continue
		}
		skey := string(key)
		vk := versionKey(skey, rev)
		k, v := kc.Seek(vk)
		if k == nil || string(k) != string(vk) {
			return nil, fmt.Errorf("storage: bolt: log entry %d names %q, which has no version %d", rev, skey, rev)
		}
		cur, err := decodeRecord(k, v)
		if err != nil {
			return nil, err
		}
		var prev *storage.KeyValue
		if pk, pv := kc.Prev(); pk != nil && isVersionOf(pk, skey) {
			p, err := decodeRecord(pk, pv)
			if err != nil {
				return nil, err
			}
			if !p.tombstone {
				prev = p.keyValue(skey)
			}
		}
		ev := storage.Event{Type: storage.EventPut, KV: *cur.keyValue(skey), PrevKV: prev}
		if cur.tombstone {
			ev.Type = storage.EventDelete
			ev.KV = storage.KeyValue{Key: skey, ModRevision: rev}
		}
		events = append(events, ev)
	}
	return events, nil
}
