// Package kubectlstub is a minimal API server for tests that compare the
// printers with the real kubectl: it answers kubectl's discovery for a fixed
// set of resources and serves lists and objects from fixtures, as a Table
// when kubectl asks for one (with the kind's printer columns) and as plain
// JSON otherwise. Lists are cut into pages when kubectl sends limit
// (--chunk-size).
package kubectlstub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kctl.dev/kctl/internal/kubectltest"
)

// Resource is one resource the stub serves.
type Resource struct {
	Group, Version string
	// Name is the plural resource name ("pods"), Singular its singular
	// ("pod").
	Name, Singular, Kind string
	ShortNames           []string
	Namespaced           bool

	// Table is a meta.k8s.io/v1 Table of every object, served when kubectl
	// asks for a Table; when nil, kubectl gets the plain list.
	Table map[string]any
	// List is the plain list of every object (kind XList, items).
	List map[string]any
	// Events are sent, as ADDED events, to a watch (kubectl get -w) after the
	// list; the stream then ends, and kubectl with it.
	Events []Event
}

// Event is one watch event: Table (a Table with one row; later ones may
// leave out the column definitions) is sent when kubectl asked for Tables,
// Object otherwise.
type Event struct {
	Table, Object map[string]any
}

func (r *Resource) groupVersion() string {
	if r.Group == "" {
		return r.Version
	}
	return r.Group + "/" + r.Version
}

// Server is a running stub.
type Server struct {
	URL string

	srv       *httptest.Server
	mu        sync.Mutex
	resources []*Resource
}

// Start starts a stub serving resources; it stops when the test ends.
func Start(tb testing.TB, resources ...*Resource) *Server {
	tb.Helper()
	s := &Server{resources: resources}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	tb.Cleanup(s.srv.Close)
	return s
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := strings.TrimSuffix(r.URL.Path, "/")
	switch p {
	case "/version":
		writeJSON(w, 200, map[string]any{"major": "1", "minor": "32", "gitVersion": "v1.32.4", "platform": "linux/amd64"})
		return
	case "/api":
		writeJSON(w, 200, map[string]any{"kind": "APIVersions", "versions": []string{"v1"},
			"serverAddressByClientCIDRs": []any{map[string]any{"clientCIDR": "0.0.0.0/0", "serverAddress": r.Host}}})
		return
	case "/apis":
		var groups []any
		seen := map[string]bool{}
		for _, res := range s.resources {
			if res.Group == "" || seen[res.Group] {
				continue
			}
			seen[res.Group] = true
			gv := map[string]any{"groupVersion": res.groupVersion(), "version": res.Version}
			groups = append(groups, map[string]any{"name": res.Group, "versions": []any{gv}, "preferredVersion": gv})
		}
		writeJSON(w, 200, map[string]any{"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
		return
	}
	for _, res := range s.resources {
		prefix := "/api/" + res.Version
		if res.Group != "" {
			prefix = "/apis/" + res.groupVersion()
		}
		if p == prefix {
			s.serveResourceList(w, prefix)
			return
		}
		rest, ok := strings.CutPrefix(p, prefix+"/")
		if !ok {
			continue
		}
		parts := strings.Split(rest, "/")
		ns := ""
		if len(parts) >= 3 && parts[0] == "namespaces" && res.Namespaced {
			ns, parts = parts[1], parts[2:]
		}
		if parts[0] != res.Name || len(parts) > 2 {
			continue
		}
		name := ""
		if len(parts) == 2 {
			name = parts[1]
		}
		if r.URL.Query().Get("watch") == "true" || r.URL.Query().Get("watch") == "1" {
			s.serveWatch(w, r, res)
			return
		}
		s.serveObjects(w, r, res, ns, name)
		return
	}
	writeJSON(w, 404, map[string]any{"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{},
		"status": "Failure", "message": "the server could not find the requested resource", "reason": "NotFound", "code": 404})
}

func (s *Server) serveResourceList(w http.ResponseWriter, prefix string) {
	var list []any
	gv := ""
	for _, res := range s.resources {
		p := "/api/" + res.Version
		if res.Group != "" {
			p = "/apis/" + res.groupVersion()
		}
		if p != prefix {
			continue
		}
		gv = res.groupVersion()
		list = append(list, map[string]any{"name": res.Name, "singularName": res.Singular,
			"namespaced": res.Namespaced, "kind": res.Kind, "verbs": []string{"get", "list", "watch"},
			"shortNames": res.ShortNames})
	}
	writeJSON(w, 200, map[string]any{"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": list})
}

// serveObjects answers a list (name empty) or a get, filtered by namespace,
// as a Table when asked and available.
func (s *Server) serveObjects(w http.ResponseWriter, r *http.Request, res *Resource, ns, name string) {
	wantTable := strings.Contains(r.Header.Get("Accept"), "as=Table") && res.Table != nil
	source := res.List
	key := "items"
	if wantTable {
		source, key = res.Table, "rows"
	}
	all, _ := source[key].([]any)
	var picked []any
	for _, e := range all {
		obj := e
		if wantTable {
			obj, _ = e.(map[string]any)["object"]
		}
		md, _ := obj.(map[string]any)["metadata"].(map[string]any)
		if ns != "" && md["namespace"] != ns {
			continue
		}
		if name != "" && md["name"] != name {
			continue
		}
		picked = append(picked, e)
	}
	if name != "" && len(picked) == 0 {
		writeJSON(w, 404, map[string]any{"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{},
			"status": "Failure", "message": fmt.Sprintf("%s %q not found", res.Name, name), "reason": "NotFound",
			"details": map[string]any{"name": name, "kind": res.Name}, "code": 404})
		return
	}
	if name != "" && !wantTable {
		writeJSON(w, 200, picked[0])
		return
	}
	out := map[string]any{}
	for k, v := range source {
		out[k] = v
	}
	md := map[string]any{"resourceVersion": "100"}
	if limit, _ := strconv.Atoi(r.URL.Query().Get("limit")); limit > 0 && name == "" {
		start, _ := strconv.Atoi(r.URL.Query().Get("continue"))
		end := min(start+limit, len(picked))
		if end < len(picked) {
			md["continue"] = strconv.Itoa(end)
		}
		picked = picked[start:end]
	}
	if picked == nil {
		picked = []any{}
	}
	out[key] = picked
	out["metadata"] = md
	writeJSON(w, 200, out)
}

// serveWatch streams res.Events and ends.
func (s *Server) serveWatch(w http.ResponseWriter, r *http.Request, res *Resource) {
	wantTable := strings.Contains(r.Header.Get("Accept"), "as=Table") && res.Table != nil
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(200)
	for _, e := range res.Events {
		obj := e.Object
		if wantTable {
			obj = e.Table
		}
		b, _ := json.Marshal(map[string]any{"type": "ADDED", "object": obj})
		_, _ = w.Write(append(b, '\n'))
	}
}

// Kubectl runs the real kubectl against the stub with its own kubeconfig and
// cache, and returns what it wrote. It skips the test when kubectl is absent
// (fails it when $CI is set).
func (s *Server) Kubectl(t testing.TB, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	path := kubectltest.Path(t)
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "kubeconfig")
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: stub
  cluster: {server: %q}
contexts:
- name: stub
  context: {cluster: stub, namespace: default, user: stub}
current-context: stub
users:
- name: stub
  user: {}
`, s.URL)
	if err := os.WriteFile(kubeconfig, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, append([]string{"--kubeconfig", kubeconfig, "--cache-dir", filepath.Join(dir, "cache")}, args...)...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}
