package storagetest

import (
	"testing"

	"kctl.dev/kctl/server/storage"
)

func compact(t testing.TB, s storage.Interface, rev int64) {
	t.Helper()
	if err := s.Compact(t.Context(), rev); err != nil {
		t.Fatalf("Compact(%d): %v", rev, err)
	}
}

func compacted(t testing.TB, s storage.Interface) int64 {
	t.Helper()
	rev, err := s.CompactedRevision(t.Context())
	if err != nil {
		t.Fatalf("CompactedRevision: %v", err)
	}
	return rev
}

func testCompact(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	if got := compacted(t, s); got != 0 {
		t.Fatalf("CompactedRevision of a new store = %d", got)
	}
	r1 := create(t, s, "/a", "a1")
	r2 := update(t, s, "/a", "a2", r1)
	create(t, s, "/b", "b1")
	r4 := remove(t, s, "/b")
	r5 := create(t, s, "/c", "c1")
	r6 := update(t, s, "/c", "c2", r5)
	compact(t, s, r5)
	if got := compacted(t, s); got != r5 {
		t.Fatalf("CompactedRevision = %d, want %d", got, r5)
	}
	if got := revision(t, s); got != r6 {
		t.Fatalf("Compact moved the revision to %d", got)
	}
	_, err := s.List(ctx, "/", storage.ListOptions{Revision: r4})
	wantErr(t, "List below compaction", err, storage.ErrCompacted)
	checkList(t, "List at compaction", list(t, s, "/", storage.ListOptions{Revision: r5}).KVs,
		[]kv{{"/a", "a2", r1, r2}, {"/c", "c1", r5, r5}})
	checkList(t, "List latest", list(t, s, "/", storage.ListOptions{}).KVs,
		[]kv{{"/a", "a2", r1, r2}, {"/c", "c2", r5, r6}})
	got, err := s.Get(ctx, "/a")
	if err != nil {
		t.Fatal(err)
	}
	checkKV(t, "Get after compaction", got, kv{"/a", "a2", r1, r2})
	_, err = s.Get(ctx, "/b")
	wantErr(t, "Get deleted after compaction", err, storage.ErrNotFound)

	// Versions kept by the compaction still serve as PrevKV.
	ch := watch(t, s, "/", r5)
	r7 := update(t, s, "/a", "a3", r2)
	r8, prev, err := s.Delete(ctx, "/c", r6)
	if err != nil {
		t.Fatal(err)
	}
	checkKV(t, "deleted value", prev, kv{"/c", "c2", r5, r6})
	r9 := create(t, s, "/b", "b2")
	checkEvents(t, ch,
		put("/c", "c2", r5, r6, ptr(kv{"/c", "c1", r5, r5})),
		put("/a", "a3", r1, r7, ptr(kv{"/a", "a2", r1, r2})),
		del("/c", r8, ptr(kv{"/c", "c2", r5, r6})),
		put("/b", "b2", r9, r9, nil),
	)

	// Compacting at or below the compacted revision is a no-op.
	compact(t, s, r5)
	compact(t, s, r2)
	compact(t, s, 0)
	if got := compacted(t, s); got != r5 {
		t.Fatalf("CompactedRevision after no-op compactions = %d, want %d", got, r5)
	}

	// Compacting everything keeps the latest state.
	compact(t, s, r9)
	checkList(t, "List after full compaction", list(t, s, "/", storage.ListOptions{}).KVs,
		[]kv{{"/a", "a3", r1, r7}, {"/b", "b2", r9, r9}})
	r10 := update(t, s, "/b", "b3", r9)
	checkEvents(t, ch, put("/b", "b3", r9, r10, ptr(kv{"/b", "b2", r9, r9})))
}

func testCompactRevisionErrors(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	wantErr(t, "Compact of an empty store", s.Compact(ctx, 1), storage.ErrFutureRevision)
	rev := create(t, s, "/a", "1")
	wantErr(t, "Compact in the future", s.Compact(ctx, rev+1), storage.ErrFutureRevision)
	if got := compacted(t, s); got != 0 {
		t.Fatalf("failed Compact set CompactedRevision %d", got)
	}
	compact(t, s, rev)
	if got := compacted(t, s); got != rev {
		t.Fatalf("CompactedRevision = %d, want %d", got, rev)
	}
}

func testWatchCompacted(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	r1 := create(t, s, "/a", "1")
	r2 := update(t, s, "/a", "2", r1)
	r3 := update(t, s, "/a", "3", r2)
	r4 := update(t, s, "/a", "4", r3)
	compact(t, s, r3)
	for _, rev := range []int64{r1, r2, r3 - 1} {
		_, err := s.Watch(ctx, "/", rev)
		wantErr(t, "Watch below compaction", err, storage.ErrCompacted)
	}
	at := watch(t, s, "/", r3)
	now := watch(t, s, "/", 0)
	r5 := update(t, s, "/a", "5", r4)
	checkEvents(t, at,
		put("/a", "4", r1, r4, ptr(kv{"/a", "3", r1, r3})),
		put("/a", "5", r1, r5, ptr(kv{"/a", "4", r1, r4})),
	)
	checkEvents(t, now, put("/a", "5", r1, r5, ptr(kv{"/a", "4", r1, r4})))
}

// testCompactOnDeleteKeepsWatchedEvent: a compaction at the revision of a delete
// must not take the delete from watches opened before the compaction, whether
// they would have seen it live or replayed it, and read or not.
func testCompactOnDeleteKeepsWatchedEvent(t *testing.T, s storage.Interface) {
	early := watch(t, s, "/", 0)
	r1 := create(t, s, "/k", "v")
	live := watch(t, s, "/", r1)
	r2 := remove(t, s, "/k")
	replay := watch(t, s, "/", r1)
	compact(t, s, r2)
	r3 := create(t, s, "/k", "again")

	deleted := del("/k", r2, ptr(kv{"/k", "v", r1, r1}))
	recreated := put("/k", "again", r3, r3, nil)
	checkEvents(t, early, put("/k", "v", r1, r1, nil), deleted, recreated)
	checkEvents(t, live, deleted, recreated)
	checkEvents(t, replay, deleted, recreated)
}

// testCompactOnDeleteWatchAtCompaction: after a compaction at the revision of a
// delete, a watch from exactly that revision sees every later event, and one from
// just below it is refused.
func testCompactOnDeleteWatchAtCompaction(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	create(t, s, "/k", "v")
	r2 := remove(t, s, "/k")
	compact(t, s, r2)

	_, err := s.Watch(ctx, "/", r2-1)
	wantErr(t, "Watch below the compaction", err, storage.ErrCompacted)
	ch := watch(t, s, "/", r2)
	if res := list(t, s, "/", storage.ListOptions{Revision: r2}); len(res.KVs) != 0 {
		t.Fatalf("List at the compacted delete = %q", listKeys(res))
	}
	r3 := create(t, s, "/k", "again")
	r4 := remove(t, s, "/k")
	checkEvents(t, ch,
		put("/k", "again", r3, r3, nil),
		del("/k", r4, ptr(kv{"/k", "again", r3, r3})),
	)
}
