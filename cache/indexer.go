package cache

import (
	"fmt"
	"sort"
	"sync"

	"kctl.dev/kctl/api/meta"
)

// Indexer is a thread-safe store of objects by key (see KeyOf) with indexes:
// the built-in NamespaceIndex and LabelIndex, and those given to NewIndexer or
// AddIndexers. Each index maps a value to the set of keys of the objects with
// that value, so ByIndex costs O(result), not O(store).
//
// The cache holds the objects it is given, not copies, and hands the same
// objects to every reader: callers must not modify an object after giving it
// to the cache, nor one the cache returned; copy it first (Unstructured has
// DeepCopy; for a typed object copy the struct and each map or slice you
// change). Indexes are kept from the objects' own state, so an object
// changed in place leaves them wrong.
//
// An IndexFunc that fails is a programming error: Add, Update, Delete and
// Replace panic with it, leaving the cache unchanged; AddIndexers returns it.
//
// Orders are unspecified: List, Keys, ByIndex and IndexKeys return objects and
// keys in no particular order.
//
// Readers (Get, List, ByIndex and the listers) share a read lock; writers are
// serialized among themselves and compute index values before taking the
// write lock, so readers wait only while a change is applied. Replace and
// AddIndexers build their new content aside and block readers only for an
// O(1) swap.
//
// The zero Indexer is an empty cache with only the built-in indexes.
type Indexer[T meta.Object] struct {
	writeMu sync.Mutex   // serializes writers; held while reading s to prepare a change
	mu      sync.RWMutex // guards s
	s       contents[T]
}

// contents is everything an Indexer holds, so Replace can swap it whole.
type contents[T meta.Object] struct {
	items       map[string]T
	byNamespace index
	byLabel     index
	custom      []*customIndex[T] // sorted by name
}

func (s *contents[T]) init() {
	if s.items == nil {
		s.items = map[string]T{}
		s.byNamespace = index{}
		s.byLabel = index{}
	}
}

// NewIndexer returns an empty cache with the built-in indexes and indexers.
// It panics if a name is empty or built in, or a function is nil (use
// AddIndexers to get an error instead).
func NewIndexer[T meta.Object](indexers Indexers[T]) *Indexer[T] {
	c := &Indexer[T]{}
	c.s.init()
	if err := c.AddIndexers(indexers); err != nil {
		panic(err)
	}
	return c
}

// Add stores obj under KeyOf(obj), replacing any object with that key. It is
// the same as Update.
func (c *Indexer[T]) Add(obj T) { c.Update(obj) }

// Update stores obj under KeyOf(obj), replacing any object with that key (or
// adding it), and moves the key between index values as obj's values differ
// from the replaced object's.
func (c *Indexer[T]) Update(obj T) {
	key := KeyOf(obj)
	c.writeMu.Lock()
	defer c.writeMu.Unlock()

	old, had := c.s.items[key]
	var oldLabels map[string]string
	if had {
		oldLabels = old.GetLabels()
	}
	newLabels := obj.GetLabels()
	moves := make([][2][]string, len(c.s.custom))
	for i, ci := range c.s.custom {
		if had {
			moves[i][0] = ci.valuesOf(key, old)
		}
		moves[i][1] = ci.valuesOf(key, obj)
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	c.s.init()
	c.s.items[key] = obj
	if ns := obj.GetNamespace(); !had && ns != "" {
		c.s.byNamespace.add(ns, key) // a key's namespace never changes
	}
	c.s.byLabel.updateLabels(key, oldLabels, newLabels)
	for i, ci := range c.s.custom {
		ci.values.update(key, moves[i][0], moves[i][1])
	}
}

// Delete removes the object with key KeyOf(obj), if any. The indexes are
// updated from the stored object, so obj may be a stale copy (e.g. the Obj of
// a Tombstone).
func (c *Indexer[T]) Delete(obj T) {
	key := KeyOf(obj)
	c.writeMu.Lock()
	defer c.writeMu.Unlock()

	old, had := c.s.items[key]
	if !had {
		return
	}
	oldLabels := old.GetLabels()
	oldVals := make([][]string, len(c.s.custom))
	for i, ci := range c.s.custom {
		oldVals[i] = ci.valuesOf(key, old)
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.s.items, key)
	if ns := old.GetNamespace(); ns != "" {
		c.s.byNamespace.remove(ns, key)
	}
	c.s.byLabel.updateLabels(key, oldLabels, nil)
	for i, ci := range c.s.custom {
		ci.values.update(key, oldVals[i], nil)
	}
}

// valuesOf runs the index function on obj, panicking on error.
func (ci *customIndex[T]) valuesOf(key string, obj T) []string {
	vals, err := ci.fn(obj)
	if err != nil {
		panic(fmt.Errorf("cache: index %q of %q: %w", ci.name, key, err))
	}
	return vals
}

// Get returns the object with key (see KeyOf), if any. The object is shared:
// do not modify it.
func (c *Indexer[T]) Get(key string) (T, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	obj, ok := c.s.items[key]
	return obj, ok
}

// GetByName returns the object with the namespace ("" for cluster-scoped)
// and name, if any. The object is shared: do not modify it.
func (c *Indexer[T]) GetByName(namespace, name string) (T, bool) {
	key := name
	if namespace != "" {
		key = namespace + "/" + name
	}
	return c.Get(key)
}

// List returns every object, in no particular order. The objects are shared:
// do not modify them.
func (c *Indexer[T]) List() []T {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]T, 0, len(c.s.items))
	for _, obj := range c.s.items {
		out = append(out, obj)
	}
	return out
}

// Keys returns the key of every object, in no particular order.
func (c *Indexer[T]) Keys() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]string, 0, len(c.s.items))
	for key := range c.s.items {
		out = append(out, key)
	}
	return out
}

// Len returns the number of objects.
func (c *Indexer[T]) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.s.items)
}

// ByIndex returns the objects whose index has value, in no particular order,
// in O(result) time. An unknown index or value gives nil. The objects are
// shared: do not modify them.
func (c *Indexer[T]) ByIndex(index, value string) []T {
	c.mu.RLock()
	defer c.mu.RUnlock()
	set := c.s.lookup(index)[value]
	if len(set) == 0 {
		return nil
	}
	out := make([]T, 0, len(set))
	for key := range set {
		out = append(out, c.s.items[key])
	}
	return out
}

// IndexKeys returns the keys of the objects whose index has value, in no
// particular order. An unknown index or value gives nil.
func (c *Indexer[T]) IndexKeys(index, value string) []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	set := c.s.lookup(index)[value]
	if len(set) == 0 {
		return nil
	}
	out := make([]string, 0, len(set))
	for key := range set {
		out = append(out, key)
	}
	return out
}

// lookup returns the index called name, or nil.
func (s *contents[T]) lookup(name string) index {
	switch name {
	case NamespaceIndex:
		return s.byNamespace
	case LabelIndex:
		return s.byLabel
	}
	for _, ci := range s.custom {
		if ci.name == name {
			return ci.values
		}
	}
	return nil
}

// AddIndexers adds indexes, building each over the current content. It may
// be called at any time; readers keep using the existing indexes meanwhile.
// It adds nothing and returns an error if a name is empty, built in or
// already used (ErrIndexExists), a function is nil, or a function fails on a
// stored object.
func (c *Indexer[T]) AddIndexers(more Indexers[T]) error {
	if len(more) == 0 {
		return nil
	}
	names := make([]string, 0, len(more))
	for name := range more {
		names = append(names, name)
	}
	sort.Strings(names)

	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	added := make([]*customIndex[T], 0, len(names))
	for _, name := range names {
		switch {
		case name == "":
			return fmt.Errorf("cache: index with empty name")
		case more[name] == nil:
			return fmt.Errorf("cache: index %q has no function", name)
		case c.s.lookup(name) != nil || name == NamespaceIndex || name == LabelIndex:
			return fmt.Errorf("%w: %q", ErrIndexExists, name)
		}
		ci := &customIndex[T]{name: name, fn: more[name], values: index{}}
		for key, obj := range c.s.items {
			vals, err := ci.fn(obj)
			if err != nil {
				return fmt.Errorf("cache: index %q of %q: %w", name, key, err)
			}
			for _, v := range vals {
				ci.values.add(v, key)
			}
		}
		added = append(added, ci)
	}

	custom := make([]*customIndex[T], 0, len(c.s.custom)+len(added))
	custom = append(append(custom, c.s.custom...), added...)
	sort.Slice(custom, func(i, j int) bool { return custom[i].name < custom[j].name })
	c.mu.Lock()
	defer c.mu.Unlock()
	c.s.init()
	c.s.custom = custom
	return nil
}
