package strategicpatch

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"kctl.dev/kctl/api/appsv1"
	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/schema"
	"kctl.dev/kctl/api/unstructured"
)

// schemas are the kinds fixtures name.
var schemas = map[string]*schema.Schema{
	"Pod":        schema.Of[corev1.Pod](),
	"Deployment": schema.Of[appsv1.Deployment](),
	"Service":    schema.Of[corev1.Service](),
	"Node":       schema.Of[corev1.Node](),
	"FreeForm":   schema.FreeForm(),
}

// fixture is a testdata file: cases of one kind (a case may name another).
type fixture struct {
	Kind  string `json:"kind"`
	Cases []struct {
		Name          string          `json:"name"`
		Kind          string          `json:"kind"`
		Original      json.RawMessage `json:"original"`
		Patch         json.RawMessage `json:"patch"`
		Expected      json.RawMessage `json:"expected"`
		ExpectedError string          `json:"expectedError"`
		Note          string          `json:"note"` // why the case is as it is
	} `json:"cases"`
}

func TestFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var fx fixture
			if err := yaml.UnmarshalStrict(data, &fx); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			for _, c := range fx.Cases {
				t.Run(c.Name, func(t *testing.T) {
					kind := c.Kind
					if kind == "" {
						kind = fx.Kind
					}
					s, ok := schemas[kind]
					if !ok {
						t.Fatalf("unknown kind %q", kind)
					}
					if (c.Expected == nil) == (c.ExpectedError == "") {
						t.Fatal("a case needs expected or expectedError")
					}
					check(t, decode(t, c.Original), decode(t, c.Patch), s, c.Expected, c.ExpectedError)
				})
			}
		})
	}
}

// check applies patch to original and compares the outcome with expected
// (JSON) or wantErr (a substring of the *Error).
func check(t *testing.T, original, patch map[string]any, s *schema.Schema, expected json.RawMessage, wantErr string) {
	t.Helper()
	origBefore, patchBefore := encode(t, original), encode(t, patch)
	got, err := Apply(original, patch, s)
	if encode(t, original) != origBefore {
		t.Errorf("original changed:\nbefore %s\nafter  %s", origBefore, encode(t, original))
	}
	if encode(t, patch) != patchBefore {
		t.Errorf("patch changed:\nbefore %s\nafter  %s", patchBefore, encode(t, patch))
	}
	if wantErr != "" {
		var perr *Error
		if !errors.As(err, &perr) {
			t.Fatalf("got %v (%T), want an *Error containing %q", err, err, wantErr)
		}
		if !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("error %q, want it to contain %q", err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if g, w := encode(t, got), encode(t, decode(t, expected)); g != w {
		t.Fatalf("result\n got  %s\n want %s", g, w)
	}
	if k := directiveIn(got); k != "" {
		t.Errorf("result holds directive %q", k)
	}
	// The result shares nothing with the original: changing it everywhere
	// leaves the original as it was.
	scribble(got)
	if encode(t, original) != origBefore {
		t.Errorf("the result shares values with the original")
	}
}

func TestApplyNilArguments(t *testing.T) {
	got, err := Apply(nil, map[string]any{"a": json.Number("1")}, nil)
	if err != nil || encode(t, got) != `{"a":1}` {
		t.Fatalf("Apply(nil, {a:1}, nil) = %v, %v", got, err)
	}
}

func TestErrorPath(t *testing.T) {
	_, err := Apply(map[string]any{}, decode(t, []byte(`{"spec":{"containers":[{"name":"a"},{"image":"b"}]}}`)), schemas["Pod"])
	var perr *Error
	if !errors.As(err, &perr) {
		t.Fatalf("got %v, want an *Error", err)
	}
	if perr.Path != "spec.containers[1]" || perr.Message != `missing merge key "name"` {
		t.Fatalf("got Path %q Message %q", perr.Path, perr.Message)
	}
	if err.Error() != `spec.containers[1]: missing merge key "name"` {
		t.Fatalf("got %q", err)
	}
	wrapped := fmt.Errorf("patching: %w", err)
	if !errors.As(wrapped, &perr) {
		t.Fatal("a wrapped *Error is not found by errors.As")
	}
}

// decode reads a JSON object as the server does (numbers as json.Number);
// empty is {}.
func decode(t testing.TB, data []byte) map[string]any {
	t.Helper()
	if len(data) == 0 || string(data) == "null" {
		return map[string]any{}
	}
	m, err := unstructured.DecodeMap(data)
	if err != nil {
		t.Fatalf("decoding %s: %v", data, err)
	}
	return m
}

func encode(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encoding: %v", err)
	}
	return string(b)
}

// directiveIn returns a directive key found anywhere in v, or "".
func directiveIn(v any) string {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if isDirective(k) {
				return k
			}
			if d := directiveIn(e); d != "" {
				return d
			}
		}
	case []any:
		for _, e := range v {
			if d := directiveIn(e); d != "" {
				return d
			}
		}
	}
	return ""
}

// scribble changes every map and list in v.
func scribble(v any) {
	switch v := v.(type) {
	case map[string]any:
		for _, e := range v {
			scribble(e)
		}
		v["scribbled"] = true
	case []any:
		for i, e := range v {
			scribble(e)
			if _, ok := e.(map[string]any); !ok {
				v[i] = "scribbled"
			}
		}
	}
}
