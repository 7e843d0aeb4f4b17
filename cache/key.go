package cache

import (
	"errors"
	"fmt"
	"strings"

	"kctl.dev/kctl/api/meta"
)

// ErrInvalidKey is the error SplitKey gives for a string that is not a key.
var ErrInvalidKey = errors.New("cache: invalid key")

// KeyOf returns the key under which the cache holds obj: "namespace/name", or
// "name" for a cluster-scoped object (empty namespace).
func KeyOf(obj meta.Object) string {
	ns := obj.GetNamespace()
	if ns == "" {
		return obj.GetName()
	}
	return ns + "/" + obj.GetName()
}

// SplitKey is the inverse of KeyOf: "ns/name" gives ("ns", "name") and "name"
// gives ("", "name"). A key with an empty part or more than one "/" is an
// error wrapping ErrInvalidKey.
func SplitKey(key string) (namespace, name string, err error) {
	ns, name, found := strings.Cut(key, "/")
	if !found {
		ns, name = "", key
	}
	if name == "" || (found && ns == "") || strings.Contains(name, "/") {
		return "", "", fmt.Errorf("%w: %q", ErrInvalidKey, key)
	}
	return ns, name, nil
}

// inNamespace reports whether key, a key made by KeyOf, belongs to namespace
// ns (non-empty).
func inNamespace(key, ns string) bool {
	return len(key) > len(ns) && key[len(ns)] == '/' && key[:len(ns)] == ns
}
