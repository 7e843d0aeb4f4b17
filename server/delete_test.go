package server_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// watchStream opens a raw watch and returns a function reading the next event.
func (ts *testServer) watchStream(path string) func() (string, map[string]any) {
	ts.t.Helper()
	req, err := http.NewRequestWithContext(ts.t.Context(), "GET", ts.url+path, nil)
	if err != nil {
		ts.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	ts.t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		ts.t.Fatalf("watch %s: %d", path, resp.StatusCode)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ts.t.Context().Done():
				return
			}
		}
	}()
	return func() (string, map[string]any) {
		ts.t.Helper()
		select {
		case line, ok := <-lines:
			if !ok {
				return "", nil
			}
			var ev struct {
				Type   string         `json:"type"`
				Object map[string]any `json:"object"`
			}
			if err := json.Unmarshal([]byte(line), &ev); err != nil {
				ts.t.Fatalf("bad frame %q: %v", line, err)
			}
			return ev.Type, ev.Object
		case <-time.After(10 * time.Second):
			ts.t.Fatal("no watch event within 10s")
			return "", nil
		}
	}
}

func metaOf(o map[string]any) map[string]any { m, _ := o["metadata"].(map[string]any); return m }

func TestDeleteUnboundPodIsImmediate(t *testing.T) {
	ts := newTestServer(t)
	rv := ts.must(http.StatusCreated, "POST", pods, pod("web", nil)).str("metadata", "resourceVersion")
	next := ts.watchStream(pods + "?watch=true&resourceVersion=" + rv)
	ts.must(http.StatusOK, "DELETE", pods+"/web", `{"propagationPolicy":"Background"}`)
	ts.must(http.StatusNotFound, "GET", pods+"/web", nil)
	typ, obj := next()
	if typ != "MODIFIED" || metaOf(obj)["deletionTimestamp"] == nil {
		t.Errorf("first event %s %v, want MODIFIED with deletionTimestamp", typ, metaOf(obj))
	}
	typ, obj = next()
	if typ != "DELETED" || metaOf(obj)["name"] != "web" {
		t.Errorf("second event %s, want DELETED", typ)
	}
}

func TestDeleteBoundPodIsGraceful(t *testing.T) {
	ts := newTestServer(t)
	ts.must(http.StatusCreated, "POST", pods, pod("web", nil, onNode("n1")))
	r := ts.must(http.StatusOK, "DELETE", pods+"/web", nil)
	md := metaOf(r.obj)
	if md["deletionTimestamp"] == nil || md["deletionGracePeriodSeconds"] != float64(30) {
		t.Fatalf("graceful delete: %v", md)
	}
	got := ts.must(http.StatusOK, "GET", pods+"/web", nil)
	if g := metaOf(got.obj)["generation"]; g != float64(2) {
		t.Errorf("generation after marking = %v", g)
	}
	// Deleting again with the same grace changes nothing.
	before := ts.revision()
	ts.must(http.StatusOK, "DELETE", pods+"/web", nil)
	if ts.revision() != before {
		t.Error("second delete wrote")
	}
	// The kubelet confirms with gracePeriodSeconds=0: now it goes.
	ts.must(http.StatusOK, "DELETE", pods+"/web?gracePeriodSeconds=0", nil)
	ts.must(http.StatusNotFound, "GET", pods+"/web", nil)

	ts.must(http.StatusCreated, "POST", pods, pod("now", nil, onNode("n1")))
	ts.must(http.StatusOK, "DELETE", pods+"/now", `{"gracePeriodSeconds":0}`)
	ts.must(http.StatusNotFound, "GET", pods+"/now", nil)
}

func TestFinalizers(t *testing.T) {
	ts := newTestServer(t)
	cm := configMap("held", nil)
	cm["metadata"].(map[string]any)["finalizers"] = []any{"example.com/keep"}
	ts.must(http.StatusCreated, "POST", configmaps, cm)
	r := ts.must(http.StatusOK, "DELETE", configmaps+"/held", nil)
	if metaOf(r.obj)["deletionTimestamp"] == nil {
		t.Fatalf("not marked: %s", r.raw)
	}
	obj := ts.must(http.StatusOK, "GET", configmaps+"/held", nil).obj
	// No new finalizers once deletion started.
	metaOf(obj)["finalizers"] = []any{"example.com/keep", "example.com/new"}
	ts.must(http.StatusUnprocessableEntity, "PUT", configmaps+"/held", obj)
	// Removing the last finalizer lets it go.
	ts.must(http.StatusOK, "PATCH", configmaps+"/held", `{"metadata":{"finalizers":null}}`, "Content-Type: application/merge-patch+json")
	ts.must(http.StatusNotFound, "GET", configmaps+"/held", nil)
}

func TestDeleteCollection(t *testing.T) {
	ts := newTestServer(t)
	for _, n := range []string{"a", "b", "c"} {
		cm := configMap(n, nil)
		if n != "c" {
			cm["metadata"].(map[string]any)["labels"] = map[string]any{"group": "x"}
		}
		ts.must(http.StatusCreated, "POST", configmaps, cm)
	}
	r := ts.must(http.StatusOK, "DELETE", configmaps+"?labelSelector=group%3Dx", nil)
	if len(r.items()) != 2 {
		t.Errorf("deleted %v", r.names())
	}
	if got := ts.must(http.StatusOK, "GET", configmaps, nil).names(); strings.Join(got, ",") != "c" {
		t.Errorf("left %v", got)
	}
}

func TestNamespaceDeletion(t *testing.T) {
	ts := newTestServer(t)
	ts.must(http.StatusCreated, "POST", "/api/v1/namespaces", map[string]any{"kind": "Namespace", "apiVersion": "v1", "metadata": map[string]any{"name": "demo"}})
	ts.must(http.StatusCreated, "POST", "/api/v1/namespaces/demo/configmaps", configMap("cm", nil))
	ts.must(http.StatusCreated, "POST", "/api/v1/namespaces/demo/pods", pod("p", nil))
	// A held object keeps the namespace Terminating until its finalizer goes.
	held := configMap("held", nil)
	held["metadata"].(map[string]any)["finalizers"] = []any{"example.com/keep"}
	ts.must(http.StatusCreated, "POST", "/api/v1/namespaces/demo/configmaps", held)
	rv := ts.must(http.StatusOK, "GET", "/api/v1/namespaces/demo", nil).str("metadata", "resourceVersion")
	next := ts.watchStream("/api/v1/namespaces?watch=true&fieldSelector=metadata.name%3Ddemo&resourceVersion=" + rv)
	r := ts.must(http.StatusOK, "DELETE", "/api/v1/namespaces/demo", nil)
	if r.str("status", "phase") != "Terminating" {
		t.Errorf("namespace phase after delete: %s", r.raw)
	}
	ts.must(http.StatusForbidden, "POST", "/api/v1/namespaces/demo/configmaps", configMap("late", nil))
	if ns := ts.must(http.StatusOK, "GET", "/api/v1/namespaces/demo", nil); ns.str("status", "phase") != "Terminating" {
		t.Errorf("namespace while held: %s", ns.raw)
	}
	ts.must(http.StatusOK, "PATCH", "/api/v1/namespaces/demo/configmaps/held", `{"metadata":{"finalizers":null}}`, "Content-Type: application/merge-patch+json")
	for {
		typ, obj := next()
		if typ == "DELETED" {
			break
		}
		if typ != "MODIFIED" {
			t.Fatalf("unexpected %s %v", typ, obj)
		}
	}
	ts.must(http.StatusNotFound, "GET", "/api/v1/namespaces/demo", nil)
	if n := ts.must(http.StatusOK, "GET", "/api/v1/namespaces/demo/configmaps", nil).items(); len(n) != 0 {
		t.Errorf("contents left: %v", n)
	}
}
