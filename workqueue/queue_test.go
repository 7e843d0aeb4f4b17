package workqueue

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// getNow takes an item that must be ready at once.
func getNow[T comparable](t *testing.T, q *Queue[T]) T {
	t.Helper()
	if q.Len() == 0 {
		t.Fatalf("Get: queue is empty")
	}
	item, ok := q.Get(context.Background())
	if !ok {
		t.Fatalf("Get: ok false")
	}
	return item
}

// drain takes and finishes every ready item, in order.
func drain[T comparable](t *testing.T, q *Queue[T]) []T {
	t.Helper()
	var got []T
	for q.Len() > 0 {
		item := getNow(t, q)
		q.Done(item)
		got = append(got, item)
	}
	return got
}

// waitFor yields until cond holds; it fails the test after 10s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		runtime.Gosched()
	}
}

func waiters[T comparable](q *Queue[T]) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.waiters)
}

func TestAddQueuesOnceInFIFOOrder(t *testing.T) {
	tests := []struct {
		name string
		adds []string
		want []string
	}{
		{"single", []string{"a"}, []string{"a"}},
		{"fifo", []string{"c", "a", "b"}, []string{"c", "a", "b"}},
		{"duplicates queued once at first position", []string{"a", "b", "a", "c", "b", "a"}, []string{"a", "b", "c"}},
		{"nothing", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := New(Config[string]{})
			defer q.ShutDown()
			for _, item := range tt.adds {
				q.Add(item)
			}
			if q.Len() != len(tt.want) {
				t.Fatalf("Len = %d, want %d", q.Len(), len(tt.want))
			}
			if got := drain(t, q); !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAddWhileProcessing(t *testing.T) {
	tests := []struct {
		name       string
		addsDuring int
		wantAfter  []string
	}{
		{"not re-added: finished", 0, nil},
		{"re-added: processed again", 1, []string{"a"}},
		{"re-added many times: processed again once", 3, []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := New(Config[string]{})
			defer q.ShutDown()
			q.Add("a")
			q.Add("b")
			if got := getNow(t, q); got != "a" {
				t.Fatalf("Get = %q, want a", got)
			}
			for range tt.addsDuring {
				q.Add("a")
			}
			// In flight: not handed out again, only b is ready.
			if q.Len() != 1 {
				t.Fatalf("Len while a in flight = %d, want 1", q.Len())
			}
			q.Done("a")
			want := append([]string{"b"}, tt.wantAfter...)
			if got := drain(t, q); !slices.Equal(got, want) {
				t.Fatalf("after Done got %q, want %q", got, want)
			}
		})
	}
}

func TestDoneOfUnknownItemIsIgnored(t *testing.T) {
	q := New(Config[string]{})
	defer q.ShutDown()
	q.Add("a")
	q.Done("a") // queued, not in flight
	q.Done("x")
	if got := drain(t, q); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("got %q, want [a]", got)
	}
}

func TestNeverTwoWorkersOnOneItem(t *testing.T) {
	const (
		workers   = 16
		producers = 8
		items     = 10
		addsEach  = 2000
	)
	q := New(Config[int]{})
	var inFlight [items]atomic.Int32
	var processed atomic.Int64
	var overlap atomic.Bool

	var workerWG sync.WaitGroup
	for range workers {
		workerWG.Go(func() {
			for {
				item, ok := q.Get(context.Background())
				if !ok {
					return
				}
				if inFlight[item].Add(1) != 1 {
					overlap.Store(true)
				}
				runtime.Gosched() // widen the window for a second worker
				processed.Add(1)
				inFlight[item].Add(-1)
				q.Done(item)
			}
		})
	}
	var producerWG sync.WaitGroup
	for p := range producers {
		producerWG.Go(func() {
			for i := range addsEach {
				q.Add((p + i) % items)
			}
		})
	}
	producerWG.Wait()
	q.ShutDownWithDrain(context.Background())
	workerWG.Wait()

	if overlap.Load() {
		t.Fatal("an item was processed by two workers at once")
	}
	if processed.Load() == 0 {
		t.Fatal("nothing processed")
	}
	if m := q.Metrics(); m.Depth != 0 || m.Processing != 0 || m.Completed != uint64(processed.Load()) {
		t.Fatalf("after drain: %+v, processed %d", m, processed.Load())
	}
}

func TestShutDown(t *testing.T) {
	q := New(Config[string]{})
	const blocked = 3
	results := make(chan bool, blocked)
	for range blocked {
		go func() {
			_, ok := q.Get(context.Background())
			results <- ok
		}()
	}
	waitFor(t, "Get calls to block", func() bool { return waiters(q) == blocked })

	q.ShutDown()
	for range blocked {
		if <-results {
			t.Fatal("blocked Get returned ok after ShutDown")
		}
	}
	if !q.ShuttingDown() {
		t.Fatal("ShuttingDown = false")
	}
	q.Add("late")
	q.AddAfter("later", time.Second)
	q.AddRateLimited("retry")
	if _, ok := q.Get(context.Background()); ok {
		t.Fatal("Get after ShutDown returned ok")
	}
	if m := q.Metrics(); m.Depth != 0 || m.Waiting != 0 || m.Retries != 0 || q.NumRequeues("retry") != 0 {
		t.Fatalf("items accepted after ShutDown: %+v", m)
	}
	q.ShutDown() // again: no panic
}

func TestShutDownDropsQueuedItems(t *testing.T) {
	q := New(Config[string]{})
	q.Add("a")
	q.Add("b")
	if got := getNow(t, q); got != "a" {
		t.Fatalf("Get = %q, want a", got)
	}
	q.Add("a") // dirty while in flight
	q.ShutDown()
	if q.Len() != 0 {
		t.Fatalf("Len = %d after ShutDown, want 0", q.Len())
	}
	q.Done("a") // not re-queued any more
	if _, ok := q.Get(context.Background()); ok {
		t.Fatal("Get returned ok after ShutDown")
	}
}

func TestShutDownWithDrain(t *testing.T) {
	q := New(Config[string]{})
	q.Add("a")
	q.Add("b")
	if got := getNow(t, q); got != "a" {
		t.Fatalf("Get = %q, want a", got)
	}
	q.Add("a") // processed again after Done, even while draining

	drained := make(chan struct{})
	go func() {
		q.ShutDownWithDrain(context.Background())
		close(drained)
	}()
	waitFor(t, "shutdown to start", q.ShuttingDown)
	q.Add("c") // refused

	var got []string
	if item := getNow(t, q); item != "b" {
		t.Fatalf("Get = %q, want b", item)
	} else {
		got = append(got, item)
		q.Done(item)
	}

	// Only a is left, in flight and due again: Get waits for its Done.
	next := make(chan string)
	go func() {
		item, ok := q.Get(context.Background())
		if !ok {
			item = "<none>"
		}
		next <- item
	}()
	waitFor(t, "Get to wait for the re-queue", func() bool { return waiters(q) == 1 })
	select {
	case <-drained:
		t.Fatal("ShutDownWithDrain returned with a in flight")
	default:
	}
	q.Done("a")
	item := <-next
	got = append(got, item)
	select {
	case <-drained:
		t.Fatal("ShutDownWithDrain returned with a in flight")
	default:
	}
	q.Done(item)
	<-drained

	if want := []string{"b", "a"}; !slices.Equal(got, want) {
		t.Fatalf("drained %q, want %q", got, want)
	}
	if _, ok := q.Get(context.Background()); ok {
		t.Fatal("Get after drain returned ok")
	}
}

func TestShutDownWithDrainOnIdleQueueReturns(t *testing.T) {
	q := New(Config[string]{})
	q.AddAfter("later", time.Hour) // waiting items are dropped, not awaited
	q.ShutDownWithDrain(context.Background())
	q.ShutDownWithDrain(context.Background()) // again: returns at once
}

func TestShutDownWithDrainReleasesWaitingWorkers(t *testing.T) {
	q := New(Config[string]{})
	q.Add("a")
	item := getNow(t, q)

	result := make(chan bool)
	go func() {
		_, ok := q.Get(context.Background())
		result <- ok
	}()
	waitFor(t, "Get to block", func() bool { return waiters(q) == 1 })
	drained := make(chan struct{})
	go func() {
		q.ShutDownWithDrain(context.Background())
		close(drained)
	}()
	// The blocked Get has nothing to wait for: a is not due again.
	if <-result {
		t.Fatal("Get returned ok")
	}
	q.Done(item)
	<-drained
}

func TestGetContextCancel(t *testing.T) {
	t.Run("already done", func(t *testing.T) {
		q := New(Config[string]{})
		defer q.ShutDown()
		q.Add("a")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, ok := q.Get(ctx); ok {
			t.Fatal("Get with a done ctx returned ok")
		}
		if q.Len() != 1 {
			t.Fatalf("Len = %d, want the item left queued", q.Len())
		}
	})
	t.Run("while blocked", func(t *testing.T) {
		q := New(Config[string]{})
		defer q.ShutDown()
		ctx, cancel := context.WithCancel(context.Background())
		result := make(chan bool)
		go func() {
			_, ok := q.Get(ctx)
			result <- ok
		}()
		waitFor(t, "Get to block", func() bool { return waiters(q) == 1 })
		cancel()
		if <-result {
			t.Fatal("cancelled Get returned ok")
		}
		if n := waiters(q); n != 0 {
			t.Fatalf("%d waiters left after cancel", n)
		}
		q.Add("a")
		if got := getNow(t, q); got != "a" {
			t.Fatalf("Get = %q, want a", got)
		}
	})
}

func TestGetServesBlockedWorkersInOrder(t *testing.T) {
	q := New(Config[string]{})
	defer q.ShutDown()
	results := make([]chan string, 3)
	for i := range results {
		results[i] = make(chan string, 1)
		go func() {
			item, _ := q.Get(context.Background())
			results[i] <- item
		}()
		waitFor(t, "Get to block", func() bool { return waiters(q) == i+1 })
	}
	for i := range results {
		item := fmt.Sprint(i)
		q.Add(item)
		if got := <-results[i]; got != item {
			t.Fatalf("Get %d = %q, want %q", i, got, item)
		}
	}
}

func TestMetrics(t *testing.T) {
	clock := newFakeClock()
	q := New(Config[string]{Name: "pods", Clock: clock})
	defer q.ShutDown()

	q.Add("a")
	q.Add("a")
	q.Add("b")
	clock.Step(time.Second)
	a := getNow(t, q)
	clock.Step(2 * time.Second)
	b := getNow(t, q)
	clock.Step(time.Second)

	m := q.Metrics()
	want := Metrics{
		Name:           "pods",
		Processing:     2,
		Adds:           2,
		QueueLatency:   time.Second + 3*time.Second,
		UnfinishedWork: 3*time.Second + time.Second,
		LongestRunning: 3 * time.Second,
	}
	if m != want {
		t.Fatalf("in flight:\n got %+v\nwant %+v", m, want)
	}

	q.Done(a)
	q.Done(b)
	q.AddRateLimited("a")
	m = q.Metrics()
	want = Metrics{
		Name:         "pods",
		Waiting:      1,
		Adds:         2,
		Retries:      1,
		Completed:    2,
		QueueLatency: 4 * time.Second,
		WorkDuration: 3*time.Second + time.Second,
	}
	if m != want {
		t.Fatalf("done:\n got %+v\nwant %+v", m, want)
	}
}

// TestShutDownWithDrainGivesUpWhenCtxEnds: with no worker taking the queued
// item, the drain stops at its context's end and drops what is left.
func TestShutDownWithDrainGivesUpWhenCtxEnds(t *testing.T) {
	q := New(Config[string]{})
	q.Add("stuck")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := q.ShutDownWithDrain(ctx); err != context.Canceled {
		t.Fatalf("ShutDownWithDrain = %v, want context.Canceled", err)
	}
	if q.Len() != 0 {
		t.Errorf("%d items left queued after giving up", q.Len())
	}
	if _, ok := q.Get(context.Background()); ok {
		t.Error("Get handed out an item after the drain gave up")
	}
}
