package bolt

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
	r := &request{op: opCreate, key: key, value: cloneValue(value)}
	err := s.submit(ctx, r)
	return r.rev, err
}

// Update writes key only if its ModRevision equals expected.
func (s *Store) Update(ctx context.Context, key string, value []byte, expected int64) (int64, error) {
	if err := validKey(key); err != nil {
		return 0, fmt.Errorf("%w: %w", storage.ErrNotFound, err)
	}
	r := &request{op: opUpdate, key: key, value: cloneValue(value), arg: expected}
	err := s.submit(ctx, r)
	return r.rev, err
}

// Delete removes key only if its ModRevision equals expected (any when 0).
func (s *Store) Delete(ctx context.Context, key string, expected int64) (int64, *storage.KeyValue, error) {
	if err := validKey(key); err != nil {
		return 0, nil, fmt.Errorf("%w: %w", storage.ErrNotFound, err)
	}
	r := &request{op: opDelete, key: key, arg: expected}
	err := s.submit(ctx, r)
	return r.rev, r.prev, err
}

// Compact discards the history at or before rev that the contract lets go; see
// the package comment. It runs in the committer, between two batches of writes.
func (s *Store) Compact(ctx context.Context, rev int64) error {
	return s.submit(ctx, &request{op: opCompact, arg: rev})
}

// cloneValue returns a copy of value that the store owns (never nil), so the
// caller may reuse its buffer and events may share the copy.
func cloneValue(value []byte) []byte {
	return append(make([]byte, 0, len(value)), value...)
}

// writer applies requests inside one read-write transaction, tracking the
// revision and compacted revision as they change.
type writer struct {
	b         buckets
	rev       int64
	compacted int64
}

// apply applies r. A failure of r's own preconditions is returned in the
// outcome; err is an internal failure that aborts the transaction.
func (w *writer) apply(r *request) (o outcome, ev *storage.Event, err error) {
	if r.op == opCompact {
		return w.compact(r.arg)
	}
	cur, ok, err := latest(w.b.keys, r.key)
	if err != nil {
		return o, nil, err
	}
	exists := ok && !cur.tombstone
	switch r.op {
	case opCreate:
		if exists {
			o.err = fmt.Errorf("%w: %q", storage.ErrExists, r.key)
			return o, nil, nil
		}
	case opUpdate, opDelete:
		if !exists {
			o.err = fmt.Errorf("%w: %q", storage.ErrNotFound, r.key)
			return o, nil, nil
		}
		if cur.modRev != r.arg && (r.op == opUpdate || r.arg != 0) {
			o.err = fmt.Errorf("%w: %q is at %d, not %d", storage.ErrConflict, r.key, cur.modRev, r.arg)
			return o, nil, nil
		}
	default:
		return o, nil, fmt.Errorf("unknown op %d", r.op)
	}

	rev := w.rev + 1
	var prev *storage.KeyValue
	if exists {
		prev = cur.keyValue(r.key)
	}
	var rec []byte
	switch r.op {
	case opCreate:
		rec = encodeRecord(rev, r.value, false)
		ev = &storage.Event{Type: storage.EventPut, KV: storage.KeyValue{Key: r.key, Value: r.value, CreateRevision: rev, ModRevision: rev}}
	case opUpdate:
		rec = encodeRecord(cur.createRev, r.value, false)
		ev = &storage.Event{Type: storage.EventPut, KV: storage.KeyValue{Key: r.key, Value: r.value, CreateRevision: cur.createRev, ModRevision: rev}, PrevKV: prev}
	case opDelete:
		rec = encodeRecord(0, nil, true)
		ev = &storage.Event{Type: storage.EventDelete, KV: storage.KeyValue{Key: r.key, ModRevision: rev}, PrevKV: prev}
		o.prev = prev
	}
	if err := w.b.keys.Put(versionKey(r.key, rev), rec); err != nil {
		return o, nil, err
	}
	if err := w.b.log.Put(putRev(nil, rev), []byte(r.key)); err != nil {
		return o, nil, err
	}
	w.rev = rev
	o.rev = rev
	return o, ev, nil
}

// compact compacts at rev within the transaction.
func (w *writer) compact(rev int64) (o outcome, ev *storage.Event, err error) {
	if rev <= w.compacted {
		return o, nil, nil
	}
	if rev > w.rev {
		o.err = fmt.Errorf("%w: compact at %d, current %d", storage.ErrFutureRevision, rev, w.rev)
		return o, nil, nil
	}
	if err := compactTx(w.b, w.compacted, rev); err != nil {
		return o, nil, fmt.Errorf("compact at %d: %w", rev, err)
	}
	w.compacted = rev
	return o, nil, nil
}
