package storagetest

import (
	"fmt"
	"sync"
	"testing"

	"kctl.dev/kctl/server/storage"
)

func list(t testing.TB, s storage.Interface, prefix string, opts storage.ListOptions) *storage.ListResult {
	t.Helper()
	res, err := s.List(t.Context(), prefix, opts)
	if err != nil {
		t.Fatalf("List(%q, %+v): %v", prefix, opts, err)
	}
	return res
}

func listKeys(res *storage.ListResult) []string {
	keys := make([]string, len(res.KVs))
	for i, kv := range res.KVs {
		keys[i] = kv.Key
	}
	return keys
}

func testListOrderAndPrefix(t *testing.T, s storage.Interface) {
	for _, key := range []string{"/a/bc/1", "/a/b/2", "/a/b", "/a/a", "/a/b/1", "/a/b/10", "/a/b/1/x", "/b"} {
		create(t, s, key, "v")
	}
	cases := []struct {
		prefix string
		want   []string
	}{
		{"/a/b/", []string{"/a/b/1", "/a/b/1/x", "/a/b/10", "/a/b/2"}},
		{"/a/b", []string{"/a/b", "/a/b/1", "/a/b/1/x", "/a/b/10", "/a/b/2", "/a/bc/1"}},
		{"/a/bc/", []string{"/a/bc/1"}},
		{"", []string{"/a/a", "/a/b", "/a/b/1", "/a/b/1/x", "/a/b/10", "/a/b/2", "/a/bc/1", "/b"}},
		{"/c/", nil},
		{"/a/b/1/x", []string{"/a/b/1/x"}},
	}
	for _, tc := range cases {
		res := list(t, s, tc.prefix, storage.ListOptions{})
		if got := listKeys(res); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("List(%q) = %q, want %q", tc.prefix, got, tc.want)
		}
		if res.More || res.Remaining != 0 {
			t.Errorf("List(%q): More %v Remaining %d, want none", tc.prefix, res.More, res.Remaining)
		}
		if res.Revision != 8 {
			t.Errorf("List(%q) at revision %d, want 8", tc.prefix, res.Revision)
		}
	}
	remove(t, s, "/a/b/10")
	if got := listKeys(list(t, s, "/a/b/", storage.ListOptions{})); fmt.Sprint(got) != "[/a/b/1 /a/b/1/x /a/b/2]" {
		t.Errorf("List after delete = %q", got)
	}
}

func testListPagination(t *testing.T, s storage.Interface) {
	var all []string
	for i := range 10 {
		key := fmt.Sprintf("/p/%02d", i)
		all = append(all, key)
		create(t, s, key, "v")
	}
	create(t, s, "/q/00", "v")
	cases := []struct {
		limit    int64
		start    string
		want     []string
		more     bool
		remainig int64
	}{
		{0, "", all, false, 0},
		{10, "", all, false, 0},
		{20, "", all, false, 0},
		{3, "", all[:3], true, 7},
		{3, "/p/02", all[2:5], true, 5},
		{3, "/p/02\x00", all[3:6], true, 4},
		{3, "/p/07\x00", all[8:], false, 0},
		{3, "/p/09\x00", nil, false, 0},
		{0, "/p/05", all[5:], false, 0},
		{1, "/p/", all[:1], true, 9},
	}
	for _, tc := range cases {
		res := list(t, s, "/p/", storage.ListOptions{Limit: tc.limit, StartKey: tc.start})
		if got := listKeys(res); fmt.Sprint(got) != fmt.Sprint(tc.want) ||
			res.More != tc.more || res.Remaining != tc.remainig {
			t.Errorf("List(limit %d, start %q) = %q More %v Remaining %d, want %q %v %d",
				tc.limit, tc.start, got, res.More, res.Remaining, tc.want, tc.more, tc.remainig)
		}
	}
}

// testListPaginationWhileWriting pages through one snapshot while another
// goroutine keeps updating, deleting and adding keys under the prefix.
func testListPaginationWhileWriting(t *testing.T, s storage.Interface) {
	want := map[string]string{}
	var snapshot int64
	for i := range 20 {
		key := fmt.Sprintf("/p/%02d", i)
		want[key] = "v0"
		snapshot = create(t, s, key, "v0")
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		ctx := t.Context()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			key := fmt.Sprintf("/p/%02d", i%20)
			kv, err := s.Get(ctx, key)
			if err != nil { // deleted earlier: bring it back
				if _, err := s.Create(ctx, key, []byte("new")); err != nil {
					t.Errorf("Create: %v", err)
					return
				}
				continue
			}
			if i%3 == 0 {
				_, _, err = s.Delete(ctx, key, kv.ModRevision)
			} else {
				_, err = s.Update(ctx, key, fmt.Appendf(nil, "v%d", i), kv.ModRevision)
			}
			if err != nil {
				t.Errorf("write %s: %v", key, err)
				return
			}
			if _, err := s.Create(ctx, fmt.Sprintf("/p/%02d.%d", i%20, i), []byte("extra")); err != nil {
				t.Errorf("Create: %v", err)
				return
			}
		}
	}()
	defer func() { close(stop); wg.Wait() }()

	got := map[string]string{}
	res := list(t, s, "/p/", storage.ListOptions{Revision: snapshot, Limit: 3})
	for pages := 1; ; pages++ {
		for _, kv := range res.KVs {
			if _, dup := got[kv.Key]; dup {
				t.Fatalf("key %s listed twice", kv.Key)
			}
			got[kv.Key] = string(kv.Value)
			if kv.ModRevision > snapshot {
				t.Fatalf("key %s at revision %d, after the snapshot %d", kv.Key, kv.ModRevision, snapshot)
			}
		}
		if res.Revision != snapshot {
			t.Fatalf("page %d at revision %d, want the snapshot %d", pages, res.Revision, snapshot)
		}
		if res.More != (res.Remaining > 0) || int64(len(got))+res.Remaining != int64(len(want)) {
			t.Fatalf("page %d: More %v Remaining %d after %d keys, want %d keys in all",
				pages, res.More, res.Remaining, len(got), len(want))
		}
		if !res.More {
			break
		}
		last := res.KVs[len(res.KVs)-1].Key
		res = list(t, s, "/p/", storage.ListOptions{Revision: snapshot, StartKey: last + "\x00", Limit: 3})
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("paged snapshot = %v, want %v", got, want)
	}
}

func testListPastRevisions(t *testing.T, s storage.Interface) {
	r1 := create(t, s, "/a", "a1")
	r2 := create(t, s, "/b", "b1")
	r3 := update(t, s, "/a", "a2", r1)
	r4 := remove(t, s, "/b")
	r5 := create(t, s, "/c", "c1")
	r6 := create(t, s, "/b", "b2")
	cases := []struct {
		rev  int64
		want []kv
	}{
		{r1, []kv{{"/a", "a1", r1, r1}}},
		{r2, []kv{{"/a", "a1", r1, r1}, {"/b", "b1", r2, r2}}},
		{r3, []kv{{"/a", "a2", r1, r3}, {"/b", "b1", r2, r2}}},
		{r4, []kv{{"/a", "a2", r1, r3}}},
		{r5, []kv{{"/a", "a2", r1, r3}, {"/c", "c1", r5, r5}}},
		{r6, []kv{{"/a", "a2", r1, r3}, {"/b", "b2", r6, r6}, {"/c", "c1", r5, r5}}},
		{0, []kv{{"/a", "a2", r1, r3}, {"/b", "b2", r6, r6}, {"/c", "c1", r5, r5}}},
	}
	for _, tc := range cases {
		res := list(t, s, "/", storage.ListOptions{Revision: tc.rev})
		checkList(t, fmt.Sprintf("List at %d", tc.rev), res.KVs, tc.want)
		wantRev := tc.rev
		if wantRev == 0 {
			wantRev = r6
		}
		if res.Revision != wantRev {
			t.Errorf("List at %d read revision %d", tc.rev, res.Revision)
		}
	}
	// A page of a past snapshot counts only the keys that existed then.
	res := list(t, s, "/", storage.ListOptions{Revision: r3, Limit: 1})
	if len(res.KVs) != 1 || !res.More || res.Remaining != 1 {
		t.Fatalf("page at %d: %q More %v Remaining %d", r3, listKeys(res), res.More, res.Remaining)
	}
	res = list(t, s, "/", storage.ListOptions{Revision: r4, Limit: 1})
	if len(res.KVs) != 1 || res.More || res.Remaining != 0 {
		t.Fatalf("page at %d: %q More %v Remaining %d", r4, listKeys(res), res.More, res.Remaining)
	}
}

func testListRevisionErrors(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	res := list(t, s, "/", storage.ListOptions{})
	if res.Revision != 0 || len(res.KVs) != 0 {
		t.Fatalf("List of empty store: revision %d, %d keys", res.Revision, len(res.KVs))
	}
	_, err := s.List(ctx, "/", storage.ListOptions{Revision: 1})
	wantErr(t, "List at future revision of empty store", err, storage.ErrFutureRevision)

	r1 := create(t, s, "/a", "1")
	r2 := update(t, s, "/a", "2", r1)
	r3 := update(t, s, "/a", "3", r2)
	_, err = s.List(ctx, "/", storage.ListOptions{Revision: r3 + 1})
	wantErr(t, "List at future revision", err, storage.ErrFutureRevision)

	if err := s.Compact(ctx, r2); err != nil {
		t.Fatal(err)
	}
	_, err = s.List(ctx, "/", storage.ListOptions{Revision: r1})
	wantErr(t, "List below compaction", err, storage.ErrCompacted)
	res = list(t, s, "/", storage.ListOptions{Revision: r2})
	checkList(t, "List at compaction", res.KVs, []kv{{"/a", "2", r1, r2}})
	res = list(t, s, "/", storage.ListOptions{Revision: r3})
	checkList(t, "List after compaction", res.KVs, []kv{{"/a", "3", r1, r3}})
}
