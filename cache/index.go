package cache

import (
	"errors"

	"kctl.dev/kctl/api/meta"
)

// IndexFunc computes the values under which an object is indexed. It must be
// deterministic and must only read obj. An object with no values is not in the
// index; duplicate values count once. An error is a programming error (see
// Indexer).
type IndexFunc[T meta.Object] func(obj T) ([]string, error)

// Indexers names the index functions of an Indexer.
type Indexers[T meta.Object] map[string]IndexFunc[T]

// The built-in indexes, present in every Indexer.
const (
	// NamespaceIndex indexes namespaced objects by namespace. Cluster-scoped
	// objects are not in it, so a cache of cluster-scoped kinds spends nothing
	// on it.
	NamespaceIndex = "namespace"
	// LabelIndex indexes objects by label, one value "key=value" per label,
	// e.g. ByIndex(LabelIndex, "app=web"). Label listing with an equality
	// requirement uses it. Label keys and values cannot contain "=", so the
	// value is unambiguous.
	LabelIndex = "label"
)

// ErrIndexExists is the error AddIndexers gives for a name already in use.
var ErrIndexExists = errors.New("cache: index already exists")

// keySet is a set of object keys.
type keySet map[string]struct{}

// index maps an index value to the keys of the objects that have it. A value
// whose set becomes empty is removed, so an index costs nothing for values no
// object has any more.
type index map[string]keySet

func (x index) add(value, key string) {
	s := x[value]
	if s == nil {
		s = keySet{}
		x[value] = s
	}
	s[key] = struct{}{}
}

func (x index) remove(value, key string) {
	s := x[value]
	if s == nil {
		return
	}
	delete(s, key)
	if len(s) == 0 {
		delete(x, value)
	}
}

// update moves key from the values in old to those in new, touching only the
// values that differ. The slices are the output of an IndexFunc: short, so the
// quadratic comparison is cheaper than building sets.
func (x index) update(key string, old, new []string) {
	for _, v := range old {
		if !contains(new, v) {
			x.remove(v, key)
		}
	}
	for _, v := range new {
		if !contains(old, v) {
			x.add(v, key)
		}
	}
}

func contains(vals []string, v string) bool {
	for _, w := range vals {
		if w == v {
			return true
		}
	}
	return false
}

// labelValue is the LabelIndex value of the label k=v.
func labelValue(k, v string) string { return k + "=" + v }

// updateLabels moves key in a LabelIndex from the labels old to new, touching
// only the labels that differ.
func (x index) updateLabels(key string, old, new map[string]string) {
	for k, v := range old {
		if nv, ok := new[k]; !ok || nv != v {
			x.remove(labelValue(k, v), key)
		}
	}
	for k, v := range new {
		if ov, ok := old[k]; !ok || ov != v {
			x.add(labelValue(k, v), key)
		}
	}
}

// customIndex is one user-defined index: its function and its content.
type customIndex[T meta.Object] struct {
	name   string
	fn     IndexFunc[T]
	values index
}
