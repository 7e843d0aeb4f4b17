package client

import (
	"errors"
	"testing"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
)

func TestDiscoverAndDynamic(t *testing.T) {
	c, _ := startClient(t)
	ctx := t.Context()
	resources, err := c.Discover(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var lease, pods *APIResource
	for i, r := range resources {
		switch {
		case r.Group == "coordination.k8s.io" && r.Resource == "leases":
			lease = &resources[i]
		case r.Group == "" && r.Resource == "pods":
			pods = &resources[i]
		}
	}
	if pods == nil || !pods.Namespaced || pods.Kind != "Pod" || len(pods.ShortNames) == 0 {
		t.Fatalf("pods in discovery: %+v", pods)
	}
	if lease == nil || !lease.Namespaced || lease.Kind != "Lease" || lease.Version == "" {
		t.Fatalf("leases in discovery: %+v", lease)
	}

	leases := Dynamic(c, lease.GVR(), lease.Namespaced)
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": lease.Group + "/" + lease.Version,
		"kind":       lease.Kind,
		"metadata":   map[string]any{"name": "holder"},
		"spec":       map[string]any{"holderIdentity": "me", "leaseDurationSeconds": 15},
	}}
	created, err := leases.Create(ctx, obj, WriteOptions{FieldManager: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if created.GetNamespace() != "default" || created.GetUID() == "" {
		t.Fatalf("created = %v", created.Object)
	}
	if got := unstructured.NestedString(created.Object, "spec", "holderIdentity"); got != "me" {
		t.Errorf("holderIdentity = %q", got)
	}
	patched, err := leases.Patch(ctx, "holder", MergePatch, []byte(`{"spec":{"holderIdentity":"you"}}`), WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := unstructured.NestedString(patched.Object, "spec", "holderIdentity"); got != "you" {
		t.Errorf("patched holderIdentity = %q", got)
	}
	l, err := leases.List(ctx, ListOptions{})
	if err != nil || len(l.Items) != 1 || l.Items[0].GetName() != "holder" {
		t.Fatalf("list: %v %+v", err, l)
	}
	if _, err := leases.Create(ctx, obj, WriteOptions{}); !apierrors.IsAlreadyExists(err) {
		t.Errorf("duplicate: %v", err)
	}
	if err := leases.Delete(ctx, "holder", meta.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = leases.Get(ctx, "holder")
	var se *apierrors.StatusError
	if !apierrors.IsNotFound(err) || !errors.As(err, &se) || se.Status.Details == nil {
		t.Errorf("get after delete: %#v", err)
	}
}
