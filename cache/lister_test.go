package cache

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/labels"
)

func TestListerGet(t *testing.T) {
	c := NewIndexer[*corev1.Pod](nil)
	n1 := podKind.mk("", "n1", "1", nil, "")
	p1 := podKind.mk("a", "p1", "1", lbl{"app": "web"}, "")
	p2 := podKind.mk("b", "p1", "1", lbl{"app": "web"}, "")
	c.Add(n1)
	c.Add(p1)
	c.Add(p2)
	l := NewLister(c)
	if got, ok := l.Get("n1"); !ok || got != n1 {
		t.Errorf("Get(n1) = %v, %v", got, ok)
	}
	if got, ok := l.Namespace("a").Get("p1"); !ok || got != p1 {
		t.Errorf("Namespace(a).Get(p1) = %v, %v", got, ok)
	}
	if _, ok := l.Namespace("c").Get("p1"); ok {
		t.Error("Namespace(c).Get(p1) found an object")
	}
	if got, ok := l.Namespace("").Get("n1"); !ok || got != n1 {
		t.Errorf(`Namespace("").Get(n1) = %v, %v`, got, ok)
	}
	for _, tc := range []struct {
		ns, sel string
		want    []string
	}{
		{"", "", []string{"a/p1", "b/p1", "n1"}},
		{"a", "", []string{"a/p1"}},
		{"a", "app=web", []string{"a/p1"}},
		{"", "app=web", []string{"a/p1", "b/p1"}},
		{"", "app!=web", []string{"n1"}},
		{"z", "", nil},
		{"z", "app=web", nil},
		{"", "app=none", nil},
	} {
		sel, err := labels.Parse(tc.sel)
		if err != nil {
			t.Fatal(err)
		}
		if got := sortedKeys(l.Namespace(tc.ns).List(sel)); !slices.Equal(got, tc.want) {
			t.Errorf("Namespace(%q).List(%q) = %v, want %v", tc.ns, tc.sel, got, tc.want)
		}
	}
	if got := sortedKeys(l.List(nil)); len(got) != 3 {
		t.Errorf("List(nil) = %v", got)
	}
	if got := l.List(labels.Nothing()); len(got) != 0 {
		t.Errorf("List(Nothing) = %v", got)
	}
}

// Listing through the label and namespace indexes gives exactly what a full
// scan gives, for random objects, writes and selectors.
func TestListerMatchesFullScan(t *testing.T) {
	t.Run("pod", func(t *testing.T) { testListerMatchesFullScan(t, podKind) })
	t.Run("unstructured", func(t *testing.T) { testListerMatchesFullScan(t, unstructuredKind) })
}

func testListerMatchesFullScan[T meta.Object](t *testing.T, k kind[T]) {
	rng := rand.New(rand.NewPCG(1, 2))
	namespaces := []string{"", "a", "b", "c"}
	keys := []string{"app", "tier", "n"}
	values := []string{"x", "y", "z", "1", "5"}
	randLabels := func() map[string]string {
		l := map[string]string{}
		for _, key := range keys {
			if rng.IntN(3) > 0 {
				l[key] = values[rng.IntN(len(values))]
			}
		}
		return l
	}
	randSelector := func() (string, labels.Selector) {
		var parts []string
		for range rng.IntN(4) {
			key, v1, v2 := keys[rng.IntN(len(keys))], values[rng.IntN(len(values))], values[rng.IntN(len(values))]
			parts = append(parts, []string{
				key + "=" + v1,
				key + "==" + v1,
				key + "!=" + v1,
				key + " in (" + v1 + "," + v2 + ")",
				key + " in (" + v1 + ")",
				key + " notin (" + v1 + ")",
				key,
				"!" + key,
				key + ">2",
				key + "<3",
			}[rng.IntN(10)])
		}
		s := strings.Join(parts, ",")
		sel, err := labels.Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		return s, sel
	}

	c := NewIndexer(k.nodeIndexer())
	l := NewLister(c)
	for round := range 30 {
		// Random writes keep the indexes moving.
		for range 100 {
			ns, name := namespaces[rng.IntN(len(namespaces))], fmt.Sprint("o", rng.IntN(60))
			switch rng.IntN(4) {
			case 0:
				c.Delete(k.mk(ns, name, "", nil, ""))
			default:
				c.Update(k.mk(ns, name, fmt.Sprint(round), randLabels(), ""))
			}
		}
		checkInvariants(t, c)
		all := c.List()
		for range 50 {
			s, sel := randSelector()
			for _, ns := range namespaces {
				var want []T
				for _, obj := range all {
					if (ns == "" || obj.GetNamespace() == ns) && sel.Matches(labels.Set(obj.GetLabels())) {
						want = append(want, obj)
					}
				}
				got := l.Namespace(ns).List(sel)
				if g, w := sortedKeys(got), sortedKeys(want); !slices.Equal(g, w) {
					t.Fatalf("round %d: Namespace(%q).List(%q) = %v, want %v", round, ns, s, g, w)
				}
			}
		}
	}
}
