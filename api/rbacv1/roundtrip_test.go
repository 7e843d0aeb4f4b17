package rbacv1

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestRoundTrip decodes each fixture (shaped as a real API server writes it),
// encodes it again and fails when any field was lost or changed.
func TestRoundTrip(t *testing.T) {
	cases := []struct {
		file string
		out  any
	}{
		{"role.json", &Role{}},
		{"clusterrole.json", &ClusterRole{}},
		{"rolebinding.json", &RoleBinding{}},
		{"clusterrolebinding.json", &ClusterRoleBinding{}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, c.out); err != nil {
				t.Fatalf("decode: %v", err)
			}
			again, err := json.Marshal(c.out)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			want, got := asMap(t, data), asMap(t, again)
			if !reflect.DeepEqual(want, got) {
				w, _ := json.Marshal(want)
				g, _ := json.Marshal(got)
				t.Errorf("round trip changed the object\nwant %s\n got %s", w, g)
			}
		})
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
