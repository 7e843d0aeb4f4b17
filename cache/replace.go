package cache

import (
	"sort"

	"kctl.dev/kctl/api/meta"
)

// Change is one difference found by Replace: Old is the replaced object (zero
// for an added one), New the object now stored (zero for a deleted one).
type Change[T meta.Object] struct {
	Old, New T
}

// Replace makes objs the whole content of the cache, atomically: a reader sees
// either the old content or the new, never a mix. It returns the difference
// from the old content, for the informer to notify handlers:
//
//   - added: keys not in the old content (Old is zero), in the order of objs;
//   - updated: keys in both whose resourceVersion or UID differs, in the
//     order of objs. An object with an unchanged resourceVersion and UID is
//     stored but not reported. An object deleted and recreated under the same
//     name shows here as one update; Old.GetUID() != New.GetUID() tells it
//     apart (a server that lost its data may even reuse the resourceVersion);
//   - deleted: keys no longer present (New is zero), sorted by key.
//
// When objs holds a key twice, the last object wins. The new content and its
// indexes are built aside, so for a while the old and the new index
// structures (not the objects, which the caller already holds) both exist;
// readers are blocked only for the swap. Replace costs O(len(objs) + old
// size).
func (c *Indexer[T]) Replace(objs []T) (added, updated, deleted []Change[T]) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()

	// Build the new content, with the same custom indexes, before touching
	// anything: an IndexFunc panic leaves the cache as it was.
	fresh := contents[T]{
		items:       make(map[string]T, len(objs)),
		byNamespace: index{},
		byLabel:     index{},
		custom:      make([]*customIndex[T], len(c.s.custom)),
	}
	for i, ci := range c.s.custom {
		fresh.custom[i] = &customIndex[T]{name: ci.name, fn: ci.fn, values: index{}}
	}
	keys := make([]string, 0, len(objs)) // distinct keys, by first occurrence
	for _, obj := range objs {
		key := KeyOf(obj)
		if _, dup := fresh.items[key]; dup {
			fresh.remove(key)
		} else {
			keys = append(keys, key)
		}
		fresh.items[key] = obj
		if ns := obj.GetNamespace(); ns != "" {
			fresh.byNamespace.add(ns, key)
		}
		for k, v := range obj.GetLabels() {
			fresh.byLabel.add(labelValue(k, v), key)
		}
		for _, ci := range fresh.custom {
			for _, v := range ci.valuesOf(key, obj) {
				ci.values.add(v, key)
			}
		}
	}

	// The old content is stable: only writers change it, and we hold writeMu.
	for _, key := range keys {
		obj := fresh.items[key]
		old, had := c.s.items[key]
		switch {
		case !had:
			added = append(added, Change[T]{New: obj})
		case old.GetResourceVersion() != obj.GetResourceVersion(), old.GetUID() != obj.GetUID():
			updated = append(updated, Change[T]{Old: old, New: obj})
		}
	}
	var gone []string
	for key := range c.s.items {
		if _, ok := fresh.items[key]; !ok {
			gone = append(gone, key)
		}
	}
	if len(gone) > 0 {
		sort.Strings(gone)
		deleted = make([]Change[T], len(gone))
		for i, key := range gone {
			deleted[i].Old = c.s.items[key]
		}
	}

	c.mu.Lock()
	c.s = fresh
	c.mu.Unlock()
	return added, updated, deleted
}

// remove takes key out of every index of s (not out of items); used when
// Replace meets a key a second time.
func (s *contents[T]) remove(key string) {
	obj := s.items[key]
	if ns := obj.GetNamespace(); ns != "" {
		s.byNamespace.remove(ns, key)
	}
	s.byLabel.updateLabels(key, obj.GetLabels(), nil)
	for _, ci := range s.custom {
		ci.values.update(key, ci.valuesOf(key, obj), nil)
	}
}
