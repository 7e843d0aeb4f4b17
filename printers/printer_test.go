package printers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/printers"
)

// TestNewErrors checks New's errors for bad -o values, templates and column
// specs; kubectl (when installed) must fail with the same words.
func TestNewErrors(t *testing.T) {
	cases := []struct {
		output string
		want   string
	}{
		{"foo", `unable to match a printer suitable for the output format "foo", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml`},
		{"json=x", `unable to match a printer suitable for the output format "json=x", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml`},
		{"wide=x", `unable to match a printer suitable for the output format "wide=x", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml`},
		{"jsonpath", "template format specified but no template given"},
		{"jsonpath=", "template format specified but no template given"},
		{"jsonpath-as-json", "template format specified but no template given"},
		{"go-template", "template format specified but no template given"},
		{"jsonpath={.metadata.name", "error parsing jsonpath {.metadata.name, unclosed action"},
		{"jsonpath-file=testdata/missing", "error reading --template testdata/missing, open testdata/missing: no such file or directory"},
		{"go-template={{.x", "error parsing template {{.x, template: output:1: unclosed action"},
		{"custom-columns", "custom-columns format specified but no custom columns given"},
		{"custom-columns=", "custom-columns format specified but no custom columns given"},
		{"custom-columns=A", "unexpected custom-columns spec: A, expected <header>:<json-path-expr>"},
		{"custom-columns=A:.metadata.name,B", "unexpected custom-columns spec: B, expected <header>:<json-path-expr>"},
		{"custom-columns=A:{.metadata.name", "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'"},
		{"custom-columns-file=testdata/missing", "error reading template testdata/missing, open testdata/missing: no such file or directory"},
		{"custom-columns-file=testdata/template.jsonpath", "number of headers (3) and field specifications (1) don't match"},
	}
	var stub interface {
		Kubectl(testing.TB, ...string) (string, string, error)
	}
	if !testing.Short() {
		stub = startStub(t, stubResources(t, time.Now()))
	}
	for _, tc := range cases {
		t.Run(tc.output, func(t *testing.T) {
			_, err := printers.New(printers.Options{Output: tc.output})
			if err == nil || err.Error() != tc.want {
				t.Fatalf("New: %v\nwant: %s", err, tc.want)
			}
			if stub == nil {
				return
			}
			_, errOut, kerr := stub.Kubectl(t, "get", "pods", "-o", tc.output)
			if kerr == nil || errOut != "error: "+tc.want+"\n" {
				t.Errorf("kubectl: %v %q\nwant: %q", kerr, errOut, "error: "+tc.want+"\n")
			}
		})
	}
	if _, err := printers.New(printers.Options{SortBy: "{.metadata.name"}); err == nil {
		t.Error("New accepted an unclosed --sort-by path")
	}
}

// TestFlushErrors checks the errors found while printing.
func TestFlushErrors(t *testing.T) {
	list := loadJSON(t, "pods.list.json")
	items := list["items"].([]any)
	cases := []struct {
		name string
		opts printers.Options
		objs []any
		want string // the error's first line
		args []string
	}{
		{name: "jsonpath missing key",
			opts: printers.Options{Output: "jsonpath={.items[0].metadata.missing}", ErrorOnMissingKeys: true},
			objs: []any{list},
			want: `error executing jsonpath "{.items[0].metadata.missing}": Error executing template: missing is not found. Printing more information for debugging the template:`,
			args: []string{"get", "pods", "-o", "jsonpath={.items[0].metadata.missing}", "--allow-missing-template-keys=false"}},
		{name: "jsonpath index",
			opts: printers.Options{Output: "jsonpath={.spec.containers[3]}"},
			objs: []any{items[1]},
			want: `error executing jsonpath "{.spec.containers[3]}": Error executing template: array index out of bounds: index 3, length 2. Printing more information for debugging the template:`,
			args: []string{"get", "pod", "api-0", "-o", "jsonpath={.spec.containers[3]}"}},
		{name: "sort by a field no object has",
			opts: printers.Options{Output: "json", SortBy: ".metadata.missing"},
			objs: []any{list},
			want: `couldn't find any field with path "{.metadata.missing}" in the list of objects`,
			args: []string{"get", "pods", "-o", "json", "--sort-by=.metadata.missing"}},
		{name: "go-template",
			opts: printers.Options{Output: "go-template={{.items.x.y}}"},
			objs: []any{list},
			want: `error executing template "{{.items.x.y}}": template: output:1:8: executing "output" at <.items.x.y>: can't evaluate field x in type interface {}`,
			args: []string{"get", "pods", "-o", "go-template={{.items.x.y}}"}},
		{name: "sort by an object",
			opts: printers.Options{Output: "name", SortBy: ".metadata"},
			objs: []any{list},
			want: `sorting by {.metadata}: cannot compare an object with an object`},
		{name: "table sort by a field no row has",
			opts: printers.Options{SortBy: ".metadata.missing"},
			objs: []any{loadJSON(t, "pods.table.json")},
			want: `couldn't find any field with path "{.metadata.missing}" in the list of objects`},
	}
	var stub interface {
		Kubectl(testing.TB, ...string) (string, string, error)
	}
	if !testing.Short() {
		stub = startStub(t, stubResources(t, time.Now()))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := printers.New(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range tc.objs {
				if err := p.Print(o); err != nil {
					t.Fatal(err)
				}
			}
			var out bytes.Buffer
			err = p.Flush(&out)
			if err == nil || firstLine(err.Error()) != tc.want {
				t.Fatalf("Flush: %v\nwant: %s", err, tc.want)
			}
			if out.Len() != 0 {
				t.Errorf("Flush wrote %q before failing", out.String())
			}
			if stub == nil || tc.args == nil {
				return
			}
			_, errOut, kerr := stub.Kubectl(t, tc.args...)
			if kerr == nil || firstLine(errOut) != "error: "+tc.want {
				t.Errorf("kubectl: %v %q\nwant: %q", kerr, firstLine(errOut), "error: "+tc.want)
			}
		})
	}
}

// TestInputs prints the same Table and object given in every form Print
// takes.
func TestInputs(t *testing.T) {
	tableJSON, err := os.ReadFile("testdata/deployments.table.json")
	if err != nil {
		t.Fatal(err)
	}
	var typed meta.Table
	if err := json.Unmarshal(tableJSON, &typed); err != nil {
		t.Fatal(err)
	}
	var asMap map[string]any
	_ = json.Unmarshal(tableJSON, &asMap)
	u, err := unstructured.Decode(tableJSON)
	if err != nil {
		t.Fatal(err)
	}
	want := `NAME      READY   UP-TO-DATE   AVAILABLE   AGE
web       3/3     3            3           5d
api       1/2     2            1           47h
coredns   2/2     2            2           120d
`
	for name, in := range map[string]any{
		"bytes": tableJSON, "raw message": json.RawMessage(tableJSON), "meta.RawJSON": meta.RawJSON(tableJSON),
		"*meta.Table": &typed, "meta.Table": typed, "map": asMap, "unstructured": u,
	} {
		if got := print(t, printers.Options{}, in); got != want {
			t.Errorf("%s printed\n%s\nwant\n%s", name, got, want)
		}
	}

	type objectMeta struct {
		Name              string    `json:"name"`
		CreationTimestamp time.Time `json:"creationTimestamp"`
	}
	type widget struct {
		Kind       string     `json:"kind"`
		APIVersion string     `json:"apiVersion"`
		Metadata   objectMeta `json:"metadata"`
	}
	now := time.Date(2024, 5, 6, 10, 0, 0, 0, time.UTC)
	w := widget{Kind: "Widget", APIVersion: "example.com/v1", Metadata: objectMeta{Name: "w", CreationTimestamp: now.Add(-90 * time.Second)}}
	opts := printers.Options{Now: func() time.Time { return now }}
	if got, want := print(t, opts, w), "NAME   AGE\nw      90s\n"; got != want {
		t.Errorf("a typed object printed %q, want %q", got, want)
	}
	opts.Output = "name"
	if got, want := print(t, opts, &w), "widget.example.com/w\n"; got != want {
		t.Errorf("-o name of a typed object printed %q, want %q", got, want)
	}

	p, _ := printers.New(printers.Options{})
	for _, bad := range []any{nil, []byte("{"), []byte(`{"kind":"List","items":[1]}`), (*meta.Table)(nil)} {
		if err := p.Print(bad); err == nil {
			t.Errorf("Print(%#v) succeeded", bad)
		}
	}
}

func print(t *testing.T, opts printers.Options, objs ...any) string {
	t.Helper()
	p, err := printers.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if err := p.Print(o); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := p.Flush(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestPrintDoesNotChangeItsInput: printers keep their own copy.
func TestPrintDoesNotChangeItsInput(t *testing.T) {
	u, err := unstructured.Decode([]byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","managedFields":[{"manager":"m"}]},"spec":{"n":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := json.Marshal(u.Object)
	print(t, printers.Options{Output: "yaml"}, u)
	after, _ := json.Marshal(u.Object)
	if !bytes.Equal(before, after) {
		t.Errorf("the object changed:\n%s\n%s", before, after)
	}
}

func TestRequestHints(t *testing.T) {
	for _, tc := range []struct {
		opts          printers.Options
		table         bool
		includeObject string
	}{
		{printers.Options{}, true, ""},
		{printers.Options{Output: "wide", ShowLabels: true}, true, ""},
		{printers.Options{SortBy: ".metadata.name"}, true, "Object"},
		{printers.Options{Output: "json"}, false, ""},
		{printers.Options{Output: "name"}, false, ""},
		{printers.Options{Output: "custom-columns=N:.metadata.name"}, false, ""},
		{printers.Options{Output: "jsonpath={.kind}"}, false, ""},
	} {
		p, err := printers.New(tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if p.WantsTable() != tc.table || p.IncludeObject() != tc.includeObject {
			t.Errorf("%+v: WantsTable %v, IncludeObject %q; want %v, %q", tc.opts, p.WantsTable(), p.IncludeObject(), tc.table, tc.includeObject)
		}
	}
}

// TestWatchTable follows a watch: the first event's Table carries the
// columns, later ones none; the header is printed once and columns widen.
func TestWatchTable(t *testing.T) {
	table := func(cols bool, cells ...any) map[string]any {
		m := map[string]any{"kind": "Table", "apiVersion": "meta.k8s.io/v1",
			"rows": []any{map[string]any{"cells": cells}}}
		if cols {
			m["columnDefinitions"] = []any{
				map[string]any{"name": "Name", "type": "string", "format": "name"},
				map[string]any{"name": "Status", "type": "string"},
			}
		}
		return m
	}
	p, _ := printers.New(printers.Options{})
	var out bytes.Buffer
	for _, ev := range []map[string]any{
		table(true, "a", "Pending"), table(false, "a-longer-name", "Running"), table(false, "b", "Gone"),
	} {
		if err := p.Print(ev); err != nil {
			t.Fatal(err)
		}
		if err := p.Flush(&out); err != nil {
			t.Fatal(err)
		}
	}
	want := "NAME   STATUS\n" +
		"a      Pending\n" +
		"a-longer-name   Running\n" +
		"b               Gone\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-2 * time.Second:                   "<invalid>",
		-time.Second:                       "0s",
		0:                                  "0s",
		5 * time.Second:                    "5s",
		119 * time.Second:                  "119s",
		2 * time.Minute:                    "2m",
		3*time.Minute + 2*time.Second:      "3m2s",
		9*time.Minute + 59*time.Second:     "9m59s",
		10*time.Minute + 30*time.Second:    "10m",
		179 * time.Minute:                  "179m",
		3 * time.Hour:                      "3h",
		3*time.Hour + 10*time.Minute:       "3h10m",
		7*time.Hour + 59*time.Minute:       "7h59m",
		8*time.Hour + 30*time.Minute:       "8h",
		47 * time.Hour:                     "47h",
		48 * time.Hour:                     "2d",
		51 * time.Hour:                     "2d3h",
		8 * 24 * time.Hour:                 "8d",
		400 * 24 * time.Hour:               "400d",
		2 * 365 * 24 * time.Hour:           "2y",
		(2*365 + 45) * 24 * time.Hour:      "2y45d",
		9 * 365 * 24 * time.Hour:           "9y",
		(9*365 + 100) * 24 * time.Hour:     "9y",
		100*time.Millisecond + time.Second: "1s",
	} {
		if got := printers.HumanDuration(d); got != want {
			t.Errorf("HumanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestGroupKind(t *testing.T) {
	for gk, want := range map[printers.GroupKind]string{
		{Kind: "Pod"}:                                "pod",
		{Group: "apps", Kind: "Deployment"}:          "deployment.apps",
		{Group: "example.com", Kind: "WidgetPolicy"}: "widgetpolicy.example.com",
	} {
		if got := gk.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", gk, got, want)
		}
	}
}

// The examples print to os.Stdout; a command would print to its IOStreams.

func ExampleNew() {
	// A page of `GET /api/v1/namespaces/default/pods` asked as a Table.
	page := []byte(`{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{},
	  "columnDefinitions":[
	    {"name":"Name","type":"string","format":"name","priority":0},
	    {"name":"Status","type":"string","priority":0},
	    {"name":"Age","type":"string","priority":0},
	    {"name":"Node","type":"string","priority":1}],
	  "rows":[
	    {"cells":["web-0","Running","5d","node-1"],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"web-0","namespace":"default","labels":{"app":"web"}}}},
	    {"cells":["db","Pending","10s","<none>"],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"db","namespace":"default"}}}]}`)

	p, err := printers.New(printers.Options{Output: "wide", ShowLabels: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := p.Print(page); err != nil { // and each further page
		fmt.Println(err)
		return
	}
	if err := p.Flush(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// NAME    STATUS    AGE   NODE     LABELS
	// web-0   Running   5d    node-1   app=web
	// db      Pending   10s   <none>   <none>
}

func ExampleNew_badOutput() {
	_, err := printers.New(printers.Options{Output: "xml"})
	fmt.Println(err)
	// Output:
	// unable to match a printer suitable for the output format "xml", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml
}

func ExampleNew_name() {
	p, _ := printers.New(printers.Options{Output: "name", SortBy: ".metadata.name"})
	_ = p.Print(map[string]any{"apiVersion": "apps/v1", "kind": "DeploymentList", "items": []any{
		map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "web"}},
		map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "api"}},
	}})
	_ = p.Print(map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "db-0"}})
	_ = p.Flush(os.Stdout)
	// Output:
	// deployment.apps/api
	// pod/db-0
	// deployment.apps/web
}

func ExampleNew_json() {
	p, _ := printers.New(printers.Options{Output: "json"})
	_ = p.Print(map[string]any{"apiVersion": "v1", "kind": "PodList", "metadata": map[string]any{"resourceVersion": "7"},
		"items": []any{map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "web",
			"managedFields": []any{map[string]any{"manager": "kubectl"}}}}}})
	_ = p.Flush(os.Stdout)
	// Output:
	// {
	//     "apiVersion": "v1",
	//     "items": [
	//         {
	//             "apiVersion": "v1",
	//             "kind": "Pod",
	//             "metadata": {
	//                 "name": "web"
	//             }
	//         }
	//     ],
	//     "kind": "List",
	//     "metadata": {
	//         "resourceVersion": ""
	//     }
	// }
}

func ExampleNew_customColumns() {
	p, _ := printers.New(printers.Options{Output: "custom-columns=NAME:.metadata.name,IMAGES:.spec.containers[*].image,NODE:.spec.nodeName"})
	_ = p.Print([]byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"},
	  "spec":{"containers":[{"name":"app","image":"nginx"},{"name":"log","image":"busybox"}]}}`))
	_ = p.Flush(os.Stdout)
	// Output:
	// NAME   IMAGES          NODE
	// web    nginx,busybox   <none>
}

func ExampleNew_jsonpath() {
	p, _ := printers.New(printers.Options{Output: `jsonpath={range .items[*]}{.metadata.name}{"\t"}{.status.phase}{"\n"}{end}`})
	_ = p.Print([]byte(`{"apiVersion":"v1","kind":"PodList","items":[
	  {"metadata":{"name":"web"},"status":{"phase":"Running"}},
	  {"metadata":{"name":"db"},"status":{"phase":"Pending"}}]}`))
	_ = p.Flush(os.Stdout)
	// Output:
	// web	Running
	// db	Pending
}

// A watch: Flush after each event. The header is printed once; a column
// widens when a row needs it and never narrows again.
func ExamplePrinter_watch() {
	p, _ := printers.New(printers.Options{Now: func() time.Time { return time.Date(2024, 5, 6, 10, 0, 0, 0, time.UTC) }})
	for _, name := range []string{"a", "a-longer-name", "b"} {
		_ = p.Print(map[string]any{"apiVersion": "example.com/v1", "kind": "Widget",
			"metadata": map[string]any{"name": name, "creationTimestamp": "2024-05-06T09:59:15Z"}})
		_ = p.Flush(os.Stdout)
	}
	// Output:
	// NAME   AGE
	// a      45s
	// a-longer-name   45s
	// b               45s
}

// Several kinds in one listing (kubectl get deployments,pods): SetKind
// before each; names carry their kind with WithKind.
func ExamplePrinter_SetKind() {
	obj := func(apiVersion, kind, name string) map[string]any {
		return map[string]any{"apiVersion": apiVersion, "kind": kind,
			"metadata": map[string]any{"name": name, "creationTimestamp": "2024-05-06T09:00:00Z"}}
	}
	p, _ := printers.New(printers.Options{WithKind: true, Now: func() time.Time { return time.Date(2024, 5, 6, 10, 0, 0, 0, time.UTC) }})
	p.SetKind(printers.GroupKind{Group: "apps", Kind: "Deployment"}, true)
	_ = p.Print(obj("apps/v1", "Deployment", "web"))
	p.SetKind(printers.GroupKind{Kind: "Pod"}, true)
	_ = p.Print(obj("v1", "Pod", "web-7d4b9c8f5-abcde"))
	_ = p.Flush(os.Stdout)
	// Output:
	// NAME                  AGE
	// deployment.apps/web   60m
	//
	// NAME                      AGE
	// pod/web-7d4b9c8f5-abcde   60m
}
