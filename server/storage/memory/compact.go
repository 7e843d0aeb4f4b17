package memory

import (
	"context"
	"fmt"

	"kctl.dev/kctl/server/storage"
)

// Compact discards the history at or before rev that the contract lets go: every
// superseded version, every tombstone, and the log's events up to rev. It visits
// only the keys written since the previous compaction.
func (s *Store) Compact(ctx context.Context, rev int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return storage.ErrClosed
	}
	if rev <= s.compacted {
		return nil
	}
	if rev > s.rev {
		return fmt.Errorf("%w: compact at %d, current %d", storage.ErrFutureRevision, rev, s.rev)
	}
scan:
	for _, chunk := range s.log.since(s.compacted) {
		for i := range chunk {
			ev := &chunk[i]
			if ev.KV.ModRevision > rev {
				break scan
			}
			r := s.keys[ev.KV.Key]
			if r == nil || r.compactedAt == rev {
				continue
			}
			if r.compact(rev) {
				delete(s.keys, r.key)
				s.index.Delete(r)
			}
		}
	}
	s.compacted = rev
	s.log.trim(rev)
	return nil
}
