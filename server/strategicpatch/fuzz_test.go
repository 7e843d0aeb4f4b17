package strategicpatch

import (
	"errors"
	"testing"

	"kctl.dev/kctl/api/unstructured"
)

// FuzzApply checks that Apply never panics, fails only with an *Error, never
// changes its arguments and never leaves a directive in the result.
func FuzzApply(f *testing.F) {
	seeds := []struct {
		kind            byte
		original, patch string
	}{
		{0, `{"spec":{"containers":[{"name":"a","env":[{"name":"A","value":"1"}]},{"name":"b"}]}}`,
			`{"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}],"containers":[{"name":"a","env":[{"name":"A","$patch":"delete"}]},{"name":"b","$patch":"delete"}]}}`},
		{0, `{"metadata":{"finalizers":["a","b"],"labels":{"x":"1"}}}`,
			`{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"],"finalizers":["c"],"labels":{"$patch":"replace","y":"2"}}}`},
		{0, `{"spec":{"volumes":[{"name":"v","emptyDir":{}}]}}`,
			`{"spec":{"volumes":[{"name":"v","$retainKeys":["name","configMap"],"configMap":{"name":"c"}},{"$patch":"replace"}]}}`},
		{1, `{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}`,
			`{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate","rollingUpdate":null}}}`},
		{2, `{"a":{"b":[1,2,{"c":3}]},"d":"e"}`,
			`{"a":{"$patch":"delete"},"d":{"$setElementOrder/x":[1],"x":[1,{"$patch":"replace"}]}}`},
		{0, `{}`, `{"spec":{"tolerations":[{"$patch":"merge","key":"a"}],"containers":[{"name":{}}]}}`},
	}
	for _, s := range seeds {
		f.Add(s.kind, s.original, s.patch)
	}
	kinds := []string{"Pod", "Deployment", "FreeForm", "Service", "Node"}
	f.Fuzz(func(t *testing.T, kind byte, original, patch string) {
		o, err := unstructured.DecodeMap([]byte(original))
		if err != nil {
			return
		}
		p, err := unstructured.DecodeMap([]byte(patch))
		if err != nil {
			return
		}
		s := schemas[kinds[int(kind)%len(kinds)]]
		origBefore, patchBefore := encode(t, o), encode(t, p)
		got, err := Apply(o, p, s)
		if encode(t, o) != origBefore || encode(t, p) != patchBefore {
			t.Fatal("Apply changed its arguments")
		}
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("error %v is a %T, not an *Error", err, err)
			}
			return
		}
		if k := directiveIn(got); k != "" {
			t.Fatalf("result holds directive %q: %s", k, encode(t, got))
		}
	})
}
