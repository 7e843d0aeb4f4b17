package jsonpath_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"kctl.dev/kctl/printers/internal/kubectlstub"
	"kctl.dev/kctl/printers/jsonpath"
)

// The cases run on the pod api-0 of ../testdata/pods.list.json: two
// containers (main; sidecar with ports 8080 and 9090/metrics), labels app=api,
// app.kubernetes.io/name=api and tier=backend, spec.nodeSelector null,
// spec.priority 1000. Unless noted,
// the real kubectl prints exactly want (or fails with errMsg), which
// TestKubectlAgrees checks.
type jsonpathCase struct {
	expr   string
	want   string
	errMsg string // the error, kubectl's words
	parse  bool   // the error comes from Parse
	strict bool   // AllowMissingKeys off (--allow-missing-template-keys=false)
	// kubectlDiffers explains a deliberate difference; kubectl is not run.
	kubectlDiffers string
}

var jsonpathCases = []jsonpathCase{
	// fields
	{expr: "{.metadata.name}", want: "api-0"},
	{expr: "{.kind}/{.metadata.name}", want: "Pod/api-0"},
	{expr: "x{.metadata.name}y {.metadata.namespace} z", want: "xapi-0y default z"},
	{expr: "{.metadata.name}}", want: "api-0}"},
	{expr: "{$.metadata.name}", want: "api-0"},
	{expr: "{@.metadata.name}", want: "api-0"},
	{expr: "{['metadata']['name']}", want: "api-0"},
	{expr: "{.metadata.labels['tier']}", want: "backend"},
	{expr: "{.metadata.labels.app}", want: "api"},
	{expr: `{.metadata.labels.app\.kubernetes\.io/name}`, want: "api"},
	{expr: "{.metadata.labels['app.kubernetes.io/name']}", want: "api",
		kubectlDiffers: "kubectl splits a quoted key at its dots and prints nothing"},
	{expr: "{.metadata.missing}", want: ""},
	{expr: "{.metadata.name.foo}", want: ""},
	{expr: "{.metadata.annotations}", want: ""},
	{expr: "{.spec.priority}", want: "1000"},
	{expr: "{.status.containerStatuses[0].ready}", want: "true"},
	{expr: "{.spec.nodeSelector}", want: "null"},
	// objects and arrays print as JSON
	{expr: "{.metadata.labels}", want: `{"app":"api","app.kubernetes.io/name":"api","tier":"backend"}`},
	{expr: "{.spec.containers[0].resources}", want: `{"requests":{"cpu":"1","memory":"64Mi"}}`},
	{expr: "{.spec.containers[0]}", want: `{"image":"example/api:v2","name":"main","resources":{"requests":{"cpu":"1","memory":"64Mi"}}}`},
	{expr: "{.spec.containers[1].ports}", want: `[{"containerPort":8080,"protocol":"TCP"},{"containerPort":9090,"name":"metrics","protocol":"TCP"}]`},
	// indexes and slices
	{expr: "{.spec.containers[*].name}", want: "main sidecar"},
	{expr: "{.spec.containers[-1].name}", want: "sidecar"},
	{expr: "{.spec.containers[0:1].name}", want: "main"},
	{expr: "{.spec.containers[1:].name}", want: "sidecar"},
	{expr: "{.spec.containers[:1].name}", want: "main"},
	{expr: "{.spec.containers[-2:].name}", want: "main sidecar"},
	{expr: "{.spec.containers[0:2:2].name}", want: "main"},
	{expr: "{.spec.containers[2:2].name}", want: ""},
	{expr: "{.spec.containers[*].ports[*].containerPort}", want: "8080 9090"},
	{expr: "{.spec.containers[*].ports[0].name}", want: ""},
	{expr: "{.status.containerStatuses[*].restartCount}", want: "3 3"},
	{expr: "{.spec.containers[0,1].name}", want: "main sidecar"},
	{expr: "{.spec.containers[0]['name','image']}", want: "main example/api:v2"},
	{expr: "{.spec.containers[*]['name','image']}", want: "main sidecar example/api:v2 example/proxy:1.0"},
	// wildcards and recursive descent
	{expr: "{.metadata.labels.*}", want: "api api backend",
		kubectlDiffers: "kubectl visits an object's keys in an order that varies from run to run"},
	{expr: "{..image}", want: "example/api:v2 example/proxy:1.0 example/api:v2 example/proxy:1.0",
		kubectlDiffers: "kubectl visits an object's keys in an order that varies from run to run"},
	{expr: "{..containerPort}", want: "8080 9090"},
	{expr: "{.spec..name}", want: "main sidecar metrics"},
	// filters
	{expr: `{.spec.containers[1].ports[?(@.name=="metrics")].containerPort}`, want: "9090"},
	{expr: `{.spec.containers[1].ports[?(@.name!="metrics")].containerPort}`, want: ""},
	{expr: "{.spec.containers[1].ports[?(@.containerPort>8080)].protocol}", want: "TCP"},
	{expr: "{.spec.containers[1].ports[?(@.containerPort<9090)].containerPort}", want: "8080"},
	{expr: "{.spec.containers[1].ports[?(@.containerPort>=8080)].containerPort}", want: "8080 9090"},
	{expr: "{.spec.containers[1].ports[?(@.containerPort<=8080)].containerPort}", want: "8080"},
	{expr: "{.spec.containers[1].ports[?(@.name)].containerPort}", want: "9090"},
	{expr: "{.spec.containers[?(@.ports)].name}", want: "sidecar"},
	{expr: `{.spec.containers[?(@.name == "sidecar")].image}`, want: "example/proxy:1.0"},
	{expr: `{.spec.containers[?(@.name=="main")].resources.requests.cpu}`, want: "1"},
	{expr: "{.status.containerStatuses[?(@.ready==true)].name}", want: "main sidecar"},
	{expr: "{.spec.containers[?(@.ports[0].containerPort==8080.0)].name}", want: "sidecar",
		kubectlDiffers: "kubectl: incompatible types for comparison (an integer and a float)"},
	{expr: `{.spec.containers[?(@.name=~"side.*")].name}`, want: "sidecar",
		kubectlDiffers: "kubectl v1.32 has no =~ (later releases have)"},
	{expr: "{.spec.containers[?(@.name==5)].name}", errMsg: "incompatible types for comparison"},
	// range, literals
	{expr: `{range .spec.containers[*]}{.name}={.image}{"\n"}{end}`, want: "main=example/api:v2\nsidecar=example/proxy:1.0\n"},
	{expr: "{range .spec.containers[*]}[{range .ports[*]}{.containerPort},{end}]{end}", want: "[][8080,9090,]"},
	{expr: "{range .spec.containers[*]}{.name}", want: "mainsidecar"},
	{expr: `{"a\tb"}{'single'}{"quote\""}`, want: "a\tbsinglequote\""},
	{expr: "{true}{5}{-2.5}", want: "true5-2.5"},
	// missing keys when they are not allowed
	{expr: "{.metadata.missing}", strict: true, errMsg: "missing is not found"},
	{expr: "{.metadata.name}{.spec.containers[*].ports[*].name}", strict: true, want: "api-0metrics"},
	{expr: "{.metadata.name}{.spec.containers[0].ports}", strict: true, errMsg: "ports is not found"},
	{expr: "{.spec.containers[*].ports[?(@.name)].name}", strict: true, want: "metrics"},
	// execution errors
	{expr: "{.spec.containers[0].name} {.spec.containers[5].name}", errMsg: "array index out of bounds: index 5, length 2"},
	{expr: "{.metadata.name[0]}", errMsg: "string is not array or slice"},
	{expr: "{.metadata.labels[*]}", errMsg: "map[string]interface {} is not array or slice"},
	{expr: "{.spec.containers[::-1].name}", errMsg: "step must be > 0"},
	{expr: "{end}", errMsg: "not in range, nothing to end"},
	{expr: "{foo}", errMsg: "unrecognized identifier foo"},
	// parse errors
	{expr: "{.metadata.name", parse: true, errMsg: "unclosed action"},
	{expr: "{.spec.containers[x]}", parse: true, errMsg: "invalid array index x"},
	{expr: `{.spec.containers[?(@.name=="c2"]}`, parse: true, errMsg: "unterminated filter"},
	{expr: "{#}", parse: true, errMsg: "unrecognized character in action: U+0023 '#'"},
	{expr: "{....name}", parse: true, errMsg: "invalid multiple recursive descent"},
	{expr: `{"open}`, parse: true, errMsg: "unterminated quoted string"},
	{expr: "{.spec.containers[0}", parse: true, errMsg: "unterminated array"},
}

func loadPods(t testing.TB) map[string]any {
	t.Helper()
	b, err := os.ReadFile("../testdata/pods.list.json")
	if err != nil {
		t.Fatal(err)
	}
	var list map[string]any
	if err := json.Unmarshal(b, &list); err != nil {
		t.Fatal(err)
	}
	return list
}

func apiPod(t testing.TB) map[string]any {
	return loadPods(t)["items"].([]any)[1].(map[string]any)
}

func execute(expr string, strict bool, data any) (string, error) {
	tmpl, err := jsonpath.Parse(expr)
	if err != nil {
		return "", err
	}
	tmpl.AllowMissingKeys = !strict
	var b bytes.Buffer
	err = tmpl.Execute(&b, data)
	return b.String(), err
}

func TestExecute(t *testing.T) {
	pod := apiPod(t)
	for _, tc := range jsonpathCases {
		name := tc.expr
		if tc.strict {
			name += " strict"
		}
		t.Run(name, func(t *testing.T) {
			got, err := execute(tc.expr, tc.strict, pod)
			if tc.errMsg != "" {
				if err == nil || err.Error() != tc.errMsg {
					t.Fatalf("error %v, want %q", err, tc.errMsg)
				}
				if _, perr := jsonpath.Parse(tc.expr); (perr != nil) != tc.parse {
					t.Errorf("Parse error %v, want a parse error: %v", perr, tc.parse)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("printed %q, want %q", got, tc.want)
			}
		})
	}
}

// TestKubectlAgrees runs each case through the real kubectl (kubectl get pod
// api-0 -o jsonpath=...) against a stub serving the same pod.
func TestKubectlAgrees(t *testing.T) {
	if testing.Short() {
		t.Skip("runs kubectl")
	}
	stub := kubectlstub.Start(t, &kubectlstub.Resource{Version: "v1", Name: "pods", Singular: "pod", Kind: "Pod",
		Namespaced: true, List: loadPods(t)})
	for _, tc := range jsonpathCases {
		if tc.kubectlDiffers != "" {
			continue
		}
		t.Run(tc.expr, func(t *testing.T) {
			args := []string{"get", "pod", "api-0", "-o", "jsonpath=" + tc.expr}
			if tc.strict {
				args = append(args, "--allow-missing-template-keys=false")
			}
			out, errOut, err := stub.Kubectl(t, args...)
			switch {
			case tc.errMsg == "" && err != nil:
				t.Fatalf("kubectl failed: %v\n%s", err, errOut)
			case tc.errMsg == "" && out != tc.want:
				t.Errorf("kubectl printed %q, want %q", out, tc.want)
			case tc.errMsg != "" && tc.parse:
				want := fmt.Sprintf("error: error parsing jsonpath %s, %s\n", tc.expr, tc.errMsg)
				if errOut != want {
					t.Errorf("kubectl: %q, want %q", errOut, want)
				}
			case tc.errMsg != "":
				want := fmt.Sprintf("error: error executing jsonpath %q: Error executing template: %s. ", tc.expr, tc.errMsg)
				if !strings.HasPrefix(errOut, want) {
					t.Errorf("kubectl: %q, want it to start %q", firstLine(errOut), want)
				}
			}
		})
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func TestExecuteJSON(t *testing.T) {
	tmpl, err := jsonpath.Parse(`{.spec.containers[*].name}{range .spec.containers[*]}{.image}{end}{"x"}{.spec.missing}`)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.AllowMissingKeys = true
	var b bytes.Buffer
	if err := tmpl.ExecuteJSON(&b, apiPod(t)); err != nil {
		t.Fatal(err)
	}
	want := `[
    "main",
    "sidecar"
]
[
    "example/api:v2"
]
[
    "example/proxy:1.0"
]
[
    "x"
]
[]
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestNumbers(t *testing.T) {
	data := map[string]any{
		"n":   json.Number("12345678901"),
		"f":   json.Number("1.50"),
		"big": float64(1234567),
		"fl":  0.25,
		"i":   7,
		"arr": []any{json.Number("1"), 2.0, json.Number("2.5")},
	}
	got, err := execute("{.n} {.f} {.big} {.fl} {.i} {.arr} {.arr[?(@>1)]}", false, data)
	if err != nil {
		t.Fatal(err)
	}
	if want := "12345678901 1.5 1234567 0.25 7 [1,2,2.5] 2 2.5"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRelaxed(t *testing.T) {
	for in, want := range map[string]string{
		"metadata.name":    "{.metadata.name}",
		".metadata.name":   "{.metadata.name}",
		"{metadata.name}":  "{.metadata.name}",
		"{.metadata.name}": "{.metadata.name}",
		"":                 "",
	} {
		got, err := jsonpath.Relaxed(in)
		if err != nil || got != want {
			t.Errorf("Relaxed(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := jsonpath.Relaxed("{.metadata.name"); err == nil ||
		err.Error() != "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'" {
		t.Errorf("Relaxed of an unclosed brace: %v", err)
	}
}

func ExampleTemplate_Execute() {
	pod := map[string]any{
		"metadata": map[string]any{"name": "web"},
		"spec": map[string]any{"containers": []any{
			map[string]any{"name": "app", "image": "nginx"},
			map[string]any{"name": "log", "image": "busybox"},
		}},
	}
	tmpl, err := jsonpath.Parse(`{.metadata.name}:{range .spec.containers[*]} {.name}={.image}{end}{"\n"}`)
	if err != nil {
		panic(err)
	}
	tmpl.AllowMissingKeys = true
	_ = tmpl.Execute(os.Stdout, pod)
	// Output: web: app=nginx log=busybox
}
