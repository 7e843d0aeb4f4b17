package rest

import (
	"strings"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/server/registry"
)

// target is what a request path addresses.
type target struct {
	kind        *registry.Kind
	namespace   string
	name        string
	subresource string
}

// resolve maps a resource path onto the registry. ok is false when the path is
// not a resource path at all (the caller answers 404).
func resolve(reg *registry.Registry, path string) (target, error) {
	var t target
	segs := strings.Split(strings.Trim(path, "/"), "/")
	var group, version string
	switch {
	case len(segs) >= 3 && segs[0] == "api":
		group, version, segs = "", segs[1], segs[2:]
	case len(segs) >= 4 && segs[0] == "apis":
		group, version, segs = segs[1], segs[2], segs[3:]
	default:
		return t, notFoundPath()
	}
	for _, s := range segs {
		if s == "" {
			return t, notFoundPath()
		}
	}
	if segs[0] == "namespaces" && len(segs) >= 3 {
		nsKind, _ := reg.Lookup("", "v1", "namespaces")
		isNamespaceSub := group == "" && len(segs) == 3 && nsKind != nil && nsKind.Subresource(segs[2]) != nil
		if !isNamespaceSub {
			t.namespace = segs[1]
			segs = segs[2:]
		}
	}
	k, ok := reg.Lookup(group, version, segs[0])
	if !ok {
		return t, notFoundPath()
	}
	t.kind = k
	if len(segs) > 1 {
		t.name = segs[1]
	}
	if len(segs) > 2 {
		t.subresource = segs[2]
	}
	if len(segs) > 3 {
		return t, notFoundPath()
	}
	if !k.Namespaced && t.namespace != "" {
		return t, notFoundPath()
	}
	if k.Namespaced && t.namespace == "" && t.name != "" {
		return t, notFoundPath()
	}
	if t.subresource != "" && k.Subresource(t.subresource) == nil {
		return t, notFoundPath()
	}
	return t, nil
}

func notFoundPath() error {
	e := apierrors.New(404, "NotFound", "the server could not find the requested resource")
	return e
}
