package corev1

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"kctl.dev/kctl/internal/jsontest"
)

// TestRoundTrip decodes each fixture (shaped as a real API server writes it),
// encodes it again and fails when any field was lost or changed.
func TestRoundTrip(t *testing.T) {
	jsontest.RoundTrip(t, []jsontest.Case{
		{File: "pod.json", Out: &Pod{}},
		{File: "podlist.json", Out: &PodList{}},
		{File: "node.json", Out: &Node{}},
		{File: "service.json", Out: &Service{}},
		{File: "namespace.json", Out: &Namespace{}},
		{File: "configmap.json", Out: &ConfigMap{}},
		{File: "secret.json", Out: &Secret{}},
		{File: "event.json", Out: &Event{}},
		{File: "event-legacy.json", Out: &Event{}},
		{File: "binding.json", Out: &Binding{}},
	})
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
