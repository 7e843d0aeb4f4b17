package cache

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"kctl.dev/kctl/api/corev1"
)

type op struct {
	do  string // "add", "update" or "delete"
	obj spec
}

func add(ns, name, rv string, l map[string]string, node string) op {
	return op{do: "add", obj: spec{ns, name, rv, l, node}}
}
func update(ns, name, rv string, l map[string]string, node string) op {
	return op{do: "update", obj: spec{ns, name, rv, l, node}}
}
func del(ns, name string, l map[string]string, node string) op {
	return op{do: "delete", obj: spec{ns, name, "", l, node}}
}

type lbl = map[string]string

// at names an index value.
type at struct{ index, value string }

func TestIndexerKeepsIndexesRight(t *testing.T) {
	cases := []struct {
		name string
		ops  []op
		keys []string        // every key after ops
		want map[at][]string // keys under index values; values not listed must be empty
	}{{
		name: "add indexes by namespace, label and node",
		ops: []op{
			add("a", "p1", "1", lbl{"app": "web", "tier": "fe"}, "n1"),
			add("a", "p2", "1", lbl{"app": "db"}, "n1"),
			add("b", "p1", "1", lbl{"app": "web"}, ""),
		},
		keys: []string{"a/p1", "a/p2", "b/p1"},
		want: map[at][]string{
			{NamespaceIndex, "a"}:   {"a/p1", "a/p2"},
			{NamespaceIndex, "b"}:   {"b/p1"},
			{LabelIndex, "app=web"}: {"a/p1", "b/p1"},
			{LabelIndex, "app=db"}:  {"a/p2"},
			{LabelIndex, "tier=fe"}: {"a/p1"},
			{"node", "n1"}:          {"a/p1", "a/p2"},
			{"node", ""}:            nil,
		},
	}, {
		name: "update that changes a label moves the key",
		ops: []op{
			add("a", "p1", "1", lbl{"app": "web", "keep": "x"}, ""),
			update("a", "p1", "2", lbl{"app": "db", "keep": "x"}, ""),
		},
		keys: []string{"a/p1"},
		want: map[at][]string{
			{LabelIndex, "app=web"}: nil,
			{LabelIndex, "app=db"}:  {"a/p1"},
			{LabelIndex, "keep=x"}:  {"a/p1"},
		},
	}, {
		name: "update that removes and adds labels",
		ops: []op{
			add("a", "p1", "1", lbl{"x": "1"}, ""),
			update("a", "p1", "2", lbl{"y": "1"}, ""),
			update("a", "p1", "3", nil, ""),
		},
		keys: []string{"a/p1"},
		want: map[at][]string{
			{LabelIndex, "x=1"}:   nil,
			{LabelIndex, "y=1"}:   nil,
			{NamespaceIndex, "a"}: {"a/p1"},
		},
	}, {
		name: "update that schedules a pod moves it between nodes",
		ops: []op{
			add("a", "p1", "1", nil, ""),
			update("a", "p1", "2", nil, "n1"),
			add("a", "p2", "1", nil, "n1"),
			update("a", "p1", "3", nil, "n2"),
		},
		keys: []string{"a/p1", "a/p2"},
		want: map[at][]string{
			{"node", "n1"}: {"a/p2"},
			{"node", "n2"}: {"a/p1"},
		},
	}, {
		name: "update of an absent key adds, add of a present key replaces",
		ops: []op{
			update("a", "p1", "1", lbl{"v": "1"}, ""),
			add("a", "p1", "2", lbl{"v": "2"}, ""),
		},
		keys: []string{"a/p1"},
		want: map[at][]string{
			{LabelIndex, "v=1"}: nil,
			{LabelIndex, "v=2"}: {"a/p1"},
		},
	}, {
		name: "delete removes the key from every index",
		ops: []op{
			add("a", "p1", "1", lbl{"app": "web"}, "n1"),
			add("a", "p2", "1", lbl{"app": "web"}, "n1"),
			del("a", "p1", lbl{"app": "web"}, "n1"),
		},
		keys: []string{"a/p2"},
		want: map[at][]string{
			{NamespaceIndex, "a"}:   {"a/p2"},
			{LabelIndex, "app=web"}: {"a/p2"},
			{"node", "n1"}:          {"a/p2"},
		},
	}, {
		name: "delete of a stale copy uses the stored state",
		ops: []op{
			add("a", "p1", "1", lbl{"app": "web"}, "n1"),
			update("a", "p1", "2", lbl{"app": "db"}, "n2"),
			del("a", "p1", lbl{"app": "web"}, "n1"),
		},
		keys: nil,
		want: map[at][]string{
			{NamespaceIndex, "a"}:   nil,
			{LabelIndex, "app=web"}: nil,
			{LabelIndex, "app=db"}:  nil,
			{"node", "n2"}:          nil,
		},
	}, {
		name: "delete of an absent key does nothing",
		ops: []op{
			add("a", "p1", "1", nil, ""),
			del("a", "p2", nil, ""),
			del("", "p1", nil, ""),
		},
		keys: []string{"a/p1"},
		want: map[at][]string{{NamespaceIndex, "a"}: {"a/p1"}},
	}, {
		name: "cluster-scoped objects are not in the namespace index",
		ops: []op{
			add("", "n1", "1", lbl{"zone": "z1"}, ""),
			add("a", "n1", "1", lbl{"zone": "z1"}, ""),
		},
		keys: []string{"a/n1", "n1"},
		want: map[at][]string{
			{NamespaceIndex, ""}:    nil,
			{NamespaceIndex, "a"}:   {"a/n1"},
			{LabelIndex, "zone=z1"}: {"a/n1", "n1"},
		},
	}, {
		name: "unknown index gives nothing",
		ops:  []op{add("a", "p1", "1", nil, "n1")},
		keys: []string{"a/p1"},
		want: map[at][]string{{"nope", "n1"}: nil},
	}}
	forKinds(t, func(t *testing.T, fresh func() contract) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c := fresh()
				for _, o := range tc.ops {
					f := map[string]func(string, string, string, map[string]string, string){
						"add": c.add, "update": c.update, "delete": c.delete,
					}[o.do]
					f(o.obj.ns, o.obj.name, o.obj.rv, o.obj.labels, o.obj.node)
					c.check(t)
				}
				if got := c.list(); !slices.Equal(got, tc.keys) {
					t.Errorf("List = %v, want %v", got, tc.keys)
				}
				for where, want := range tc.want {
					if got := c.byIndex(where.index, where.value); !slices.Equal(got, want) {
						t.Errorf("ByIndex(%q, %q) = %v, want %v", where.index, where.value, got, want)
					}
					if got := c.indexKeys(where.index, where.value); !slices.Equal(got, want) {
						t.Errorf("IndexKeys(%q, %q) = %v, want %v", where.index, where.value, got, want)
					}
				}
			})
		}
	})
}

func TestIndexerReads(t *testing.T) {
	c := NewIndexer[*corev1.Pod](nil)
	p1 := podKind.mk("a", "p1", "1", nil, "")
	n1 := podKind.mk("", "n1", "1", nil, "")
	c.Add(p1)
	c.Add(n1)
	if got, ok := c.Get("a/p1"); !ok || got != p1 {
		t.Errorf("Get(a/p1) = %v, %v", got, ok)
	}
	if got, ok := c.GetByName("a", "p1"); !ok || got != p1 {
		t.Errorf("GetByName(a, p1) = %v, %v", got, ok)
	}
	if got, ok := c.GetByName("", "n1"); !ok || got != n1 {
		t.Errorf("GetByName(\"\", n1) = %v, %v", got, ok)
	}
	if got, ok := c.Get("b/p1"); ok || got != nil {
		t.Errorf("Get(b/p1) = %v, %v; want nil, false", got, ok)
	}
	if got := sorted(c.Keys()); !slices.Equal(got, []string{"a/p1", "n1"}) {
		t.Errorf("Keys = %v", got)
	}
	if c.Len() != 2 {
		t.Errorf("Len = %d", c.Len())
	}
}

func TestZeroIndexerWorks(t *testing.T) {
	var c Indexer[*corev1.Pod]
	if c.Len() != 0 || c.List() == nil || len(c.ByIndex(NamespaceIndex, "a")) != 0 {
		t.Fatal("zero Indexer not empty")
	}
	if got := NewLister(&c).List(nil); len(got) != 0 {
		t.Fatalf("List on zero Indexer = %v", got)
	}
	c.Add(podKind.mk("a", "p1", "1", lbl{"x": "y"}, "n1"))
	if err := c.AddIndexers(podKind.nodeIndexer()); err != nil {
		t.Fatal(err)
	}
	if got := sortedKeys(c.ByIndex("node", "n1")); !slices.Equal(got, []string{"a/p1"}) {
		t.Errorf("ByIndex(node, n1) = %v", got)
	}
	checkInvariants(t, &c)
}

// A custom index may give several values per object, duplicates included.
func TestIndexFuncWithSeveralValues(t *testing.T) {
	byLabelKey := Indexers[*corev1.Pod]{"labelKey": func(p *corev1.Pod) ([]string, error) {
		var out []string
		for k := range p.Labels {
			out = append(out, k, k) // duplicates count once
		}
		return out, nil
	}}
	c := NewIndexer(byLabelKey)
	c.Add(podKind.mk("a", "p1", "1", lbl{"x": "1", "y": "1"}, ""))
	c.Add(podKind.mk("a", "p2", "1", lbl{"y": "2"}, ""))
	c.Update(podKind.mk("a", "p1", "2", lbl{"z": "1", "y": "1"}, ""))
	checkInvariants(t, c)
	for value, want := range map[string][]string{"x": nil, "y": {"a/p1", "a/p2"}, "z": {"a/p1"}} {
		if got := sorted(c.IndexKeys("labelKey", value)); !slices.Equal(got, want) {
			t.Errorf("IndexKeys(labelKey, %q) = %v, want %v", value, got, want)
		}
	}
	c.Delete(podKind.mk("a", "p1", "", nil, ""))
	checkInvariants(t, c)
}

func TestAddIndexersOnPopulatedCache(t *testing.T) {
	c := NewIndexer[*corev1.Pod](nil)
	for i := range 20 {
		c.Add(podKind.mk("a", fmt.Sprint("p", i), "1", nil, fmt.Sprint("n", i%3)))
	}
	if err := c.AddIndexers(podKind.nodeIndexer()); err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, c)
	if got := len(c.ByIndex("node", "n0")); got != 7 {
		t.Errorf("ByIndex(node, n0) has %d objects, want 7", got)
	}
	// Later writes maintain the new index.
	c.Update(podKind.mk("a", "p0", "2", nil, "n1"))
	c.Delete(podKind.mk("a", "p3", "", nil, ""))
	checkInvariants(t, c)
	if got := len(c.ByIndex("node", "n0")); got != 5 {
		t.Errorf("ByIndex(node, n0) has %d objects after writes, want 5", got)
	}

	fail := errors.New("boom")
	for _, tc := range []struct {
		name string
		add  Indexers[*corev1.Pod]
		want error // nil: any error
	}{
		{"existing custom name", podKind.nodeIndexer(), ErrIndexExists},
		{"built-in namespace", Indexers[*corev1.Pod]{NamespaceIndex: func(*corev1.Pod) ([]string, error) { return nil, nil }}, ErrIndexExists},
		{"built-in label", Indexers[*corev1.Pod]{LabelIndex: func(*corev1.Pod) ([]string, error) { return nil, nil }}, ErrIndexExists},
		{"empty name", Indexers[*corev1.Pod]{"": func(*corev1.Pod) ([]string, error) { return nil, nil }}, nil},
		{"nil function", Indexers[*corev1.Pod]{"f": nil}, nil},
		{"function failing on a stored object", Indexers[*corev1.Pod]{
			"a-ok": func(*corev1.Pod) ([]string, error) { return []string{"v"}, nil },
			"fail": func(*corev1.Pod) ([]string, error) { return nil, fail },
		}, fail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := c.AddIndexers(tc.add)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("AddIndexers = %v, want %v", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "cache: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if c.IndexKeys("a-ok", "v") != nil {
				t.Error("a failed AddIndexers added an index")
			}
		})
	}
}

func TestNewIndexerPanicsOnBuiltInName(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Error("no panic")
		}
	}()
	NewIndexer(Indexers[*corev1.Pod]{LabelIndex: func(*corev1.Pod) ([]string, error) { return nil, nil }})
}

// An IndexFunc error panics before anything changes, and the cache stays
// usable.
func TestIndexFuncErrorPanicsAndChangesNothing(t *testing.T) {
	picky := Indexers[*corev1.Pod]{"picky": func(p *corev1.Pod) ([]string, error) {
		if p.Labels["bad"] != "" {
			return nil, errors.New("bad object")
		}
		return []string{p.Name}, nil
	}}
	c := NewIndexer(picky)
	good := podKind.mk("a", "p1", "1", lbl{"app": "web"}, "")
	c.Add(good)
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if r := recover(); r == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		f()
	}
	mustPanic("Add", func() { c.Add(podKind.mk("a", "p2", "1", lbl{"bad": "1"}, "")) })
	mustPanic("Update", func() { c.Update(podKind.mk("a", "p1", "2", lbl{"bad": "1"}, "")) })
	mustPanic("Replace", func() { c.Replace([]*corev1.Pod{podKind.mk("a", "p3", "1", lbl{"bad": "1"}, "")}) })
	if got, _ := c.Get("a/p1"); got != good || c.Len() != 1 {
		t.Errorf("cache changed: Get(a/p1) = %v, Len = %d", got, c.Len())
	}
	checkInvariants(t, c)
	c.Delete(good) // locks were released
	if c.Len() != 0 {
		t.Error("Delete after panic failed")
	}
}
