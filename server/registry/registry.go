package registry

import (
	"fmt"
	"sort"
	"sync"
)

// Registry holds the registered kinds. It is safe for concurrent use; kinds may be
// added while the server runs (custom resources), and lookups see them at once.
type Registry struct {
	mu    sync.RWMutex
	kinds map[gvr]*Kind
	order []*Kind // registration order, for stable discovery documents
	gen   uint64  // bumped on every change (discovery ETags)
}

type gvr struct{ group, version, resource string }

// New returns an empty registry.
func New() *Registry {
	return &Registry{kinds: map[gvr]*Kind{}}
}

// Add registers k. Registering the same group/version/resource twice is an error.
func (r *Registry) Add(k *Kind) error {
	if k.Resource == "" || k.Kind == "" || k.Version == "" {
		return fmt.Errorf("registry: kind %q needs resource, kind and version", k.Kind)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	key := gvr{k.Group, k.Version, k.Resource}
	if _, ok := r.kinds[key]; ok {
		return fmt.Errorf("registry: %s/%s %s already registered", k.Group, k.Version, k.Resource)
	}
	r.kinds[key] = k
	r.order = append(r.order, k)
	r.gen++
	return nil
}

// MustAdd registers every kind and panics on error (for built-in registrations).
func (r *Registry) MustAdd(kinds ...*Kind) {
	for _, k := range kinds {
		if err := r.Add(k); err != nil {
			panic(err)
		}
	}
}

// Lookup returns the kind serving group/version/resource.
func (r *Registry) Lookup(group, version, resource string) (*Kind, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	k, ok := r.kinds[gvr{group, version, resource}]
	return k, ok
}

// Kinds returns all kinds in registration order.
func (r *Registry) Kinds() []*Kind {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return append([]*Kind(nil), r.order...)
}

// Generation changes whenever a kind is added.
func (r *Registry) Generation() uint64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.gen
}

// Groups returns the named groups (not the core group) in first-registration
// order, each with its versions in registration order.
func (r *Registry) Groups() []GroupVersions {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []GroupVersions
	idx := map[string]int{}
	for _, k := range r.order {
		if k.Group == "" {
			continue
		}
		i, ok := idx[k.Group]
		if !ok {
			i = len(out)
			idx[k.Group] = i
			out = append(out, GroupVersions{Group: k.Group})
		}
		if !contains(out[i].Versions, k.Version) {
			out[i].Versions = append(out[i].Versions, k.Version)
		}
	}
	return out
}

// GroupVersions is a named group and its versions, preferred first.
type GroupVersions struct {
	Group    string
	Versions []string
}

// Resources returns the kinds of one group/version sorted by resource name.
func (r *Registry) Resources(group, version string) []*Kind {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []*Kind
	for _, k := range r.order {
		if k.Group == group && k.Version == version {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Resource < out[j].Resource })
	return out
}

func contains(l []string, s string) bool {
	for _, e := range l {
		if e == s {
			return true
		}
	}
	return false
}
