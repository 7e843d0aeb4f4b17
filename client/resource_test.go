package client

import (
	"fmt"
	"testing"

	"kctl.dev/kctl/api/corev1"
	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/server/fake"
)

var (
	podsGVR       = GVR{Version: "v1", Resource: "pods"}
	configMapsGVR = GVR{Version: "v1", Resource: "configmaps"}
	nodesGVR      = GVR{Version: "v1", Resource: "nodes"}
)

// startClient starts a fake server and a client of it through a kubeconfig.
func startClient(t *testing.T) (*Client, *fake.Server) {
	t.Helper()
	srv := fake.Start(t)
	path := t.TempDir() + "/config"
	if err := srv.WriteKubeconfig(path); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(LoadOptions{Kubeconfig: path})
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c, srv
}

func newPod(name string, labels map[string]string) *corev1.Pod {
	return &corev1.Pod{
		TypeMeta:   meta.TypeMeta{Kind: "Pod", APIVersion: "v1"},
		ObjectMeta: meta.ObjectMeta{Name: name, Labels: labels},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx:1.27"}}},
	}
}

func TestPodCRUD(t *testing.T) {
	c, _ := startClient(t)
	ctx := t.Context()
	pods := NewResource[*corev1.Pod](c, podsGVR, true)

	created, err := pods.Create(ctx, newPod("web", map[string]string{"app": "web"}), WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if created.Namespace != "default" || created.UID == "" || created.ResourceVersion == "" {
		t.Fatalf("created = %+v", created.ObjectMeta)
	}
	if _, err := pods.Create(ctx, newPod("web", nil), WriteOptions{}); !apierrors.IsAlreadyExists(err) {
		t.Errorf("second create: %v, want AlreadyExists", err)
	}
	got, err := pods.Get(ctx, "web")
	if err != nil || got.UID != created.UID {
		t.Fatalf("get: %v %+v", err, got)
	}
	if _, err := pods.Get(ctx, "absent"); !apierrors.IsNotFound(err) {
		t.Errorf("get absent: %v, want NotFound", err)
	}

	got.Labels["tier"] = "front"
	updated, err := pods.Update(ctx, got, WriteOptions{FieldManager: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if updated.Labels["tier"] != "front" || updated.ResourceVersion == got.ResourceVersion {
		t.Errorf("updated = %+v", updated.ObjectMeta)
	}
	// got still carries the old resourceVersion.
	if _, err := pods.Update(ctx, got, WriteOptions{}); !apierrors.IsConflict(err) {
		t.Errorf("stale update: %v, want Conflict", err)
	}

	updated.Status.Phase = corev1.PodRunning
	st, err := pods.UpdateStatus(ctx, updated, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Status.Phase != corev1.PodRunning {
		t.Errorf("status phase = %q", st.Status.Phase)
	}

	patched, err := pods.Patch(ctx, "web", MergePatch, []byte(`{"metadata":{"annotations":{"a":"b"}}}`), WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if patched.Annotations["a"] != "b" {
		t.Errorf("patched annotations = %v", patched.Annotations)
	}
	if _, err := pods.Patch(ctx, "web", JSONPatch, []byte(`[{"op":"replace","path":"/metadata/labels/app","value":"api"}]`), WriteOptions{DryRun: true}); err != nil {
		t.Errorf("dry-run json patch: %v", err)
	}
	if got, _ := pods.Get(ctx, "web"); got.Labels["app"] != "web" {
		t.Errorf("dry run changed the pod: %v", got.Labels)
	}

	bad := newPod("bad", nil)
	bad.Spec.Containers = nil
	if _, err := pods.Create(ctx, bad, WriteOptions{}); !apierrors.IsInvalid(err) {
		t.Errorf("invalid pod: %v, want Invalid", err)
	}

	zero := int64(0)
	if err := pods.Delete(ctx, "web", meta.DeleteOptions{GracePeriodSeconds: &zero}); err != nil {
		t.Fatal(err)
	}
	if _, err := pods.Get(ctx, "web"); !apierrors.IsNotFound(err) {
		t.Errorf("get after delete: %v", err)
	}
	if err := pods.Delete(ctx, "web", meta.DeleteOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("second delete: %v, want NotFound", err)
	}
}

func TestConfigMapInOtherNamespaceAndDeleteCollection(t *testing.T) {
	c, _ := startClient(t)
	ctx := t.Context()
	cms := NewResource[*corev1.ConfigMap](c, configMapsGVR, true).Namespace("kube-system")
	for i := range 3 {
		cm := &corev1.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: fmt.Sprintf("cm-%d", i), Labels: map[string]string{"i": fmt.Sprint(i % 2)}}, Data: map[string]string{"k": "v"}}
		if _, err := cms.Create(ctx, cm, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// Namespace("") with the object's namespace.
	all := cms.Namespace("")
	cm, err := all.Create(ctx, &corev1.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "x", Namespace: "default"}}, WriteOptions{})
	if err != nil || cm.Namespace != "default" {
		t.Fatalf("create via object namespace: %v %+v", err, cm)
	}
	if _, err := all.Get(ctx, "x"); err == nil {
		t.Error("Get without a namespace: no error")
	}
	l, err := all.List(ctx, ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, it := range l.Items {
		names[it.Namespace+"/"+it.Name] = true
	}
	if !names["kube-system/cm-0"] || !names["default/x"] {
		t.Errorf("all-namespace list: %v", names)
	}
	if err := cms.DeleteCollection(ctx, meta.DeleteOptions{}, ListOptions{LabelSelector: "i=0"}); err != nil {
		t.Fatal(err)
	}
	l, err = cms.List(ctx, ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, it := range l.Items {
		if it.Labels["i"] != "" {
			left = append(left, it.Name)
		}
	}
	if len(left) != 1 || left[0] != "cm-1" {
		t.Errorf("left after DeleteCollection i=0: %v", left)
	}
}

func TestNodeClusterScoped(t *testing.T) {
	c, _ := startClient(t)
	ctx := t.Context()
	nodes := NewResource[*corev1.Node](c, nodesGVR, false).Namespace("ignored")
	n, err := nodes.Create(ctx, &corev1.Node{ObjectMeta: meta.ObjectMeta{Name: "n1"}}, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n.Namespace != "" || n.UID == "" {
		t.Errorf("node = %+v", n.ObjectMeta)
	}
	if _, err := nodes.Get(ctx, "n1"); err != nil {
		t.Fatal(err)
	}
	l, err := nodes.List(ctx, ListOptions{})
	if err != nil || len(l.Items) != 1 {
		t.Fatalf("list: %v %v", err, l)
	}
	if err := nodes.Delete(ctx, "n1", meta.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
}

func TestListSelectorsAndPages(t *testing.T) {
	c, _ := startClient(t)
	ctx := t.Context()
	pods := NewResource[*corev1.Pod](c, podsGVR, true)
	for i := range 5 {
		tier := "back"
		if i%2 == 0 {
			tier = "front"
		}
		if _, err := pods.Create(ctx, newPod(fmt.Sprintf("p%d", i), map[string]string{"tier": tier}), WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	l, err := pods.List(ctx, ListOptions{LabelSelector: "tier=front"})
	if err != nil || len(l.Items) != 3 {
		t.Fatalf("label selector: %v, %d items", err, len(l.Items))
	}
	l, err = pods.List(ctx, ListOptions{FieldSelector: "metadata.name=p1"})
	if err != nil || len(l.Items) != 1 || l.Items[0].Name != "p1" {
		t.Fatalf("field selector: %v %v", err, l)
	}
	if _, err := pods.List(ctx, ListOptions{FieldSelector: "spec.bogus=1"}); !apierrors.IsBadRequest(err) {
		t.Errorf("bad field selector: %v, want BadRequest", err)
	}
	var names []string
	opts := ListOptions{Limit: 2}
	pages := 0
	for {
		page, err := pods.List(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(page.Items) > 2 {
			t.Fatalf("page of %d items", len(page.Items))
		}
		for _, p := range page.Items {
			names = append(names, p.Name)
		}
		if page.Continue == "" {
			break
		}
		opts.Continue = page.Continue
	}
	if pages != 3 || fmt.Sprint(names) != "[p0 p1 p2 p3 p4]" {
		t.Errorf("pages = %d, names = %v", pages, names)
	}
}
