package workqueue

import "time"

// Metrics is a snapshot of a Queue's state and running totals.
type Metrics struct {
	// Name is Config.Name.
	Name string

	// Depth is the number of items ready for Get (Len).
	Depth int
	// Processing is the number of items handed out by Get and not yet Done.
	Processing int
	// Waiting is the number of items scheduled by AddAfter, not yet ready.
	Waiting int

	// Adds counts the adds that queued an item, or marked an item in flight
	// to be processed again; adds merged into one already pending are not
	// counted.
	Adds uint64
	// Retries counts AddRateLimited calls.
	Retries uint64
	// Completed counts Done calls for items in flight.
	Completed uint64

	// QueueLatency is the total time items spent queued before Get took them.
	QueueLatency time.Duration
	// WorkDuration is the total time from Get to Done over completed items.
	WorkDuration time.Duration
	// UnfinishedWork is the time spent so far on the items in flight, summed.
	UnfinishedWork time.Duration
	// LongestRunning is how long the oldest item in flight has been running;
	// a large value hints at a stuck worker.
	LongestRunning time.Duration
}

// counters are the running totals behind Metrics, guarded by Queue.mu.
type counters struct {
	adds, retries, completed   uint64
	queueLatency, workDuration time.Duration
}

// Metrics returns a snapshot of the queue's metrics.
func (q *Queue[T]) Metrics() Metrics {
	q.mu.Lock()
	defer q.mu.Unlock()
	m := Metrics{
		Name:         q.name,
		Depth:        len(q.queue),
		Processing:   len(q.processing),
		Waiting:      len(q.delay.pending),
		Adds:         q.stats.adds,
		Retries:      q.stats.retries,
		Completed:    q.stats.completed,
		QueueLatency: q.stats.queueLatency,
		WorkDuration: q.stats.workDuration,
	}
	now := q.clock.Now()
	for _, started := range q.processing {
		running := now.Sub(started)
		m.UnfinishedWork += running
		m.LongestRunning = max(m.LongestRunning, running)
	}
	return m
}
