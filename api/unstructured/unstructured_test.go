package unstructured

import "testing"

func TestGettersDoNotWrite(t *testing.T) {
	u := &Unstructured{Object: map[string]any{"kind": "X"}}
	_ = u.Labels()
	_ = u.Annotations()
	_ = u.Finalizers()
	_ = u.Generation()
	_ = u.Name()
	if _, ok := u.Object["metadata"]; ok {
		t.Errorf("a getter created metadata: %v", u.Object)
	}
}

func TestDecodeKeepsNumbersExact(t *testing.T) {
	u, err := Decode([]byte(`{"n":12345678901234567890,"f":1.50}`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := u.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"f":1.50,"n":12345678901234567890}` {
		t.Errorf("got %s", b)
	}
	for _, bad := range []string{`null`, `[1]`, `{} {}`, `{"a":`} {
		if _, err := Decode([]byte(bad)); err == nil {
			t.Errorf("Decode(%s) succeeded", bad)
		}
	}
}
