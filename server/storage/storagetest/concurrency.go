package storagetest

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"kctl.dev/kctl/server/storage"
)

// testConcurrentCAS: goroutines increment one counter with Get and Update; every
// increment that succeeds counts once, so the total is exact.
func testConcurrentCAS(t *testing.T, s storage.Interface) {
	const workers, increments = 8, 25
	start := create(t, s, "/counter", "0")
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			ctx := t.Context()
			for n := 0; n < increments; {
				kv, err := s.Get(ctx, "/counter")
				if err != nil {
					t.Errorf("Get: %v", err)
					return
				}
				v, _ := strconv.Atoi(string(kv.Value))
				_, err = s.Update(ctx, "/counter", []byte(strconv.Itoa(v+1)), kv.ModRevision)
				switch {
				case errors.Is(err, storage.ErrConflict):
				case err != nil:
					t.Errorf("Update: %v", err)
					return
				default:
					n++
				}
			}
		})
	}
	wg.Wait()
	got, err := s.Get(t.Context(), "/counter")
	if err != nil {
		t.Fatal(err)
	}
	total := int64(workers * increments)
	checkKV(t, "counter", got, kv{"/counter", strconv.FormatInt(total, 10), start, start + total})
}

func testConcurrentCreateSameKey(t *testing.T, s storage.Interface) {
	const workers = 16
	ready := make(chan struct{})
	errs := make(chan error, workers)
	for i := range workers {
		go func() {
			<-ready
			_, err := s.Create(t.Context(), "/k", []byte(strconv.Itoa(i)))
			errs <- err
		}()
	}
	close(ready)
	created := 0
	for range workers {
		switch err := <-errs; {
		case err == nil:
			created++
		case !errors.Is(err, storage.ErrExists):
			t.Errorf("Create: %v", err)
		}
	}
	if created != 1 {
		t.Fatalf("%d creates of one key succeeded, want 1", created)
	}
	if rev := revision(t, s); rev != 1 {
		t.Fatalf("revision %d after one create", rev)
	}
}

// testConcurrentWritesWatchedInOrder: concurrent writers get distinct revisions,
// and a watch sees every write once, in revision order, at the revision its
// writer was told.
func testConcurrentWritesWatchedInOrder(t *testing.T, s storage.Interface) {
	const workers, writes = 8, 25
	ch := watch(t, s, "/", 0)
	var mu sync.Mutex
	revs := map[string]int64{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			ctx := t.Context()
			var last int64
			for i := range writes {
				key := fmt.Sprintf("/w%d/%d", w, i)
				rev, err := s.Create(ctx, key, []byte("v"))
				if err != nil {
					t.Errorf("Create: %v", err)
					return
				}
				if i%2 == 1 {
					rev, err = s.Update(ctx, key, []byte("v2"), rev)
					if err != nil {
						t.Errorf("Update: %v", err)
						return
					}
				}
				if rev <= last {
					t.Errorf("revision %d after %d", rev, last)
				}
				last = rev
				mu.Lock()
				revs[key] = rev
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	total := workers * (writes + writes/2)
	for i := range total {
		ev := next(t, ch)
		if ev.KV.ModRevision != int64(i+1) {
			t.Fatalf("event %d at revision %d, want %d", i, ev.KV.ModRevision, i+1)
		}
		if rev := revs[ev.KV.Key]; ev.KV.ModRevision > rev {
			t.Fatalf("event for %s at revision %d; its last write was at %d", ev.KV.Key, ev.KV.ModRevision, rev)
		}
		if ev.KV.ModRevision == revs[ev.KV.Key] {
			delete(revs, ev.KV.Key)
		}
	}
	if len(revs) != 0 {
		t.Fatalf("no event at the last write of %d keys", len(revs))
	}
}
