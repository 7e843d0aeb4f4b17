package cache

import (
	"maps"
	"slices"
	"testing"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
)

// kind builds test objects of one Go type, so that every behaviour runs on
// typed and on unstructured objects alike.
type kind[T meta.Object] struct {
	// mk returns an object; node is its spec.nodeName.
	mk func(ns, name, rv string, lbls map[string]string, node string) T
	// node returns spec.nodeName.
	node func(T) string
}

var podKind = kind[*corev1.Pod]{
	mk: func(ns, name, rv string, lbls map[string]string, node string) *corev1.Pod {
		p := &corev1.Pod{}
		p.Namespace, p.Name, p.ResourceVersion, p.Labels = ns, name, rv, lbls
		p.UID = "uid-" + ns + "-" + name
		p.Spec.NodeName = node
		return p
	},
	node: func(p *corev1.Pod) string { return p.Spec.NodeName },
}

var unstructuredKind = kind[*unstructured.Unstructured]{
	mk: func(ns, name, rv string, lbls map[string]string, node string) *unstructured.Unstructured {
		u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Pod"}}
		u.SetNamespace(ns)
		u.SetName(name)
		u.SetResourceVersion(rv)
		u.SetUID("uid-" + ns + "-" + name)
		u.SetLabels(lbls)
		if node != "" {
			unstructured.SetNested(u.Object, node, "spec", "nodeName")
		}
		return u
	},
	node: func(u *unstructured.Unstructured) string {
		return unstructured.NestedString(u.Object, "spec", "nodeName")
	},
}

// nodeIndexer indexes by spec.nodeName; unscheduled objects are not indexed.
func (k kind[T]) nodeIndexer() Indexers[T] {
	return Indexers[T]{"node": func(obj T) ([]string, error) {
		if n := k.node(obj); n != "" {
			return []string{n}, nil
		}
		return nil, nil
	}}
}

// forKinds runs f for pods and for unstructured objects; fresh returns a new
// empty cache with a "node" index.
func forKinds(t *testing.T, f func(t *testing.T, fresh func() contract)) {
	t.Run("pod", func(t *testing.T) { f(t, func() contract { return newContract(podKind) }) })
	t.Run("unstructured", func(t *testing.T) { f(t, func() contract { return newContract(unstructuredKind) }) })
}

// contract hides T from table-driven tests: the operations they need, on a
// fresh cache with a "node" index.
type contract struct {
	add, update, delete func(ns, name, rv string, lbls map[string]string, node string)
	replace             func(objs []spec) (added, updated, deleted []string)
	byIndex             func(index, value string) []string // sorted keys of the objects
	indexKeys           func(index, value string) []string // sorted
	list                func() []string
	check               func(t *testing.T)
}

// spec describes one object.
type spec struct {
	ns, name, rv string
	labels       map[string]string
	node         string
}

func newContract[T meta.Object](k kind[T]) contract {
	c := NewIndexer(k.nodeIndexer())
	mk := func(s spec) T { return k.mk(s.ns, s.name, s.rv, s.labels, s.node) }
	changeKeys := func(cs []Change[T], old bool) []string {
		var out []string
		for _, ch := range cs {
			if old {
				out = append(out, KeyOf(ch.Old))
			} else {
				out = append(out, KeyOf(ch.New))
			}
		}
		return out
	}
	return contract{
		add:    func(ns, name, rv string, l map[string]string, n string) { c.Add(k.mk(ns, name, rv, l, n)) },
		update: func(ns, name, rv string, l map[string]string, n string) { c.Update(k.mk(ns, name, rv, l, n)) },
		delete: func(ns, name, rv string, l map[string]string, n string) { c.Delete(k.mk(ns, name, rv, l, n)) },
		replace: func(specs []spec) (a, u, d []string) {
			objs := make([]T, len(specs))
			for i, s := range specs {
				objs[i] = mk(s)
			}
			added, updated, deleted := c.Replace(objs)
			for _, ch := range updated {
				if KeyOf(ch.Old) != KeyOf(ch.New) {
					panic("update changes key")
				}
			}
			return changeKeys(added, false), changeKeys(updated, false), changeKeys(deleted, true)
		},
		byIndex:   func(i, v string) []string { return sortedKeys(c.ByIndex(i, v)) },
		indexKeys: func(i, v string) []string { return sorted(c.IndexKeys(i, v)) },
		list:      func() []string { return sortedKeys(c.List()) },
		check:     func(t *testing.T) { t.Helper(); checkInvariants(t, c) },
	}
}

func sortedKeys[T meta.Object](objs []T) []string {
	if len(objs) == 0 {
		return nil
	}
	out := make([]string, len(objs))
	for i, o := range objs {
		out[i] = KeyOf(o)
	}
	slices.Sort(out)
	return out
}

func sorted(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	slices.Sort(s)
	return s
}

// checkInvariants recomputes every index from the stored objects and
// compares: each key under exactly its values, and no empty set kept.
func checkInvariants[T meta.Object](t testing.TB, c *Indexer[T]) {
	t.Helper()
	c.mu.RLock()
	defer c.mu.RUnlock()
	wantNS, wantLabels := index{}, index{}
	wantCustom := make([]index, len(c.s.custom))
	for i := range wantCustom {
		wantCustom[i] = index{}
	}
	for key, obj := range c.s.items {
		if KeyOf(obj) != key {
			t.Errorf("object %q stored under key %q", KeyOf(obj), key)
		}
		if ns := obj.GetNamespace(); ns != "" {
			wantNS.add(ns, key)
		}
		for k, v := range obj.GetLabels() {
			wantLabels.add(labelValue(k, v), key)
		}
		for i, ci := range c.s.custom {
			vals, _ := ci.fn(obj)
			for _, v := range vals {
				wantCustom[i].add(v, key)
			}
		}
	}
	compareIndex(t, NamespaceIndex, c.s.byNamespace, wantNS)
	compareIndex(t, LabelIndex, c.s.byLabel, wantLabels)
	for i, ci := range c.s.custom {
		compareIndex(t, ci.name, ci.values, wantCustom[i])
	}
}

func compareIndex(t testing.TB, name string, got, want index) {
	t.Helper()
	for v, set := range got {
		if len(set) == 0 {
			t.Errorf("index %q keeps an empty set for %q", name, v)
		}
	}
	if !maps.EqualFunc(got, want, func(a, b keySet) bool { return maps.Equal(a, b) }) {
		t.Errorf("index %q = %v, want %v", name, got, want)
	}
}
