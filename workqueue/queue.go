package workqueue

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Config configures a Queue. The zero Config is valid.
type Config[T comparable] struct {
	// RateLimiter decides AddRateLimited delays and keeps the failure counts
	// behind Forget and NumRequeues; default DefaultRateLimiter[T]() (whose
	// token bucket reads Clock).
	RateLimiter RateLimiter[T]
	// Name labels Metrics; optional.
	Name string
	// Clock is the source of time, for tests; default real time.
	Clock Clock
}

// Queue is a rate-limited, de-duplicating work queue; see the package
// comment for its guarantees. Create one with New; a Queue is safe for
// concurrent use and must not be copied.
type Queue[T comparable] struct {
	name    string
	limiter RateLimiter[T]
	clock   Clock

	mu sync.Mutex
	// queue holds the items ready for Get, in order. Every queued item is in
	// dirty and not in processing.
	queue []T
	// dirty holds every item that needs processing: the queued ones, and the
	// in-flight ones that were added again and are re-queued on Done.
	dirty map[T]struct{}
	// processing maps the items handed out by Get and not yet Done to the
	// time Get returned them.
	processing map[T]time.Time
	// queuedAt maps each queued item to the time it entered queue.
	queuedAt map[T]time.Time
	// waiters are the Get calls blocked on an empty queue, oldest first. Each
	// channel has room for one wake-up.
	waiters []chan struct{}

	shuttingDown bool
	drained      chan struct{} // closed once shut down with nothing queued or in flight
	drainedDone  bool

	delay delayState[T]
	stats counters
}

// New returns an empty Queue configured by cfg.
func New[T comparable](cfg Config[T]) *Queue[T] {
	clock := cfg.Clock
	if clock == nil {
		clock = realClock{}
	}
	limiter := cfg.RateLimiter
	if limiter == nil {
		limiter = defaultRateLimiter[T](clock)
	}
	return &Queue[T]{
		name:       cfg.Name,
		limiter:    limiter,
		clock:      clock,
		dirty:      map[T]struct{}{},
		processing: map[T]time.Time{},
		queuedAt:   map[T]time.Time{},
		drained:    make(chan struct{}),
		delay:      newDelayState[T](),
	}
}

// Add queues item for processing. It does nothing if item is already queued
// or the queue is shutting down. If item is being processed, it is marked
// and queued again when Done is called for it, so it is never handed to two
// workers at once. Add leaves any AddAfter of item pending.
func (q *Queue[T]) Add(item T) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.shuttingDown {
		return
	}
	q.addLocked(item, q.clock.Now())
}

func (q *Queue[T]) addLocked(item T, now time.Time) {
	if _, ok := q.dirty[item]; ok {
		return
	}
	q.dirty[item] = struct{}{}
	q.stats.adds++
	if _, ok := q.processing[item]; ok {
		return
	}
	q.pushLocked(item, now)
}

func (q *Queue[T]) pushLocked(item T, now time.Time) {
	q.queue = append(q.queue, item)
	q.queuedAt[item] = now
	q.wakeOneLocked()
}

// AddRateLimited queues item after the delay its RateLimiter gives, which
// also counts one more failure of item (see NumRequeues). Once the queue is
// shutting down it does nothing, and counts nothing.
func (q *Queue[T]) AddRateLimited(item T) {
	if q.ShuttingDown() {
		return
	}
	d := q.limiter.When(item)
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.shuttingDown {
		return
	}
	q.stats.retries++
	q.addAfterLocked(item, d)
}

// Forget clears the failures recorded for item, so its next AddRateLimited
// waits the shortest delay again. Call it when item was processed
// successfully. It does not remove item from the queue.
func (q *Queue[T]) Forget(item T) { q.limiter.Forget(item) }

// NumRequeues returns the failures recorded for item since its last Forget.
func (q *Queue[T]) NumRequeues(item T) int { return q.limiter.NumRequeues(item) }

// Get blocks until an item is ready, marks it in flight and returns it with
// ok true. The caller must call Done(item) when finished with it. Get
// returns ok false once ctx is done, or once the queue is shutting down and
// has nothing left to hand out: at once after ShutDown, and after
// ShutDownWithDrain when the queued items, including those re-queued by
// Done, are all taken.
func (q *Queue[T]) Get(ctx context.Context) (item T, ok bool) {
	if ctx.Err() != nil {
		return item, false
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.queue) == 0 {
		// With an empty queue, dirty holds only in-flight items that will be
		// re-queued on Done: worth waiting for even while shutting down.
		if q.shuttingDown && len(q.dirty) == 0 {
			return item, false
		}
		wake := make(chan struct{}, 1)
		q.waiters = append(q.waiters, wake)
		q.mu.Unlock()
		select {
		case <-wake:
			q.mu.Lock()
		case <-ctx.Done():
			q.mu.Lock()
			if i := slices.Index(q.waiters, wake); i >= 0 {
				q.waiters = slices.Delete(q.waiters, i, i+1)
			} else if len(q.queue) > 0 {
				// We were woken for an item we will not take: pass it on.
				q.wakeOneLocked()
			}
			return item, false
		}
	}

	item = q.queue[0]
	var zero T
	q.queue[0] = zero // let the backing array drop its reference
	q.queue = q.queue[1:]
	if len(q.queue) == 0 {
		q.queue = nil
	}
	now := q.clock.Now()
	q.stats.queueLatency += now.Sub(q.queuedAt[item])
	delete(q.queuedAt, item)
	delete(q.dirty, item)
	q.processing[item] = now
	return item, true
}

// Done marks item, returned by Get, as finished. If item was added while in
// flight, it is queued again now. Done for an item not in flight does
// nothing.
func (q *Queue[T]) Done(item T) {
	q.mu.Lock()
	defer q.mu.Unlock()
	started, ok := q.processing[item]
	if !ok {
		return
	}
	now := q.clock.Now()
	delete(q.processing, item)
	q.stats.completed++
	q.stats.workDuration += now.Sub(started)
	if _, ok := q.dirty[item]; ok {
		q.pushLocked(item, now)
	} else if q.shuttingDown && len(q.dirty) == 0 {
		// Get calls waiting for a possible re-queue can now give up.
		q.wakeAllLocked()
	}
	q.checkDrainedLocked()
}

// Len returns the number of items ready for Get; it counts neither items in
// flight nor items still waiting for their AddAfter delay.
func (q *Queue[T]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.queue)
}

// ShutDown stops the queue at once: later adds are ignored, queued and
// delayed items are dropped, and every Get, blocked or future, returns ok
// false. Items in flight may still be passed to Done, which no longer
// re-queues them. ShutDown does not wait; it is safe to call more than once.
func (q *Queue[T]) ShutDown() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.shuttingDown = true
	q.stopDelayLocked()
	clear(q.queue)
	q.queue = nil
	clear(q.dirty)
	clear(q.queuedAt)
	q.wakeAllLocked()
	q.checkDrainedLocked()
}

// ShutDownWithDrain stops accepting items (later adds are ignored and items
// still waiting for an AddAfter delay are dropped), lets workers take every
// queued item, and blocks until all of them, and the items already in
// flight, have been passed to Done; items added while in flight are
// processed once more first. Get returns ok false once nothing is left.
//
// Workers must keep calling Get and Done meanwhile, so the context their Get
// calls use must outlive the drain. When ctx ends before the queue is drained,
// ShutDownWithDrain drops what is still queued (as ShutDown), returns ctx's
// error, and items in flight finish on their own.
func (q *Queue[T]) ShutDownWithDrain(ctx context.Context) error {
	q.mu.Lock()
	q.shuttingDown = true
	q.stopDelayLocked()
	q.wakeAllLocked()
	q.checkDrainedLocked()
	q.mu.Unlock()
	select {
	case <-q.drained:
		return nil
	case <-ctx.Done():
		q.ShutDown()
		return ctx.Err()
	}
}

// ShuttingDown reports whether ShutDown or ShutDownWithDrain has been called.
func (q *Queue[T]) ShuttingDown() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.shuttingDown
}

func (q *Queue[T]) checkDrainedLocked() {
	if q.shuttingDown && !q.drainedDone && len(q.queue) == 0 && len(q.processing) == 0 {
		q.drainedDone = true
		close(q.drained)
	}
}

// wakeOneLocked wakes the longest-waiting Get, if any.
func (q *Queue[T]) wakeOneLocked() {
	if len(q.waiters) == 0 {
		return
	}
	q.waiters[0] <- struct{}{}
	q.waiters[0] = nil
	q.waiters = q.waiters[1:]
}

// wakeAllLocked wakes every waiting Get to look at the queue again.
func (q *Queue[T]) wakeAllLocked() {
	for _, w := range q.waiters {
		w <- struct{}{}
	}
	q.waiters = nil
}
