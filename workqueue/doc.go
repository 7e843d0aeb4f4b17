// Package workqueue provides Queue, the rate-limited, de-duplicating work
// queue that controllers put keys on and workers take them from. It is
// generic over the key type, so a controller's queue holds exactly its key
// type (a namespace/name string or a small struct) with no type assertions.
//
// # Creating and sharing
//
// New(Config[T]{}) returns a ready queue; every Config field is optional.
// A Queue is safe for concurrent use by any number of producers (usually
// informer event handlers calling Add) and workers (calling Get and Done).
//
// # Guarantees
//
//   - An item is never handed to two workers at once: between Get and Done
//     it is in flight, and no other Get returns it.
//   - An item added while it waits in the queue is queued once.
//   - An item added while in flight is processed again: it is queued when
//     Done is called for it.
//   - Otherwise items come out in the order they were added (FIFO), and
//     blocked Get calls are woken in the order they started waiting.
//   - AddAfter(item, d) queues item once d has elapsed; while item waits,
//     the earliest ready time asked for wins. Add does not cancel it.
//   - After ShutDown or ShutDownWithDrain no new items are accepted.
//     ShutDown drops what is queued or waiting, and Get returns ok false at
//     once. ShutDownWithDrain lets workers finish every queued and in-flight
//     item, and returns when the last one is Done.
//   - A Queue starts no goroutine of its own: once shut down, and once the
//     workers have returned, nothing of it is left running.
//
// # Retries
//
// AddRateLimited(item) queues item after the delay its RateLimiter gives,
// which also counts a failure of item; Forget(item) clears the count after
// a success and NumRequeues(item) reads it, to give up after some tries.
// The default limiter waits the longer of 5ms·2^failures (at most 1000s)
// per item and a token bucket shared by all items (10 per second, burst
// 100). ExponentialFailureRateLimiter, BucketRateLimiter and
// MaxOfRateLimiter build others.
//
// # A worker
//
// Run a few of these in goroutines; each returns when the queue is shut
// down or ctx is done:
//
//	func worker(ctx context.Context, q *workqueue.Queue[string]) {
//		for {
//			key, ok := q.Get(ctx)
//			if !ok {
//				return
//			}
//			err := reconcile(ctx, key)
//			switch {
//			case err == nil:
//				q.Forget(key)
//			case q.NumRequeues(key) < 5:
//				q.AddRateLimited(key)
//			default:
//				q.Forget(key) // give up; the next event re-adds it
//			}
//			q.Done(key)
//		}
//	}
//
// Always call Done, also on failure: until then the key stays in flight and
// is never handed out again. Stop with q.ShutDownWithDrain(drainCtx) to finish
// the work at hand (bounded by drainCtx), or q.ShutDown() to drop it, then
// wait for the workers. When draining, the ctx the workers pass to Get must
// not be the one that signalled the stop: Get returns ok false as soon as its
// ctx ends, which would leave queued items that no worker takes.
//
// # Observing
//
// Metrics returns a snapshot: depth, items in flight and waiting, adds,
// retries, time spent queued and working, and how long the oldest item in
// flight has run. Config.Name labels it. Config.Clock replaces real time in
// tests, so delays can be stepped through without sleeping.
package workqueue
