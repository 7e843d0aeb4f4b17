package unstructured

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

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

// decodeMapStd is DecodeMap as it was before it used internal/jsondec:
// encoding/json alone. DecodeMap must still give what it gives, errors
// included.
func decodeMapStd(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("expected a JSON object, got null")
	}
	if dec.More() {
		return nil, fmt.Errorf("unexpected data after the JSON object")
	}
	if _, err := dec.Token(); err == nil {
		return nil, fmt.Errorf("unexpected data after the JSON object")
	}
	return m, nil
}

func TestDecodeMapAsEncodingJSON(t *testing.T) {
	inputs := []string{
		`{}`, " {\"a\":1}\n", `{"a":{"b":[1,2.50,-3e4,"x",true,false,null,{},[]]}}`,
		`{"a":1,"a":{"b":2}}`, `{"s":"\ud800\u0041\uD83D\uDE00\n\"\/"}`, "{\"s\":\"\xff\xc3\"}",
		`{"f:metadata":{"f:labels":{".":{},"k:{\"name\":\"app\"}":{}}}}`,
		// Errors, each with encoding/json's message.
		``, ` `, `null`, `[1]`, `"x"`, `1`, `{`, `{"a":}`, `{"a":01}`, `{"a":1,}`, `{"a":"\x"}`,
		"{\"a\":\"\x01\"}", `{"a":tru}`, `{} {}`, `{} x`, `{}null`, `{"a":1}{`,
		// DecodeMap has always let a stray ']' or '}' after the object pass.
		`{"a":1}]`, `{"a":1} } x`, `{}]]`,
		strings.Repeat(`{"a":`, 10001) + "1" + strings.Repeat("}", 10001),
	}
	for _, in := range inputs {
		want, wantErr := decodeMapStd([]byte(in))
		got, err := DecodeMap([]byte(in))
		if fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Errorf("DecodeMap(%.40q): error %v, want %v", in, err, wantErr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("DecodeMap(%.40q) = %#v, want %#v", in, got, want)
		}
	}
}
