package schema

import (
	"testing"

	"kctl.dev/kctl/api/corev1"
)

func TestMarkersNameRealFields(t *testing.T) {
	for k := range fieldMarkers {
		if _, ok := k.typ.FieldByName(k.field); !ok {
			t.Errorf("marker for %v.%s: no such field", k.typ, k.field)
		}
	}
}

func TestPodSchema(t *testing.T) {
	pod := Of[corev1.Pod]()
	if pod.Name != "io.k8s.api.core.v1.Pod" {
		t.Fatalf("name %q", pod.Name)
	}
	spec, ok := pod.Property("spec")
	if !ok {
		t.Fatal("no spec")
	}
	containers, _ := spec.Property("containers")
	if containers.Type != Array || containers.PatchMergeKey != "name" || containers.ListType != ListMap {
		t.Fatalf("containers: %+v", containers)
	}
	if _, ok := spec.Property("noSuchField"); ok {
		t.Fatal("unknown field found")
	}
	c := containers.Elem()
	ports, _ := c.Property("ports")
	if got := ports.Keys(); len(got) != 2 || got[0] != "containerPort" {
		t.Fatalf("ports keys %v", got)
	}
	meta, _ := pod.Property("metadata")
	labels, _ := meta.Property("labels")
	if labels.Type != Map || labels.Items.Type != String {
		t.Fatalf("labels %+v", labels)
	}
	if v, _ := labels.Property("anything"); v.Type != String {
		t.Fatalf("label value %+v", v)
	}
	// The shared Container schema has no markers; only the field's copy has.
	if c.PatchMergeKey != "" {
		t.Fatal("markers leaked into the element schema")
	}
}
