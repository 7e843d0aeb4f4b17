package bolt

import (
	"context"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"kctl.dev/kctl/server/storage"
)

// maxBatch caps the requests applied in one transaction.
const maxBatch = 1024

type opKind uint8

const (
	opCreate opKind = iota + 1
	opUpdate
	opDelete
	opCompact
	opProgress
)

// request is one queued write. The committer sets the results, then closes done.
type request struct {
	op    opKind
	key   string
	value []byte
	// arg is the expected mod revision (Update, Delete) or the revision (Compact).
	// A progress request (opProgress) has neither key nor arg.
	arg int64

	rev  int64
	prev *storage.KeyValue
	err  error
	done chan struct{}
}

// outcome is what applying one request in a transaction produced; kept apart
// from the request until the transaction commits.
type outcome struct {
	rev  int64
	prev *storage.KeyValue
	err  error // the request's own failure (ErrExists, ErrConflict, ...)
}

// submit queues r and waits until the committer has answered it. Once queued, a
// request is always answered with its definite outcome, even if ctx ends.
func (s *Store) submit(ctx context.Context, r *request) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.done = make(chan struct{})
	s.qmu.Lock()
	if s.closing {
		s.qmu.Unlock()
		return storage.ErrClosed
	}
	s.pending = append(s.pending, r)
	s.qmu.Unlock()
	s.signal()
	<-r.done
	return r.err
}

// signal wakes the committer.
func (s *Store) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// commitLoop is the committer: it takes everything queued, answers the progress
// requests, commits the writes as one transaction, and repeats; it returns once
// closing is set and the queue is empty.
func (s *Store) commitLoop() {
	defer close(s.committerDone)
	var batch []*request
	for {
		s.qmu.Lock()
		batch, s.pending = s.pending, batch[:0]
		closing := s.closing
		s.qmu.Unlock()
		writes := s.progress(batch)
		for rest := writes; len(rest) > 0; {
			n := min(len(rest), maxBatch)
			s.commit(rest[:n])
			rest = rest[n:]
		}
		clear(batch) // drop the answered requests
		if closing {
			return
		}
		<-s.wake
	}
}

// progress answers the progress requests of batch, and returns the other
// requests, in order, in batch's memory (batch is left with stale entries past
// them). Every watch gets one notification for all of them, at the revision last
// published, before the writes of batch are committed: the committer publishes
// each commit before it takes the next batch, so that revision is the file's,
// and covers every write answered and every commit a reader could see before
// the requests were queued.
func (s *Store) progress(batch []*request) []*request {
	asked := false
	for _, r := range batch {
		if r.op == opProgress {
			asked = true
			break
		}
	}
	if !asked {
		return batch
	}
	s.wmu.Lock()
	for w := range s.watchers {
		w.Progress(s.rev)
	}
	s.wmu.Unlock()
	writes := batch[:0]
	for _, r := range batch {
		if r.op == opProgress {
			s.answer(r, outcome{})
		} else {
			writes = append(writes, r)
		}
	}
	return writes
}

// commit applies batch in one transaction and answers every request. A request
// whose apply fails with an internal error is answered with it and removed, and
// the others are applied again in a new transaction.
func (s *Store) commit(batch []*request) {
	for len(batch) > 0 {
		outcomes, events, failed, err := s.tryCommit(batch)
		if failed >= 0 {
			s.logger.Error("storage: bolt: write failed", "key", batch[failed].key, "err", err)
			s.answer(batch[failed], outcome{err: err})
			batch = append(batch[:failed:failed], batch[failed+1:]...)
			continue
		}
		if err != nil {
			s.logger.Error("storage: bolt: commit failed", "writes", len(batch), "err", err)
			for _, r := range batch {
				s.answer(r, outcome{err: err})
			}
			return
		}
		if len(events) > 0 {
			s.publish(events)
		}
		for i, r := range batch {
			s.answer(r, outcomes[i])
		}
		return
	}
}

func (s *Store) answer(r *request, o outcome) {
	r.rev, r.prev, r.err = o.rev, o.prev, o.err
	close(r.done)
}

// tryCommit runs one read-write transaction over batch. failed is the index of a
// request whose apply failed (the transaction was rolled back), or -1.
func (s *Store) tryCommit(batch []*request) (outcomes []outcome, events []storage.Event, failed int, err error) {
	failed = -1
	err = s.db.Update(func(tx *bbolt.Tx) error {
		b, err := bucketsOf(tx)
		if err != nil {
			return err
		}
		b.log.FillPercent = 1 // appended in key order
		// Everything is recomputed from the transaction's own state.
		outcomes = make([]outcome, len(batch))
		events = events[:0]
		w := writer{b: b, rev: b.rev(), compacted: b.compacted()}
		start, startCompacted := w.rev, w.compacted
		for i, r := range batch {
			if s.applyHook != nil {
				if err := s.applyHook(r); err != nil {
					failed = i
					return err
				}
			}
			o, ev, err := w.apply(r)
			if err != nil {
				failed = i
				return err
			}
			outcomes[i] = o
			if ev != nil {
				events = append(events, *ev)
			}
		}
		if w.rev != start {
			if err := b.meta.Put(metaRev, putRev(nil, w.rev)); err != nil {
				return err
			}
		}
		if w.compacted != startCompacted {
			if err := b.meta.Put(metaCompacted, putRev(nil, w.compacted)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		err = fmt.Errorf("storage: bolt: %w", err)
	}
	return outcomes, events, failed, err
}
