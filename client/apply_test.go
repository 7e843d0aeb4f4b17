package client

import (
	"strings"
	"testing"

	"kctl.dev/kctl/api/corev1"
	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
)

func newConfigMap(name string, data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		TypeMeta:   meta.TypeMeta{Kind: "ConfigMap", APIVersion: "v1"},
		ObjectMeta: meta.ObjectMeta{Name: name},
		Data:       data,
	}
}

// TestApplyOutcomes walks one object through a sequence of applies, each
// checked for its outcome and for what the server then holds.
func TestApplyOutcomes(t *testing.T) {
	c, _ := startClient(t)
	ctx := t.Context()
	cms := NewResource[*corev1.ConfigMap](c, configMapsGVR, true)

	steps := []struct {
		name     string
		data     map[string]string
		opts     ApplyOptions
		want     ApplyOutcome
		wantData string // the value of key "a" stored afterwards; "" when absent
	}{
		{"dry run of a new object", map[string]string{"a": "0"}, ApplyOptions{FieldManager: "m", DryRun: true, Compare: true}, ApplyCreated, ""},
		{"create", map[string]string{"a": "1"}, ApplyOptions{FieldManager: "m", Compare: true}, ApplyCreated, "1"},
		{"same again", map[string]string{"a": "1"}, ApplyOptions{FieldManager: "m", Compare: true}, ApplyUnchanged, "1"},
		{"dry run, same", map[string]string{"a": "1"}, ApplyOptions{FieldManager: "m", Compare: true, DryRun: true}, ApplyUnchanged, "1"},
		{"dry run, changed", map[string]string{"a": "2"}, ApplyOptions{FieldManager: "m", Compare: true, DryRun: true}, ApplyConfigured, "1"},
		{"changed", map[string]string{"a": "2"}, ApplyOptions{FieldManager: "m", Compare: true}, ApplyConfigured, "2"},
		{"without compare", map[string]string{"a": "2"}, ApplyOptions{FieldManager: "m"}, ApplyConfigured, "2"},
		{"strict validation", map[string]string{"a": "3"}, ApplyOptions{FieldManager: "m", Compare: true, FieldValidation: FieldValidationStrict}, ApplyConfigured, "3"},
	}
	for _, st := range steps {
		res, err := cms.Apply(ctx, newConfigMap("cfg", st.data), st.opts)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if res.Outcome != st.want {
			t.Errorf("%s: outcome %q, want %q", st.name, res.Outcome, st.want)
		}
		if res.Object.Data["a"] != st.data["a"] {
			t.Errorf("%s: answered data %v, want %v", st.name, res.Object.Data, st.data)
		}
		got, err := cms.Get(ctx, "cfg")
		switch {
		case st.wantData == "" && !apierrors.IsNotFound(err):
			t.Errorf("%s: get: %v, want NotFound", st.name, err)
		case st.wantData != "" && err != nil:
			t.Errorf("%s: get: %v", st.name, err)
		case st.wantData != "" && got.Data["a"] != st.wantData:
			t.Errorf("%s: stored %v, want a=%s", st.name, got.Data, st.wantData)
		}
	}
}

func TestApplyConflictAndForce(t *testing.T) {
	c, _ := startClient(t)
	ctx := t.Context()
	cms := Dynamic(c, configMapsGVR, true)
	body := func(v string) []byte {
		return []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  key: \"" + v + "\"\n")
	}
	if _, err := cms.ApplyPatch(ctx, "shared", body("one"), ApplyOptions{FieldManager: "alice"}); err != nil {
		t.Fatal(err)
	}
	_, err := cms.ApplyPatch(ctx, "shared", body("two"), ApplyOptions{FieldManager: "bob"})
	if !apierrors.IsConflict(err) || !IsApplyConflict(err) {
		t.Fatalf("apply by another manager: %v, want an apply conflict", err)
	}
	if !strings.Contains(err.Error(), `conflict with "alice"`) || !strings.Contains(err.Error(), ".data.key") {
		t.Errorf("conflict message %q does not name the manager and field", err)
	}
	res, err := cms.ApplyPatch(ctx, "shared", body("two"), ApplyOptions{FieldManager: "bob", Force: true, Compare: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != ApplyConfigured {
		t.Errorf("forced apply: outcome %q", res.Outcome)
	}
	got, err := cms.Get(ctx, "shared")
	if err != nil {
		t.Fatal(err)
	}
	if v := unstructured.NestedString(got.Object, "data", "key"); v != "two" {
		t.Errorf("data.key = %q after forced apply", v)
	}
	var managers []string
	for _, e := range unstructured.NestedSlice(got.Object, "metadata", "managedFields") {
		m, _ := e.(map[string]any)
		managers = append(managers, m["manager"].(string))
	}
	if strings.Join(managers, ",") != "bob" {
		t.Errorf("managers %v, want bob alone (alice lost data.key)", managers)
	}
}

func TestApplyErrors(t *testing.T) {
	c, _ := startClient(t)
	ctx := t.Context()
	cms := NewResource[*corev1.ConfigMap](c, configMapsGVR, true)
	tests := []struct {
		name  string
		apply func() error
		check func(error) bool
	}{
		{"no field manager", func() error {
			_, err := cms.Apply(ctx, newConfigMap("x", nil), ApplyOptions{})
			return err
		}, func(err error) bool { return err != nil && strings.Contains(err.Error(), "field manager") }},
		{"no name", func() error {
			_, err := cms.Apply(ctx, newConfigMap("", nil), ApplyOptions{FieldManager: "m"})
			return err
		}, func(err error) bool { return err != nil && strings.Contains(err.Error(), "without a name") }},
		{"unknown field, strict", func() error {
			_, err := Dynamic(c, configMapsGVR, true).ApplyPatch(ctx, "x",
				[]byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"bogus":1}`),
				ApplyOptions{FieldManager: "m", FieldValidation: FieldValidationStrict})
			return err
		}, apierrors.IsBadRequest},
		{"cluster namespace required", func() error {
			_, err := cms.Namespace("").Apply(ctx, newConfigMap("x", nil), ApplyOptions{FieldManager: "m"})
			return err
		}, func(err error) bool { return err != nil && strings.Contains(err.Error(), "namespace is required") }},
	}
	for _, tt := range tests {
		if err := tt.apply(); !tt.check(err) {
			t.Errorf("%s: unexpected error %v", tt.name, err)
		}
	}
	if IsApplyConflict(apierrors.NewConflict("", "configmaps", "x", "stale")) {
		t.Error("a stale resourceVersion conflict counted as an apply conflict")
	}
}

func TestCreateWithOptions(t *testing.T) {
	c, _ := startClient(t)
	ctx := t.Context()
	cms := Dynamic(c, configMapsGVR, true)
	bogus := func(name string) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": name}, "bogus": "x",
		}}
	}
	_, err := cms.CreateWithOptions(ctx, bogus("strict"), CreateOptions{FieldValidation: FieldValidationStrict})
	if !apierrors.IsBadRequest(err) || !strings.Contains(err.Error(), `unknown field "bogus"`) {
		t.Errorf("strict create: %v, want BadRequest naming the field", err)
	}
	if _, err := cms.CreateWithOptions(ctx, bogus("dry"), CreateOptions{WriteOptions: WriteOptions{DryRun: true}, FieldValidation: FieldValidationIgnore}); err != nil {
		t.Fatal(err)
	}
	if _, err := cms.Get(ctx, "dry"); !apierrors.IsNotFound(err) {
		t.Errorf("dry-run create stored the object: %v", err)
	}
	got, err := cms.CreateWithOptions(ctx, bogus("ignore"), CreateOptions{WriteOptions: WriteOptions{FieldManager: "creator"}, FieldValidation: FieldValidationIgnore})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.Object["bogus"]; ok || got.Namespace() != "default" {
		t.Errorf("created %v", got.Object)
	}
}
