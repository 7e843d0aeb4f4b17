package bolt

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	bbolt "go.etcd.io/bbolt"
)

// contents lists the keys bucket as "key@rev" (a trailing "x" marks a
// tombstone) and the log as revisions.
func contents(t *testing.T, s *Store) (versions, log string) {
	t.Helper()
	var vs, ls []string
	err := s.db.View(func(tx *bbolt.Tx) error {
		b, err := bucketsOf(tx)
		if err != nil {
			return err
		}
		b.keys.ForEach(func(k, v []byte) error {
			r, err := decodeRecord(k, v)
			if err != nil {
				return err
			}
			key, rev := splitVersionKey(k)
			mark := ""
			if r.tombstone {
				mark = "x"
			}
			vs = append(vs, fmt.Sprintf("%s@%d%s", key, rev, mark))
			return nil
		})
		return b.log.ForEach(func(k, v []byte) error {
			ls = append(ls, fmt.Sprint(getRev(k)))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(vs, " "), strings.Join(ls, " ")
}

// TestCompactDropsHistory checks the file itself: compaction leaves, per key, its
// newest version at the compaction revision unless that is a tombstone, every
// later version, and the log after the compaction revision.
func TestCompactDropsHistory(t *testing.T) {
	ctx := t.Context()
	s, err := Open(filepath.Join(t.TempDir(), "kctl.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r1, _ := s.Create(ctx, "/a", []byte("1"))     // 1
	r2, _ := s.Update(ctx, "/a", []byte("2"), r1) // 2
	s.Update(ctx, "/a", []byte("3"), r2)          // 3
	s.Create(ctx, "/b", []byte("1"))              // 4
	s.Delete(ctx, "/b", 0)                        // 5
	r6, _ := s.Create(ctx, "/c", []byte("1"))     // 6
	s.Delete(ctx, "/c", 0)                        // 7
	s.Create(ctx, "/c", []byte("2"))              // 8
	s.Create(ctx, "/d", []byte("1"))              // 9
	if r6 != 6 {
		t.Fatalf("setup at revision %d", r6)
	}

	steps := []struct {
		rev            int64
		versions, logs string
	}{
		{2, "/a@2 /a@3 /b@4 /b@5x /c@6 /c@7x /c@8 /d@9", "3 4 5 6 7 8 9"},
		{5, "/a@3 /c@6 /c@7x /c@8 /d@9", "6 7 8 9"},
		{7, "/a@3 /c@8 /d@9", "8 9"},
		{9, "/a@3 /c@8 /d@9", ""},
	}
	for _, st := range steps {
		if err := s.Compact(ctx, st.rev); err != nil {
			t.Fatal(err)
		}
		versions, logs := contents(t, s)
		if versions != st.versions || logs != st.logs {
			t.Fatalf("after Compact(%d):\nversions %s\nwant     %s\nlog %q, want %q", st.rev, versions, st.versions, logs, st.logs)
		}
	}
}
