package jsonpath_test

import (
	"bytes"
	"testing"

	"kctl.dev/kctl/printers/jsonpath"
)

// FuzzParse: no template makes Parse or Execute panic, and a template that
// parses executes to the same output twice.
func FuzzParse(f *testing.F) {
	for _, tc := range jsonpathCases {
		f.Add(tc.expr)
	}
	pod := apiPod(f)
	f.Fuzz(func(t *testing.T, expr string) {
		tmpl, err := jsonpath.Parse(expr)
		if err != nil {
			return
		}
		for _, allow := range []bool{true, false} {
			tmpl.AllowMissingKeys = allow
			var a, b bytes.Buffer
			errA := tmpl.Execute(&a, pod)
			errB := tmpl.Execute(&b, pod)
			if (errA == nil) != (errB == nil) || a.String() != b.String() {
				t.Fatalf("%q: two runs differ: %q %v / %q %v", expr, a.String(), errA, b.String(), errB)
			}
			_ = tmpl.ExecuteJSON(&a, pod)
		}
	})
}
