package storagetest

import (
	"testing"

	"kctl.dev/kctl/server/storage"
)

func testCreateGet(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	if rev := revision(t, s); rev != 0 {
		t.Fatalf("empty store at revision %d, want 0", rev)
	}
	rev := create(t, s, "/a", "1")
	if rev != 1 {
		t.Fatalf("first write at revision %d, want 1", rev)
	}
	got, err := s.Get(ctx, "/a")
	if err != nil {
		t.Fatal(err)
	}
	checkKV(t, "Get", got, kv{"/a", "1", rev, rev})

	_, err = s.Create(ctx, "/a", []byte("2"))
	wantErr(t, "Create existing", err, storage.ErrExists)
	if got := revision(t, s); got != rev {
		t.Fatalf("failed Create moved revision to %d", got)
	}
	got, _ = s.Get(ctx, "/a")
	checkKV(t, "Get after failed Create", got, kv{"/a", "1", rev, rev})

	_, err = s.Get(ctx, "/missing")
	wantErr(t, "Get missing", err, storage.ErrNotFound)

	empty := create(t, s, "/empty", "")
	got, err = s.Get(ctx, "/empty")
	if err != nil {
		t.Fatal(err)
	}
	checkKV(t, "Get empty value", got, kv{"/empty", "", empty, empty})
}

func testInvalidKey(t *testing.T, s storage.Interface) {
	for _, key := range []string{"", "/a\x00b"} {
		if _, err := s.Create(t.Context(), key, []byte("v")); err == nil {
			t.Errorf("Create(%q) succeeded, want an error", key)
		}
	}
	if rev := revision(t, s); rev != 0 {
		t.Fatalf("invalid creates moved revision to %d", rev)
	}
}

func testValuesAreCopied(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	buf := []byte("v1")
	rev := create(t, s, "/a", string(buf))
	if _, err := s.Create(ctx, "/b", buf); err != nil {
		t.Fatal(err)
	}
	buf[0] = 'X'
	got, _ := s.Get(ctx, "/b")
	checkKV(t, "Get after caller changed its buffer", got, kv{"/b", "v1", rev + 1, rev + 1})

	buf = []byte("v2")
	if _, err := s.Update(ctx, "/a", buf, rev); err != nil {
		t.Fatal(err)
	}
	buf[0] = 'X'
	got, _ = s.Get(ctx, "/a")
	if string(got.Value) != "v2" {
		t.Fatalf("Get after caller changed its buffer = %q, want v2", got.Value)
	}
}

func testUpdate(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	cases := []struct {
		name  string
		setup func(key string) (expected int64) // prepares key
		err   error
	}{
		{"matching revision", func(key string) int64 { return create(t, s, key, "old") }, nil},
		{"after an update", func(key string) int64 {
			return update(t, s, key, "mid", create(t, s, key, "old"))
		}, nil},
		{"stale revision", func(key string) int64 {
			rev := create(t, s, key, "old")
			update(t, s, key, "mid", rev)
			return rev
		}, storage.ErrConflict},
		{"zero revision", func(key string) int64 { create(t, s, key, "old"); return 0 }, storage.ErrConflict},
		{"future revision", func(key string) int64 { return create(t, s, key, "old") + 100 }, storage.ErrConflict},
		{"missing key", func(key string) int64 { return 1 }, storage.ErrNotFound},
		{"deleted key", func(key string) int64 {
			rev := create(t, s, key, "old")
			remove(t, s, key)
			return rev
		}, storage.ErrNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			key := "/update/" + tc.name
			expected := tc.setup(key)
			before, _ := s.Get(ctx, key)
			revBefore := revision(t, s)
			rev, err := s.Update(ctx, key, []byte("new"), expected)
			if tc.err != nil {
				wantErr(t, "Update", err, tc.err)
				if got := revision(t, s); got != revBefore {
					t.Fatalf("failed Update moved revision %d -> %d", revBefore, got)
				}
				after, _ := s.Get(ctx, key)
				if (before == nil) != (after == nil) || before != nil && string(after.Value) != string(before.Value) {
					t.Fatalf("failed Update changed the key: %v -> %v", before, after)
				}
				return
			}
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			if rev != revBefore+1 {
				t.Fatalf("Update at revision %d, want %d", rev, revBefore+1)
			}
			got, _ := s.Get(ctx, key)
			checkKV(t, "Get after Update", got, kv{key, "new", before.CreateRevision, rev})
		})
	}
}

func testDelete(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	cases := []struct {
		name  string
		setup func(key string) (expected int64)
		err   error
	}{
		{"matching revision", func(key string) int64 { return create(t, s, key, "v") }, nil},
		{"any revision", func(key string) int64 {
			update(t, s, key, "v", create(t, s, key, "old"))
			return 0
		}, nil},
		{"stale revision", func(key string) int64 {
			rev := create(t, s, key, "old")
			update(t, s, key, "v", rev)
			return rev
		}, storage.ErrConflict},
		{"missing key", func(key string) int64 { return 0 }, storage.ErrNotFound},
		{"deleted key", func(key string) int64 {
			create(t, s, key, "v")
			remove(t, s, key)
			return 0
		}, storage.ErrNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			key := "/delete/" + tc.name
			expected := tc.setup(key)
			before, _ := s.Get(ctx, key)
			revBefore := revision(t, s)
			rev, prev, err := s.Delete(ctx, key, expected)
			if tc.err != nil {
				wantErr(t, "Delete", err, tc.err)
				if got := revision(t, s); got != revBefore {
					t.Fatalf("failed Delete moved revision %d -> %d", revBefore, got)
				}
				if before != nil {
					if _, err := s.Get(ctx, key); err != nil {
						t.Fatalf("failed Delete removed the key: %v", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if rev != revBefore+1 {
				t.Fatalf("Delete at revision %d, want %d", rev, revBefore+1)
			}
			checkKV(t, "deleted value", prev, kv{key, "v", before.CreateRevision, before.ModRevision})
			_, err = s.Get(ctx, key)
			wantErr(t, "Get after Delete", err, storage.ErrNotFound)
		})
	}
}

func testRevisionsIncrease(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	var last int64
	step := func(what string, rev int64, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if rev != last+1 {
			t.Fatalf("%s at revision %d, want %d", what, rev, last+1)
		}
		last = rev
		if got := revision(t, s); got != rev {
			t.Fatalf("Revision after %s = %d, want %d", what, got, rev)
		}
	}
	failed := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s succeeded, want an error", what)
		}
		if got := revision(t, s); got != last {
			t.Fatalf("failed %s moved revision to %d, want %d", what, got, last)
		}
	}
	for i := range 3 {
		key := "/k" + string(rune('0'+i))
		rev, err := s.Create(ctx, key, []byte("a"))
		step("Create", rev, err)
		got, _ := s.Get(ctx, key)
		checkKV(t, "Get", got, kv{key, "a", rev, rev})

		_, err = s.Create(ctx, key, []byte("a"))
		failed("Create existing", err)
		_, err = s.Update(ctx, key, []byte("b"), rev-1)
		failed("Update stale", err)

		rev, err = s.Update(ctx, key, []byte("b"), rev)
		step("Update", rev, err)
		got, _ = s.Get(ctx, key)
		if got.ModRevision != rev {
			t.Fatalf("ModRevision %d, want %d", got.ModRevision, rev)
		}
		_, _, err = s.Delete(ctx, key, rev-1)
		failed("Delete stale", err)
	}
	rev, _, err := s.Delete(ctx, "/k1", 0)
	step("Delete", rev, err)
	_, _, err = s.Delete(ctx, "/k1", 0)
	failed("Delete deleted", err)
}

func testRecreateAfterDelete(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	r1 := create(t, s, "/a", "1")
	remove(t, s, "/a")
	r3 := create(t, s, "/a", "2")
	got, _ := s.Get(ctx, "/a")
	checkKV(t, "Get after recreate", got, kv{"/a", "2", r3, r3})
	if r3 <= r1 {
		t.Fatalf("recreate at %d, not after %d", r3, r1)
	}
	r4 := update(t, s, "/a", "3", r3)
	got, _ = s.Get(ctx, "/a")
	checkKV(t, "Get after update", got, kv{"/a", "3", r3, r4})
}
