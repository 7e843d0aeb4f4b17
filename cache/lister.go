package cache

import (
	"slices"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/labels"
)

// Lister is a read-only view of an Indexer, for controllers: list by label
// selector, get by name, and narrow to a namespace. It is a small value; copy
// it freely. The objects it returns are shared with the cache: do not modify
// them.
//
// Listing by selector costs:
//
//   - with an equality requirement (key=v, key==v or key in (v1,...)): the
//     LabelIndex gives the keys with those labels, and only they are matched
//     against the whole selector, so the cost is O(objects having the
//     required label), not O(store). With several such requirements the one
//     with the fewest objects is used; in a namespace, the namespace's
//     objects are used instead when they are fewer.
//   - otherwise (only !=, notin, exists, !, <, >): every object of the cache
//     (or of the namespace, via NamespaceIndex) is matched: O(store) or
//     O(namespace).
//
// Results come in no particular order.
type Lister[T meta.Object] struct {
	idx *Indexer[T]
}

// NewLister returns a read-only view of idx.
func NewLister[T meta.Object](idx *Indexer[T]) Lister[T] {
	return Lister[T]{idx: idx}
}

// List returns the objects whose labels match sel, in every namespace. A nil
// selector selects everything.
func (l Lister[T]) List(sel labels.Selector) []T {
	return l.idx.selectObjects("", sel)
}

// Get returns the cluster-scoped object name, if any.
func (l Lister[T]) Get(name string) (T, bool) {
	return l.idx.Get(name)
}

// Namespace returns the view of one namespace. Namespace("") is the whole
// cache, as in Kubernetes where "" means all namespaces.
func (l Lister[T]) Namespace(ns string) NamespaceLister[T] {
	return NamespaceLister[T]{idx: l.idx, ns: ns}
}

// NamespaceLister is a read-only view of one namespace of an Indexer (see
// Lister.Namespace).
type NamespaceLister[T meta.Object] struct {
	idx *Indexer[T]
	ns  string
}

// List returns the objects of the namespace whose labels match sel. A nil
// selector selects everything.
func (l NamespaceLister[T]) List(sel labels.Selector) []T {
	return l.idx.selectObjects(l.ns, sel)
}

// Get returns the object name of the namespace, if any.
func (l NamespaceLister[T]) Get(name string) (T, bool) {
	return l.idx.GetByName(l.ns, name)
}

// selectObjects returns the objects of namespace ns ("" for all) matching
// sel, starting from the smallest candidate set the indexes offer.
func (c *Indexer[T]) selectObjects(ns string, sel labels.Selector) []T {
	var reqs []labels.Requirement
	everything := sel == nil || sel.Empty()
	if !everything {
		reqs = sel.Requirements()
	}

	c.mu.RLock()
	defer c.mu.RUnlock()
	s := &c.s

	// The candidates: all objects, the namespace's, or the union of the
	// LabelIndex sets of one equality requirement, whichever is smallest.
	scanAll := ns == ""
	var from []keySet
	cost := len(s.items)
	if !scanAll {
		from, cost = []keySet{s.byNamespace[ns]}, len(s.byNamespace[ns])
	}
	for _, r := range reqs {
		switch r.Operator {
		case labels.Equals, labels.DoubleEquals, labels.In:
		default:
			continue
		}
		vals := r.Values
		if len(vals) > 1 {
			slices.Sort(vals) // r is a copy, ours to change
			vals = slices.Compact(vals)
		}
		var sets []keySet
		n := 0
		for _, v := range vals {
			if set := s.byLabel[labelValue(r.Key, v)]; len(set) > 0 {
				sets = append(sets, set)
				n += len(set)
			}
		}
		if n < cost {
			scanAll, from, cost = false, sets, n
		}
		if cost == 0 {
			return nil
		}
	}

	match := func(obj T) bool {
		return everything || sel.Matches(labels.Set(obj.GetLabels()))
	}
	var out []T
	if scanAll {
		for _, obj := range s.items {
			if match(obj) {
				out = append(out, obj)
			}
		}
		return out
	}
	for _, set := range from {
		for key := range set {
			if ns != "" && !inNamespace(key, ns) {
				continue
			}
			if obj := s.items[key]; match(obj) {
				out = append(out, obj)
			}
		}
	}
	return out
}
