package jsonenc_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"kctl.dev/kctl/internal/jsonenc"
	"kctl.dev/kctl/internal/testobjects"
)

func ExampleAppend() {
	obj := map[string]any{
		"kind":     "ConfigMap",
		"metadata": map[string]any{"name": "web", "labels": map[string]any{"tier": "<front>"}},
		"data":     map[string]any{"replicas": json.Number("3"), "ratio": 0.000000125},
	}
	b, err := jsonenc.Append([]byte("stored: "), obj)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(b))
	// Output:
	// stored: {"data":{"ratio":1.25e-7,"replicas":3},"kind":"ConfigMap","metadata":{"labels":{"tier":"\u003cfront\u003e"},"name":"web"}}
}

// benchPod is a stored pod as the server holds it: decoded with json.Number.
func benchPod(b *testing.B) map[string]any {
	dec := json.NewDecoder(bytes.NewReader(testobjects.StoredPod(1)))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		b.Fatal(err)
	}
	return m
}

// fieldsOf returns a FieldsV1-like set of the fields of v, for a realistic
// managedFields entry.
func fieldsOf(v any) map[string]any {
	out := map[string]any{}
	if m, ok := v.(map[string]any); ok {
		out["."] = map[string]any{}
		for k, x := range m {
			out["f:"+k] = fieldsOf(x)
		}
	}
	return out
}

// BenchmarkAppendPod compares Append (into a reused slice) and Marshal with
// json.Marshal on a pod:
//
//	go test -run=NONE -bench=Pod -benchmem ./internal/jsonenc
func BenchmarkAppendPod(b *testing.B) {
	benchAppend(b, benchPod(b))
}

// BenchmarkAppendPodManaged is BenchmarkAppendPod with the managedFields
// entry a server adds, its fieldsV1 as the json.RawMessage it writes.
func BenchmarkAppendPodManaged(b *testing.B) {
	pod := benchPod(b)
	fields, _ := json.Marshal(fieldsOf(map[string]any{"metadata": pod["metadata"], "spec": pod["spec"]}))
	pod["metadata"].(map[string]any)["managedFields"] = []any{map[string]any{
		"manager": "kubectl-create", "operation": "Update", "apiVersion": "v1", "time": "2026-01-02T03:04:05Z",
		"fieldsType": "FieldsV1", "fieldsV1": json.RawMessage(fields),
	}}
	benchAppend(b, pod)
}

func benchAppend(b *testing.B, pod map[string]any) {
	want, _ := json.Marshal(pod)
	b.Run("Append", func(b *testing.B) {
		b.SetBytes(int64(len(want)))
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			var err error
			if buf, err = jsonenc.Append(buf[:0], pod); err != nil {
				b.Fatal(err)
			}
		}
		if !bytes.Equal(buf, want) {
			b.Fatalf("Append differs from json.Marshal:\n%s\n%s", buf, want)
		}
	})
	b.Run("Marshal", func(b *testing.B) { // a new slice each time, as json.Marshal
		b.SetBytes(int64(len(want)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := jsonenc.Marshal(pod); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Marshal", func(b *testing.B) {
		b.SetBytes(int64(len(want)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(pod); err != nil {
				b.Fatal(err)
			}
		}
	})
}
