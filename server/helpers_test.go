package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"kctl.dev/kctl/server"
	"kctl.dev/kctl/server/storage"
	"kctl.dev/kctl/server/storage/memory"
)

// testServer is a server on memory storage behind a real loopback listener.
type testServer struct {
	t   *testing.T
	url string
	srv *server.Server
	kv  storage.Interface
}

func newTestServer(t *testing.T) *testServer {
	t.Helper()
	return newTestServerWith(t, server.Config{})
}

// newTestServerWith starts a server with cfg on memory storage; compaction is
// off unless cfg sets an interval.
func newTestServerWith(t *testing.T, cfg server.Config) *testServer {
	t.Helper()
	kv := memory.New()
	cfg.Storage = kv
	if cfg.CompactionInterval == 0 {
		cfg.CompactionInterval = -1
	}
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		hs.Close()
		_ = kv.Close()
	})
	return &testServer{t: t, url: hs.URL, srv: srv, kv: kv}
}

// response is a decoded answer.
type response struct {
	code   int
	header http.Header
	raw    []byte
	obj    map[string]any
}

func (r response) str(path ...string) string {
	var cur any = r.obj
	for _, p := range path {
		m, _ := cur.(map[string]any)
		cur = m[p]
	}
	s, _ := cur.(string)
	return s
}

func (r response) items() []map[string]any {
	l, _ := r.obj["items"].([]any)
	out := make([]map[string]any, 0, len(l))
	for _, e := range l {
		m, _ := e.(map[string]any)
		out = append(out, m)
	}
	return out
}

func (r response) names() []string {
	var out []string
	for _, it := range r.items() {
		md, _ := it["metadata"].(map[string]any)
		n, _ := md["name"].(string)
		out = append(out, n)
	}
	return out
}

// do sends a request; body may be a string or any JSON-encodable value. Extra
// headers come as "Name: value".
func (ts *testServer) do(method, path string, body any, headers ...string) response {
	ts.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			ts.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, ts.url+path, rd)
	if err != nil {
		ts.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		ts.t.Fatal(err)
	}
	r := response{code: resp.StatusCode, header: resp.Header, raw: raw}
	_ = json.Unmarshal(raw, &r.obj)
	return r
}

// must sends a request and fails the test unless the answer has the code.
func (ts *testServer) must(code int, method, path string, body any, headers ...string) response {
	ts.t.Helper()
	r := ts.do(method, path, body, headers...)
	if r.code != code {
		ts.t.Fatalf("%s %s: got %d, want %d: %s", method, path, r.code, code, r.raw)
	}
	return r
}

func (ts *testServer) revision() int64 {
	ts.t.Helper()
	rev, err := ts.kv.Revision(context.Background())
	if err != nil {
		ts.t.Fatal(err)
	}
	return rev
}

func pod(name string, labels map[string]string, extra ...func(map[string]any)) map[string]any {
	md := map[string]any{"name": name}
	if labels != nil {
		md["labels"] = labels
	}
	p := map[string]any{
		"apiVersion": "v1", "kind": "Pod", "metadata": md,
		"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "nginx:1.27"}}},
	}
	for _, f := range extra {
		f(p)
	}
	return p
}

func onNode(node string) func(map[string]any) {
	return func(p map[string]any) { p["spec"].(map[string]any)["nodeName"] = node }
}

func configMap(name string, data map[string]string) map[string]any {
	return map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": name}, "data": data}
}

const (
	pods        = "/api/v1/namespaces/default/pods"
	configmaps  = "/api/v1/namespaces/default/configmaps"
	tableAccept = "Accept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
)
