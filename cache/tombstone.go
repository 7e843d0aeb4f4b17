package cache

import "kctl.dev/kctl/api/meta"

// Tombstone is the last known state of an object whose delete was not
// observed: the watch broke, and a relist (Replace) no longer had the object.
// The informer hands it to OnDelete in place of the object. Key is the
// object's key; Obj is the state the cache last held, which may be stale
// (labels, spec and resourceVersion as of some earlier event). Like every
// object from the cache, Obj is shared: do not modify it.
type Tombstone[T meta.Object] struct {
	Key string
	Obj T
}
