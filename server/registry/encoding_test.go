package registry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"testing"

	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/internal/testobjects"
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

// FuzzStoredEncoding: any JSON object the server accepts is stored and served
// back with its resourceVersion, and nothing else changed.
func FuzzStoredEncoding(f *testing.F) {
	for _, s := range []string{
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}`,
		`{"kind":"X","metadata":{},"a":[1,2,{"b":null}],"z":"\u00e9\"\\"}`,
		`{"apiVersion":"","kind":"","metadata":{"resourceVersion":"5","labels":{"a":"b"}}}`,
		`{}`,
		`{"metadata":null}`,
		`{"apiVersion":1}`,
		`{"kind":"X","metadata":{"managedFields":[{"manager":"a","fieldsV1":{"f:x":{}}}],"name":"a"}}`,
		`{"kind":"X","metadata":{"a":"}","managedFields":null}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		u, err := unstructured.Decode(data)
		if err != nil {
			return
		}
		if _, ok := u.Object["metadata"].(map[string]any); !ok {
			return // the REST layer rejects these before storage
		}
		for _, k := range []string{"apiVersion", "kind"} {
			if _, ok := u.Object[k].(string); !ok && u.Object[k] != nil {
				return // likewise
			}
		}
		want := u.DeepCopy()
		ref, refErr := encodeStoredReference(u)
		stored, err := encodeStored(u)
		if (err != nil) != (refErr != nil) || string(stored) != string(ref) {
			t.Fatalf("encodeStored = %q, %v; with json.Marshal %q, %v", stored, err, ref, refErr)
		}
		if err != nil {
			return // values encoding/json cannot encode are refused as 500s, never stored
		}
		checkWithoutManagedFields(t, u, stored)
		out := withResourceVersion(stored, 99)
		got, err := unstructured.DecodeMap(out)
		if err != nil {
			t.Fatalf("served invalid JSON %q from %q", out, data)
		}
		if want.Object["apiVersion"] == nil {
			want.Object["apiVersion"] = ""
		}
		if want.Object["kind"] == nil {
			want.Object["kind"] = ""
		}
		want.Metadata()["resourceVersion"] = "99"
		wj, _ := json.Marshal(want.Object)
		gj, _ := json.Marshal(got)
		if string(wj) != string(gj) {
			t.Fatalf("round trip changed the object:\n got %s\nwant %s", gj, wj)
		}
	})
}

// encodeStoredReference is encodeStored written with json.Marshal, which
// encodeStored must match byte for byte.
func encodeStoredReference(obj *unstructured.Unstructured) ([]byte, error) {
	var buf bytes.Buffer
	write := func(v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("encode object: %w", err)
		}
		buf.Write(b)
		return nil
	}
	buf.WriteString(`{"apiVersion":`)
	write(obj.APIVersion())
	buf.WriteString(`,"kind":`)
	write(obj.Kind())
	md := obj.Metadata()
	rv, hadRV := md["resourceVersion"]
	delete(md, "resourceVersion")
	buf.WriteString(`,"metadata":`)
	err := write(md)
	if hadRV {
		md["resourceVersion"] = rv
	}
	if err != nil {
		return nil, err
	}
	var keys []string
	for k := range obj.Object {
		if k != "apiVersion" && k != "kind" && k != "metadata" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		buf.WriteByte(',')
		write(k)
		buf.WriteByte(':')
		if err := write(obj.Object[k]); err != nil {
			return nil, err
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// TestEncodeStoredMatchesJSON checks encodeStored against json.Marshal on
// objects holding what server code puts in maps besides decoded JSON.
func TestEncodeStoredMatchesJSON(t *testing.T) {
	objs := []map[string]any{
		{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "a<b>", "resourceVersion": "7", "generation": int64(3)},
			"spec": map[string]any{"n": json.Number("1.50"), "f": 1e21, "g": 1e-7, "i": 42, "u": uint8(1), "s": []string{"x"}, "m": map[string]string{"&": "\u2028"}},
			"z":    nil, "a": []any{}, "\xff": map[string]any(nil), "\u2028": "\u2029", "b": []any(nil)},
		{"kind": "X", "metadata": map[string]any{}, "a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "i": 9, "j": 10},
		{"kind": 5, "apiVersion": true, "metadata": map[string]any{"x": "y"}},
		{"metadata": map[string]any{"bad": math.NaN()}},
		{"metadata": map[string]any{"rv": "1"}, "bad": json.Number("01")},
		{"metadata": map[string]any{}, "bad": map[string]any{"x": math.Inf(-1)}},
	}
	for _, o := range objs {
		u := &unstructured.Unstructured{Object: o}
		want, wantErr := encodeStoredReference(u)
		got, err := encodeStored(u)
		if (err != nil) != (wantErr != nil) || string(got) != string(want) {
			t.Errorf("encodeStored = %q, %v\nwant %q, %v", got, err, want, wantErr)
		}
		if err != nil && wantErr != nil && err.Error() != wantErr.Error() {
			t.Errorf("error %q, with json.Marshal %q", err, wantErr)
		}
		if md, _ := o["metadata"].(map[string]any); md["name"] == "a<b>" && md["resourceVersion"] != "7" {
			t.Errorf("resourceVersion not restored: %v", md)
		}
	}
}

func BenchmarkEncodeStored(b *testing.B) {
	u, err := unstructured.Decode(testobjects.StoredPod(1))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := encodeStored(u); err != nil {
			b.Fatal(err)
		}
	}
}

// checkWithoutManagedFields checks withoutManagedFields(stored) against the
// encoding of u without its managedFields.
func checkWithoutManagedFields(t *testing.T, u *unstructured.Unstructured, stored []byte) {
	t.Helper()
	c := u.DeepCopy()
	delete(c.Metadata(), "managedFields")
	want, err := encodeStored(c)
	if err != nil {
		t.Fatal(err)
	}
	if got := withoutManagedFields(stored); string(got) != string(want) {
		t.Fatalf("withoutManagedFields(%s)\n = %s\nwant %s", stored, got, want)
	}
}

func TestWithoutManagedFields(t *testing.T) {
	for _, doc := range []string{
		`{"apiVersion":"v1","kind":"Pod","metadata":{"managedFields":[{"manager":"a"}]}}`,
		`{"apiVersion":"v1","kind":"Pod","metadata":{"managedFields":[{"manager":"a","fieldsV1":{"f:metadata":{"f:name":{}}}}],"name":"x"}}`,
		`{"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{"k":"managedFields\\\"}"},"managedFields":[],"name":"x"},"spec":{}}`,
		`{"apiVersion":"v1","kind":"Pod","metadata":{"generation":3,"labels":{"a":"b"},"managedFields":null,"uid":"u"}}`,
		`{"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{"managedFields":"no"},"name":"x"}}`,
		`{"apiVersion":"v1","kind":"Pod","metadata":{}}`,
	} {
		u, err := unstructured.Decode([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		stored, err := encodeStored(u)
		if err != nil {
			t.Fatal(err)
		}
		checkWithoutManagedFields(t, u, stored)
	}
	// Not in the stored layout: returned as it is.
	odd := []byte(`{"metadata":{"managedFields":[]},"kind":"Pod"}`)
	if got := withoutManagedFields(odd); string(got) != string(odd) {
		t.Errorf("got %s", got)
	}
}
