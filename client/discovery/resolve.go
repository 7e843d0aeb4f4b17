package discovery

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/client"
)

// NoMatchError says that nothing the server serves matches what was asked.
type NoMatchError struct {
	// Resource is the resource type given to Resolve, without its group
	// ("foo" for "foo.example.com"), as kubectl names it.
	Resource string
	// GroupVersion and Kind are what was given to ResolveKind.
	GroupVersion string
	Kind         string
}

func (e *NoMatchError) Error() string {
	if e.Kind != "" || e.GroupVersion != "" {
		return fmt.Sprintf("no matches for kind %q in version %q", e.Kind, e.GroupVersion)
	}
	return fmt.Sprintf("the server doesn't have a resource type %q", e.Resource)
}

// IsNoMatch reports whether err, or an error it wraps, is a *NoMatchError.
func IsNoMatch(err error) bool {
	var e *NoMatchError
	return errors.As(err, &e)
}

// Resolve returns the resource arg names: a plural, singular or short name, or
// a kind (in any case), each optionally followed by ".GROUP" (or a prefix of
// the group) or ".VERSION.GROUP". See the package documentation for the order
// of preference. When nothing matches discovery read from disk, discovery is
// fetched again once. An unknown name is a *NoMatchError.
func (c *Cache) Resolve(ctx context.Context, arg string) (client.APIResource, error) {
	name, _, _ := strings.Cut(arg, ".")
	return c.lookup(ctx, func(s *snapshot) (client.APIResource, bool) { return s.resolve(arg) },
		&NoMatchError{Resource: name})
}

// ResolveKind returns the resource serving kind in groupVersion, a manifest's
// apiVersion ("v1", "apps/v1"). Kinds are matched exactly, else ignoring case.
// When nothing matches discovery read from disk, discovery is fetched again
// once. An unknown kind is a *NoMatchError worded as kubectl's: no matches for
// kind "Foo" in version "example.com/v1".
func (c *Cache) ResolveKind(ctx context.Context, groupVersion, kind string) (client.APIResource, error) {
	notFound := &NoMatchError{GroupVersion: groupVersion, Kind: kind}
	gv, ok := parseGroupVersion(groupVersion)
	if !ok || kind == "" {
		return client.APIResource{}, notFound
	}
	sc := scope{group: gv.group, version: gv.version}
	return c.lookup(ctx, func(s *snapshot) (client.APIResource, bool) {
		if r, ok := s.first(sc, func(r *meta.APIResource) bool { return r.Kind == kind }); ok {
			return r, true
		}
		return s.first(sc, func(r *meta.APIResource) bool { return strings.EqualFold(r.Kind, kind) })
	}, notFound)
}

// lookup runs find over discovery, fetching discovery again once when find
// fails on discovery this Cache did not fetch itself.
func (c *Cache) lookup(ctx context.Context, find func(*snapshot) (client.APIResource, bool), notFound error) (client.APIResource, error) {
	s, err := c.load(ctx)
	if err != nil {
		return client.APIResource{}, err
	}
	if r, ok := find(s); ok {
		return r, nil
	}
	s, fetched, err := c.refresh(ctx)
	if err != nil {
		return client.APIResource{}, err
	}
	if fetched {
		if r, ok := find(s); ok {
			return r, nil
		}
	}
	return client.APIResource{}, notFound
}

// Resources returns every resource the server serves (subresources left
// out), each group/resource once at its preferred version (else the first
// version serving it): what `kubectl api-resources` lists, in discovery order.
func (c *Cache) Resources(ctx context.Context) ([]client.APIResource, error) {
	s, err := c.load(ctx)
	if err != nil {
		return nil, err
	}
	var out []client.APIResource
	s.preferred(func(gv gvKey, r *meta.APIResource) { out = append(out, toClient(gv, r)) })
	return out, nil
}

// Category returns the resources in category name ("all" for `kubectl get
// all`), as Resources lists them. A category no resource declares gives none
// and no error: the caller then treats name as a resource type.
func (c *Cache) Category(ctx context.Context, name string) ([]client.APIResource, error) {
	s, err := c.load(ctx)
	if err != nil {
		return nil, err
	}
	var out []client.APIResource
	s.preferred(func(gv gvKey, r *meta.APIResource) {
		if slices.Contains(r.Categories, name) {
			out = append(out, toClient(gv, r))
		}
	})
	return out, nil
}

// GroupVersions returns the group/versions the server serves ("apps/v1",
// "v1"), sorted, as `kubectl api-versions` prints them.
func (c *Cache) GroupVersions(ctx context.Context) ([]string, error) {
	s, err := c.load(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(s.order))
	for _, gv := range s.order {
		out = append(out, gv.String())
	}
	sort.Strings(out)
	return out, nil
}

// preferred calls f for each top-level resource once per group/resource, at
// the first version in priority order that serves it.
func (s *snapshot) preferred(f func(gvKey, *meta.APIResource)) {
	type groupResource struct{ group, resource string }
	seen := map[groupResource]bool{}
	for _, gv := range s.order {
		rl := s.resources[gv]
		if rl == nil {
			continue
		}
		for i := range rl.APIResources {
			r := &rl.APIResources[i]
			gr := groupResource{gv.group, r.Name}
			if isSubresource(r) || seen[gr] {
				continue
			}
			seen[gr] = true
			f(gv, r)
		}
	}
}

// resolve finds arg as kubectl's resource builder does: as a resource
// (VERSION.GROUP-qualified, then GROUP-qualified), then as a kind, the same two
// ways.
func (s *snapshot) resolve(arg string) (client.APIResource, bool) {
	lower := strings.ToLower(arg)
	if lower == "" {
		return client.APIResource{}, false
	}
	name, group, _ := strings.Cut(lower, ".")
	partial := []scope{{anyGroup: true}}
	if group != "" {
		partial = []scope{{group: group}, {group: group, prefix: true}}
	}
	var full []scope
	var fullName string
	if strings.Count(lower, ".") >= 2 {
		p := strings.SplitN(lower, ".", 3)
		fullName = p[0]
		full = []scope{{group: p[2], version: p[1]}}
	}

	byName := func(name string, scopes []scope) (client.APIResource, bool) {
		for _, sc := range scopes {
			if r, ok := s.first(sc, func(r *meta.APIResource) bool { return r.Name == name || singular(r) == name }); ok {
				return r, true
			}
			if r, ok := s.first(sc, func(r *meta.APIResource) bool { return containsFold(r.ShortNames, name) }); ok {
				return r, true
			}
		}
		return client.APIResource{}, false
	}
	byKind := func(kind string, scopes []scope) (client.APIResource, bool) {
		for _, sc := range scopes {
			if r, ok := s.first(sc, func(r *meta.APIResource) bool { return strings.EqualFold(r.Kind, kind) }); ok {
				return r, true
			}
		}
		return client.APIResource{}, false
	}

	if full != nil {
		if r, ok := byName(fullName, full); ok {
			return r, true
		}
	}
	if r, ok := byName(name, partial); ok {
		return r, true
	}
	if full != nil {
		if r, ok := byKind(fullName, full); ok {
			return r, true
		}
	}
	return byKind(name, partial)
}

// scope restricts a lookup to some group/versions.
type scope struct {
	anyGroup bool
	group    string
	prefix   bool   // group is a prefix of the group's name ("app" for "apps")
	version  string // "" for any
}

func (sc scope) matches(gv gvKey) bool {
	if sc.version != "" && gv.version != sc.version {
		return false
	}
	switch {
	case sc.anyGroup:
		return true
	case sc.prefix:
		return strings.HasPrefix(gv.group, sc.group)
	}
	return gv.group == sc.group
}

// first returns the first top-level resource, in priority order, that sc
// allows and match accepts.
func (s *snapshot) first(sc scope, match func(*meta.APIResource) bool) (client.APIResource, bool) {
	for _, gv := range s.order {
		if !sc.matches(gv) {
			continue
		}
		rl := s.resources[gv]
		if rl == nil {
			continue
		}
		for i := range rl.APIResources {
			r := &rl.APIResources[i]
			if !isSubresource(r) && match(r) {
				return toClient(gv, r), true
			}
		}
	}
	return client.APIResource{}, false
}

func isSubresource(r *meta.APIResource) bool { return strings.Contains(r.Name, "/") }

// singular is the singular name of r; servers that do not send one get
// kubectl's guess, the lower-cased kind.
func singular(r *meta.APIResource) string {
	if r.SingularName != "" {
		return r.SingularName
	}
	return strings.ToLower(r.Kind)
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

func toClient(gv gvKey, r *meta.APIResource) client.APIResource {
	return client.APIResource{
		Group:      gv.group,
		Version:    gv.version,
		Resource:   r.Name,
		Kind:       r.Kind,
		Namespaced: r.Namespaced,
		ShortNames: slices.Clone(r.ShortNames),
		Verbs:      slices.Clone(r.Verbs),
		// What api-resources -o wide prints; documented on client.APIResource.
		SingularName: r.SingularName,
		Categories:   slices.Clone(r.Categories),
	}
}

// parseGroupVersion parses an apiVersion: "v1" is the core group.
func parseGroupVersion(s string) (gvKey, bool) {
	group, version, ok := strings.Cut(s, "/")
	if !ok {
		group, version = "", s
	}
	if version == "" || strings.Contains(version, "/") {
		return gvKey{}, false
	}
	return gvKey{group, version}, true
}
