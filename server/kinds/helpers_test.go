package kinds

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/api/validation"
	"kctl.dev/kctl/server/registry"
)

// now is the clock of every table test; objects are created at created.
var (
	now     = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	created = "2025-03-01T10:00:00Z"
)

// ago is the RFC 3339 time d before now.
func ago(d time.Duration) string { return now.Add(-d).Format(time.RFC3339) }

// decode parses a JSON object, failing the test on error.
func decode(t *testing.T, s string) *unstructured.Unstructured {
	t.Helper()
	u, err := unstructured.Decode([]byte(s))
	if err != nil {
		t.Fatalf("bad test object: %v\n%s", err, s)
	}
	return u
}

// load reads a fixture from testdata.
func load(t *testing.T, file string) *unstructured.Unstructured {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, string(b))
}

// paths summarises errors as sorted "Type field" strings, e.g.
// "FieldValueRequired spec.containers[0].image".
func paths(errs validation.ErrorList) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = string(e.Type) + " " + e.Field
	}
	slices.Sort(out)
	return out
}

// checkErrs compares errs with the expected "Type field" strings (any order).
func checkErrs(t *testing.T, name string, errs validation.ErrorList, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := paths(errs); !slices.Equal(got, want) {
		t.Errorf("%s: errors\n got %q\nwant %q\n(%v)", name, got, want, errs)
	}
}

// kind returns the built-in registration of resource.
func kind(t *testing.T, resource string) *registry.Kind {
	t.Helper()
	for _, k := range Builtin() {
		if k.Resource == resource {
			return k
		}
	}
	t.Fatalf("no kind %s", resource)
	return nil
}

// set sets a dotted path (no arrays) of obj, for building variants.
func set(obj *unstructured.Unstructured, path string, v any) *unstructured.Unstructured {
	unstructured.SetNested(obj.Object, v, strings.Split(path, ".")...)
	return obj
}

func metaTime(t time.Time) meta.Time { return meta.NewTime(t) }
