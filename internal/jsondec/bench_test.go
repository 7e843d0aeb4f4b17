package jsondec_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"kctl.dev/kctl/internal/jsondec"
	"kctl.dev/kctl/internal/testobjects"
)

// BenchmarkObject decodes pods with jsondec and with encoding/json's Decoder
// (reference, in jsondec_test.go, which is what unstructured.DecodeMap did
// before jsondec): a pod with managed fields as the server stores it (compact) and indented, and
// testobjects.StoredPod, which has no managed fields.
//
// testdata/pod-managedfields.json is testobjects.Pod(1) as this server
// returns it after a create by kubectl-client-side-apply and a server-side
// apply of its status by kubelet.
//
//	go test -run=NONE -bench=Object -benchmem ./internal/jsondec
func BenchmarkObject(b *testing.B) {
	indented, err := os.ReadFile("testdata/pod-managedfields.json")
	if err != nil {
		b.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, indented); err != nil {
		b.Fatal(err)
	}
	inputs := []struct {
		name string
		data []byte
	}{
		{"managedfields", compact.Bytes()},
		{"managedfields-indented", indented},
		{"storedpod", testobjects.StoredPod(7)},
	}
	decoders := []struct {
		name   string
		decode func([]byte) (map[string]any, error)
	}{
		{"jsondec", jsondec.Object},
		{"encoding-json", reference},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			for _, dec := range decoders {
				b.Run(dec.name, func(b *testing.B) {
					b.SetBytes(int64(len(in.data)))
					b.ReportAllocs()
					for b.Loop() {
						if _, err := dec.decode(in.data); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
