// Package jsontest checks that typed API objects encode and decode JSON
// losslessly: a fixture shaped as a real API server writes it is decoded into
// the Go type, encoded again, and must come back field for field.
package jsontest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"kctl.dev/kctl/api/unstructured"
)

// Case is one fixture under testdata/ and a pointer to decode it into.
type Case struct {
	File string
	Out  any
}

// RoundTrip runs one subtest per case.
func RoundTrip(t *testing.T, cases []Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.File, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", c.File))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, c.Out); err != nil {
				t.Fatalf("decode: %v", err)
			}
			again, err := json.Marshal(c.Out)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			want, err := unstructured.DecodeMap(data)
			if err != nil {
				t.Fatal(err)
			}
			got, err := unstructured.DecodeMap(again)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(want, got) {
				w, _ := json.Marshal(want)
				g, _ := json.Marshal(got)
				t.Errorf("round trip changed the object\nwant %s\n got %s", w, g)
			}
		})
	}
}
