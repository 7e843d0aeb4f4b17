package bolt_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/goleak"

	"kctl.dev/kctl/server/storage"
	"kctl.dev/kctl/server/storage/bolt"
	"kctl.dev/kctl/server/storage/storagetest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func open(tb testing.TB, path string) *bolt.Store {
	tb.Helper()
	s, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil && !errors.Is(err, storage.ErrClosed) {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

func newStore(tb testing.TB) storage.Interface {
	return open(tb, filepath.Join(tb.TempDir(), "kctl.db"))
}

func TestContract(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Interface { return newStore(t) })
}

func TestReopenKeepsDataAndRevision(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "kctl.db")
	s := open(t, path)
	r1, _ := s.Create(ctx, "/a", []byte("a1"))
	r2, _ := s.Update(ctx, "/a", []byte("a2"), r1)
	r3, _ := s.Create(ctx, "/b", []byte("b1"))
	r4, _, _ := s.Delete(ctx, "/b", r3)
	r5, _ := s.Create(ctx, "/c", []byte("c1"))
	r6, err := s.Update(ctx, "/c", []byte("c2"), r5)
	if err != nil || r6 != 6 {
		t.Fatalf("writes: last revision %d, err %v", r6, err)
	}
	if err := s.Compact(ctx, r2); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open(t, path)
	if rev, _ := s.Revision(ctx); rev != r6 {
		t.Fatalf("Revision after reopen = %d, want %d", rev, r6)
	}
	if rev, _ := s.CompactedRevision(ctx); rev != r2 {
		t.Fatalf("CompactedRevision after reopen = %d, want %d", rev, r2)
	}
	kv, err := s.Get(ctx, "/a")
	if err != nil || string(kv.Value) != "a2" || kv.CreateRevision != r1 || kv.ModRevision != r2 {
		t.Fatalf("Get after reopen = %+v, %v", kv, err)
	}
	res, err := s.List(ctx, "/", storage.ListOptions{Revision: r3})
	if err != nil || len(res.KVs) != 2 || res.KVs[1].Key != "/b" {
		t.Fatalf("List at %d after reopen = %+v, %v", r3, res, err)
	}
	if _, err := s.List(ctx, "/", storage.ListOptions{Revision: r1}); !errors.Is(err, storage.ErrCompacted) {
		t.Fatalf("List below compaction after reopen: %v", err)
	}

	// A watch from before the restart replays the persisted log.
	ch, err := s.Watch(ctx, "/", r3)
	if err != nil {
		t.Fatal(err)
	}
	r7, err := s.Create(ctx, "/d", []byte("d1"))
	if err != nil || r7 != r6+1 {
		t.Fatalf("first write after reopen at %d (%v), want %d", r7, err, r6+1)
	}
	want := []struct {
		typ  storage.EventType
		key  string
		rev  int64
		prev string
	}{
		{storage.EventDelete, "/b", r4, "b1"},
		{storage.EventPut, "/c", r5, ""},
		{storage.EventPut, "/c", r6, "c1"},
		{storage.EventPut, "/d", r7, ""},
	}
	for _, w := range want {
		var ev storage.Event
		select {
		case ev = <-ch:
		case <-time.After(10 * time.Second):
			t.Fatal("no event")
		}
		prev := ""
		if ev.PrevKV != nil {
			prev = string(ev.PrevKV.Value)
		}
		if ev.Type != w.typ || ev.KV.Key != w.key || ev.KV.ModRevision != w.rev || prev != w.prev {
			t.Fatalf("event %+v, want %+v", ev, w)
		}
	}
}

func TestOpenLockedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kctl.db")
	open(t, path)
	if s, err := bolt.Open(path, bolt.Options{LockTimeout: 50 * time.Millisecond}); err == nil {
		s.Close()
		t.Fatal("second Open of an open file succeeded")
	}
}

func BenchmarkCreate(b *testing.B) {
	storagetest.BenchCreate(b, func(b *testing.B) storage.Interface { return newStore(b) })
}

func BenchmarkList(b *testing.B) {
	storagetest.BenchList(b, func(b *testing.B) storage.Interface { return newStore(b) })
}
