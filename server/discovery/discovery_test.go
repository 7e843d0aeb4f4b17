package discovery

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/server/registry"
)

// kubectl's Accept header for /api and /apis (wire.md).
const kubectlDiscoveryAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"

var testInfo = meta.Info{
	Major: "1", Minor: "32", GitVersion: "v1.32.0-kctl", GoVersion: "go1.26",
	Compiler: "gc", Platform: "linux/amd64",
}

func testKinds() []*registry.Kind {
	return []*registry.Kind{
		{
			Version: "v1", Resource: "pods", Kind: "Pod", Namespaced: true,
			ShortNames: []string{"po"}, Categories: []string{"all"},
			Subresources: []registry.Subresource{
				{Name: "status", Kind: "Pod", Verbs: []string{"get", "patch", "update"}},
				{Name: "binding", Kind: "Binding", Verbs: []string{"create"}},
			},
		},
		{
			Version: "v1", Resource: "namespaces", Kind: "Namespace",
			ShortNames: []string{"ns"},
			Subresources: []registry.Subresource{
				{Name: "status", Verbs: []string{"get", "patch", "update"}},
			},
		},
		{
			Group: "apps", Version: "v1", Resource: "deployments", Kind: "Deployment", Namespaced: true,
			ShortNames: []string{"deploy"}, Categories: []string{"all"},
			Subresources: []registry.Subresource{
				{Name: "status", Kind: "Deployment", Verbs: []string{"get", "patch", "update"}},
			},
		},
	}
}

func widgetKind(version string) *registry.Kind {
	return &registry.Kind{
		Group: "example.com", Version: version, Resource: "widgets", Kind: "Widget",
		ShortNames: []string{"wd"}, Categories: []string{"examples"},
	}
}

func newTestServer(t *testing.T) (*registry.Registry, *httptest.Server) {
	t.Helper()
	reg := registry.New()
	reg.MustAdd(testKinds()...)
	h := New(reg, testInfo)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return reg, srv
}

type response struct {
	code   int
	header http.Header
	body   []byte
}

func do(t *testing.T, method, url string, header map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{code: resp.StatusCode, header: resp.Header, body: body}
}

func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
	return v
}

func kindOf(t *testing.T, body []byte) string {
	t.Helper()
	return decode[meta.TypeMeta](t, body).Kind
}

func TestPaths(t *testing.T) {
	_, srv := newTestServer(t)
	host := strings.TrimPrefix(srv.URL, "http://")

	tests := []struct {
		name        string
		method      string
		path        string
		accept      string
		code        int
		contentType string
		kind        string
		check       func(t *testing.T, body []byte)
	}{
		{
			name: "version", path: "/version?timeout=5s", code: 200, contentType: "application/json",
			check: func(t *testing.T, body []byte) {
				if got := decode[meta.Info](t, body); got != testInfo {
					t.Errorf("info = %+v, want %+v", got, testInfo)
				}
			},
		},
		{
			name: "api plain", path: "/api", code: 200, contentType: "application/json", kind: "APIVersions",
			check: func(t *testing.T, body []byte) {
				want := fmt.Sprintf(`{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":%q}]}`, host)
				if string(body) != want {
					t.Errorf("body = %s, want %s", body, want)
				}
			},
		},
		{
			name: "api aggregated (kubectl accept)", path: "/api?timeout=32s", accept: kubectlDiscoveryAccept, code: 200,
			contentType: meta.AggregatedDiscoveryContentType, kind: "APIGroupDiscoveryList",
			check: func(t *testing.T, body []byte) {
				l := decode[meta.APIGroupDiscoveryList](t, body)
				if l.APIVersion != "apidiscovery.k8s.io/v2" || len(l.Items) != 1 || l.Items[0].Metadata.Name != "" {
					t.Fatalf("list = %s", body)
				}
				vs := l.Items[0].Versions
				if len(vs) != 1 || vs[0].Version != "v1" || vs[0].Freshness != "Current" {
					t.Fatalf("versions = %+v", vs)
				}
				want := []meta.APIResourceDiscovery{
					{
						Resource: "namespaces", ResponseKind: &meta.GroupVersionKind{Version: "v1", Kind: "Namespace"},
						Scope: "Cluster", SingularResource: "namespace", Verbs: allVerbs, ShortNames: []string{"ns"},
						Subresources: []meta.APISubresourceDiscovery{
							{Subresource: "status", ResponseKind: &meta.GroupVersionKind{Version: "v1", Kind: "Namespace"}, Verbs: []string{"get", "patch", "update"}},
						},
					},
					{
						Resource: "pods", ResponseKind: &meta.GroupVersionKind{Version: "v1", Kind: "Pod"},
						Scope: "Namespaced", SingularResource: "pod", Verbs: allVerbs,
						ShortNames: []string{"po"}, Categories: []string{"all"},
						Subresources: []meta.APISubresourceDiscovery{
							{Subresource: "binding", ResponseKind: &meta.GroupVersionKind{Version: "v1", Kind: "Binding"}, Verbs: []string{"create"}},
							{Subresource: "status", ResponseKind: &meta.GroupVersionKind{Version: "v1", Kind: "Pod"}, Verbs: []string{"get", "patch", "update"}},
						},
					},
				}
				if !reflect.DeepEqual(vs[0].Resources, want) {
					t.Errorf("resources:\n got %s\nwant %s", mustJSON(vs[0].Resources), mustJSON(want))
				}
			},
		},
		{
			name: "apis plain", path: "/apis", code: 200, contentType: "application/json", kind: "APIGroupList",
			check: func(t *testing.T, body []byte) {
				want := `{"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}}]}`
				if string(body) != want {
					t.Errorf("body = %s, want %s", body, want)
				}
			},
		},
		{
			name: "apis aggregated (kubectl accept)", path: "/apis?timeout=32s", accept: kubectlDiscoveryAccept, code: 200,
			contentType: meta.AggregatedDiscoveryContentType, kind: "APIGroupDiscoveryList",
			check: func(t *testing.T, body []byte) {
				l := decode[meta.APIGroupDiscoveryList](t, body)
				want := []meta.APIGroupDiscovery{{
					Metadata: meta.DiscoveryMeta{Name: "apps"},
					Versions: []meta.APIVersionDiscovery{{
						Version: "v1", Freshness: "Current",
						Resources: []meta.APIResourceDiscovery{{
							Resource: "deployments", ResponseKind: &meta.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"},
							Scope: "Namespaced", SingularResource: "deployment", Verbs: allVerbs,
							ShortNames: []string{"deploy"}, Categories: []string{"all"},
							Subresources: []meta.APISubresourceDiscovery{
								{Subresource: "status", ResponseKind: &meta.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, Verbs: []string{"get", "patch", "update"}},
							},
						}},
					}},
				}}
				if !reflect.DeepEqual(l.Items, want) {
					t.Errorf("items:\n got %s\nwant %s", mustJSON(l.Items), mustJSON(want))
				}
			},
		},
		{
			name: "apis group", path: "/apis/apps", code: 200, contentType: "application/json", kind: "APIGroup",
			check: func(t *testing.T, body []byte) {
				want := `{"kind":"APIGroup","apiVersion":"v1","name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}}`
				if string(body) != want {
					t.Errorf("body = %s, want %s", body, want)
				}
			},
		},
		{
			name: "api v1 resources", path: "/api/v1", accept: kubectlDiscoveryAccept, code: 200, contentType: "application/json", kind: "APIResourceList",
			check: func(t *testing.T, body []byte) {
				l := decode[meta.APIResourceList](t, body)
				want := meta.APIResourceList{
					TypeMeta:     meta.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"},
					GroupVersion: "v1",
					APIResources: []meta.APIResource{
						{Name: "namespaces", SingularName: "namespace", Kind: "Namespace", Verbs: allVerbs, ShortNames: []string{"ns"}},
						{Name: "namespaces/status", Kind: "Namespace", Verbs: []string{"get", "patch", "update"}},
						{Name: "pods", SingularName: "pod", Namespaced: true, Kind: "Pod", Verbs: allVerbs, ShortNames: []string{"po"}, Categories: []string{"all"}},
						{Name: "pods/binding", Namespaced: true, Kind: "Binding", Verbs: []string{"create"}},
						{Name: "pods/status", Namespaced: true, Kind: "Pod", Verbs: []string{"get", "patch", "update"}},
					},
				}
				if !reflect.DeepEqual(l, want) {
					t.Errorf("list:\n got %s\nwant %s", mustJSON(l), mustJSON(want))
				}
				// singularName is present (empty) for subresources, as upstream sends it.
				if !strings.Contains(string(body), `{"name":"pods/status","singularName":"","namespaced":true,"kind":"Pod","verbs":["get","patch","update"]}`) {
					t.Errorf("pods/status entry not as expected: %s", body)
				}
			},
		},
		{
			name: "apis group version resources", path: "/apis/apps/v1", code: 200, contentType: "application/json", kind: "APIResourceList",
			check: func(t *testing.T, body []byte) {
				l := decode[meta.APIResourceList](t, body)
				if l.GroupVersion != "apps/v1" || len(l.APIResources) != 2 ||
					l.APIResources[0].Name != "deployments" || l.APIResources[1].Name != "deployments/status" {
					t.Errorf("list = %s", body)
				}
			},
		},
		{name: "trailing slash", path: "/apis/apps/", code: 200, contentType: "application/json", kind: "APIGroup"},
		{name: "HEAD api", method: "HEAD", path: "/api", code: 200, contentType: "application/json"},
		{name: "HEAD apis aggregated", method: "HEAD", path: "/apis", accept: kubectlDiscoveryAccept, code: 200, contentType: meta.AggregatedDiscoveryContentType},
		{name: "unknown group", path: "/apis/nope.example.com", code: 404, contentType: "application/json", kind: "Status", check: checkStatus(404, "NotFound")},
		{name: "unknown group version", path: "/apis/nope.example.com/v1", code: 404, contentType: "application/json", kind: "Status", check: checkStatus(404, "NotFound")},
		{name: "unknown version of known group", path: "/apis/apps/v2", code: 404, contentType: "application/json", kind: "Status", check: checkStatus(404, "NotFound")},
		{name: "unknown core version", path: "/api/v2", code: 404, contentType: "application/json", kind: "Status", check: checkStatus(404, "NotFound")},
		{name: "not a discovery path", path: "/api/v1/pods", code: 404, contentType: "application/json", kind: "Status", check: checkStatus(404, "NotFound")},
		{name: "POST api", method: "POST", path: "/api", code: 405, contentType: "application/json", kind: "Status", check: checkStatus(405, "MethodNotAllowed")},
		{name: "DELETE apis group", method: "DELETE", path: "/apis/apps", code: 405, contentType: "application/json", kind: "Status", check: checkStatus(405, "MethodNotAllowed")},
		{name: "PUT version", method: "PUT", path: "/version", code: 405, contentType: "application/json", kind: "Status", check: checkStatus(405, "MethodNotAllowed")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = "GET"
			}
			hdr := map[string]string{}
			if tc.accept != "" {
				hdr["Accept"] = tc.accept
			}
			resp := do(t, method, srv.URL+tc.path, hdr)
			if resp.code != tc.code {
				t.Fatalf("code = %d, want %d; body %s", resp.code, tc.code, resp.body)
			}
			if got := resp.header.Get("Content-Type"); got != tc.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tc.contentType)
			}
			if method == "HEAD" {
				if len(resp.body) != 0 {
					t.Errorf("HEAD body = %q", resp.body)
				}
				if resp.header.Get("ETag") == "" || resp.header.Get("Content-Length") == "" {
					t.Errorf("HEAD headers = %v", resp.header)
				}
				return
			}
			if tc.code == 200 {
				if etag := resp.header.Get("ETag"); len(etag) < 3 || etag[0] != '"' || etag[len(etag)-1] != '"' {
					t.Errorf("ETag = %q, want a quoted tag", etag)
				}
				if got := resp.header.Get("Cache-Control"); got != cacheControl {
					t.Errorf("Cache-Control = %q", got)
				}
			}
			if tc.code == 405 && resp.header.Get("Allow") != "GET, HEAD" {
				t.Errorf("Allow = %q", resp.header.Get("Allow"))
			}
			if tc.kind != "" {
				if got := kindOf(t, resp.body); got != tc.kind {
					t.Errorf("kind = %q, want %q; body %s", got, tc.kind, resp.body)
				}
			}
			if tc.check != nil {
				tc.check(t, resp.body)
			}
		})
	}
}

var allVerbs = []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}

func checkStatus(code int, reason meta.StatusReason) func(t *testing.T, body []byte) {
	return func(t *testing.T, body []byte) {
		t.Helper()
		s := decode[meta.Status](t, body)
		if s.Code != int32(code) || s.Reason != reason || s.Status != meta.StatusFailure || s.APIVersion != "v1" || s.Message == "" {
			t.Errorf("status = %s", body)
		}
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestAcceptNegotiation(t *testing.T) {
	_, srv := newTestServer(t)
	const (
		plain = "application/json"
		agg   = meta.AggregatedDiscoveryContentType
	)
	tests := []struct {
		name   string
		accept string
		want   string // Content-Type on /api and /apis
	}{
		{"empty", "", plain},
		{"kubectl", kubectlDiscoveryAccept, agg},
		{"v2 alone", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", agg},
		{"v2 spaced and reordered params", "application/json; as=APIGroupDiscoveryList; v=v2; g=apidiscovery.k8s.io", agg},
		{"v2beta1 first, then v2", "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json", agg},
		{"v2beta1 then plain", "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json", plain},
		{"v2beta1 only", "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList", plain},
		{"plain before aggregated", "application/json,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", plain},
		{"q prefers aggregated", "application/json;q=0.5,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", agg},
		{"q=0 refuses aggregated", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0,application/json", plain},
		{"client-go default", "application/json, */*", plain},
		{"wildcard", "*/*", plain},
		{"protobuf first", "application/vnd.kubernetes.protobuf,application/json", plain},
		{"protobuf aggregated then json aggregated", "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", agg},
		{"table", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json", plain},
		{"nothing we produce still answers JSON", "text/html", plain},
		{"garbage", ";;,,", plain},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/api", "/apis"} {
				hdr := map[string]string{}
				if tc.accept != "" {
					hdr["Accept"] = tc.accept
				}
				resp := do(t, "GET", srv.URL+path, hdr)
				if resp.code != 200 {
					t.Fatalf("%s: code %d", path, resp.code)
				}
				if got := resp.header.Get("Content-Type"); got != tc.want {
					t.Errorf("%s: Content-Type = %q, want %q", path, got, tc.want)
				}
				wantKind := map[string]string{"/api": "APIVersions", "/apis": "APIGroupList"}[path]
				if tc.want == agg {
					wantKind = "APIGroupDiscoveryList"
				}
				if got := kindOf(t, resp.body); got != wantKind {
					t.Errorf("%s: kind = %q, want %q", path, got, wantKind)
				}
			}
		})
	}

	// Resource lists exist only in the plain form, whatever the client asks.
	resp := do(t, "GET", srv.URL+"/api/v1", map[string]string{"Accept": "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"})
	if resp.code != 200 || resp.header.Get("Content-Type") != "application/json" || kindOf(t, resp.body) != "APIResourceList" {
		t.Errorf("/api/v1 with aggregated accept: %d %q %s", resp.code, resp.header.Get("Content-Type"), resp.body)
	}
}

func TestETag(t *testing.T) {
	_, srv := newTestServer(t)
	for _, tc := range []struct{ path, accept string }{
		{"/version", ""},
		{"/api", ""},
		{"/api", kubectlDiscoveryAccept},
		{"/apis", ""},
		{"/apis", kubectlDiscoveryAccept},
		{"/apis/apps", ""},
		{"/api/v1", ""},
		{"/apis/apps/v1", ""},
	} {
		t.Run(tc.path+" "+tc.accept, func(t *testing.T) {
			hdr := map[string]string{"Accept": tc.accept}
			first := do(t, "GET", srv.URL+tc.path, hdr)
			etag := first.header.Get("ETag")
			if first.code != 200 || etag == "" {
				t.Fatalf("first: %d ETag %q", first.code, etag)
			}
			if again := do(t, "GET", srv.URL+tc.path, hdr); again.header.Get("ETag") != etag || string(again.body) != string(first.body) {
				t.Errorf("second GET differs: %q %s", again.header.Get("ETag"), again.body)
			}
			for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
				hdr := map[string]string{"Accept": tc.accept, "If-None-Match": inm}
				resp := do(t, "GET", srv.URL+tc.path, hdr)
				if resp.code != http.StatusNotModified || len(resp.body) != 0 {
					t.Errorf("If-None-Match %s: %d %q", inm, resp.code, resp.body)
				}
				if resp.header.Get("ETag") != etag {
					t.Errorf("If-None-Match %s: 304 ETag %q, want %q", inm, resp.header.Get("ETag"), etag)
				}
			}
			resp := do(t, "GET", srv.URL+tc.path, map[string]string{"Accept": tc.accept, "If-None-Match": `"stale"`})
			if resp.code != 200 || string(resp.body) != string(first.body) {
				t.Errorf("stale If-None-Match: %d", resp.code)
			}
		})
	}

	// The two forms of /apis are different documents with different tags.
	plain := do(t, "GET", srv.URL+"/apis", nil).header.Get("ETag")
	agg := do(t, "GET", srv.URL+"/apis", map[string]string{"Accept": kubectlDiscoveryAccept}).header.Get("ETag")
	if plain == agg {
		t.Errorf("plain and aggregated /apis share ETag %s", plain)
	}
	resp := do(t, "GET", srv.URL+"/apis", map[string]string{"Accept": kubectlDiscoveryAccept, "If-None-Match": plain})
	if resp.code != 200 || resp.header.Get("Content-Type") != meta.AggregatedDiscoveryContentType {
		t.Errorf("aggregated with plain ETag: %d %q", resp.code, resp.header.Get("Content-Type"))
	}
}

func TestKindAddedAtRunTime(t *testing.T) {
	reg, srv := newTestServer(t)
	get := func(path, accept string) response {
		return do(t, "GET", srv.URL+path, map[string]string{"Accept": accept})
	}
	before := map[string]string{}
	for _, accept := range []string{"", kubectlDiscoveryAccept} {
		before[accept] = get("/apis", accept).header.Get("ETag")
	}
	if r := get("/apis/example.com/v1", ""); r.code != 404 {
		t.Fatalf("before: /apis/example.com/v1 = %d", r.code)
	}
	coreETag := get("/api/v1", "").header.Get("ETag")

	reg.MustAdd(widgetKind("v1"))

	for _, accept := range []string{"", kubectlDiscoveryAccept} {
		r := get("/apis", accept)
		if r.header.Get("ETag") == before[accept] {
			t.Errorf("accept %q: ETag unchanged after adding a kind", accept)
		}
		if !strings.Contains(string(r.body), `"example.com"`) {
			t.Errorf("accept %q: new group missing: %s", accept, r.body)
		}
		if r := do(t, "GET", srv.URL+"/apis", map[string]string{"Accept": accept, "If-None-Match": before[accept]}); r.code != 200 {
			t.Errorf("accept %q: old ETag answered %d", accept, r.code)
		}
	}
	r := get("/apis/example.com/v1", "")
	if r.code != 200 {
		t.Fatalf("/apis/example.com/v1 = %d %s", r.code, r.body)
	}
	l := decode[meta.APIResourceList](t, r.body)
	if len(l.APIResources) != 1 || l.APIResources[0].Name != "widgets" || l.APIResources[0].Namespaced {
		t.Errorf("widgets list = %s", r.body)
	}
	// Unchanged documents keep their tags across generations.
	if got := get("/api/v1", "").header.Get("ETag"); got != coreETag {
		t.Errorf("/api/v1 ETag changed from %s to %s", coreETag, got)
	}

	// A second version keeps the first as preferred.
	reg.MustAdd(widgetKind("v2"))
	g := decode[meta.APIGroup](t, get("/apis/example.com", "").body)
	if len(g.Versions) != 2 || g.PreferredVersion.Version != "v1" || g.Versions[1].GroupVersion != "example.com/v2" {
		t.Errorf("group = %+v", g)
	}
	agg := decode[meta.APIGroupDiscoveryList](t, get("/apis", kubectlDiscoveryAccept).body)
	if len(agg.Items) != 2 || agg.Items[1].Metadata.Name != "example.com" || len(agg.Items[1].Versions) != 2 ||
		agg.Items[1].Versions[0].Version != "v1" || agg.Items[1].Versions[0].Resources[0].Scope != "Cluster" {
		t.Errorf("aggregated = %s", mustJSON(agg))
	}
}

// TestConcurrent reads documents while kinds are added (run with -race).
func TestConcurrent(t *testing.T) {
	reg, srv := newTestServer(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 30 {
				path := []string{"/api", "/apis", "/api/v1", "/apis/apps/v1"}[(i+j)%4]
				accept := []string{"", kubectlDiscoveryAccept}[j%2]
				req, _ := http.NewRequest("GET", srv.URL+path, nil)
				req.Header.Set("Accept", accept)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Errorf("%s: %d", path, resp.StatusCode)
				}
			}
		}()
	}
	for i := range 20 {
		reg.MustAdd(&registry.Kind{Group: fmt.Sprintf("g%d.example.com", i), Version: "v1", Resource: "things", Kind: "Thing"})
	}
	wg.Wait()
	l := decode[meta.APIGroupList](t, do(t, "GET", srv.URL+"/apis", nil).body)
	if len(l.Groups) != 21 {
		t.Errorf("groups = %d, want 21", len(l.Groups))
	}
}

func TestHandles(t *testing.T) {
	h := New(registry.New(), testInfo)
	for path, want := range map[string]bool{
		"/version":                  true,
		"/api":                      true,
		"/api/":                     true,
		"/api/v1":                   true,
		"/api/v2":                   true,
		"/apis":                     true,
		"/apis/apps":                true,
		"/apis/apps/v1":             true,
		"/apis/apps/v1/":            true,
		"/api/v1/pods":              false,
		"/api/v1/namespaces/x/pods": false,
		"/apis/apps/v1/deployments": false,
		"/apis//v1":                 false,
		"/":                         false,
		"/healthz":                  false,
		"/livez":                    false,
		"/readyz":                   false,
		"/openapi/v3":               false,
		"/versions":                 false,
		"/apix":                     false,
	} {
		if got := h.Handles(path); got != want {
			t.Errorf("Handles(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestEmptyRegistry(t *testing.T) {
	srv := httptest.NewServer(New(registry.New(), testInfo))
	defer srv.Close()
	for _, tc := range []struct{ path, accept, want string }{
		{"/apis", "", `{"kind":"APIGroupList","apiVersion":"v1","groups":[]}`},
		{"/apis", kubectlDiscoveryAccept, `{"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","metadata":{},"items":[]}`},
		{"/api/v1", "", `{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":[]}`},
	} {
		r := do(t, "GET", srv.URL+tc.path, map[string]string{"Accept": tc.accept})
		if r.code != 200 || string(r.body) != tc.want {
			t.Errorf("%s %q: %d %s, want %s", tc.path, tc.accept, r.code, r.body, tc.want)
		}
	}
}

// The plain /api echoes the request's Host, also past the per-host cache.
func TestAPIHost(t *testing.T) {
	_, srv := newTestServer(t)
	for i := range maxHostDocs + 8 {
		host := fmt.Sprintf("host-%d.example:6443", i)
		req, err := http.NewRequest("GET", srv.URL+"/api", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		v := decode[meta.APIVersions](t, func() []byte {
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return b
		}())
		if len(v.ServerAddressByClientCIDRs) != 1 || v.ServerAddressByClientCIDRs[0].ServerAddress != host {
			t.Errorf("host %s: %+v", host, v.ServerAddressByClientCIDRs)
		}
	}
}
