package memory

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"kctl.dev/kctl/server/storage"
)

// history lists every version the store holds as "key@rev" (a trailing "x"
// marks a tombstone), and the first revision the log holds.
func history(s *Store) (string, int64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var vs []string
	s.index.Ascend(func(r *record) bool {
		for _, v := range r.versions {
			mark := ""
			if v.deleted {
				mark = "x"
			}
			vs = append(vs, fmt.Sprintf("%s@%d%s", r.key, v.modRev, mark))
		}
		return true
	})
	if len(s.keys) != s.index.Len() {
		vs = append(vs, "index and map disagree")
	}
	return strings.Join(vs, " "), s.log.first
}

func TestCompactDropsHistory(t *testing.T) {
	ctx := context.Background()
	s := New()
	defer s.Close()
	s.Create(ctx, "/a", []byte("1"))    // 1
	s.Update(ctx, "/a", []byte("2"), 1) // 2
	s.Update(ctx, "/a", []byte("3"), 2) // 3
	s.Create(ctx, "/b", []byte("1"))    // 4
	s.Delete(ctx, "/b", 0)              // 5
	s.Create(ctx, "/c", []byte("1"))    // 6
	s.Delete(ctx, "/c", 0)              // 7
	s.Create(ctx, "/c", []byte("2"))    // 8
	s.Create(ctx, "/d", []byte("1"))    // 9
	for _, st := range []struct {
		rev      int64
		versions string
	}{
		{2, "/a@2 /a@3 /b@4 /b@5x /c@6 /c@7x /c@8 /d@9"},
		{5, "/a@3 /c@6 /c@7x /c@8 /d@9"},
		{7, "/a@3 /c@8 /d@9"},
		{9, "/a@3 /c@8 /d@9"},
	} {
		if err := s.Compact(ctx, st.rev); err != nil {
			t.Fatal(err)
		}
		if got, _ := history(s); got != st.versions {
			t.Fatalf("after Compact(%d):\nversions %s\nwant     %s", st.rev, got, st.versions)
		}
	}
}

// TestLogChunks drives the log across chunk boundaries: compaction drops whole
// chunks only, and watches from any retained revision replay the right events.
func TestLogChunks(t *testing.T) {
	ctx := t.Context()
	s := New()
	defer s.Close()
	const writes = 3*chunkSize + 10
	rev, _ := s.Create(ctx, "/k", []byte("0"))
	for i := 1; i < writes; i++ {
		var err error
		if rev, err = s.Update(ctx, "/k", fmt.Appendf(nil, "%d", i), rev); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []int64{chunkSize - 1, chunkSize, 2*chunkSize + 5, writes} {
		if err := s.Compact(ctx, c); err != nil {
			t.Fatal(err)
		}
		_, first := history(s)
		if first > c+1 || first%chunkSize != 1 {
			t.Fatalf("after Compact(%d) the log starts at %d", c, first)
		}
		for _, from := range []int64{c, c + 1, c + chunkSize, writes} {
			if from > writes {
				continue
			}
			wctx, cancel := context.WithCancel(ctx)
			ch, err := s.Watch(wctx, "/", from)
			if err != nil {
				t.Fatalf("Watch(%d) after Compact(%d): %v", from, c, err)
			}
			for want := from + 1; want <= writes; want++ {
				var ev storage.Event
				select {
				case ev = <-ch:
				case <-time.After(10 * time.Second):
					t.Fatalf("Watch(%d): no event %d", from, want)
				}
				if ev.KV.ModRevision != want || ev.PrevKV == nil || ev.PrevKV.ModRevision != want-1 {
					t.Fatalf("Watch(%d): event at %d (prev %+v), want %d", from, ev.KV.ModRevision, ev.PrevKV, want)
				}
			}
			cancel()
		}
	}
}
