package server_test

import (
	"net/http"
	"strings"
	"testing"

	"kctl.dev/kctl/server/registry"
)

// TestFieldValidation: unknown and duplicate fields of a kind's schema are a
// 400 under Strict, dropped with Warning headers under Warn (the default) and
// dropped silently under Ignore; nothing is written when the request fails.
func TestFieldValidation(t *testing.T) {
	const body = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"NAME","futureMeta":1},` +
		`"data":{"k":"v"},"data":{"k":"w"},"futureTop":{"a":[1,2]}}`
	problems := []string{`duplicate field "data"`, `unknown field "futureTop"`, `unknown field "metadata.futureMeta"`}
	cases := []struct {
		name, query string
		code        int
		warnings    []string
	}{
		{"strict", "?fieldValidation=Strict", http.StatusBadRequest, nil},
		{"warn", "?fieldValidation=Warn", http.StatusCreated, problems},
		{"default", "", http.StatusCreated, problems},
		{"ignore", "?fieldValidation=Ignore", http.StatusCreated, nil},
	}
	ts := newTestServer(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ts.must(c.code, "POST", configmaps+c.query, strings.ReplaceAll(body, "NAME", c.name))
			if c.code == http.StatusBadRequest {
				want := `ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: ` + strings.Join(problems, ", ")
				if r.str("reason") != "BadRequest" || r.str("message") != want {
					t.Errorf("strict answer: %s\nwant message %s", r.raw, want)
				}
				ts.must(http.StatusNotFound, "GET", configmaps+"/"+c.name, nil)
				return
			}
			got := r.header.Values("Warning")
			if len(got) != len(c.warnings) {
				t.Fatalf("warnings %q, want %q", got, c.warnings)
			}
			for i, w := range c.warnings {
				if !strings.HasPrefix(got[i], "299 - ") || !strings.Contains(got[i], strings.ReplaceAll(w, `"`, `\"`)) {
					t.Errorf("warning %q, want %q", got[i], w)
				}
			}
			stored := ts.must(http.StatusOK, "GET", configmaps+"/"+c.name, nil)
			if strings.Contains(string(stored.raw), "future") || stored.str("data", "k") != "w" {
				t.Errorf("stored %s", stored.raw)
			}
		})
	}
}

// TestFieldValidationNested reports paths inside lists, and checks updates too.
func TestFieldValidationNested(t *testing.T) {
	ts := newTestServer(t)
	p := pod("web", nil)
	p["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)["imagePullPolicyy"] = "Always"
	r := ts.must(http.StatusBadRequest, "POST", pods+"?fieldValidation=Strict", p)
	if !strings.Contains(r.str("message"), `unknown field "spec.containers[0].imagePullPolicyy"`) {
		t.Errorf("message %q", r.str("message"))
	}
	delete(p["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any), "imagePullPolicyy")
	created := ts.must(http.StatusCreated, "POST", pods+"?fieldValidation=Strict", p)
	created.obj["spec"].(map[string]any)["bogus"] = true
	r = ts.must(http.StatusBadRequest, "PUT", pods+"/web?fieldValidation=Strict", created.obj)
	if !strings.Contains(r.str("message"), `unknown field "spec.bogus"`) {
		t.Errorf("update message %q", r.str("message"))
	}
}

// TestFreeFormKindKeepsFields: a kind registered without a schema keeps every
// field as sent, numbers included.
func TestFreeFormKindKeepsFields(t *testing.T) {
	ts := newTestServer(t)
	if err := ts.srv.Registry().Add(&registry.Kind{Group: "example.com", Version: "v1", Resource: "gadgets", Kind: "Gadget", Namespaced: true}); err != nil {
		t.Fatal(err)
	}
	path := "/apis/example.com/v1/namespaces/default/gadgets"
	body := `{"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"x"},` +
		`"spec":{"big":12345678901234567890,"nested":{"deep":[true,null,2.5]}}}`
	r := ts.must(http.StatusCreated, "POST", path+"?fieldValidation=Strict", body)
	if len(r.header.Values("Warning")) != 0 {
		t.Errorf("warnings %q", r.header.Values("Warning"))
	}
	got := ts.must(http.StatusOK, "GET", path+"/x", nil)
	if want := `"spec":{"big":12345678901234567890,"nested":{"deep":[true,null,2.5]}}`; !strings.Contains(string(got.raw), want) {
		t.Errorf("lost %s in %s", want, got.raw)
	}
}
