package watchcache

import (
	"sync"

	"kctl.dev/kctl/server/registry"
	"kctl.dev/kctl/server/storage"
)

// Caches holds one Cache per kind over one storage backend, each started on
// first use.
type Caches struct {
	kv  storage.Interface
	cfg Config

	mu      sync.Mutex
	caches  map[*registry.Kind]*Cache
	stopped bool
}

// NewCaches returns the caches of kinds over kv, configured by cfg.
func NewCaches(kv storage.Interface, cfg Config) *Caches {
	return &Caches{kv: kv, cfg: cfg, caches: map[*registry.Kind]*Cache{}}
}

// For returns the cache of k, starting it if needed. After Stop it returns a
// stopped cache, whose reads fail with 503.
func (cs *Caches) For(k *registry.Kind) *Cache {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if c, ok := cs.caches[k]; ok {
		return c
	}
	c := New(k, cs.kv, cs.cfg)
	if cs.stopped {
		c.Stop()
	}
	cs.caches[k] = c
	return c
}

// Stop stops every cache and ends their watches.
func (cs *Caches) Stop() {
	cs.mu.Lock()
	cs.stopped = true
	all := make([]*Cache, 0, len(cs.caches))
	for _, c := range cs.caches {
		all = append(all, c)
	}
	cs.mu.Unlock()
	for _, c := range all {
		c.Stop()
	}
}

// Each calls fn for every started cache.
func (cs *Caches) Each(fn func(k *registry.Kind, c *Cache)) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for k, c := range cs.caches {
		fn(k, c)
	}
}
