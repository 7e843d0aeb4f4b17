package storagetest

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"kctl.dev/kctl/server/storage"
)

func requestProgress(t testing.TB, s storage.Interface) {
	t.Helper()
	if err := s.RequestProgress(t.Context()); err != nil {
		t.Fatalf("RequestProgress: %v", err)
	}
}

// checkProgress receives one event from ch and fails the test unless it is a
// progress notification at rev, with nothing but its revision set.
func checkProgress(t testing.TB, ch <-chan storage.Event, rev int64) {
	t.Helper()
	ev := next(t, ch)
	if ev.Type != storage.EventProgress || ev.KV.ModRevision != rev {
		t.Fatalf("event type %d at %d (key %q), want progress at %d", ev.Type, ev.KV.ModRevision, ev.KV.Key, rev)
	}
	if ev.KV.Key != "" || ev.KV.Value != nil || ev.KV.CreateRevision != 0 || ev.PrevKV != nil || ev.Err != nil {
		t.Fatalf("progress carries more than its revision: %+v", ev)
	}
}

// testProgressIdlePrefix: a watch on a prefix nobody writes learns the current
// revision while writes elsewhere move it, and gets nothing but the progress.
func testProgressIdlePrefix(t *testing.T, s storage.Interface) {
	create(t, s, "/a/x", "1")
	idle := watch(t, s, "/a/", 0)
	busy := watch(t, s, "/b/", 0)
	var want []wantEvent
	for i := range 5 {
		key := fmt.Sprintf("/b/%d", i)
		rev := create(t, s, key, "v")
		want = append(want, put(key, "v", rev, rev, nil))
	}
	rev := revision(t, s)
	requestProgress(t, s)
	checkProgress(t, idle, rev)
	checkEvents(t, busy, want...)
	checkProgress(t, busy, rev)
	// Nothing else was queued on the idle watch: the next write is next.
	r := create(t, s, "/a/y", "1")
	checkEvents(t, idle, put("/a/y", "1", r, r, nil))
	requestProgress(t, s)
	checkProgress(t, idle, r)
}

// testProgressOrdering: while writers move the revision, under the watched
// prefix and outside it, progress notifications interleave with the events in
// revision order: a progress is never below an event before it, and an event is
// always above a progress before it.
func testProgressOrdering(t *testing.T, s storage.Interface) {
	const writes = 200
	ch := watch(t, s, "/a/", 0)
	var all, writers sync.WaitGroup
	defer all.Wait() // no goroutine outlives the test, even when it fails
	for _, prefix := range []string{"/a/", "/b/"} {
		writers.Go(func() {
			ctx := t.Context()
			rev, err := s.Create(ctx, prefix+"k", []byte("0"))
			for i := 1; i < writes && err == nil; i++ {
				rev, err = s.Update(ctx, prefix+"k", fmt.Append(nil, i), rev)
				runtime.Gosched() // let requests and the receiver in between writes
			}
			if err != nil {
				t.Errorf("write %s: %v", prefix, err)
			}
		})
	}
	written := make(chan struct{})
	last := make(chan int64, 1) // the revision after every write
	all.Go(func() {
		writers.Wait()
		close(written)
	})
	all.Go(func() {
		for requests := 0; ; requests++ {
			select {
			case <-written:
				rev, err := s.Revision(t.Context())
				if err == nil {
					err = s.RequestProgress(t.Context())
				}
				if err != nil {
					t.Errorf("after %d requests: %v", requests, err)
					rev = -1
				}
				last <- rev
				return
			default:
			}
			if err := s.RequestProgress(t.Context()); err != nil {
				t.Errorf("RequestProgress: %v", err)
			}
			runtime.Gosched()
		}
	})

	var (
		events, progresses int
		prev               int64 // revision of the last event or progress received
		progressed         int64 // revision of the last progress received
		final              int64 = -1
	)
	deadline := time.After(timeout)
	for final < 0 || progressed < final {
		var ev storage.Event
		select {
		case final = <-last:
			if final < 0 {
				return
			}
			continue
		case ev = <-ch:
		case <-deadline:
			t.Fatalf("no progress at the final revision %d; last received %d", final, prev)
		}
		rev := ev.KV.ModRevision
		switch ev.Type {
		case storage.EventPut:
			if rev <= prev {
				t.Fatalf("event at %d after an event or progress at %d", rev, prev)
			}
			events++
		case storage.EventProgress:
			if rev < prev {
				t.Fatalf("progress at %d after an event or progress at %d", rev, prev)
			}
			progresses++
			progressed = rev
		default:
			t.Fatalf("event type %d (err %v)", ev.Type, ev.Err)
		}
		prev = rev
	}
	if events != writes {
		t.Fatalf("%d events before the final progress, want %d", events, writes)
	}
	if progressed != final {
		t.Fatalf("final progress at %d, want %d", progressed, final)
	}
	t.Logf("%d progress notifications among %d events", progresses, events)
}

// testProgressAfterReplay: a watch replaying history gets its progress after
// the whole replay, even when the receiver has not started reading.
func testProgressAfterReplay(t *testing.T, s storage.Interface) {
	const writes = 100 // more than any channel buffer
	start := create(t, s, "/w/k", "0")
	want := make([]wantEvent, 0, writes)
	rev := start
	for i := 1; i <= writes; i++ {
		prev := kv{"/w/k", fmt.Sprint(i - 1), start, rev}
		rev = update(t, s, "/w/k", fmt.Sprint(i), rev)
		want = append(want, put("/w/k", fmt.Sprint(i), start, rev, ptr(prev)))
		create(t, s, fmt.Sprintf("/x/%d", i), "v")
	}
	cur := revision(t, s)
	ch := watch(t, s, "/w/", start)
	requestProgress(t, s)
	checkEvents(t, ch, want...)
	checkProgress(t, ch, cur)
	r := update(t, s, "/w/k", "live", rev)
	checkEvents(t, ch, put("/w/k", "live", start, r, ptr(kv{"/w/k", fmt.Sprint(writes), start, rev})))
}

// testProgressFutureWatch: a watch from a future revision gets no progress
// below its start revision, and gets one once the revision reaches it.
func testProgressFutureWatch(t *testing.T, s storage.Interface) {
	r1 := create(t, s, "/a", "1")
	ch := watch(t, s, "/", r1+2)
	requestProgress(t, s) // at r1: skipped
	r2 := update(t, s, "/a", "2", r1)
	requestProgress(t, s) // at r1+1: skipped
	r3 := create(t, s, "/b", "1")
	requestProgress(t, s) // at r1+2, the start: sent
	r4 := update(t, s, "/a", "3", r2)
	checkProgress(t, ch, r3)
	checkEvents(t, ch, put("/a", "3", r1, r4, ptr(kv{"/a", "2", r1, r2})))
}
