package printers_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kctl.dev/kctl/printers"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the printers' output")

// goldenCase prints what a kubectl get command fetches, and expects
// testdata/golden/NAME.txt. When args are set, the real kubectl (if
// installed) must print the golden file too, byte for byte, from the same
// objects: the golden files are kubectl's output.
type goldenCase struct {
	name  string
	args  []string // kubectl arguments; nil when kubectl cannot be compared
	opts  printers.Options
	gets  []fetch
	watch bool // then print the resource's watch events, one Flush each
	// stream flushes after each page, as a command printing pages as they
	// come would.
	stream bool
	// withKind calls SetKind before each fetch, as a command listing several
	// kinds does.
	withKind bool
}

var goldenCases = []goldenCase{
	// Tables
	{name: "pods", args: []string{"get", "pods"},
		gets: []fetch{{resource: "pods", namespace: "default"}}},
	{name: "pods-wide", args: []string{"get", "pods", "-o", "wide"},
		opts: printers.Options{Output: "wide"},
		gets: []fetch{{resource: "pods", namespace: "default"}}},
	{name: "pods-all-namespaces-wide-labels", args: []string{"get", "pods", "-A", "-o", "wide", "--show-labels"},
		opts: printers.Options{Output: "wide", WithNamespace: true, ShowLabels: true},
		gets: []fetch{{resource: "pods"}}},
	{name: "pods-label-columns", args: []string{"get", "pods", "-L", "app", "-L", "app.kubernetes.io/name,tier"},
		opts: printers.Options{LabelColumns: []string{"app", "app.kubernetes.io/name", "tier"}},
		gets: []fetch{{resource: "pods", namespace: "default"}}},
	{name: "pods-no-headers", args: []string{"get", "pods", "-A", "--no-headers"},
		opts: printers.Options{WithNamespace: true, NoHeaders: true},
		gets: []fetch{{resource: "pods"}}},
	{name: "pods-chunked", args: []string{"get", "pods", "-A", "--chunk-size=2"},
		opts: printers.Options{WithNamespace: true},
		gets: []fetch{{resource: "pods", chunk: 2}}},
	// Streamed page by page: each page aligned on its own, columns never
	// narrower than before, one header (kubectl aligns all pages together).
	{name: "pods-streamed", stream: true,
		opts: printers.Options{WithNamespace: true},
		gets: []fetch{{resource: "pods", chunk: 2}}},
	{name: "pods-streamed-sorted", stream: true,
		opts: printers.Options{WithNamespace: true, SortBy: ".metadata.name"},
		gets: []fetch{{resource: "pods", chunk: 3}}},
	{name: "json-streamed", stream: true,
		opts: printers.Options{Output: "json"},
		gets: []fetch{{resource: "nodes", chunk: 2}}},
	{name: "pod-single", args: []string{"get", "pod", "api-0"},
		gets: []fetch{{resource: "pods", namespace: "default", name: "api-0"}}},
	{name: "pods-sort-restarts", args: []string{"get", "pods", "-A", "--sort-by={.status.containerStatuses[0].restartCount}"},
		opts: printers.Options{WithNamespace: true, SortBy: "{.status.containerStatuses[0].restartCount}"},
		gets: []fetch{{resource: "pods"}}},
	{name: "pods-sort-cpu-quantity", args: []string{"get", "pods", "-A", "--sort-by=.spec.containers[0].resources.requests.cpu"},
		opts: printers.Options{WithNamespace: true, SortBy: ".spec.containers[0].resources.requests.cpu"},
		gets: []fetch{{resource: "pods"}}},
	{name: "pods-sort-name", args: []string{"get", "pods", "--sort-by=metadata.name"},
		opts: printers.Options{SortBy: "metadata.name"},
		gets: []fetch{{resource: "pods", namespace: "default"}}},
	{name: "kinds-all-namespaces", args: []string{"get", "nodes,pods,deployments", "-A"},
		opts: printers.Options{WithNamespace: true, WithKind: true}, withKind: true,
		gets: []fetch{{resource: "nodes"}, {resource: "pods"}, {resource: "deployments"}}},
	{name: "kinds-no-headers", args: []string{"get", "pods,widgets", "-A", "--no-headers"},
		opts: printers.Options{WithNamespace: true, WithKind: true, NoHeaders: true}, withKind: true,
		gets: []fetch{{resource: "pods"}, {resource: "widgets"}}},
	{name: "kinds-first-empty", args: []string{"get", "deployments,pods", "-n", "demo"},
		opts: printers.Options{WithKind: true}, withKind: true,
		gets: []fetch{{resource: "deployments", namespace: "demo"}, {resource: "pods", namespace: "demo"}}},
	{name: "cells", args: []string{"get", "gadgets"},
		gets: []fetch{{resource: "gadgets", namespace: "default"}}},
	{name: "cells-wide-labels", args: []string{"get", "gadgets", "-o", "wide", "--show-labels"},
		opts: printers.Options{Output: "wide", ShowLabels: true},
		gets: []fetch{{resource: "gadgets", namespace: "default"}}},
	{name: "watch", args: []string{"get", "pods", "-w"}, watch: true,
		gets: []fetch{{resource: "pods", namespace: "default"}}},
	{name: "watch-json", args: []string{"get", "pods", "-w", "-o", "json"}, watch: true,
		opts: printers.Options{Output: "json"},
		gets: []fetch{{resource: "pods", namespace: "default"}}},
	{name: "watch-yaml", args: []string{"get", "pods", "-w", "-o", "yaml"}, watch: true,
		opts: printers.Options{Output: "yaml"},
		gets: []fetch{{resource: "pods", namespace: "default"}}},
	{name: "watch-all-namespaces", args: []string{"get", "pods", "-w", "-A", "--no-headers"}, watch: true,
		opts: printers.Options{WithNamespace: true, NoHeaders: true},
		gets: []fetch{{resource: "pods"}}},
	{name: "pods-colour", opts: printers.Options{Colour: true},
		gets: []fetch{{resource: "pods", namespace: "default"}}},

	// Objects without a Table: NAME and AGE
	{name: "plain", args: []string{"get", "widgets"},
		gets: []fetch{{resource: "widgets", namespace: "default"}}},
	{name: "plain-all-namespaces-labels", args: []string{"get", "widgets", "-A", "--show-labels", "-L", "color"},
		opts: printers.Options{WithNamespace: true, ShowLabels: true, LabelColumns: []string{"color"}},
		gets: []fetch{{resource: "widgets"}}},
	{name: "plain-sorted", args: []string{"get", "widgets", "-A", "--sort-by=.metadata.name"},
		opts: printers.Options{WithNamespace: true, SortBy: ".metadata.name"},
		gets: []fetch{{resource: "widgets"}}},
	{name: "plain-and-table", args: []string{"get", "widgets,pods"},
		opts: printers.Options{WithKind: true}, withKind: true,
		gets: []fetch{{resource: "widgets", namespace: "default"}, {resource: "pods", namespace: "default"}}},

	// -o name
	{name: "name", args: []string{"get", "pods,deployments", "-o", "name"},
		opts: printers.Options{Output: "name"}, withKind: true,
		gets: []fetch{{resource: "pods", namespace: "default"}, {resource: "deployments", namespace: "default"}}},
	{name: "name-sorted", args: []string{"get", "pods", "-A", "-o", "name", "--sort-by=.metadata.name"},
		opts: printers.Options{Output: "name", SortBy: ".metadata.name"},
		gets: []fetch{{resource: "pods"}}},

	// -o json, -o yaml
	{name: "json-list", args: []string{"get", "pods", "-o", "json"},
		opts: printers.Options{Output: "json"},
		gets: []fetch{{resource: "pods", namespace: "default"}}},
	{name: "json-single", args: []string{"get", "pod", "web-7d4b9c8f5-abcde", "-o", "json"},
		opts: printers.Options{Output: "json"},
		gets: []fetch{{resource: "pods", namespace: "default", name: "web-7d4b9c8f5-abcde"}}},
	{name: "json-empty", args: []string{"get", "pods", "-n", "empty", "-o", "json"},
		opts: printers.Options{Output: "json"},
		gets: []fetch{{resource: "pods", namespace: "empty"}}},
	{name: "json-kinds", args: []string{"get", "deployments,nodes", "-o", "JSON"},
		opts: printers.Options{Output: "JSON"}, withKind: true,
		gets: []fetch{{resource: "deployments", namespace: "default"}, {resource: "nodes"}}},
	{name: "yaml-list", args: []string{"get", "pods", "-A", "-o", "yaml"},
		opts: printers.Options{Output: "yaml"},
		gets: []fetch{{resource: "pods"}}},
	{name: "yaml-single-managed-fields", args: []string{"get", "pod", "web-7d4b9c8f5-abcde", "-o", "yaml", "--show-managed-fields"},
		opts: printers.Options{Output: "yaml", ShowManagedFields: true},
		gets: []fetch{{resource: "pods", namespace: "default", name: "web-7d4b9c8f5-abcde"}}},
	{name: "yaml-empty", args: []string{"get", "pods", "-n", "empty", "-o", "yaml"},
		opts: printers.Options{Output: "yaml"},
		gets: []fetch{{resource: "pods", namespace: "empty"}}},
	{name: "yaml-sorted", args: []string{"get", "deployments", "-A", "-o", "yaml", "--sort-by=.status.availableReplicas"},
		opts: printers.Options{Output: "yaml", SortBy: ".status.availableReplicas"},
		gets: []fetch{{resource: "deployments"}}},

	// templates and custom columns
	{name: "jsonpath-range", args: []string{"get", "pods", "-A", "-o", `jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{"\t"}{.status.phase}{"\n"}{end}`},
		opts: printers.Options{Output: `jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{"\t"}{.status.phase}{"\n"}{end}`},
		gets: []fetch{{resource: "pods"}}},
	{name: "jsonpath-single", args: []string{"get", "pod", "api-0", "-o", `jsonpath={.spec.containers[*].image} {.metadata.labels} {.spec.nodeSelector} {.spec.missing}|{.status.containerStatuses[?(@.restartCount>2)].name}`},
		opts: printers.Options{Output: `jsonpath={.spec.containers[*].image} {.metadata.labels} {.spec.nodeSelector} {.spec.missing}|{.status.containerStatuses[?(@.restartCount>2)].name}`},
		gets: []fetch{{resource: "pods", namespace: "default", name: "api-0"}}},
	{name: "jsonpath-sorted", args: []string{"get", "pods", "-A", "--sort-by=.metadata.name", "-o", "jsonpath={.items[*].metadata.name}"},
		opts: printers.Options{Output: "jsonpath={.items[*].metadata.name}", SortBy: ".metadata.name"},
		gets: []fetch{{resource: "pods"}}},
	{name: "jsonpath-as-json", args: []string{"get", "pods", "-o", `jsonpath-as-json={.items[*].metadata.name}{.items[0].spec.containers[0]}{"x"}`},
		opts: printers.Options{Output: `jsonpath-as-json={.items[*].metadata.name}{.items[0].spec.containers[0]}{"x"}`},
		gets: []fetch{{resource: "pods", namespace: "default"}}},
	{name: "jsonpath-file", args: []string{"get", "pods", "-o", "jsonpath-file=testdata/template.jsonpath"},
		opts: printers.Options{Output: "jsonpath-file=testdata/template.jsonpath"},
		gets: []fetch{{resource: "pods", namespace: "default"}}},
	{name: "go-template", args: []string{"get", "pods", "-o", `go-template={{range .items}}{{.metadata.name}} {{.spec.priority}} {{.metadata.missing}}{{"\n"}}{{end}}`},
		opts: printers.Options{Output: `go-template={{range .items}}{{.metadata.name}} {{.spec.priority}} {{.metadata.missing}}{{"\n"}}{{end}}`},
		gets: []fetch{{resource: "pods", namespace: "default"}}},
	{name: "custom-columns", args: []string{"get", "pods", "-o", "custom-columns=NAME:.metadata.name,IMAGES:.spec.containers[*].image,PORTS:.spec.containers[*].ports[*].containerPort,SEL:.spec.nodeSelector,PRIO:{.spec.priority},LABELS:metadata.labels,X:.a:b"},
		opts: printers.Options{Output: "custom-columns=NAME:.metadata.name,IMAGES:.spec.containers[*].image,PORTS:.spec.containers[*].ports[*].containerPort,SEL:.spec.nodeSelector,PRIO:{.spec.priority},LABELS:metadata.labels,X:.a:b"},
		gets: []fetch{{resource: "pods", namespace: "default"}}},
	{name: "custom-columns-sorted", args: []string{"get", "pods", "-A", "--sort-by=.spec.containers[0].resources.requests.cpu", "-o", "custom-columns=N:.metadata.name,CPU:.spec.containers[0].resources.requests.cpu"},
		opts: printers.Options{Output: "custom-columns=N:.metadata.name,CPU:.spec.containers[0].resources.requests.cpu", SortBy: ".spec.containers[0].resources.requests.cpu"},
		gets: []fetch{{resource: "pods"}}},
	{name: "custom-columns-file", args: []string{"get", "nodes", "-o", "custom-columns-file=testdata/columns.txt"},
		opts: printers.Options{Output: "custom-columns-file=testdata/columns.txt"},
		gets: []fetch{{resource: "nodes"}}},
	// kubectl prints the header of a custom-columns-file despite --no-headers.
	{name: "custom-columns-file-no-headers",
		opts: printers.Options{Output: "custom-columns-file=testdata/columns.txt", NoHeaders: true},
		gets: []fetch{{resource: "nodes"}}},
	{name: "custom-columns-empty", args: []string{"get", "pods", "-n", "empty", "-o", "custom-columns=NAME:.metadata.name"},
		opts: printers.Options{Output: "custom-columns=NAME:.metadata.name"},
		gets: []fetch{{resource: "pods", namespace: "empty"}}},
}

func TestGolden(t *testing.T) {
	res := stubResources(t, time.Now())
	stub := startStub(t, res)
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := printers.New(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			for _, f := range tc.gets {
				r := res[f.resource]
				if tc.withKind {
					p.SetKind(kindOf(r), r.Namespaced)
				} else {
					p.SetKind(kindOf(r), true)
				}
				if tc.watch && !p.WantsTable() {
					// kubectl get -w prints a list's items one by one
					items := &itemPrinter{Printer: p, w: &out}
					getInto(t, stub, r, items, f)
					continue
				}
				if tc.stream {
					getInto(t, stub, r, &pagePrinter{Printer: p, w: &out}, f)
					continue
				}
				getInto(t, stub, r, p, f)
			}
			if err := p.Flush(&out); err != nil {
				t.Fatalf("Flush: %v", err)
			}
			if tc.watch {
				for _, e := range res[tc.gets[0].resource].Events {
					obj := e.Object
					if p.WantsTable() {
						obj = e.Table
					}
					if err := p.Print(obj); err != nil {
						t.Fatal(err)
					}
					if err := p.Flush(&out); err != nil {
						t.Fatal(err)
					}
				}
			}
			golden := filepath.Join("testdata", "golden", tc.name+".txt")
			if *update {
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got := out.String(); got != string(want) {
				t.Errorf("printed:\n%s\nwant (%s):\n%s", got, golden, want)
			}
			if tc.args == nil || testing.Short() {
				return
			}
			kout, kerr, err := stub.Kubectl(t, tc.args...)
			if err != nil {
				t.Fatalf("kubectl %s: %v\n%s", strings.Join(tc.args, " "), err, kerr)
			}
			if kout != string(want) {
				t.Errorf("kubectl %s printed:\n%s\nwant (%s):\n%s", strings.Join(tc.args, " "), kout, golden, want)
			}
		})
	}
}

// itemPrinter prints each item of a list on its own, flushing after each.
type itemPrinter struct {
	printers.Printer
	w *bytes.Buffer
}

func (ip *itemPrinter) Print(obj any) error {
	var list struct{ Items []json.RawMessage }
	if err := json.Unmarshal(obj.([]byte), &list); err != nil {
		return err
	}
	for _, it := range list.Items {
		if err := ip.Printer.Print(it); err != nil {
			return err
		}
		if err := ip.Printer.Flush(ip.w); err != nil {
			return err
		}
	}
	return nil
}

// pagePrinter flushes after each page.
type pagePrinter struct {
	printers.Printer
	w *bytes.Buffer
}

func (pp *pagePrinter) Print(obj any) error {
	if err := pp.Printer.Print(obj); err != nil {
		return err
	}
	return pp.Printer.Flush(pp.w)
}
