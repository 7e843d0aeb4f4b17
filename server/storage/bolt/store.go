package bolt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	bbolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"kctl.dev/kctl/server/storage"
	"kctl.dev/kctl/server/storage/internal/watchqueue"
)

// Options tunes Open. The zero value is ready to use.
type Options struct {
	// Logger receives commit failures and compaction summaries; nil discards them.
	Logger *slog.Logger
	// LockTimeout bounds how long Open waits for the file lock when another
	// process has the file open; 0 means 1 second.
	LockTimeout time.Duration
}

// Store is a storage.Interface kept in one bbolt file. It is safe for concurrent
// use. Only one Store, in one process, may have a file open at a time.
type Store struct {
	db     *bbolt.DB
	logger *slog.Logger
	closed atomic.Bool

	// Write queue, drained by the committer goroutine (commit.go).
	qmu           sync.Mutex
	pending       []*request
	closing       bool
	wake          chan struct{}
	committerDone chan struct{}
	// applyHook, when set (tests only), runs before each request is applied and
	// fails it with the error it returns.
	applyHook func(*request) error

	// Watch state (watch.go). rev is the newest revision published to watches.
	wmu      sync.Mutex
	rev      int64
	watchers map[*watchqueue.Watcher]struct{}
	stop     chan struct{} // closed by Close: ends every watch
	wg       sync.WaitGroup
}

var _ storage.Interface = (*Store)(nil)

// Open opens the store in the file at path, creating it if needed. A file left by
// a crash is recovered to its last committed write; revisions continue above it.
func Open(path string, opts Options) (*Store, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.LockTimeout == 0 {
		opts.LockTimeout = time.Second
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{
		Timeout: opts.LockTimeout,
		// The freelist is rebuilt on open instead of written on every commit.
		NoFreelistSync: true,
		FreelistType:   bbolt.FreelistMapType,
	})
	if err != nil {
		return nil, fmt.Errorf("storage: bolt: open %s: %w", path, err)
	}
	var rev int64
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bucketMeta, bucketKeys, bucketLog} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		switch f := meta.Get(metaFormat); {
		case f == nil:
			if err := meta.Put(metaFormat, []byte{formatVersion}); err != nil {
				return err
			}
		case len(f) != 1 || f[0] != formatVersion:
			return fmt.Errorf("unknown layout format %v", f)
		}
		rev = getRev(meta.Get(metaRev))
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("storage: bolt: open %s: %w", path, err)
	}
	s := &Store{
		db:            db,
		logger:        opts.Logger,
		wake:          make(chan struct{}, 1),
		committerDone: make(chan struct{}),
		rev:           rev,
		watchers:      make(map[*watchqueue.Watcher]struct{}),
		stop:          make(chan struct{}),
	}
	go s.commitLoop()
	return s, nil
}

// view runs fn in a read transaction, mapping a closed database to ErrClosed.
func (s *Store) view(fn func(b buckets) error) error {
	if s.closed.Load() {
		return storage.ErrClosed
	}
	err := s.db.View(func(tx *bbolt.Tx) error {
		b, err := bucketsOf(tx)
		if err != nil {
			return err
		}
		return fn(b)
	})
	if errors.Is(err, bolterrors.ErrDatabaseNotOpen) {
		return storage.ErrClosed
	}
	return err
}

// Get returns the latest value of key, or storage.ErrNotFound.
func (s *Store) Get(ctx context.Context, key string) (*storage.KeyValue, error) {
	var kv *storage.KeyValue
	err := s.view(func(b buckets) error {
		r, ok, err := latest(b.keys, key)
		if err != nil {
			return err
		}
		if !ok || r.tombstone {
			return fmt.Errorf("%w: %q", storage.ErrNotFound, key)
		}
		kv = r.keyValue(key)
		return nil
	})
	return kv, err
}

// List returns the keys under prefix in the snapshot at opts.Revision: one seek to
// the first key, then one step per version under the prefix.
func (s *Store) List(ctx context.Context, prefix string, opts storage.ListOptions) (*storage.ListResult, error) {
	if opts.Limit < 0 || opts.Revision < 0 {
		return nil, fmt.Errorf("storage: bolt: list %q: negative limit or revision", prefix)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var res *storage.ListResult
	err := s.view(func(b buckets) error {
		cur, compacted := b.rev(), b.compacted()
		rev := opts.Revision
		switch {
		case rev == 0:
			rev = cur
		case rev > cur:
			return fmt.Errorf("%w: list at %d, current %d", storage.ErrFutureRevision, rev, cur)
		case rev < compacted:
			return fmt.Errorf("%w: list at %d, compacted %d", storage.ErrCompacted, rev, compacted)
		}
		res = &storage.ListResult{Revision: rev}
		var (
			key  []byte // key whose versions the cursor is on
			best []byte // its newest version <= rev so far, as (k, v)
			bv   []byte
		)
		flush := func() error {
			if best == nil {
				return nil
			}
			r, err := decodeRecord(best, bv)
			if err != nil || r.tombstone {
				return err
			}
			if opts.Limit == 0 || int64(len(res.KVs)) < opts.Limit {
				res.KVs = append(res.KVs, r.keyValue(string(key)))
			} else {
				res.Remaining++
			}
			return nil
		}
		bprefix := []byte(prefix)
		start := max(prefix, opts.StartKey)
		c := b.keys.Cursor()
		for k, v := c.Seek([]byte(start)); k != nil; k, v = c.Next() {
			if len(k) < 1+revLen {
				return fmt.Errorf("storage: bolt: corrupt version %q", k)
			}
			uk, vrev := splitVersionKey(k)
			if string(uk) < start {
				// A start key holding a NUL (a continuation "last\x00") seeks into
				// the versions of the key before it.
				continue
			}
			if !bytes.HasPrefix(uk, bprefix) {
				break
			}
			if string(uk) != string(key) {
				if err := flush(); err != nil {
					return err
				}
				key, best, bv = uk, nil, nil
			}
			if vrev <= rev {
				best, bv = k, v
			}
		}
		if err := flush(); err != nil {
			return err
		}
		res.More = res.Remaining > 0
		return nil
	})
	return res, err
}

// Revision returns the current revision, as committed to the file.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	var rev int64
	err := s.view(func(b buckets) error { rev = b.rev(); return nil })
	return rev, err
}

// CompactedRevision returns the revision of the last compaction (0 if none).
func (s *Store) CompactedRevision(ctx context.Context) (int64, error) {
	var rev int64
	err := s.view(func(b buckets) error { rev = b.compacted(); return nil })
	return rev, err
}

// Close commits the writes already queued, ends every watch, waits for their
// goroutines and closes the file. Further calls, Close included, give
// storage.ErrClosed.
func (s *Store) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return storage.ErrClosed
	}
	s.qmu.Lock()
	s.closing = true
	s.qmu.Unlock()
	s.signal()
	<-s.committerDone

	s.wmu.Lock()
	close(s.stop)
	s.wmu.Unlock()
	s.wg.Wait()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("storage: bolt: close: %w", err)
	}
	return nil
}
