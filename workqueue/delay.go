package workqueue

import (
	"container/heap"
	"time"
)

// delayState holds the items scheduled by AddAfter and not yet ready, and
// the one timer that fires when the earliest of them is due.
type delayState[T comparable] struct {
	pending delayHeap[T]
	byItem  map[T]*delayedItem[T]
	seq     uint64 // orders items due at the same time by AddAfter call

	timer   Timer     // nil when no timer is armed
	timerAt time.Time // when timer fires
	timerID uint64    // identifies the armed timer to its callback
}

type delayedItem[T comparable] struct {
	item  T
	ready time.Time
	seq   uint64
	index int // position in delayHeap
}

func newDelayState[T comparable]() delayState[T] {
	return delayState[T]{byItem: map[T]*delayedItem[T]{}}
}

// AddAfter queues item once d has elapsed. If item is already waiting for
// an earlier AddAfter, it keeps the earlier of the two ready times. A d of
// zero or less is Add. It does nothing once the queue is shutting down.
func (q *Queue[T]) AddAfter(item T, d time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.shuttingDown {
		return
	}
	q.addAfterLocked(item, d)
}

func (q *Queue[T]) addAfterLocked(item T, d time.Duration) {
	now := q.clock.Now()
	if d <= 0 {
		q.addLocked(item, now)
		return
	}
	ready := now.Add(d)
	ds := &q.delay
	if w, ok := ds.byItem[item]; ok {
		if !ready.Before(w.ready) {
			return
		}
		w.ready = ready
		heap.Fix(&ds.pending, w.index)
	} else {
		ds.seq++
		w := &delayedItem[T]{item: item, ready: ready, seq: ds.seq}
		heap.Push(&ds.pending, w)
		ds.byItem[item] = w
	}
	q.armTimerLocked(now)
}

// armTimerLocked makes sure a timer fires no later than the earliest
// pending ready time.
func (q *Queue[T]) armTimerLocked(now time.Time) {
	ds := &q.delay
	if len(ds.pending) == 0 {
		return
	}
	next := ds.pending[0].ready
	if ds.timer != nil {
		if !ds.timerAt.After(next) {
			return
		}
		ds.timer.Stop()
	}
	ds.timerID++
	id := ds.timerID
	ds.timer = q.clock.AfterFunc(next.Sub(now), func() { q.releaseDue(id) })
	ds.timerAt = next
}

// releaseDue runs when timer id fires: it queues every item now due and
// arms the timer for the next one.
func (q *Queue[T]) releaseDue(id uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	ds := &q.delay
	if id == ds.timerID {
		ds.timer = nil
	}
	// A timer replaced after it fired still gets here; releasing what is due
	// is harmless, and the replacement stays armed.
	if q.shuttingDown {
		return
	}
	now := q.clock.Now()
	for len(ds.pending) > 0 && !ds.pending[0].ready.After(now) {
		w := heap.Pop(&ds.pending).(*delayedItem[T])
		delete(ds.byItem, w.item)
		q.addLocked(w.item, now)
	}
	q.armTimerLocked(now)
}

// stopDelayLocked drops every pending item and stops the timer.
func (q *Queue[T]) stopDelayLocked() {
	ds := &q.delay
	if ds.timer != nil {
		ds.timer.Stop()
		ds.timer = nil
	}
	ds.timerID++
	clear(ds.pending)
	ds.pending = nil
	clear(ds.byItem)
}

// delayHeap is a min-heap of delayed items by ready time, then call order.
type delayHeap[T comparable] []*delayedItem[T]

func (h delayHeap[T]) Len() int { return len(h) }

func (h delayHeap[T]) Less(i, j int) bool {
	if !h[i].ready.Equal(h[j].ready) {
		return h[i].ready.Before(h[j].ready)
	}
	return h[i].seq < h[j].seq
}

func (h delayHeap[T]) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *delayHeap[T]) Push(x any) {
	w := x.(*delayedItem[T])
	w.index = len(*h)
	*h = append(*h, w)
}

func (h *delayHeap[T]) Pop() any {
	old := *h
	n := len(old)
	w := old[n-1]
	old[n-1] = nil
	*h = old[:n-1]
	return w
}
