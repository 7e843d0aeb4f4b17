package cache

import (
	"errors"
	"testing"

	"kctl.dev/kctl/api/corev1"
)

func TestKeyOfSplitKeyRoundTrip(t *testing.T) {
	for _, tc := range []struct{ ns, name, key string }{
		{"default", "web-0", "default/web-0"},
		{"", "node-1", "node-1"},
		{"kube-system", "a.b-c", "kube-system/a.b-c"},
	} {
		p := &corev1.Pod{}
		p.Namespace, p.Name = tc.ns, tc.name
		if got := KeyOf(p); got != tc.key {
			t.Errorf("KeyOf(%q, %q) = %q, want %q", tc.ns, tc.name, got, tc.key)
		}
		u := unstructuredKind.mk(tc.ns, tc.name, "", nil, "")
		if got := KeyOf(u); got != tc.key {
			t.Errorf("KeyOf(unstructured %q, %q) = %q, want %q", tc.ns, tc.name, got, tc.key)
		}
		ns, name, err := SplitKey(tc.key)
		if err != nil || ns != tc.ns || name != tc.name {
			t.Errorf("SplitKey(%q) = %q, %q, %v; want %q, %q", tc.key, ns, name, err, tc.ns, tc.name)
		}
	}
}

func TestSplitKeyRejectsNonKeys(t *testing.T) {
	for _, key := range []string{"", "/", "/a", "a/", "a/b/c", "a//b"} {
		if ns, name, err := SplitKey(key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("SplitKey(%q) = %q, %q, %v; want ErrInvalidKey", key, ns, name, err)
		}
	}
}

func TestInNamespace(t *testing.T) {
	for _, tc := range []struct {
		key, ns string
		want    bool
	}{
		{"a/x", "a", true},
		{"ab/x", "a", false},
		{"a", "a", false},
		{"b/x", "a", false},
	} {
		if got := inNamespace(tc.key, tc.ns); got != tc.want {
			t.Errorf("inNamespace(%q, %q) = %v", tc.key, tc.ns, got)
		}
	}
}
