package fieldmanager

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"kctl.dev/kctl/api/appsv1"
	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/schema"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/internal/testobjects"
)

// checkCreatePath runs a create of obj through Update's fast path and its
// general path and fails when they record differently.
func checkCreatePath(t *testing.T, name string, obj map[string]any, s *schema.Schema, req Request) {
	t.Helper()
	fast, errFast := update(nil, copyMap(obj), s, req, true)
	slow, errSlow := update(nil, copyMap(obj), s, req, false)
	if (errFast == nil) != (errSlow == nil) {
		t.Fatalf("%s: fast path error %v, general path error %v", name, errFast, errSlow)
	}
	if got, want := canonicalJSON(fast), canonicalJSON(slow); got != want {
		t.Fatalf("%s: fast path and general path differ\nobject: %s\nfast:    %s\ngeneral: %s", name, canonicalJSON(obj), got, want)
	}
	// The fields are written as encoding/json writes their object form,
	// which entries held before they were written as JSON.
	if _, has := metadataOf(obj)["managedFields"]; has {
		return
	}
	op := newOperation(s, req)
	o := copyMap(obj)
	c := compare(op.empty(), o, true, true, op.root(op.rules))
	gained := union(c.modified, c.added)
	mf, _ := metadataOf(fast)["managedFields"].([]any)
	if gained.empty() {
		if len(mf) != 0 {
			t.Fatalf("%s: managedFields %s, want none", name, canonicalJSON(mf))
		}
		return
	}
	raw, ok := mf[0].(map[string]any)["fieldsV1"].(json.RawMessage)
	if !ok {
		t.Fatalf("%s: fieldsV1 %T, want a json.RawMessage", name, mf[0].(map[string]any)["fieldsV1"])
	}
	if want := canonicalJSON(encodeFieldsV1(gained)); string(raw) != want {
		t.Fatalf("%s: fieldsV1 %s, want %s", name, raw, want)
	}
}

func TestCreatePathPods(t *testing.T) {
	s := schema.Of[corev1.Pod]()
	for i := range int64(20) {
		obj := mustDecode(t, string(testobjects.Pod(i)))
		for _, req := range []Request{
			{Manager: "kubectl-create", APIVersion: "v1", ResetFields: []string{"status"}, Empty: EmptyOf[corev1.Pod]()},
			{Manager: "kubectl-create", APIVersion: "v1", Empty: EmptyOf[corev1.Pod]()},
			{APIVersion: "v1", ResetFields: []string{"status"}},
			{Manager: "kubelet", APIVersion: "v1", Subresource: "status", ResetFields: []string{"spec", "metadata.labels"}},
		} {
			req.Time = fixtureStart
			checkCreatePath(t, fmt.Sprintf("pod %d", i), obj, s, req)
		}
		stored := mustDecode(t, string(testobjects.StoredPod(i)))
		checkCreatePath(t, fmt.Sprintf("stored pod %d", i), stored, s, Request{Manager: "m", APIVersion: "v1", Empty: EmptyOf[corev1.Pod](), Time: fixtureStart})
	}
}

// TestCreatePathRandom compares the two paths on random objects of several
// kinds: fields of the schema and unknown ones, nulls, empty maps and lists,
// values of the wrong type, list elements without keys or with duplicate
// ones, numbers spelled two ways.
func TestCreatePathRandom(t *testing.T) {
	kinds := []struct {
		name  string
		s     *schema.Schema
		empty map[string]any
		reset [][]string
	}{
		{"Pod", schema.Of[corev1.Pod](), EmptyOf[corev1.Pod](), [][]string{nil, {"status"}, {"spec", "metadata.deletionTimestamp", "metadata.ownerReferences"}}},
		{"Deployment", schema.Of[appsv1.Deployment](), EmptyOf[appsv1.Deployment](), [][]string{nil, {"status"}, {"spec", "metadata.labels"}}},
		{"ConfigMap", schema.Of[corev1.ConfigMap](), EmptyOf[corev1.ConfigMap](), [][]string{nil}},
		{"Service", schema.Of[corev1.Service](), EmptyOf[corev1.Service](), [][]string{{"status"}}},
		{"free-form", nil, nil, [][]string{nil, {"status"}}},
	}
	n := 400
	if testing.Short() {
		n = 50
	}
	r := rand.New(rand.NewSource(1))
	for _, k := range kinds {
		s := k.s
		if s == nil {
			s = schema.FreeForm()
		}
		for i := range n {
			g := objectGen{r: r}
			obj, _ := g.value(s, 0).(map[string]any)
			if obj == nil {
				obj = map[string]any{}
			}
			if r.Intn(2) == 0 {
				obj["metadata"] = map[string]any{"name": "x", "labels": map[string]any{"a": "b"}}
			}
			req := Request{Manager: "m", APIVersion: "v1", Time: fixtureStart, ResetFields: k.reset[r.Intn(len(k.reset))]}
			if r.Intn(3) > 0 {
				req.Empty = k.empty
			}
			if r.Intn(5) == 0 {
				req.Subresource = "status"
			}
			checkCreatePath(t, fmt.Sprintf("%s %d", k.name, i), obj, k.s, req)
		}
	}
}

// objectGen makes random values of a schema.
type objectGen struct {
	r *rand.Rand
}

func (g *objectGen) value(s *schema.Schema, depth int) any {
	if s == nil {
		s = anySchema
	}
	switch g.r.Intn(20) {
	case 0:
		return nil
	case 1:
		return g.scalar()
	case 2:
		return map[string]any{}
	case 3:
		return []any{}
	}
	if depth > 7 {
		return g.scalar()
	}
	switch s.Type {
	case schema.Object:
		m := map[string]any{}
		for _, name := range s.Order {
			if g.r.Intn(3) == 0 {
				m[name] = g.value(s.Properties[name], depth+1)
			}
		}
		if g.r.Intn(8) == 0 {
			m["unknownField"] = g.value(anySchema, depth+1)
		}
		return m
	case schema.Map:
		m := map[string]any{}
		for range g.r.Intn(4) {
			m[g.word()] = g.value(s.Items, depth+1)
		}
		return m
	case schema.Array:
		var l []any
		for range g.r.Intn(4) {
			switch {
			case len(l) > 0 && g.r.Intn(6) == 0:
				l = append(l, l[g.r.Intn(len(l))]) // a duplicate
			default:
				e := g.value(s.Items, depth+1)
				if em, ok := e.(map[string]any); ok && g.r.Intn(3) > 0 {
					for _, k := range listKeysOf(s) {
						em[k] = g.keyValue()
					}
				}
				l = append(l, e)
			}
		}
		return l
	case schema.Any, "":
		if depth > 3 {
			return g.scalar()
		}
		switch g.r.Intn(3) {
		case 0:
			m := map[string]any{}
			for range g.r.Intn(4) {
				m[g.word()] = g.value(anySchema, depth+1)
			}
			return m
		case 1:
			var l []any
			for range g.r.Intn(3) {
				l = append(l, g.value(anySchema, depth+1))
			}
			return l
		}
	}
	return g.scalar()
}

func listKeysOf(s *schema.Schema) []string {
	if s.ListType == schema.ListMap && len(s.ListMapKeys) > 0 {
		return s.ListMapKeys
	}
	if s.PatchMergeKey != "" {
		return []string{s.PatchMergeKey}
	}
	return nil
}

func (g *objectGen) word() string {
	return []string{"a", "b", "c", "app", "x<y", "é", "", "q\"uote", "\xff", "\u2028", "tab\t", "z&"}[g.r.Intn(12)]
}

func (g *objectGen) keyValue() any {
	switch g.r.Intn(5) {
	case 0:
		return json.Number("80")
	case 1:
		return json.Number("80.0")
	case 2:
		return "TCP"
	case 3:
		return nil
	}
	return g.word()
}

func (g *objectGen) scalar() any {
	switch g.r.Intn(6) {
	case 0:
		return g.word()
	case 1:
		return json.Number("0")
	case 2:
		return json.Number("1.5")
	case 3:
		return true
	case 4:
		return false
	}
	return ""
}

// BenchmarkCreatePod records the create of a realistic pod, as the server
// does on every POST.
func BenchmarkCreatePod(b *testing.B) {
	s := schema.Of[corev1.Pod]()
	obj := mustDecode(b, string(testobjects.StoredPod(7)))
	delete(obj, "status")
	req := Request{Manager: "kubectl-create", APIVersion: "v1", ResetFields: []string{"status"}, Empty: EmptyOf[corev1.Pod](), Time: time.Now()}
	// Update writes into the object it is given: each round records a copy,
	// made in batches outside the timer.
	for _, fast := range []bool{true, false} {
		b.Run(fmt.Sprintf("fast=%v", fast), func(b *testing.B) {
			b.ReportAllocs()
			var batch []map[string]any
			for i := 0; i < b.N; i++ {
				if len(batch) == 0 {
					b.StopTimer()
					for range min(b.N-i, 500) {
						batch = append(batch, copyMap(obj))
					}
					b.StartTimer()
				}
				if _, err := update(nil, batch[len(batch)-1], s, req, fast); err != nil {
					b.Fatal(err)
				}
				batch = batch[:len(batch)-1]
			}
		})
	}
}

// TestEncodeFieldsV1Raw checks the stored form of sets against encoding/json's
// encoding of their object form.
func TestEncodeFieldsV1Raw(t *testing.T) {
	docs := []string{
		`{"i:2":{},"k:{\"a\":1}":{},"v:3":{},"f:x":{"i:10":{".":{},"f:y":{}},"i:9":{}},".":{}}`,
		`{"f:metadata":{"f:annotations":{"f:a<b>&c":{},"f:\u2028":{},".":{}}}}`,
		`{}`,
	}
	for _, ex := range readFieldsV1Examples(t) {
		docs = append(docs, string(ex.FieldsV1))
	}
	for _, doc := range docs {
		s, err := decodeFieldsV1([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := string(encodeFieldsV1Raw(s)), canonicalJSON(encodeFieldsV1(s)); got != want {
			t.Errorf("%s:\n got: %s\nwant: %s", doc, got, want)
		}
	}
}

// slowFieldsV1 decodes FieldsV1 JSON through its object form, as
// decodeFieldsV1JSON does when parseFieldsV1 gives up.
func slowFieldsV1(data []byte) (*fieldSet, error) {
	m, err := unstructured.DecodeMap(data)
	if err != nil {
		return nil, err
	}
	s, _, err := decodeFieldsNode(m)
	return s, err
}

// TestParseFieldsV1 checks that the direct reading of FieldsV1 JSON gives
// what reading its object form gives, or gives up.
func TestParseFieldsV1(t *testing.T) {
	docs := []string{
		`{}`, ` { } `, `{"f:a":{}}`, `{"f:a":{".":{},"f:b":{}}}`, `{".":{},"f:a":{}}`,
		`{"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:port":{}}}`,
		`{"k:{\"protocol\":\"TCP\",\"port\":80.0}":{},"k:{\"port\":80,\"protocol\":\"TCP\"}":{"f:x":{}}}`,
		`{"v:\"a\"":{},"v:1":{},"i:3":{}}`, `{"f:a\u003cb\u003e\u0026c":{}}`, `{"f:\u00e9\u2028":{}}`,
		`{"f:a":{},"f:a":{"f:b":{}}}`, `{"x:future":{},"f:a":{}}`, `{"f:a":{".":5}}`, `{"f:a":[]}`,
		`{"f:\ud800":{}}`, "{\"f:\xff\":{}}", `{"f:a\/b\n":{}}`, `{"":{}}`, `{"f:a":{}} x`, `null`, `{"f:a":{},}`,
		`{"k:{bad":{}}`, `{"v:nope":{}}`, `{"i:x":{}}`,
	}
	for _, ex := range readFieldsV1Examples(t) {
		docs = append(docs, string(ex.FieldsV1))
	}
	r := rand.New(rand.NewSource(1))
	s := schema.Of[corev1.Pod]()
	var written []string // as this package writes it: read directly
	for range 300 {
		g := objectGen{r: r}
		obj, _ := g.value(s, 0).(map[string]any)
		out, err := Update(nil, obj, s, Request{Manager: "m", APIVersion: "v1", Empty: EmptyOf[corev1.Pod]()})
		if err != nil {
			continue
		}
		if mf, _ := metadataOf(out)["managedFields"].([]any); len(mf) > 0 {
			doc := string(mf[0].(map[string]any)["fieldsV1"].(json.RawMessage))
			written = append(written, doc)
			// And broken copies.
			b := []byte(doc)
			const junk = `{}":,\ fkv.u0a`
			b[r.Intn(len(b))] = junk[r.Intn(len(junk))]
			docs = append(docs, string(b), doc[:r.Intn(len(doc))])
		}
	}
	for _, doc := range written {
		if _, ok := parseFieldsV1([]byte(doc)); !ok {
			t.Errorf("%s: not read directly", doc)
		}
	}
	docs = append(docs, written...)
	for _, doc := range docs {
		want, wantErr := slowFieldsV1([]byte(doc))
		got, ok := parseFieldsV1([]byte(doc))
		if !ok {
			continue
		}
		if wantErr != nil {
			t.Fatalf("%s: parsed, but decoding fails: %v", doc, wantErr)
		}
		if !equalSets(got, want) {
			t.Fatalf("%s: parsed %s, decoded %s", doc, encodeFieldsV1Raw(got), encodeFieldsV1Raw(want))
		}
	}
}
