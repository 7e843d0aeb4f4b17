// Package cache is the client-side store of the informer: a thread-safe,
// indexed cache of typed (or unstructured) objects, read-only listers over it,
// and the tombstone of a delete that was not observed.
//
// # Creating a cache
//
// An Indexer holds objects of one kind, T, a pointer type implementing
// meta.Object, such as *corev1.Pod or *unstructured.Unstructured. Objects are
// stored by key, "namespace/name" or "name" for cluster-scoped objects
// (KeyOf, SplitKey):
//
//	pods := cache.NewIndexer(cache.Indexers[*corev1.Pod]{
//		"node": func(p *corev1.Pod) ([]string, error) { return []string{p.Spec.NodeName}, nil },
//	})
//	pods.Add(pod)
//	onNode := pods.ByIndex("node", "node-1")
//
// The informer writes (Add, Update, Delete, and Replace after a relist, which
// reports what was added, updated and deleted); controllers read, usually
// through a Lister.
//
// # Indexes
//
// An index maps each value its IndexFunc gives to the set of keys of the
// objects with that value; ByIndex and IndexKeys cost O(result). Two indexes
// are always present: NamespaceIndex (namespaced objects by namespace) and
// LabelIndex (objects by "key=value", one value per label). More can be given
// to NewIndexer or added at any time with AddIndexers, which builds them over
// the current content. Values no object has any more are removed, so memory
// follows the content.
//
// # Listing by label
//
//	lister := cache.NewLister(pods)
//	sel, _ := labels.Parse("app=web,tier!=db")
//	web := lister.Namespace("prod").List(sel)
//
// A selector with an equality requirement (=, ==, in) is served from the
// LabelIndex: the cost is the number of objects carrying the required label,
// not the size of the cache. Other selectors match every object of the cache
// or namespace. See Lister.
//
// # Sharing
//
// The cache does not copy. Every reader gets the very objects the informer
// stored: never modify an object obtained from the cache or given to it; copy
// it first (Unstructured.DeepCopy, or for a typed object a copy of the struct
// and of each map or slice to change). An Indexer may be used from any number of goroutines;
// Replace swaps the whole content atomically, so a reader sees the old
// content or the new one, never a mix.
//
// # Errors
//
// SplitKey reports ErrInvalidKey and AddIndexers ErrIndexExists (test with
// errors.Is). An IndexFunc error is a programming error: Add, Update, Delete
// and Replace panic with it, before changing anything.
package cache
