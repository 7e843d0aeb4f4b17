package schema

import (
	"encoding/json"
	"math/rand"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"kctl.dev/kctl/api/appsv1"
	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/internal/testobjects"
)

// randomObject makes a random value of s: declared fields and unknown ones,
// maps, lists, nulls, empty values and values of the wrong type.
func randomObject(r *rand.Rand, s *Schema, depth int) any {
	switch r.Intn(24) {
	case 0:
		return nil
	case 1:
		return randomScalar(r)
	case 2:
		return map[string]any{}
	case 3:
		return []any{}
	}
	if depth > 8 {
		return randomScalar(r)
	}
	switch s.Type {
	case Object:
		m := map[string]any{}
		for _, name := range s.Order {
			if r.Intn(3) == 0 {
				m[name] = randomObject(r, s.Properties[name], depth+1)
			}
		}
		for range r.Intn(3) {
			if r.Intn(3) == 0 {
				m[[]string{"unknown", "", "Name", "x.y", "[0]"}[r.Intn(5)]] = randomObject(r, anySchema, depth+1)
			}
		}
		return m
	case Map:
		m := map[string]any{}
		for range r.Intn(4) {
			m[[]string{"a", "", "b.c", "d"}[r.Intn(4)]] = randomObject(r, s.Items, depth+1)
		}
		return m
	case Array:
		var l []any
		for range r.Intn(4) {
			l = append(l, randomObject(r, s.Items, depth+1))
		}
		return l
	case Any:
		if depth < 4 && r.Intn(2) == 0 {
			return map[string]any{"free": randomObject(r, anySchema, depth+1)}
		}
	}
	return randomScalar(r)
}

func randomScalar(r *rand.Rand) any {
	switch r.Intn(12) {
	case 0:
		return ""
	case 1:
		return "x"
	case 2:
		return true
	case 3:
		return false
	case 4:
		return 0.0
	case 5:
		return 2.5
	}
	return json.Number([]string{"0", "-0", "0.0", "00", "1", "0.5", "1e-400", "0e10", "-0.000", "1.", "0.", ".0", "10", "007"}[r.Intn(14)])
}

var walkSchemas = []*Schema{Of[corev1.Pod](), Of[appsv1.Deployment](), Of[corev1.Service](), Of[corev1.ConfigMap]()}

func TestUnknownLikeReference(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := range 4000 {
		s := walkSchemas[i%len(walkSchemas)]
		obj, ok := randomObject(r, s, 0).(map[string]any)
		if !ok {
			continue
		}
		for _, prune := range []bool{false, true} {
			a, b := unstructured.DeepCopyMap(obj), unstructured.DeepCopyMap(obj)
			got, want := Unknown(s, a, prune), refUnknown(s, b, prune)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Unknown = %q, the reference walk %q", got, want)
			}
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("Unknown left %v, the reference walk %v", a, b)
			}
		}
	}
}

func TestUnknownPaths(t *testing.T) {
	obj := map[string]any{
		"spec": map[string]any{
			"containers":   []any{map[string]any{"name": "a", "imagePullPolicyy": "x"}, map[string]any{"bad": true}},
			"nodeSelector": map[string]any{"k": "v"},
			"x":            1,
		},
		"metadata": map[string]any{"labels": map[string]any{"a": "b"}, "nope": nil},
		"top":      "level",
	}
	want := []string{"metadata.nope", "spec.containers[0].imagePullPolicyy", "spec.containers[1].bad", "spec.x", "top"}
	if got := Unknown(Of[corev1.Pod](), obj, true); !reflect.DeepEqual(got, want) {
		t.Errorf("Unknown = %q, want %q", got, want)
	}
	if _, ok := obj["top"]; ok {
		t.Error("an unknown field was not pruned")
	}
}

func TestDropEmptyNumbers(t *testing.T) {
	for _, n := range []string{"0", "-0", "0.0", "00", "1", "0.5", "1e-400", "0e10", "-0.000", "1.", "0.", ".0", "10", "007",
		"", "-", "+0", "0x0", "0_0", "1.2.3", "-.0", "0.000000000000000000000000001", "000000000000000000000000000",
		"1" + strings.Repeat("0", 400), "0." + strings.Repeat("0", 400) + "1", "NaN", "inf", "-0e-0", "9223372036854775808"} {
		f, err := strconv.ParseFloat(n, 64)
		if got, want := isZero(json.Number(n)), err == nil && f == 0; got != want {
			t.Errorf("isZero(json.Number(%q)) = %v, want %v", n, got, want)
		}
	}
	r := rand.New(rand.NewSource(1))
	for range 20000 {
		b := make([]byte, 1+r.Intn(8))
		for i := range b {
			b[i] = "-0.0123e+"[r.Intn(9)]
		}
		n := string(b)
		f, err := strconv.ParseFloat(n, 64)
		if got, want := isZero(json.Number(n)), err == nil && f == 0; got != want {
			t.Fatalf("isZero(json.Number(%q)) = %v, want %v", n, got, want)
		}
	}
}

func TestDropEmptyLikeReference(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for i := range 4000 {
		s := walkSchemas[i%len(walkSchemas)]
		obj, ok := randomObject(r, s, 0).(map[string]any)
		if !ok {
			continue
		}
		a, b := unstructured.DeepCopyMap(obj), unstructured.DeepCopyMap(obj)
		DropEmpty(s, a)
		refDropEmptyObject(s, b)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("DropEmpty left %v, the reference walk %v", a, b)
		}
	}
}

func benchPod(b *testing.B) map[string]any {
	obj, err := unstructured.DecodeMap(testobjects.StoredPod(1))
	if err != nil {
		b.Fatal(err)
	}
	return obj
}

func BenchmarkUnknown(b *testing.B) {
	s, obj := Of[corev1.Pod](), benchPod(b)
	b.ReportAllocs()
	for b.Loop() {
		Unknown(s, obj, true)
	}
}

func BenchmarkDropEmpty(b *testing.B) {
	s, obj := Of[corev1.Pod](), benchPod(b)
	b.ReportAllocs()
	for b.Loop() {
		DropEmpty(s, obj)
	}
}

// refUnknown is the walk Unknown replaced, kept as the reference of its
// behaviour.
func refUnknown(s *Schema, obj map[string]any, prune bool) []string {
	w := refUnknownWalker{prune: prune}
	w.object(s, obj)
	sort.Strings(w.found)
	return w.found
}

type refUnknownWalker struct {
	prune bool
	path  []string // segments: "spec", ".containers", "[0]"
	found []string
}

func (w *refUnknownWalker) value(s *Schema, v any) {
	switch s.Type {
	case Object:
		if m, ok := v.(map[string]any); ok {
			w.object(s, m)
		}
	case Map:
		if m, ok := v.(map[string]any); ok {
			for k, e := range m {
				w.push(k)
				w.value(s.Items, e)
				w.pop()
			}
		}
	case Array:
		if l, ok := v.([]any); ok {
			for i, e := range l {
				w.path = append(w.path, "["+strconv.Itoa(i)+"]")
				w.value(s.Items, e)
				w.pop()
			}
		}
	}
}

func (w *refUnknownWalker) object(s *Schema, m map[string]any) {
	if s.Type == Any {
		return
	}
	for k, v := range m {
		p, ok := s.Properties[k]
		w.push(k)
		if !ok {
			w.found = append(w.found, strings.Join(w.path, ""))
			if w.prune {
				delete(m, k)
			}
		} else {
			w.value(p, v)
		}
		w.pop()
	}
}

func (w *refUnknownWalker) push(field string) {
	if len(w.path) > 0 {
		field = "." + field
	}
	w.path = append(w.path, field)
}

func (w *refUnknownWalker) pop() { w.path = w.path[:len(w.path)-1] }

// refDropEmptyValue and refDropEmptyObject are the walk DropEmpty replaced,
// kept as the reference of its behaviour.
func refDropEmptyValue(s *Schema, v any) {
	switch s.Type {
	case Object:
		if m, ok := v.(map[string]any); ok {
			refDropEmptyObject(s, m)
		}
	case Map:
		if m, ok := v.(map[string]any); ok {
			for _, e := range m {
				refDropEmptyValue(s.Items, e)
			}
		}
	case Array:
		if l, ok := v.([]any); ok {
			for _, e := range l {
				refDropEmptyValue(s.Items, e)
			}
		}
	}
}

func refDropEmptyObject(s *Schema, m map[string]any) {
	if s.Type != Object {
		return
	}
	for k, v := range m {
		p, ok := s.Properties[k]
		if !ok {
			continue
		}
		if p.OmitEmpty && refIsZero(v) {
			delete(m, k)
			continue
		}
		refDropEmptyValue(p, v)
	}
}

// refIsZero is isZero as it was.
func refIsZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case bool:
		return !x
	case json.Number:
		f, err := x.Float64()
		return err == nil && f == 0
	case float64:
		return x == 0
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}
