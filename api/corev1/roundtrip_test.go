package corev1

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// roundTrip decodes the fixture into a fresh value of out's type, encodes it again
// and fails when the two JSON documents differ as decoded maps.
func roundTrip(t *testing.T, file string, out any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatalf("%s: decode: %v", file, err)
	}
	again, err := json.Marshal(out)
	if err != nil {
		t.Fatalf("%s: encode: %v", file, err)
	}
	want, got := asMap(t, data), asMap(t, again)
	if !reflect.DeepEqual(want, got) {
		t.Errorf("%s: round trip changed the object\nwant %s\n got %s", file, canon(want), canon(got))
	}
}

func asMap(t *testing.T, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func canon(m map[string]any) string {
	b, _ := json.Marshal(m)
	return string(b)
}

func TestRoundTrip(t *testing.T) {
	cases := []struct {
		file string
		out  any
	}{
		{"pod.json", &Pod{}},
		{"podlist.json", &PodList{}},
		{"node.json", &Node{}},
		{"service.json", &Service{}},
		{"namespace.json", &Namespace{}},
		{"configmap.json", &ConfigMap{}},
		{"secret.json", &Secret{}},
		{"event.json", &Event{}},
		{"event-legacy.json", &Event{}},
		{"binding.json", &Binding{}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) { roundTrip(t, c.file, c.out) })
	}
}

func TestSecretDataIsBase64(t *testing.T) {
	s := Secret{Data: map[string][]byte{"k": []byte("value")}}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"data":{"k":"dmFsdWU="}`)) {
		t.Errorf("got %s", b)
	}
}

func TestIntOrString(t *testing.T) {
	for _, in := range []string{`8080`, `"http"`, `"25%"`} {
		var v IntOrString
		if err := json.Unmarshal([]byte(in), &v); err != nil {
			t.Fatal(err)
		}
		out, _ := json.Marshal(v)
		if string(out) != in {
			t.Errorf("%s -> %s", in, out)
		}
	}
	if !FromInt(0).IsZero() || !FromString("").IsZero() || FromInt(1).IsZero() {
		t.Error("IsZero")
	}
	// An unset targetPort is omitted.
	b, _ := json.Marshal(ServicePort{Port: 80})
	if string(b) != `{"port":80}` {
		t.Errorf("got %s", b)
	}
}

func TestPodHelpers(t *testing.T) {
	var p Pod
	if err := json.Unmarshal(mustRead(t, "pod.json"), &p); err != nil {
		t.Fatal(err)
	}
	if !p.IsReady() || !p.IsScheduled() || p.IsTerminal() {
		t.Errorf("ready=%v scheduled=%v terminal=%v", p.IsReady(), p.IsScheduled(), p.IsTerminal())
	}
	if c := p.Status.Condition(PodScheduled); c == nil || c.Status != ConditionTrue {
		t.Errorf("PodScheduled = %+v", c)
	}
	if p.Status.Condition("Nope") != nil {
		t.Error("unknown condition found")
	}
}

func mustRead(t *testing.T, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
