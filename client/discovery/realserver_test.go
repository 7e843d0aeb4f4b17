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

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/client"
	"kctl.dev/kctl/client/discovery"
)

// The documents in testdata are shaped as a real Kubernetes API server's
// (1.31): aggregated discovery in testdata/aggregated (responseKind without
// group and version, subresources answering another group's kind, a Stale
// aggregated API, a resource without a response kind) and the same in legacy
// documents in testdata/legacy (metrics.k8s.io answering 503, a custom
// resource without singularName).

// wantAccept is the Accept header kubectl sends to /api and /apis.
const wantAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList," +
	"application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"

// stubServer serves the testdata documents. mode is "v2", "v2beta1",
// "no-params" (aggregated with a bare application/json Content-Type, as some
// proxies leave it) or "legacy".
type stubServer struct {
	mode string

	mu      sync.Mutex
	paths   []string
	accepts map[string]string
}

func (s *stubServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.paths = append(s.paths, r.URL.Path)
	s.accepts[r.URL.Path] = r.Header.Get("Accept")
	s.mu.Unlock()
	p := r.URL.Path
	if (p == "/api" || p == "/apis") && s.mode != "legacy" && strings.Contains(r.Header.Get("Accept"), "g=apidiscovery.k8s.io") {
		body, err := os.ReadFile(filepath.Join("testdata", "aggregated", p[1:]+".json"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		ct := meta.AggregatedDiscoveryContentType
		switch s.mode {
		case "v2beta1":
			body = []byte(strings.ReplaceAll(string(body), "apidiscovery.k8s.io/v2", "apidiscovery.k8s.io/v2beta1"))
			ct = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"
		case "no-params":
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		_, _ = w.Write(body)
		return
	}
	if p == "/apis/metrics.k8s.io/v1beta1" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server is currently unable to handle the request","reason":"ServiceUnavailable","code":503}`))
		return
	}
	name := strings.ReplaceAll(strings.Trim(p, "/"), "/", "_") + ".json"
	body, err := os.ReadFile(filepath.Join("testdata", "legacy", name))
	if err != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","code":404}`))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

func (s *stubServer) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.paths
	s.paths = nil
	slices.Sort(p)
	return p
}

func startStub(t *testing.T, mode string) (*stubServer, string) {
	t.Helper()
	s := &stubServer{mode: mode, accepts: map[string]string{}}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL
}

func newCache(t *testing.T, url, dir string) (*discovery.Cache, *warnings) {
	t.Helper()
	c, err := client.New(&client.Config{Servers: []string{url}, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	d := discovery.New(c, url, dir)
	w := &warnings{}
	d.Warn = w.add
	return d, w
}

type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) add(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, err.Error())
}

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	m := w.msgs
	w.msgs = nil
	return m
}

func TestRealServerShapes(t *testing.T) {
	resolve := []struct{ arg, want string }{
		{"po", "v1/pods"},
		{"ev", "v1/events"},
		{"events", "v1/events"},
		{"events.events.k8s.io", "events.k8s.io/v1/events"},
		{"ev.events", "events.k8s.io/v1/events"},
		{"Endpoints", "v1/endpoints"},
		{"ep", "v1/endpoints"},
		{"cs", "v1/componentstatuses"},
		{"hpa", "autoscaling/v2/horizontalpodautoscalers"},
		{"horizontalpodautoscalers.v1.autoscaling", "autoscaling/v1/horizontalpodautoscalers"},
		{"sts", "apps/v1/statefulsets"},
		{"crds", "apiextensions.k8s.io/v1/customresourcedefinitions"},
		{"CustomResourceDefinition", "apiextensions.k8s.io/v1/customresourcedefinitions"},
		{"ct", "stable.example.com/v1/crontabs"},
		{"crontab", "stable.example.com/v1/crontabs"},
		{"CronTab.stable.example.com", "stable.example.com/v1/crontabs"},
		{"nokinds", `the server doesn't have a resource type "nokinds"`},
		{"nodes.metrics.k8s.io", `the server doesn't have a resource type "nodes"`},
		{"scale", `the server doesn't have a resource type "scale"`},
	}
	for _, mode := range []string{"v2", "v2beta1", "no-params", "legacy"} {
		t.Run(mode, func(t *testing.T) {
			stub, url := startStub(t, mode)
			dir := t.TempDir()
			c, warns := newCache(t, url, dir)
			for _, tt := range resolve {
				r, err := c.Resolve(t.Context(), tt.arg)
				got := gvr(r)
				if err != nil {
					got = err.Error()
				}
				if got != tt.want {
					t.Errorf("Resolve(%q) = %s, want %s", tt.arg, got, tt.want)
				}
			}
			r, err := c.ResolveKind(t.Context(), "apps/v1", "Deployment")
			if err != nil || gvr(r) != "apps/v1/deployments" || !r.Namespaced {
				t.Errorf("ResolveKind(Deployment) = %+v, %v", r, err)
			}

			// One warning for metrics.k8s.io, discovery otherwise complete.
			w := warns.take()
			if len(w) != 1 || !strings.Contains(w[0], "couldn't get resource list for metrics.k8s.io/v1beta1") {
				t.Errorf("warnings %q", w)
			}
			for _, p := range []string{"/api", "/apis"} {
				if got := stub.accepts[p]; got != wantAccept {
					t.Errorf("Accept of %s: %q", p, got)
				}
			}
			asked := stub.take()
			if mode == "legacy" {
				if len(asked) != 10 { // /api, /apis, 8 group/versions (metrics included)
					t.Errorf("legacy discovery asked %v", asked)
				}
			} else if !slices.Equal(asked, discoveryRoots) {
				t.Errorf("aggregated discovery asked %v", asked)
			}

			rs, err := c.Resources(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, r := range rs {
				names = append(names, gvr(r))
			}
			if count(names, "autoscaling/v2/horizontalpodautoscalers") != 1 || slices.Contains(names, "autoscaling/v1/horizontalpodautoscalers") {
				t.Errorf("hpa listed at the wrong versions: %v", names)
			}
			if len(names) != 16 {
				t.Errorf("%d resources: %v", len(names), names)
			}

			// The failed group is not cached, so the next run asks nothing.
			var gl meta.APIGroupList
			readJSON(t, filepath.Join(c.Dir(), "servergroups.json"), &gl)
			for _, g := range gl.Groups {
				if g.Name == "metrics.k8s.io" {
					t.Errorf("failed group cached: %+v", g)
				}
				if g.Name == "autoscaling" && (g.PreferredVersion.Version != "v2" || len(g.Versions) != 2) {
					t.Errorf("autoscaling cached as %+v", g)
				}
			}
			var apps meta.APIResourceList
			readJSON(t, filepath.Join(c.Dir(), "apps", "v1", "serverresources.json"), &apps)
			i := slices.IndexFunc(apps.APIResources, func(r meta.APIResource) bool { return r.Name == "deployments/scale" })
			if i < 0 || apps.APIResources[i].Kind != "Scale" {
				t.Errorf("deployments/scale cached as %+v", apps.APIResources)
			}
			c2, warns2 := newCache(t, url, dir)
			if _, err := c2.Resolve(t.Context(), "hpa"); err != nil {
				t.Fatal(err)
			}
			if got := stub.take(); len(got) != 0 {
				t.Errorf("second run asked %v", got)
			}
			if w := warns2.take(); len(w) != 0 {
				t.Errorf("second run warned %q", w)
			}
		})
	}
}

func TestRootErrors(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		check   func(t *testing.T, c *discovery.Cache)
	}{
		{
			name: "no /api",
			handler: func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/apis":
					w.Header().Set("Content-Type", "application/json")
					_, _ = w.Write([]byte(`{"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"example.com","versions":[{"groupVersion":"example.com/v1","version":"v1"}],"preferredVersion":{"groupVersion":"example.com/v1","version":"v1"}}]}`))
				case "/apis/example.com/v1":
					w.Header().Set("Content-Type", "application/json")
					_, _ = w.Write([]byte(`{"kind":"APIResourceList","groupVersion":"example.com/v1","resources":[{"name":"things","namespaced":true,"kind":"Thing","verbs":["get"]}]}`))
				default:
					http.NotFound(w, r)
				}
			},
			check: func(t *testing.T, c *discovery.Cache) {
				r, err := c.Resolve(t.Context(), "thing")
				if err != nil || gvr(r) != "example.com/v1/things" {
					t.Errorf("Resolve(thing) = %+v, %v", r, err)
				}
			},
		},
		{
			name: "/apis fails",
			handler: func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/apis" {
					http.Error(w, "broken", http.StatusInternalServerError)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"kind":"APIVersions","versions":["v1"]}`))
			},
			check: func(t *testing.T, c *discovery.Cache) {
				_, err := c.Resolve(t.Context(), "pods")
				if apierrors.CodeFor(err) != http.StatusInternalServerError || discovery.IsNoMatch(err) {
					t.Errorf("Resolve with /apis failing: %v", err)
				}
			},
		},
		{
			name: "/api answers garbage",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				_, _ = w.Write([]byte(`<html>login</html>`))
			},
			check: func(t *testing.T, c *discovery.Cache) {
				_, err := c.Resources(t.Context())
				if err == nil || !strings.Contains(err.Error(), "GET /api: decode") {
					t.Errorf("Resources with an HTML /api: %v", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(tt.handler)
			t.Cleanup(ts.Close)
			c, _ := newCache(t, ts.URL, t.TempDir())
			tt.check(t, c)
		})
	}
}
