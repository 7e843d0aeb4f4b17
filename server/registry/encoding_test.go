package registry

import (
	"encoding/json"
	"reflect"
	"testing"

	"kctl.dev/kctl/api/unstructured"
)

func TestStoredEncodingRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		in   string
	}{
		{"empty metadata", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}`},
		{"no metadata", `{"apiVersion":"v1","kind":"ConfigMap"}`},
		{"stale rv dropped", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"99"}}`},
		{"escapes in kind", `{"apiVersion":"v\"1","kind":"Con\\figMap","metadata":{"name":"a"},"data":{"metadata":"{\"x\":1}"}}`},
		{"fields before metadata alphabetically", `{"apiVersion":"v1","kind":"ConfigMap","data":{"a":"b"},"binaryData":{},"metadata":{"name":"a","labels":{"x":"y"}}}`},
		{"big numbers kept", `{"apiVersion":"v1","kind":"X","metadata":{"name":"a"},"n":12345678901234567890,"f":1.50}`},
		{"missing apiVersion", `{"kind":"X","metadata":{"name":"a"}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u, err := unstructured.Decode([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			stored, err := encodeStored(u)
			if err != nil {
				t.Fatal(err)
			}
			out := withResourceVersion(stored, 42)
			got, err := unstructured.DecodeMap(out)
			if err != nil {
				t.Fatalf("invalid JSON %s: %v", out, err)
			}
			want, _ := unstructured.DecodeMap([]byte(c.in))
			if want["apiVersion"] == nil {
				want["apiVersion"] = ""
			}
			md, _ := want["metadata"].(map[string]any)
			if md == nil {
				md = map[string]any{}
				want["metadata"] = md
			}
			md["resourceVersion"] = "42"
			if !reflect.DeepEqual(got, want) {
				gj, _ := json.Marshal(got)
				wj, _ := json.Marshal(want)
				t.Errorf("got  %s\nwant %s", gj, wj)
			}
			if string(out) == string(stored) {
				t.Error("withResourceVersion changed nothing")
			}
		})
	}
}

func TestWithResourceVersionFallback(t *testing.T) {
	// Bytes not in the stored layout still get a resourceVersion.
	out := withResourceVersion([]byte(`{"metadata":{"name":"a"},"kind":"X"}`), 7)
	u, err := unstructured.Decode(out)
	if err != nil {
		t.Fatal(err)
	}
	if u.ResourceVersion() != "7" || u.Name() != "a" {
		t.Errorf("fallback gave %s", out)
	}
}

func BenchmarkWithResourceVersion(b *testing.B) {
	u, _ := unstructured.Decode([]byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default","labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}`))
	stored, _ := encodeStored(u)
	b.ReportAllocs()
	for b.Loop() {
		_ = withResourceVersion(stored, 123456)
	}
}
