package discovery_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"kctl.dev/kctl/client"
	"kctl.dev/kctl/client/discovery"
	"kctl.dev/kctl/server/fake"
	"kctl.dev/kctl/server/registry"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// recorder wraps a handler and records the paths it is asked for.
type recorder struct {
	next   http.Handler
	legacy bool // ask the server for plain JSON whatever the client accepts

	mu    sync.Mutex
	paths []string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.paths = append(r.paths, req.URL.Path)
	r.mu.Unlock()
	if r.legacy {
		req.Header.Set("Accept", "application/json")
	}
	r.next.ServeHTTP(w, req)
}

// take returns the paths recorded since the last take, sorted.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.paths
	r.paths = nil
	slices.Sort(p)
	return p
}

// testServer is a fake API server behind a recording handler.
type testServer struct {
	fake *fake.Server
	url  string
	rec  *recorder
}

func startServer(t *testing.T, legacy bool) *testServer {
	t.Helper()
	srv := fake.Start(t)
	rec := &recorder{next: srv.Server.Handler(), legacy: legacy}
	ts := httptest.NewServer(rec)
	t.Cleanup(ts.Close)
	return &testServer{fake: srv, url: ts.URL, rec: rec}
}

// add registers a kind on the running server.
func (s *testServer) add(t *testing.T, kinds ...*registry.Kind) {
	t.Helper()
	for _, k := range kinds {
		if err := s.fake.Server.Registry().Add(k); err != nil {
			t.Fatal(err)
		}
	}
}

// newClient returns a client of the server; it does not retry.
func (s *testServer) newClient(t *testing.T) *client.Client {
	t.Helper()
	c, err := client.New(&client.Config{Servers: []string{s.url}, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// cache returns a Cache of the server over dir ("" for none).
func (s *testServer) cache(t *testing.T, dir string) *discovery.Cache {
	t.Helper()
	return discovery.New(s.newClient(t), s.url, dir)
}

// extraKinds are registered besides the built-in ones to exercise preferences:
// a second "pods" and "deployments" in later groups, a group with two
// versions, and a kind unlike its resource name.
func extraKinds() []*registry.Kind {
	return []*registry.Kind{
		{Group: "example.com", Version: "v1", Resource: "pods", Kind: "Pod", Namespaced: true, ShortNames: []string{"xp"}},
		{Group: "example.com", Version: "v1", Resource: "gadgets", Kind: "Gadget", Namespaced: true, Categories: []string{"all", "toys"}},
		{Group: "example.com", Version: "v1beta1", Resource: "gadgets", Kind: "Gadget", Namespaced: true},
		{Group: "example.com", Version: "v1beta1", Resource: "widgets", Kind: "Widget", Namespaced: true, ShortNames: []string{"wd"}},
		{Group: "zeta.io", Version: "v1", Resource: "deployments", Kind: "Deployment", Namespaced: true, ShortNames: []string{"deploy", "zd"}},
		{Group: "zeta.io", Version: "v1", Resource: "thingamajigs", Kind: "Gizmo", SingularName: "thingamajig"},
	}
}

// setMtimes moves the modification time of every file under dir back by age.
func setMtimes(t *testing.T, dir string, age time.Duration) {
	t.Helper()
	when := time.Now().Add(-age)
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return os.Chtimes(path, when, when)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// cacheFiles lists the files under dir, relative and slash-separated.
func cacheFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func gvr(r client.APIResource) string {
	return strings.TrimPrefix(r.Group+"/"+r.Version+"/"+r.Resource, "/")
}
