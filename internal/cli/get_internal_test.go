package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/internal/testobjects"
	"kctl.dev/kctl/printers/jsonpath"
)

// getIndentReference is what getIndentJSON must print: the object decoded
// as the printers decode it, encoded as they encode it.
func getIndentReference(raw []byte, prefix string, dropManagedFields bool) ([]byte, error) {
	m, err := unstructured.DecodeMap(raw)
	if err != nil {
		return nil, err
	}
	obj := jsonpath.Normalize(m).(map[string]any)
	if md, ok := obj["metadata"].(map[string]any); ok && dropManagedFields {
		delete(md, "managedFields")
	}
	return json.MarshalIndent(obj, prefix, "    ")
}

var getIndentSeeds = []string{
	`{}`,
	`{"a":1}`,
	` { "b" : [ ] , "a" : { } , "c": [1, [2, []], {"z": null, "y": true, "x": false}] } `,
	`{"s":"plain","h":"<b>&amp;</b>","e":"\u00e9 é","q":"\"quoted\" \\ back\/slash","c":"\b\f\n\r\t\u0001\u001f","l":"\u2028\u2029"}`,
	"{\"bad\":\"\xff\xfe invalid \xc3\",\"emoji\":\"\\ud83d\\ude00 😀\",\"lone\":\"\\ud800\"}",
	`{"n":[0,-0,1.0,1e3,1E+3,1.5,-1.5e-7,12345678901234567890,9007199254740993,1e400,-9223372036854775808,9223372036854775807,0.1,100000000000000000000000]}`,
	`{"dup":1,"dup":2,"a":{"k":"first","k":"second"}}`,
	`{"metadata":{"name":"x","managedFields":[{"manager":"m","fieldsV1":{"f:a":{}}}],"labels":{"b":"2","a":"1"}},"spec":{"metadata":{"managedFields":"kept: not the object's"}}}`,
	`{"":"empty key","\u00e9":"é key","<":"html key"}`,
}

func TestGetIndentJSON(t *testing.T) {
	inputs := append([]string{}, getIndentSeeds...)
	for i := range int64(3) {
		inputs = append(inputs, string(testobjects.Pod(i)), string(testobjects.StoredPod(i)))
	}
	if fixtures, err := os.ReadFile("../../printers/testdata/pods.list.json"); err == nil {
		var l struct{ Items []json.RawMessage }
		if err := json.Unmarshal(fixtures, &l); err != nil {
			t.Fatal(err)
		}
		for _, it := range l.Items {
			inputs = append(inputs, string(it))
		}
	}
	for _, in := range inputs {
		for _, drop := range []bool{true, false} {
			for _, prefix := range []string{"", "        "} {
				want, err := getIndentReference([]byte(in), prefix, drop)
				if err != nil {
					t.Fatalf("reference of %s: %v", in, err)
				}
				got, err := getIndentJSON([]byte("previous"), []byte(in), prefix, drop)
				if err != nil {
					t.Fatalf("getIndentJSON(%s): %v", in, err)
				}
				if string(got) != "previous"+string(want) {
					t.Errorf("getIndentJSON(%s, %q, %v):\n%s\nwant:\n%s", in, prefix, drop, got, want)
				}
			}
		}
	}
	for _, bad := range []string{``, `[]`, `"s"`, `{"a":}`, `{"a":1,}`, `{"a" 1}`, `{"a":[1 2]}`, `{"a":1}x`, `{"a":"unterminated}`, `{"a":tru}`} {
		if _, err := getIndentJSON(nil, []byte(bad), "", true); err == nil {
			t.Errorf("getIndentJSON(%s): no error", bad)
		}
	}
}

func FuzzGetIndentJSON(f *testing.F) {
	for _, s := range getIndentSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if !json.Valid(in) || !strings.HasPrefix(strings.TrimLeft(string(in), " \t\r\n"), "{") {
			return // not an object the server could send
		}
		want, err := getIndentReference(in, "  ", true)
		if err != nil {
			t.Fatalf("reference: %v", err)
		}
		got, err := getIndentJSON(nil, in, "  ", true)
		if err != nil {
			t.Fatalf("getIndentJSON(%q): %v", in, err)
		}
		if string(got) != string(want) {
			t.Fatalf("getIndentJSON(%q):\n%s\nwant:\n%s", in, got, want)
		}
	})
}

// TestGetWatchClosed: a watch cut under get --watch (server stopped or
// killed) ends the command quietly, as kubectl's does; other errors are
// errors.
func TestGetWatchClosed(t *testing.T) {
	for _, tc := range []struct {
		err    error
		closed bool
	}{
		{io.EOF, true},
		{fmt.Errorf("client: watch: %w", io.ErrUnexpectedEOF), true},
		{&net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, true},
		{fmt.Errorf("read: %w", net.ErrClosed), true},
		{errors.New("watch: decode: invalid character"), false},
		{syscall.ECONNREFUSED, false},
		{nil, false},
	} {
		if got := getWatchClosed(tc.err); got != tc.closed {
			t.Errorf("getWatchClosed(%v) = %v, want %v", tc.err, got, tc.closed)
		}
	}
}
