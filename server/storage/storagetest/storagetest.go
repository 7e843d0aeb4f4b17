// Package storagetest is the contract suite of storage.Interface: every backend
// (memory, bolt, later etcd) runs Run from its own tests, so they all answer the
// same calls the same way. The cases follow etcd v3's semantics, including the
// watch and compaction cases etcd's robustness tests found bugs in.
//
// Use it from a backend's test package:
//
//	func TestContract(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storage.Interface {
//			s := memory.New()
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// Every case gets a fresh, empty store and runs in parallel with the others.
// Bench holds benchmarks the backends share.
package storagetest

import (
	"errors"
	"testing"
	"time"

	"kctl.dev/kctl/server/storage"
)

// timeout guards every wait; a correct backend never comes near it.
const timeout = 20 * time.Second

// Run runs the contract suite against the stores newStore returns. newStore must
// return a new, empty store and close it when the test ends (Close may have been
// called already; a second Close gives storage.ErrClosed).
func Run(t *testing.T, newStore func(t *testing.T) storage.Interface) {
	cases := []struct {
		name string
		fn   func(t *testing.T, s storage.Interface)
	}{
		{"CreateGet", testCreateGet},
		{"InvalidKey", testInvalidKey},
		{"ValuesAreCopied", testValuesAreCopied},
		{"Update", testUpdate},
		{"Delete", testDelete},
		{"RevisionsIncrease", testRevisionsIncrease},
		{"RecreateAfterDelete", testRecreateAfterDelete},
		{"ListOrderAndPrefix", testListOrderAndPrefix},
		{"ListPagination", testListPagination},
		{"ListPaginationWhileWriting", testListPaginationWhileWriting},
		{"ListPastRevisions", testListPastRevisions},
		{"ListRevisionErrors", testListRevisionErrors},
		{"WatchFromNow", testWatchFromNow},
		{"WatchReplayThenLive", testWatchReplayThenLive},
		{"WatchFutureRevision", testWatchFutureRevision},
		{"WatchContextCancel", testWatchContextCancel},
		{"WatchSlowReceiver", testWatchSlowReceiver},
		{"Compact", testCompact},
		{"CompactRevisionErrors", testCompactRevisionErrors},
		{"WatchCompacted", testWatchCompacted},
		{"CompactOnDeleteKeepsWatchedEvent", testCompactOnDeleteKeepsWatchedEvent},
		{"CompactOnDeleteWatchAtCompaction", testCompactOnDeleteWatchAtCompaction},
		{"ConcurrentCAS", testConcurrentCAS},
		{"ConcurrentCreateSameKey", testConcurrentCreateSameKey},
		{"ConcurrentWritesWatchedInOrder", testConcurrentWritesWatchedInOrder},
		{"ProgressIdlePrefix", testProgressIdlePrefix},
		{"ProgressOrdering", testProgressOrdering},
		{"ProgressAfterReplay", testProgressAfterReplay},
		{"ProgressFutureWatch", testProgressFutureWatch},
		{"Close", testClose},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t))
		})
	}
}

// create creates key or fails the test.
func create(t testing.TB, s storage.Interface, key, value string) int64 {
	t.Helper()
	rev, err := s.Create(t.Context(), key, []byte(value))
	if err != nil {
		t.Fatalf("Create(%q): %v", key, err)
	}
	return rev
}

// update updates key at expected or fails the test.
func update(t testing.TB, s storage.Interface, key, value string, expected int64) int64 {
	t.Helper()
	rev, err := s.Update(t.Context(), key, []byte(value), expected)
	if err != nil {
		t.Fatalf("Update(%q, %d): %v", key, expected, err)
	}
	return rev
}

// remove deletes key or fails the test.
func remove(t testing.TB, s storage.Interface, key string) int64 {
	t.Helper()
	rev, _, err := s.Delete(t.Context(), key, 0)
	if err != nil {
		t.Fatalf("Delete(%q): %v", key, err)
	}
	return rev
}

func revision(t testing.TB, s storage.Interface) int64 {
	t.Helper()
	rev, err := s.Revision(t.Context())
	if err != nil {
		t.Fatalf("Revision: %v", err)
	}
	return rev
}

// kv is an expected KeyValue.
type kv struct {
	key, value  string
	create, mod int64
}

func checkKV(t testing.TB, what string, got *storage.KeyValue, want kv) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s = nil, want %+v", what, want)
	}
	if got.Key != want.key || string(got.Value) != want.value ||
		got.CreateRevision != want.create || got.ModRevision != want.mod {
		t.Fatalf("%s = {%q %q create %d mod %d}, want {%q %q create %d mod %d}", what,
			got.Key, got.Value, got.CreateRevision, got.ModRevision,
			want.key, want.value, want.create, want.mod)
	}
}

func wantErr(t testing.TB, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: err = %v, want %v", what, err, target)
	}
}

func checkList(t testing.TB, what string, got []*storage.KeyValue, want []kv) {
	t.Helper()
	if len(got) != len(want) {
		keys := make([]string, len(got))
		for i, g := range got {
			keys[i] = g.Key
		}
		t.Fatalf("%s: got %d keys %q, want %d", what, len(got), keys, len(want))
	}
	for i := range want {
		checkKV(t, what, got[i], want[i])
	}
}

// wantEvent is an expected event; prev is nil when the event has no PrevKV.
type wantEvent struct {
	typ  storage.EventType
	kv   kv
	prev *kv
}

func put(key, value string, create, mod int64, prev *kv) wantEvent {
	return wantEvent{storage.EventPut, kv{key, value, create, mod}, prev}
}

func del(key string, mod int64, prev *kv) wantEvent {
	return wantEvent{storage.EventDelete, kv{key: key, mod: mod}, prev}
}

// next receives one event from ch or fails the test.
func next(t testing.TB, ch <-chan storage.Event) storage.Event {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatal("watch channel closed, want an event")
		}
		return ev
	case <-time.After(timeout):
		t.Fatal("no watch event")
	}
	panic("unreachable")
}

// checkEvents receives len(want) events from ch and compares them with want.
func checkEvents(t testing.TB, ch <-chan storage.Event, want ...wantEvent) {
	t.Helper()
	for i, w := range want {
		ev := next(t, ch)
		if ev.Type != w.typ {
			t.Fatalf("event %d: type %d (err %v), want %d", i, ev.Type, ev.Err, w.typ)
		}
		checkKV(t, "event KV", &ev.KV, w.kv)
		if w.typ == storage.EventDelete && ev.KV.Value != nil {
			t.Fatalf("event %d: delete carries value %q", i, ev.KV.Value)
		}
		switch {
		case w.prev == nil && ev.PrevKV != nil:
			t.Fatalf("event %d: PrevKV = %+v, want nil", i, *ev.PrevKV)
		case w.prev != nil:
			checkKV(t, "event PrevKV", ev.PrevKV, *w.prev)
		}
	}
}

// waitClosed drains ch until it is closed, or fails the test.
func waitClosed(t testing.TB, ch <-chan storage.Event) {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("watch channel not closed")
		}
	}
}

// watch opens a watch that ends with the test, or fails the test.
func watch(t testing.TB, s storage.Interface, prefix string, rev int64) <-chan storage.Event {
	t.Helper()
	ch, err := s.Watch(t.Context(), prefix, rev)
	if err != nil {
		t.Fatalf("Watch(%q, %d): %v", prefix, rev, err)
	}
	return ch
}

func ptr(k kv) *kv { return &k }
