package fieldmanager

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/schema"
	"kctl.dev/kctl/api/unstructured"
)

func mustDecode(t testing.TB, s string) map[string]any {
	t.Helper()
	m, err := unstructured.DecodeMap([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var podSchema = schema.Of[corev1.Pod]()

const podConfig = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default","labels":{"app":"web"}},
	"spec":{"containers":[{"name":"web","image":"nginx:1.27","ports":[{"containerPort":80}]}]}}`

func TestApplySharesNothing(t *testing.T) {
	req := Request{Manager: "kubectl", APIVersion: "v1", Time: time.Now()}
	applied := mustDecode(t, podConfig)
	live, err := Apply(nil, applied, podSchema, req, false)
	if err != nil {
		t.Fatal(err)
	}
	liveJSON, appliedJSON := canonicalJSON(live), canonicalJSON(applied)

	applied2 := mustDecode(t, strings.Replace(podConfig, "nginx:1.27", "nginx:1.28", 1))
	out, err := Apply(live, applied2, podSchema, req, false)
	if err != nil {
		t.Fatal(err)
	}
	// Scribble over the result: neither input may change.
	unstructured.NestedMap(out, "metadata")["labels"].(map[string]any)["app"] = "changed"
	out["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)["ports"].([]any)[0].(map[string]any)["containerPort"] = "x"
	if canonicalJSON(live) != liveJSON {
		t.Error("changing the result changed live")
	}
	if canonicalJSON(applied) != appliedJSON {
		t.Error("Apply changed the applied configuration")
	}
}

func TestApplyNeedsAManager(t *testing.T) {
	_, err := Apply(nil, mustDecode(t, podConfig), podSchema, Request{APIVersion: "v1"}, false)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want an *Error", err)
	}
}

func TestConflictMessages(t *testing.T) {
	c := &Conflicts{Items: []Conflict{{Manager: "kubelet", Operation: OperationUpdate, APIVersion: "v1", Subresource: "status", Field: ".status.phase"}}}
	if got, want := c.Error(), `Apply failed with 1 conflict: conflict with "kubelet" with subresource "status" using v1: .status.phase`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got, want := c.Items[0].Message(), `conflict with "kubelet" with subresource "status" using v1`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	c.Items = append(c.Items, Conflict{Manager: "helm", Operation: OperationApply, APIVersion: "v1", Field: ".spec.replicas"})
	want := "Apply failed with 2 conflicts: conflicts with \"helm\":\n- .spec.replicas\n" +
		"conflicts with \"kubelet\" with subresource \"status\" using v1:\n- .status.phase"
	if got := c.Error(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestUpdateWithoutObject(t *testing.T) {
	if _, err := Update(nil, nil, podSchema, Request{Manager: "m"}); err == nil {
		t.Error("Update(nil, nil) succeeded")
	}
}

func TestUpdateUnknownManager(t *testing.T) {
	out, err := Update(nil, mustDecode(t, podConfig), podSchema, Request{APIVersion: "v1", Time: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	mf := unstructured.NestedMap(out, "metadata")["managedFields"].([]any)
	if m := mf[0].(map[string]any)["manager"]; m != "unknown" {
		t.Errorf("manager %v, want unknown", m)
	}
}

func TestApplyBadManagedFields(t *testing.T) {
	live := mustDecode(t, `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","managedFields":[{"manager":"x","operation":"Patch","apiVersion":"v1","fieldsType":"FieldsV1"}]}}`)
	_, err := Apply(live, mustDecode(t, podConfig), podSchema, Request{Manager: "kubectl", APIVersion: "v1"}, false)
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), "failed to decode managed fields") {
		t.Errorf("got %v, want a decoding *Error", err)
	}
	// An update falls back to none.
	out, err := Update(live, mustDecode(t, podConfig), podSchema, Request{Manager: "m", APIVersion: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	if mf := unstructured.NestedMap(out, "metadata")["managedFields"].([]any); len(mf) != 1 {
		t.Errorf("managedFields %v, want the update's entry", mf)
	}
}

func TestConcurrentWrites(t *testing.T) {
	req := Request{Manager: "kubectl", APIVersion: "v1", ResetFields: []string{"status"}, Time: time.Now()}
	live, err := Apply(nil, mustDecode(t, podConfig), podSchema, req, false)
	if err != nil {
		t.Fatal(err)
	}
	configs := []map[string]any{
		mustDecode(t, podConfig),
		mustDecode(t, strings.Replace(podConfig, "nginx:1.27", "nginx:1.28", 1)),
		mustDecode(t, strings.Replace(podConfig, `"labels":{"app":"web"}`, `"labels":{"app":"web","x":"y"}`, 1)),
	}
	done := make(chan error)
	for i := range 12 {
		go func() {
			cfg := configs[i%len(configs)]
			r := req
			r.Manager = "m" + strings.Repeat("x", i%4)
			out, err := Apply(live, cfg, podSchema, r, true)
			if err == nil {
				_, err = Update(live, out, podSchema, Request{Manager: "editor", APIVersion: "v1"})
			}
			done <- err
		}()
	}
	for range 12 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestLongList merges and prunes a list longer than the short-list fast
// path, as Kubernetes orders it: live elements keep their place, the
// configuration's follow its order.
func TestLongList(t *testing.T) {
	env := func(names ...string) string {
		var parts []string
		for _, n := range names {
			parts = append(parts, `{"name":"`+n+`","value":"v"}`)
		}
		return `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i","env":[` + strings.Join(parts, ",") + `]}]}}`
	}
	var all []string
	for i := range 20 {
		all = append(all, fmt.Sprintf("e%02d", i))
	}
	req := Request{APIVersion: "v1", Time: time.Now()}
	a, u := req, req
	a.Manager, u.Manager = "a", "u"
	live, err := Apply(nil, mustDecode(t, env(all...)), podSchema, a, false)
	if err != nil {
		t.Fatal(err)
	}
	if live, err = Update(live, mustDecode(t, env(append(all, "zz")...)), podSchema, u); err != nil {
		t.Fatal(err)
	}
	if live, err = Apply(live, mustDecode(t, env(append(append([]string{"e19"}, all[:10]...), "new")...)), podSchema, a, false); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range live["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)["env"].([]any) {
		got = append(got, e.(map[string]any)["name"].(string))
	}
	want := "e19 zz e00 e01 e02 e03 e04 e05 e06 e07 e08 e09 new"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
	dup := env(append(all, "e03")...)
	if _, err := Apply(live, mustDecode(t, dup), podSchema, a, false); err == nil || !strings.Contains(err.Error(), `duplicate entries for key [name="e03"]`) {
		t.Errorf("got %v, want a duplicate error", err)
	}
}
