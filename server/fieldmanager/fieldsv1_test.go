package fieldmanager

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"kctl.dev/kctl/api/unstructured"
)

// testdata/fieldsv1.json holds managed-fields sets as real clusters write
// them, byte for byte.
type fieldsV1Example struct {
	Source   string          `json:"source"`
	FieldsV1 json.RawMessage `json:"fieldsV1"`
}

func readFieldsV1Examples(t testing.TB) []fieldsV1Example {
	t.Helper()
	data, err := os.ReadFile("testdata/fieldsv1.json")
	if err != nil {
		t.Fatal(err)
	}
	var ex []fieldsV1Example
	if err := json.Unmarshal(data, &ex); err != nil {
		t.Fatal(err)
	}
	return ex
}

func TestFieldsV1RoundTrip(t *testing.T) {
	for _, ex := range readFieldsV1Examples(t) {
		t.Run(ex.Source, func(t *testing.T) {
			// From the raw JSON.
			s, err := decodeFieldsV1(ex.FieldsV1)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(encodeFieldsV1JSON(s)); got != string(ex.FieldsV1) {
				t.Errorf("encoded\n got: %s\nwant: %s", got, ex.FieldsV1)
			}
			// From the object form an object carries, back to it.
			m, err := unstructured.DecodeMap(ex.FieldsV1)
			if err != nil {
				t.Fatal(err)
			}
			s2, err := decodeFieldsV1(m)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(encodeFieldsV1JSON(s2)); got != string(ex.FieldsV1) {
				t.Errorf("encoded from the object form\n got: %s\nwant: %s", got, ex.FieldsV1)
			}
			if got, want := canonicalJSON(encodeFieldsV1(s2)), canonicalJSON(m); got != want {
				t.Errorf("object form\n got: %s\nwant: %s", got, want)
			}
		})
	}
}

func TestFieldsV1Decoding(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		// Key fields in any order, spaces, numbers written as floats: one canonical form.
		{`{"f:ports":{"k:{ \"protocol\":\"TCP\", \"port\":443.0}":{}}}`, `{"f:ports":{"k:{\"port\":443,\"protocol\":\"TCP\"}":{}}}`},
		// Unordered input comes out in Kubernetes' order: fields, keys, values.
		{`{"v:\"b\"":{},"k:{\"a\":2}":{},"f:z":{},"v:1":{},"k:{\"a\":10}":{},"f:a":{}}`, `{"f:a":{},"f:z":{},"k:{\"a\":2}":{},"k:{\"a\":10}":{},"v:1":{},"v:\"b\"":{}}`},
		// "." alone is a member; unknown element types are dropped.
		{`{"f:a":{".":{}},"x:future":{},"f:b":{"x:y":{}}}`, `{"f:a":{},"f:b":{}}`},
		// HTML characters escaped as Kubernetes escapes them.
		{`{"f:metadata":{"f:annotations":{"f:a<b>&c":{}}}}`, `{"f:metadata":{"f:annotations":{"f:a\u003cb\u003e\u0026c":{}}}}`},
		{`{}`, `{}`},
	} {
		s, err := decodeFieldsV1([]byte(tc.in))
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if got := string(encodeFieldsV1JSON(s)); got != tc.want {
			t.Errorf("%s:\n got: %s\nwant: %s", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{
		`{"f:a":1}`,
		`{"k:{\"a\":}":{}}`,
		`{"k:[1]":{}}`,
		`{"i:x":{}}`,
		`{"a":{}}`,
		`{"fa":{}}`,
	} {
		if _, err := decodeFieldsV1([]byte(bad)); err == nil {
			t.Errorf("%s: decoded, want an error", bad)
		}
	}
}

func TestPathString(t *testing.T) {
	path := []pathElement{
		field("spec"), field("containers"),
		{keyElem, `{"name":"nginx"}`}, field("ports"),
		{keyElem, `{"containerPort":80,"protocol":"TCP"}`}, field("name"),
	}
	if got, want := pathString(path), `.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"].name`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got, want := pathString([]pathElement{field("metadata"), field("finalizers"), {valueElem, `"a/b"`}}), `.metadata.finalizers[="a/b"]`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestElementOrderAndForms(t *testing.T) {
	// Keys and values in any spelling decode to one canonical form, and sort
	// by value as Kubernetes sorts them: numbers (by value), strings, booleans.
	for _, tc := range []struct{ in, want string }{
		{`k:{"port":8080}`, `k:{"port":8080}`},
		{`k:{"port":8.08e3}`, `k:{"port":8080}`},
		{`k:{"port":1.5}`, `k:{"port":1.5}`},
		{`k:{"name":"a\"b\\c\u00e9<"}`, `k:{"name":"a\"b\\cé\u003c"}`},
		{`k:{"enabled":true,"b":null,"c":[1,"x"],"d":{"z":1,"a":2}}`, `k:{"b":null,"c":[1,"x"],"d":{"a":2,"z":1},"enabled":true}`},
		{`v:"x"`, `v:"x"`},
		{`v:-0`, `v:0`},
		{`v:01`, `v:1`},
		{`v:`, ``},
		{`k:{"a":1`, ``},
		{`v:"\ud83d\ude80"`, `v:"🚀"`},
	} {
		pe, err := parseElement(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("%s: parsed as %s, want an error", tc.in, pe.encode())
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if got := pe.encode(); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.in, got, tc.want)
		}
	}

	var pes []pathElement
	for _, s := range []string{`v:true`, `v:"b"`, `v:10`, `v:"a"`, `v:2.5`, `v:false`, `k:{"a":"x"}`, `k:{"a":1}`, `k:{"a":1,"b":2}`, `f:z`, `f:a`, `i:3`, `v:null`, `v:[1]`} {
		pe, err := parseElement(s)
		if err != nil {
			t.Fatal(err)
		}
		pes = append(pes, pe)
	}
	s := &fieldSet{}
	for _, pe := range pes {
		s.children = append(s.children, child{pe, leaf})
	}
	var got []string
	for _, c := range s.sortedChildren() {
		got = append(got, c.pe.encode())
	}
	want := []string{`f:a`, `f:z`, `k:{"a":1}`, `k:{"a":1,"b":2}`, `k:{"a":"x"}`, `v:2.5`, `v:10`, `v:"a"`, `v:"b"`, `v:false`, `v:true`, `v:[1]`, `v:null`, `i:3`}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("order\n got: %v\nwant: %v", got, want)
	}
}
