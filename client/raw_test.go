package client

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	apierrors "kctl.dev/kctl/api/errors"
)

func TestGetRaw(t *testing.T) {
	c, _ := startClient(t)
	createPods(t, c, 3)
	var b bytes.Buffer
	if err := c.GetRaw(t.Context(), "/api/v1/namespaces/default/pods?limit=2&labelSelector=i!%3D0", &b); err != nil {
		t.Fatal(err)
	}
	var l struct {
		Kind     string
		Metadata struct{ Continue string }
		Items    []struct{ Metadata struct{ Name string } }
	}
	if err := json.Unmarshal(b.Bytes(), &l); err != nil {
		t.Fatalf("%v: %s", err, b.Bytes())
	}
	if l.Kind != "PodList" || len(l.Items) != 2 || l.Items[0].Metadata.Name != "p1" || l.Metadata.Continue != "" {
		t.Errorf("answer %s: want a PodList of p1 and p2 (the query applied)", b.Bytes())
	}
	err := c.GetRaw(t.Context(), "/api/v1/namespaces/default/pods/missing", &b)
	if !apierrors.IsNotFound(err) {
		t.Errorf("GetRaw of a missing pod: %v, want NotFound", err)
	}
	if err := c.GetRaw(t.Context(), "api/v1", &b); err == nil {
		t.Error("GetRaw of a relative path: no error")
	}
}

// TestGetRawAsIs checks that the body is copied byte for byte, whatever its type.
func TestGetRawAsIs(t *testing.T) {
	body := "# HELP x\nx 1\n\x00binary"
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/nodes/n1/proxy/metrics" || r.URL.RawQuery != "a=1" {
			t.Errorf("request %s, want /api/v1/nodes/n1/proxy/metrics?a=1", r.URL)
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte(body))
	}))
	defer hs.Close()
	c, err := New(&Config{Servers: []string{hs.URL}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var b bytes.Buffer
	if err := c.GetRaw(t.Context(), "/api/v1/nodes/n1/proxy/metrics?a=1", &b); err != nil {
		t.Fatal(err)
	}
	if b.String() != body {
		t.Errorf("body %q, want %q", b.String(), body)
	}
}
