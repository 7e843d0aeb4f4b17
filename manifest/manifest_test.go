package manifest_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/manifest"
)

// describe renders objects as "SOURCE#DOCUMENT[/ITEM]@LINE APIVERSION KIND NAME".
func describe(objs []manifest.Object) []string {
	var out []string
	for _, o := range objs {
		loc := fmt.Sprintf("%s#%d", filepath.ToSlash(o.Source), o.Document)
		if o.Item > 0 {
			loc += fmt.Sprintf("/%d", o.Item)
		}
		out = append(out, fmt.Sprintf("%s@%d %s %s %s", loc, o.Line, o.APIVersion(), o.Kind(), o.Name()))
	}
	return out
}

func TestRead(t *testing.T) {
	tests := []struct {
		name      string
		paths     []string
		recursive bool
		want      []string
	}{
		{"one document", []string{"testdata/single.yaml"}, false, []string{
			"testdata/single.yaml#1@1 v1 ConfigMap settings",
		}},
		{"several documents, empty ones skipped", []string{"testdata/multi.yaml"}, false, []string{
			"testdata/multi.yaml#1@3 v1 Namespace shop",
			"testdata/multi.yaml#2@8 apps/v1 Deployment web",
			"testdata/multi.yaml#4@32 v1 Service web",
		}},
		{"a List", []string{"testdata/list.yaml"}, false, []string{
			"testdata/list.yaml#1/1@1 v1 ConfigMap one",
			"testdata/list.yaml#1/2@1 v1 Secret two",
		}},
		{"a typed list from a server", []string{"testdata/podlist.json"}, false, []string{
			"testdata/podlist.json#1/1@1 v1 Pod a",
			"testdata/podlist.json#1/2@1 v1 Pod b",
		}},
		{"a JSON stream", []string{"testdata/stream.json"}, false, []string{
			"testdata/stream.json#1@1 v1 ConfigMap j1",
			"testdata/stream.json#2@2 v1 ConfigMap j2",
			"testdata/stream.json#3/1@3 v1 ConfigMap j3",
		}},
		{"a directory: its manifests only, top level only", []string{"testdata/dir"}, false, []string{
			"testdata/dir/a.yaml#1@1 v1 ConfigMap a",
			"testdata/dir/b.json#1@1 v1 ConfigMap b",
			"testdata/dir/c.yml#1@1 v1 ConfigMap c",
		}},
		{"a directory, recursive", []string{"testdata/dir"}, true, []string{
			"testdata/dir/a.yaml#1@1 v1 ConfigMap a",
			"testdata/dir/b.json#1@1 v1 ConfigMap b",
			"testdata/dir/c.yml#1@1 v1 ConfigMap c",
			"testdata/dir/sub/d.yaml#1@1 v1 ConfigMap d",
			"testdata/dir/sub/deeper/e.yaml#1@1 v1 ConfigMap e",
		}},
		{"a file named explicitly, whatever its extension", []string{"testdata/dir/notes.txt"}, false, []string{
			"testdata/dir/notes.txt#1@1 v1 ConfigMap from-txt",
		}},
		{"several paths, in order", []string{"testdata/dir/c.yml", "testdata/single.yaml", "testdata/dir/a.yaml"}, false, []string{
			"testdata/dir/c.yml#1@1 v1 ConfigMap c",
			"testdata/single.yaml#1@1 v1 ConfigMap settings",
			"testdata/dir/a.yaml#1@1 v1 ConfigMap a",
		}},
		{"nothing", nil, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, err := manifest.Read(tt.paths, tt.recursive, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := describe(objs); !slices.Equal(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestReadStdin(t *testing.T) {
	in := strings.NewReader("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: piped\n")
	objs, err := manifest.Read([]string{"testdata/single.yaml", "-"}, false, in)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"testdata/single.yaml#1@1 v1 ConfigMap settings", "STDIN#1@1 v1 ConfigMap piped"}
	if got := describe(objs); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}

	_, err = manifest.Read([]string{"-"}, false, strings.NewReader("kind: ConfigMap\n"))
	if err == nil || err.Error() != `error validating "STDIN": error validating data: apiVersion not set` {
		t.Errorf("stdin without apiVersion: %v", err)
	}
	if _, err := manifest.Read([]string{"-"}, false, nil); err == nil {
		t.Error("reading \"-\" without stdin succeeded")
	}
	if _, err := manifest.Read([]string{"-"}, false, iotest.ErrReader(errors.New("broken pipe"))); err == nil || !strings.Contains(err.Error(), "broken pipe") {
		t.Errorf("stdin read error: %v", err)
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		path string
		want string
	}{
		{"testdata/nope.yaml", `the path "testdata/nope.yaml" does not exist`},
		{"", `the path "" does not exist`},
		{"https://example.com/app.yaml", "reading manifests from URLs is not supported: https://example.com/app.yaml"},
		// Parse errors, worded as kubectl's, lines counted in the file.
		{"testdata/bad/syntax-single.yaml", "error parsing testdata/bad/syntax-single.yaml: error converting YAML to JSON: yaml: line 5: did not find expected node content"},
		{"testdata/bad/syntax.yaml", "error parsing testdata/bad/syntax.yaml (document 2, line 6): error converting YAML to JSON: yaml: line 10: mapping values are not allowed in this context"},
		{"testdata/bad/separator.yaml", "error parsing testdata/bad/separator.yaml: invalid YAML document separator at line 5: foo"},
		{"testdata/bad/truncated.json", "error parsing testdata/bad/truncated.json: unexpected EOF"},
		{"testdata/bad/stream.json", "error parsing testdata/bad/stream.json (document 2, line 2): json: line 3: invalid character '}' looking for beginning of object key string"},
		{"testdata/bad/scalar.yaml", "error parsing testdata/bad/scalar.yaml: expected an object, got a string"},
		{"testdata/bad/array.yaml", "error parsing testdata/bad/array.yaml: expected an object, got an array"},
		// Validation errors, worded as kubectl's.
		{"testdata/bad/nokind.yaml", `error validating "testdata/bad/nokind.yaml": error validating data: [apiVersion not set, kind not set]`},
		{"testdata/bad/nokind2.yaml", `error validating "testdata/bad/nokind2.yaml": error validating data: kind not set`},
		{"testdata/bad/noapiversion.yaml", `error validating "testdata/bad/noapiversion.yaml" (document 2, line 6): error validating data: apiVersion not set`},
		{"testdata/bad/list-item.yaml", `error validating "testdata/bad/list-item.yaml" (item 2): error validating data: [apiVersion not set, kind not set]`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			objs, err := manifest.Read([]string{"testdata/single.yaml", tt.path}, false, nil)
			if err == nil {
				t.Fatalf("no error; objects %v", describe(objs))
			}
			if objs != nil {
				t.Errorf("objects returned with an error: %v", describe(objs))
			}
			if err.Error() != tt.want {
				t.Errorf("error\n%s\nwant\n%s", err, tt.want)
			}
		})
	}
}

func TestErrorTypes(t *testing.T) {
	_, err := manifest.Read([]string{"testdata/bad/syntax.yaml"}, false, nil)
	var pe *manifest.ParseError
	if !errors.As(err, &pe) || pe.Source != "testdata/bad/syntax.yaml" || pe.Document != 2 || pe.Line != 6 || pe.Err == nil {
		t.Errorf("ParseError %+v", pe)
	}
	_, err = manifest.Read([]string{"testdata/bad/noapiversion.yaml"}, false, nil)
	var ve *manifest.ValidationError
	if !errors.As(err, &ve) || ve.Document != 2 || !slices.Equal(ve.Problems, []string{"apiVersion not set"}) {
		t.Errorf("ValidationError %+v", ve)
	}
	_, err = manifest.Read([]string{"testdata/bad/stream.json"}, false, nil)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		t.Errorf("JSON syntax error not wrapped: %v", err)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []string // or the error
	}{
		{"empty", "", nil},
		{"blank and comments", "\n  \n# nothing\n---\n---\n", nil},
		{"null", "null\n", nil},
		{"CRLF and a byte order mark", "\xef\xbb\xbfapiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: a\r\n---\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: b\r\n",
			[]string{"s#1@1 v1 ConfigMap a", "s#2@6 v1 ConfigMap b"}},
		{"no newline at the end", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}",
			[]string{"s#1@1 v1 ConfigMap a"}},
		{"separator with blanks and a comment", "apiVersion: v1\nkind: A\n---   \napiVersion: v1\nkind: B\n---\t# c\napiVersion: v1\nkind: C\n",
			[]string{"s#1@1 v1 A ", "s#2@4 v1 B ", "s#3@7 v1 C "}},
		{"indented --- is content", "apiVersion: v1\nkind: ConfigMap\ndata:\n  x: |\n    a\n    ---\n    b\n",
			[]string{"s#1@1 v1 ConfigMap "}},
		{"---- is not a separator", "apiVersion: v1\nkind: A\n----\n", []string{"invalid YAML document separator at line 3: -"}},
		{"--- followed by content", "--- {apiVersion: v1, kind: A}\n", []string{"invalid YAML document separator at line 1: {apiVersion: v1, kind: A}"}},
		{"JSON after blank lines", "\n\n  {\"apiVersion\": \"v1\", \"kind\": \"A\"}\n", []string{"s#1@3 v1 A "}},
		{"JSON values back to back", `{"apiVersion":"v1","kind":"A"}{"apiVersion":"v1","kind":"B"}`, []string{"s#1@1 v1 A ", "s#2@1 v1 B "}},
		{"JSON: a value that is not an object", `{"apiVersion":"v1","kind":"A"} [1]`, []string{"expected an object, got an array"}},
		{"JSON: garbage after an object", `{"apiVersion":"v1","kind":"A"} x`, []string{"invalid character 'x' looking for beginning of value"}},
		{"an empty List", "apiVersion: v1\nkind: List\nitems: []\n", nil},
		{"a List without items", "apiVersion: v1\nkind: List\n", nil},
		{"a List whose items are not a list", "apiVersion: v1\nkind: List\nitems: {}\n", []string{"items of the List is not an array"}},
		{"an item that is not an object", "apiVersion: v1\nkind: List\nitems: [3]\n", []string{"items[0] of the List is not an object"}},
		{"nested lists", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMapList\n  items:\n  - metadata: {name: a}\n  - metadata: {name: b}\n- {apiVersion: v1, kind: Secret, metadata: {name: c}}\n",
			[]string{"s#1/1@1 v1 ConfigMap a", "s#1/2@1 v1 ConfigMap b", "s#1/3@1 v1 Secret c"}},
		{"a kind ending in List that is not a list", "apiVersion: todo.example.com/v1\nkind: TodoList\nmetadata: {name: chores}\nspec: {}\n",
			[]string{"s#1@1 todo.example.com/v1 TodoList chores"}},
		{"items of a v1 List keep their own types", "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: apps/v1, kind: Deployment, metadata: {name: d}}\n",
			[]string{"s#1/1@1 apps/v1 Deployment d"}},
		{"kind of the wrong type", "apiVersion: v1\nkind: 3\n", []string{"error validating data: kind not set"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, err := manifest.Parse("s", []byte(tt.data))
			if err != nil {
				if len(tt.want) != 1 || !strings.Contains(err.Error(), tt.want[0]) {
					t.Fatalf("error %v, want %v", err, tt.want)
				}
				return
			}
			if got := describe(objs); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNumbersAndFields(t *testing.T) {
	objs, err := manifest.Read([]string{"testdata/numbers.yaml", "testdata/stream.json"}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	spec := unstructured.NestedMap(objs[0].Object, "spec")
	for field, want := range map[string]string{"replicas": "3", "ratio": "0.25", "big": "12345678901234567890"} {
		n, ok := spec[field].(json.Number)
		if !ok || n.String() != want {
			t.Errorf("spec.%s = %#v, want the number %s", field, spec[field], want)
		}
	}
	if spec["octalish"] != "0755" || spec["enabled"] != true {
		t.Errorf("spec %v", spec)
	}
	if got := unstructured.NestedString(objs[2].Object, "data", "big"); got != "12345678901234567890" {
		t.Errorf("JSON string data %q", got)
	}
	// Objects are independent: changing one leaves the others alone.
	objs[1].SetName("changed")
	if objs[2].Name() != "j2" {
		t.Errorf("objects share state: %s", objs[2].Name())
	}
}

func TestReadDirectoryOfNothing(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	objs, err := manifest.Read([]string{dir}, true, nil)
	if err != nil || len(objs) != 0 {
		t.Errorf("Read = %v, %v; want nothing", describe(objs), err)
	}
}
