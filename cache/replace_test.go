package cache

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/labels"
)

func TestReplaceReportsTheDifference(t *testing.T) {
	o := func(ns, name, rv string, l map[string]string) spec { return spec{ns, name, rv, l, ""} }
	cases := []struct {
		name                    string
		before, after           []spec
		added, updated, deleted []string
		want                    map[at][]string
	}{{
		name:  "empty to full: all added, in input order",
		after: []spec{o("b", "p", "1", nil), o("a", "p", "1", nil), o("", "n", "1", nil)},
		added: []string{"b/p", "a/p", "n"},
	}, {
		name:    "full to empty: all deleted, sorted by key",
		before:  []spec{o("b", "p", "1", lbl{"x": "1"}), o("a", "p", "1", nil)},
		deleted: []string{"a/p", "b/p"},
		want:    map[at][]string{{LabelIndex, "x=1"}: nil, {NamespaceIndex, "a"}: nil},
	}, {
		name:    "mixed",
		before:  []spec{o("a", "keep", "1", nil), o("a", "change", "1", lbl{"v": "1"}), o("a", "gone", "1", lbl{"v": "1"})},
		after:   []spec{o("a", "new", "1", nil), o("a", "change", "2", lbl{"v": "2"}), o("a", "keep", "1", nil)},
		added:   []string{"a/new"},
		updated: []string{"a/change"},
		deleted: []string{"a/gone"},
		want: map[at][]string{
			{LabelIndex, "v=1"}:   nil,
			{LabelIndex, "v=2"}:   {"a/change"},
			{NamespaceIndex, "a"}: {"a/change", "a/keep", "a/new"},
		},
	}, {
		name:   "unchanged resourceVersion is not reported, but stored",
		before: []spec{o("a", "p", "7", lbl{"v": "old"})},
		after:  []spec{o("a", "p", "7", lbl{"v": "new"})},
		want:   map[at][]string{{LabelIndex, "v=old"}: nil, {LabelIndex, "v=new"}: {"a/p"}},
	}, {
		name:    "duplicate key: last wins, reported once",
		before:  []spec{o("a", "p", "1", nil)},
		after:   []spec{o("a", "p", "2", lbl{"v": "2"}), o("a", "q", "1", nil), o("a", "p", "3", lbl{"v": "3"})},
		added:   []string{"a/q"},
		updated: []string{"a/p"},
		want:    map[at][]string{{LabelIndex, "v=2"}: nil, {LabelIndex, "v=3"}: {"a/p"}},
	}, {
		name:   "duplicate of an unchanged object is not reported",
		before: []spec{o("a", "p", "1", nil)},
		after:  []spec{o("a", "p", "2", nil), o("a", "p", "1", nil)},
	}}
	forKinds(t, func(t *testing.T, fresh func() contract) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c := fresh()
				for _, s := range tc.before {
					c.add(s.ns, s.name, s.rv, s.labels, s.node)
				}
				added, updated, deleted := c.replace(tc.after)
				if !slices.Equal(added, tc.added) || !slices.Equal(updated, tc.updated) || !slices.Equal(deleted, tc.deleted) {
					t.Errorf("Replace = added %v, updated %v, deleted %v; want %v, %v, %v",
						added, updated, deleted, tc.added, tc.updated, tc.deleted)
				}
				var want []string
				for _, s := range tc.after {
					k := s.name
					if s.ns != "" {
						k = s.ns + "/" + s.name
					}
					if !slices.Contains(want, k) {
						want = append(want, k)
					}
				}
				if got := c.list(); !slices.Equal(got, sorted(want)) {
					t.Errorf("content %v, want %v", got, want)
				}
				for where, w := range tc.want {
					if got := c.byIndex(where.index, where.value); !slices.Equal(got, w) {
						t.Errorf("ByIndex(%q, %q) = %v, want %v", where.index, where.value, got, w)
					}
				}
				c.check(t)
			})
		}
	})
}

func TestReplaceGivesOldAndNewObjects(t *testing.T) {
	c := NewIndexer[*corev1.Pod](nil)
	old := podKind.mk("a", "p", "1", nil, "")
	gone := podKind.mk("a", "q", "1", nil, "")
	c.Add(old)
	c.Add(gone)
	recreated := podKind.mk("a", "p", "9", nil, "")
	recreated.UID = "new-uid"
	added, updated, deleted := c.Replace([]*corev1.Pod{recreated})
	if len(added) != 0 || len(updated) != 1 || len(deleted) != 1 {
		t.Fatalf("Replace = %v, %v, %v", added, updated, deleted)
	}
	if u := updated[0]; u.Old != old || u.New != recreated || u.Old.GetUID() == u.New.GetUID() {
		t.Errorf("updated = %+v", u)
	}
	if d := deleted[0]; d.Old != gone || d.New != nil {
		t.Errorf("deleted = %+v", d)
	}
}

// Replace keeps custom indexes, including ones added after creation.
func TestReplaceKeepsIndexers(t *testing.T) {
	c := NewIndexer[*corev1.Pod](nil)
	if err := c.AddIndexers(podKind.nodeIndexer()); err != nil {
		t.Fatal(err)
	}
	c.Add(podKind.mk("a", "p", "1", nil, "n1"))
	c.Replace([]*corev1.Pod{podKind.mk("a", "q", "1", nil, "n1"), podKind.mk("a", "r", "1", nil, "n2")})
	if got := sorted(c.IndexKeys("node", "n1")); !slices.Equal(got, []string{"a/q"}) {
		t.Errorf("IndexKeys(node, n1) = %v", got)
	}
	checkInvariants(t, c)
}

// Readers never see a mix of two Replace contents: each content is
// recognizable by size and a generation label on every object.
func TestReplaceIsAtomic(t *testing.T) {
	contents := map[string][]*corev1.Pod{}
	sizes := map[string]int{"a": 300, "b": 501}
	for gen, n := range sizes {
		for i := range n {
			// Overlapping names, so the swap also replaces objects in place.
			contents[gen] = append(contents[gen], podKind.mk(fmt.Sprint("ns", i%7), fmt.Sprint("p", i), gen, lbl{"gen": gen}, ""))
		}
	}
	c := NewIndexer[*corev1.Pod](nil)
	c.Replace(contents["a"])
	l := NewLister(c)
	sel := func(gen string) labels.Selector { return labels.SelectorFromSet(labels.Set{"gen": gen}) }

	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 4 {
		readers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				all := c.List()
				gen := all[0].Labels["gen"]
				for _, p := range all {
					if p.Labels["gen"] != gen {
						t.Errorf("List mixes generations %q and %q", gen, p.Labels["gen"])
						return
					}
				}
				if len(all) != sizes[gen] {
					t.Errorf("List of generation %q has %d objects, want %d", gen, len(all), sizes[gen])
					return
				}
				for g, n := range sizes {
					got := len(l.List(sel(g)))
					if got != 0 && got != n {
						t.Errorf("List(gen=%s) has %d objects, want 0 or %d", g, got, n)
						return
					}
					if got := len(c.ByIndex(LabelIndex, "gen="+g)); got != 0 && got != n {
						t.Errorf("ByIndex(gen=%s) has %d objects, want 0 or %d", g, got, n)
						return
					}
				}
			}
		})
	}
	for i := range 200 {
		gen := []string{"b", "a"}[i%2]
		added, updated, deleted := c.Replace(contents[gen])
		if len(added)+len(updated) == 0 || (gen == "a" && len(deleted) != 201) {
			t.Fatalf("Replace(%s) = %d added, %d updated, %d deleted", gen, len(added), len(updated), len(deleted))
		}
	}
	close(stop)
	readers.Wait()
	checkInvariants(t, c)
}
