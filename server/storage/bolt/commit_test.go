package bolt

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"kctl.dev/kctl/server/storage"
)

// TestBatchFailureIsolated: one request of a batch failing inside the
// transaction is answered with its error; the others are applied again in a new
// transaction and get strictly increasing revisions with no gap, and watches see
// each of their events once.
func TestBatchFailureIsolated(t *testing.T) {
	ctx := t.Context()
	s, err := Open(filepath.Join(t.TempDir(), "kctl.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ch, err := s.Watch(ctx, "/", 0)
	if err != nil {
		t.Fatal(err)
	}

	injected := errors.New("injected failure")
	blocked, release := make(chan struct{}), make(chan struct{})
	var releaseOnce sync.Once
	unblock := func() { releaseOnce.Do(func() { close(release) }) }
	defer unblock()
	applied := map[string]int{}
	s.applyHook = func(r *request) error { // runs on the committer only
		applied[r.key]++
		switch {
		case r.key == "/block" && applied[r.key] == 1:
			close(blocked)
			<-release // hold the committer while the batch gathers
		case r.key == "/fail":
			return injected
		}
		return nil
	}

	type result struct {
		key string
		rev int64
		err error
	}
	results := make(chan result, 8)
	write := func(key string) {
		go func() {
			rev, err := s.Create(ctx, key, []byte("v"))
			results <- result{key, rev, err}
		}()
	}
	write("/block")
	<-blocked
	// Queue the four writes behind the blocked commit, in this order.
	keys := []string{"/a", "/fail", "/b", "/c"}
	deadline := time.Now().Add(10 * time.Second)
	for i, key := range keys {
		write(key)
		for {
			s.qmu.Lock()
			n := len(s.pending)
			s.qmu.Unlock()
			if n == i+1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d writes queued, want %d", n, i+1)
			}
			runtime.Gosched()
		}
	}
	unblock()

	revs := map[string]int64{}
	for range 1 + len(keys) {
		r := <-results
		switch {
		case r.key == "/fail":
			if !errors.Is(r.err, injected) {
				t.Errorf("/fail: err = %v, want the injected error", r.err)
			}
		case r.err != nil:
			t.Errorf("%s: %v", r.key, r.err)
		default:
			revs[r.key] = r.rev
		}
	}
	if got := fmt.Sprint(revs); got != "map[/a:2 /b:3 /block:1 /c:4]" {
		t.Fatalf("revisions %s, want /block 1, /a 2, /b 3, /c 4", got)
	}
	// /a was applied, rolled back with /fail's transaction, and applied again.
	if got := fmt.Sprint(applied); got != "map[/a:2 /b:1 /block:1 /c:1 /fail:1]" {
		t.Fatalf("applied %s, want /a twice and the others once", got)
	}
	if _, err := s.Get(ctx, "/fail"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("Get /fail: %v, want ErrNotFound", err)
	}
	if rev, _ := s.Revision(ctx); rev != 4 {
		t.Fatalf("Revision = %d, want 4", rev)
	}
	for want := int64(1); want <= 4; want++ {
		select {
		case ev := <-ch:
			if ev.KV.ModRevision != want || revs[ev.KV.Key] != want {
				t.Fatalf("event %s at %d, want revision %d", ev.KV.Key, ev.KV.ModRevision, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no event")
		}
	}
	rev, err := s.Create(ctx, "/after", nil)
	if err != nil || rev != 5 {
		t.Fatalf("next write at %d (%v), want 5", rev, err)
	}
	if ev := <-ch; ev.KV.ModRevision != 5 {
		t.Fatalf("next event at %d, want 5", ev.KV.ModRevision)
	}
}
