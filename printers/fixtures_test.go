package printers_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"kctl.dev/kctl/printers"
	"kctl.dev/kctl/printers/internal/kubectlstub"
)

// The fixtures: JSON in testdata, served to the printers and to the real
// kubectl by the same stub server, so that both print the same objects.

func loadJSON(t testing.TB, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// widgets are objects of a kind the server has no Table for, created
// relative to now so that kubectl and the printers compute the same AGE: each
// age is in the middle of the unit it prints in.
func widgets(now time.Time) map[string]any {
	mk := func(name, ns string, age time.Duration, labels map[string]any) any {
		md := map[string]any{"name": name, "namespace": ns, "uid": "w-" + name}
		if age > 0 {
			md["creationTimestamp"] = now.Add(-age).UTC().Format(time.RFC3339)
		}
		if labels != nil {
			md["labels"] = labels
		}
		return map[string]any{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": md, "spec": map[string]any{"size": 3}}
	}
	return map[string]any{"apiVersion": "example.com/v1", "kind": "WidgetList", "metadata": map[string]any{"resourceVersion": "100"},
		"items": []any{
			mk("small", "default", 10*time.Minute+30*time.Second, map[string]any{"color": "red", "size": "s"}),
			mk("medium-sized-widget", "default", 3*time.Hour+10*time.Minute+30*time.Second, map[string]any{"color": "blue"}),
			mk("old", "default", 400*24*time.Hour+12*time.Hour, nil),
			mk("timeless", "other", 0, map[string]any{"color": "green"}),
			mk("recent", "other", 49*time.Hour+30*time.Minute, nil),
		}}
}

// watchEvents are the events a watch of pods sends after the list: a pod with
// a longer name than any listed (the first event, with the column
// definitions), then a short one (without, as servers send them).
func watchEvents(t testing.TB) []kubectlstub.Event {
	pods := loadJSON(t, "pods.table.json")
	rows := pods["rows"].([]any)
	event := func(name string, row map[string]any, withColumns bool) kubectlstub.Event {
		row = deepCopy(row)
		row["cells"].([]any)[0] = name
		obj := row["object"].(map[string]any)
		obj["metadata"].(map[string]any)["name"] = name
		table := map[string]any{"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": map[string]any{"resourceVersion": "101"}, "rows": []any{row}}
		if withColumns {
			table["columnDefinitions"] = pods["columnDefinitions"]
		}
		return kubectlstub.Event{Table: table, Object: obj}
	}
	return []kubectlstub.Event{
		event("a-much-longer-pod-name-seen-in-a-watch", rows[1].(map[string]any), true),
		event("z", rows[3].(map[string]any), false),
	}
}

func deepCopy(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

// stubResources are the resources the stub serves, by plural name.
func stubResources(t testing.TB, now time.Time) map[string]*kubectlstub.Resource {
	return map[string]*kubectlstub.Resource{
		"pods": {Version: "v1", Name: "pods", Singular: "pod", Kind: "Pod", ShortNames: []string{"po"}, Namespaced: true,
			Table: loadJSON(t, "pods.table.json"), List: loadJSON(t, "pods.list.json"), Events: watchEvents(t)},
		"deployments": {Group: "apps", Version: "v1", Name: "deployments", Singular: "deployment", Kind: "Deployment",
			ShortNames: []string{"deploy"}, Namespaced: true,
			Table: loadJSON(t, "deployments.table.json"), List: loadJSON(t, "deployments.list.json")},
		"nodes": {Version: "v1", Name: "nodes", Singular: "node", Kind: "Node", ShortNames: []string{"no"},
			Table: loadJSON(t, "nodes.table.json"), List: loadJSON(t, "nodes.list.json")},
		"gadgets": {Group: "example.com", Version: "v1", Name: "gadgets", Singular: "gadget", Kind: "Gadget", Namespaced: true,
			Table: loadJSON(t, "gadgets.table.json"), List: loadJSON(t, "gadgets.list.json")},
		"widgets": {Group: "example.com", Version: "v1", Name: "widgets", Singular: "widget", Kind: "Widget", Namespaced: true,
			List: widgets(now)},
	}
}

func startStub(t testing.TB, res map[string]*kubectlstub.Resource) *kubectlstub.Server {
	var all []*kubectlstub.Resource
	for _, name := range []string{"pods", "deployments", "nodes", "gadgets", "widgets"} {
		all = append(all, res[name])
	}
	return kubectlstub.Start(t, all...)
}

// fetch is one request a command makes, as kubectl makes it.
type fetch struct {
	resource  string
	namespace string // "" lists every namespace
	name      string // one object
	chunk     int    // limit per page (kubectl's --chunk-size)
}

// getInto fetches f from the stub as a kctl get command would (a Table when
// the printer wants one, page by page) and prints each page.
func getInto(t testing.TB, stub *kubectlstub.Server, res *kubectlstub.Resource, p printers.Printer, f fetch) {
	t.Helper()
	path := "/api/" + res.Version
	if res.Group != "" {
		path = "/apis/" + res.Group + "/" + res.Version
	}
	if f.namespace != "" && res.Namespaced {
		path += "/namespaces/" + f.namespace
	}
	path += "/" + res.Name
	if f.name != "" {
		path += "/" + f.name
	}
	accept := "application/json"
	if p.WantsTable() {
		accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
	}
	cont := ""
	for {
		q := url.Values{}
		if f.chunk > 0 {
			q.Set("limit", strconv.Itoa(f.chunk))
		}
		if cont != "" {
			q.Set("continue", cont)
		}
		if inc := p.IncludeObject(); inc != "" && p.WantsTable() {
			q.Set("includeObject", inc)
		}
		req, _ := http.NewRequest("GET", stub.URL+path+"?"+q.Encode(), nil)
		req.Header.Set("Accept", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s %v", path, resp.StatusCode, body, err)
		}
		if err := p.Print(body); err != nil {
			t.Fatalf("Print: %v", err)
		}
		var page struct {
			Metadata struct{ Continue string }
		}
		_ = json.Unmarshal(body, &page)
		if cont = page.Metadata.Continue; cont == "" || f.name != "" {
			return
		}
	}
}

func kindOf(res *kubectlstub.Resource) printers.GroupKind {
	return printers.GroupKind{Group: res.Group, Kind: res.Kind}
}

// firstLine is s up to its first newline, for short failure messages.
func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
