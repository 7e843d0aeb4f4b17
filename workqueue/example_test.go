package workqueue_test

import (
	"context"
	"fmt"
	"sync"

	"kctl.dev/kctl/workqueue"
)

// A worker loop: take a key, reconcile it, retry failures with backoff,
// always mark it Done.
func Example() {
	q := workqueue.New(workqueue.Config[string]{Name: "pods"})
	reconcile := func(key string) error {
		fmt.Println("reconcile", key)
		return nil
	}

	// Informer event handlers add keys; repeats of a waiting key are merged.
	for _, key := range []string{"default/web", "default/db", "default/web"} {
		q.Add(key)
	}

	var workers sync.WaitGroup
	workers.Go(func() {
		for {
			key, ok := q.Get(context.Background())
			if !ok {
				return // shut down
			}
			if err := reconcile(key); err != nil && q.NumRequeues(key) < 5 {
				q.AddRateLimited(key)
			} else {
				q.Forget(key)
			}
			q.Done(key)
		}
	})

	q.ShutDownWithDrain(context.Background()) // finish what is queued, then stop
	workers.Wait()
	fmt.Println("completed", q.Metrics().Completed)
	// Output:
	// reconcile default/web
	// reconcile default/db
	// completed 2
}
