package memory

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/google/btree"

	"kctl.dev/kctl/server/storage"
	"kctl.dev/kctl/server/storage/internal/watchqueue"
)

// Store is an in-memory storage.Interface. It is safe for concurrent use; the zero
// value is not usable, call New.
type Store struct {
	mu        sync.RWMutex
	closed    bool
	rev       int64 // current revision
	compacted int64 // last compaction revision
	keys      map[string]*record
	index     *btree.BTreeG[*record] // the same records, in key order
	log       eventLog
	watchers  map[*watchqueue.Watcher]struct{}

	stop chan struct{} // closed by Close: ends every watch
	wg   sync.WaitGroup
}

var _ storage.Interface = (*Store)(nil)

// New returns an empty store at revision 0.
func New() *Store {
	return &Store{
		keys:     make(map[string]*record),
		index:    btree.NewG(32, func(a, b *record) bool { return a.key < b.key }),
		log:      newEventLog(),
		watchers: make(map[*watchqueue.Watcher]struct{}),
		stop:     make(chan struct{}),
	}
}

// Get returns the latest value of key, or storage.ErrNotFound.
func (s *Store) Get(ctx context.Context, key string) (*storage.KeyValue, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, storage.ErrClosed
	}
	v, ok := s.keys[key].latest()
	if !ok {
		return nil, fmt.Errorf("%w: %q", storage.ErrNotFound, key)
	}
	return v.keyValue(key), nil
}

// List returns the keys under prefix in the snapshot at opts.Revision. Finding the
// first key is O(log n) and each returned key O(1) (O(log versions) at a past
// revision); counting Remaining visits the rest of the prefix without copying.
func (s *Store) List(ctx context.Context, prefix string, opts storage.ListOptions) (*storage.ListResult, error) {
	if opts.Limit < 0 || opts.Revision < 0 {
		return nil, fmt.Errorf("storage: memory: list %q: negative limit or revision", prefix)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, storage.ErrClosed
	}
	rev := opts.Revision
	switch {
	case rev == 0:
		rev = s.rev
	case rev > s.rev:
		return nil, fmt.Errorf("%w: list at %d, current %d", storage.ErrFutureRevision, rev, s.rev)
	case rev < s.compacted:
		return nil, fmt.Errorf("%w: list at %d, compacted %d", storage.ErrCompacted, rev, s.compacted)
	}
	start := max(prefix, opts.StartKey)
	res := &storage.ListResult{Revision: rev}
	if opts.Limit > 0 {
		res.KVs = make([]*storage.KeyValue, 0, min(opts.Limit, 1024))
	}
	s.index.AscendGreaterOrEqual(&record{key: start}, func(r *record) bool {
		if !strings.HasPrefix(r.key, prefix) {
			return false
		}
		v, ok := r.at(rev)
		if !ok {
			return true
		}
		if opts.Limit == 0 || int64(len(res.KVs)) < opts.Limit {
			res.KVs = append(res.KVs, v.keyValue(r.key))
		} else {
			res.Remaining++
		}
		return true
	})
	res.More = res.Remaining > 0
	return res, nil
}

// Revision returns the current revision.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return 0, storage.ErrClosed
	}
	return s.rev, nil
}

// CompactedRevision returns the revision of the last compaction (0 if none).
func (s *Store) CompactedRevision(ctx context.Context) (int64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return 0, storage.ErrClosed
	}
	return s.compacted, nil
}

// Close ends every watch, waits for their goroutines, and releases the data.
// Further calls, Close included, give storage.ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return storage.ErrClosed
	}
	s.closed = true
	close(s.stop)
	s.keys, s.index, s.log = nil, nil, eventLog{}
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

// validKey reports why key cannot be stored, or nil.
func validKey(key string) error {
	if key == "" || strings.IndexByte(key, 0) >= 0 {
		return fmt.Errorf("storage: memory: invalid key %q: keys are non-empty and without NUL", key)
	}
	return nil
}
