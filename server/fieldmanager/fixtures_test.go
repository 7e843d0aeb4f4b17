package fieldmanager

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"kctl.dev/kctl/api/appsv1"
	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/schema"
)

// A fixture file (testdata/*.yaml) holds cases; a case runs steps (applies
// and updates) on an object and checks what each step leaves.
type fixtureFile struct {
	Cases []fixtureCase `json:"cases"`
}

type fixtureCase struct {
	Name        string         `json:"name"`
	Kind        string         `json:"kind"` // Pod, Deployment, ConfigMap; anything else is free-form
	APIVersion  string         `json:"apiVersion"`
	Subresource string         `json:"subresource"`
	ResetFields []string       `json:"resetFields"`
	Empty       bool           `json:"empty"` // Request.Empty is the kind's empty object
	Live        map[string]any `json:"live"`  // the object before the first step; none: create
	Steps       []fixtureStep  `json:"steps"`
}

// fixtureStep is one write and what it leaves. Step i runs at
// 2025-01-01T00:0i:00Z, so entry times are exact.
type fixtureStep struct {
	Apply       string         `json:"apply"`  // Apply by this manager
	Update      string         `json:"update"` // Update by this manager
	Force       bool           `json:"force"`
	Subresource *string        `json:"subresource"` // overrides the case's
	ResetFields []string       `json:"resetFields"` // overrides the case's
	Object      map[string]any `json:"object"`

	Error         string         `json:"error"`         // the step fails with this message
	Conflicts     []string       `json:"conflicts"`     // the step fails with these conflicts: `<owner>: <field>`
	Want          map[string]any `json:"want"`          // the object after the step, managedFields aside
	ManagedFields []any          `json:"managedFields"` // its managed fields ([]: none)
	Unchanged     bool           `json:"unchanged"`     // the object, managed fields included, is as before the step
}

var fixtureSchemas = map[string]*schema.Schema{
	"Pod":        schema.Of[corev1.Pod](),
	"Deployment": schema.Of[appsv1.Deployment](),
	"ConfigMap":  schema.Of[corev1.ConfigMap](),
}

var fixtureEmpties = map[string]map[string]any{
	"Pod":        EmptyOf[corev1.Pod](),
	"Deployment": EmptyOf[appsv1.Deployment](),
	"ConfigMap":  EmptyOf[corev1.ConfigMap](),
}

var fixtureStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// decodeYAML reads YAML into v with numbers as json.Number, as objects hold them.
func decodeYAML(t testing.TB, data []byte, v any) {
	t.Helper()
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatal(err)
	}
}

func TestFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var ff fixtureFile
		decodeYAML(t, data, &ff)
		for _, fc := range ff.Cases {
			t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml")+"/"+fc.Name, func(t *testing.T) {
				runFixture(t, fc)
			})
		}
	}
}

func runFixture(t *testing.T, fc fixtureCase) {
	s := fixtureSchemas[fc.Kind]
	if s == nil {
		s = schema.FreeForm()
	}
	live := fc.Live
	for i, st := range fc.Steps {
		req := Request{
			APIVersion:  fc.APIVersion,
			Kind:        fc.Kind,
			Subresource: fc.Subresource,
			ResetFields: fc.ResetFields,
			Time:        fixtureStart.Add(time.Duration(i) * time.Minute),
		}
		if fc.Empty {
			req.Empty = fixtureEmpties[fc.Kind]
		}
		if st.Subresource != nil {
			req.Subresource = *st.Subresource
		}
		if st.ResetFields != nil {
			req.ResetFields = st.ResetFields
		}
		before := canonicalJSON(live)
		var out map[string]any
		var err error
		switch {
		case st.Apply != "":
			req.Manager = st.Apply
			out, err = Apply(live, st.Object, s, req, st.Force)
		case st.Update != "":
			req.Manager = st.Update
			var old map[string]any
			if live != nil {
				old = copyMap(live)
			}
			out, err = Update(old, copyMap(st.Object), s, req)
		default:
			t.Fatalf("step %d: neither apply nor update", i)
		}
		if canonicalJSON(live) != before {
			t.Fatalf("step %d changed the live object it was given", i)
		}
		if st.Error != "" || st.Conflicts != nil {
			checkFailure(t, i, err, st)
			continue
		}
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if st.Unchanged {
			if got := canonicalJSON(out); got != before {
				t.Errorf("step %d changed the object:\n%s", i, diffYAML(live, out))
			}
		}
		if st.Want != nil {
			got := copyMap(out)
			if md := metadataOf(got); md != nil {
				delete(md, "managedFields")
			}
			if canonicalJSON(got) != canonicalJSON(st.Want) {
				t.Errorf("step %d: object:\n%s", i, diffYAML(st.Want, got))
			}
		}
		if st.ManagedFields != nil {
			got, _ := metadataOf(out)["managedFields"].([]any)
			if len(got) == 0 && len(st.ManagedFields) == 0 {
				got, st.ManagedFields = nil, nil // [] in a fixture: none
			}
			if canonicalJSON(got) != canonicalJSON(st.ManagedFields) {
				t.Errorf("step %d: managedFields:\n%s", i, diffYAML(st.ManagedFields, got))
			}
		}
		live = out
	}
}

func checkFailure(t *testing.T, i int, err error, st fixtureStep) {
	t.Helper()
	if err == nil {
		t.Fatalf("step %d succeeded, want an error", i)
	}
	if st.Error != "" && err.Error() != st.Error {
		t.Errorf("step %d: error\n got: %s\nwant: %s", i, err, st.Error)
	}
	if st.Conflicts != nil {
		var c *Conflicts
		if !errors.As(err, &c) {
			t.Fatalf("step %d: %v is not a *Conflicts", i, err)
		}
		var got []string
		for _, it := range c.Items {
			got = append(got, it.Owner()+": "+it.Field)
		}
		if strings.Join(got, "\n") != strings.Join(st.Conflicts, "\n") {
			t.Errorf("step %d: conflicts\n got: %q\nwant: %q", i, got, st.Conflicts)
		}
	} else {
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("step %d: %v is a %T, want an *Error", i, err, err)
		}
	}
}

func canonicalJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return string(b)
}

// diffYAML shows want and got side by side, as YAML.
func diffYAML(want, got any) string {
	w, _ := yaml.Marshal(want)
	g, _ := yaml.Marshal(got)
	return "--- want\n" + string(w) + "--- got\n" + string(g)
}
