package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"kctl.dev/kctl/server"
	"kctl.dev/kctl/server/storage/memory"
)

func TestHealthEndpoints(t *testing.T) {
	ts := newTestServer(t)
	for _, p := range []string{"/healthz", "/livez", "/readyz", "/readyz/ping"} {
		r := ts.must(http.StatusOK, "GET", p, nil)
		if string(r.raw) != "ok" {
			t.Errorf("%s: %q", p, r.raw)
		}
	}
}

// TestScheduledCompaction: the schedule compacts storage history, after which
// a read at a revision from before the compaction is 410 Expired.
func TestScheduledCompaction(t *testing.T) {
	kv := memory.New()
	defer kv.Close()
	srv, err := server.New(server.Config{Storage: kv, CompactionInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()
	ts := &testServer{t: t, url: hs.URL, srv: srv, kv: kv}
	first := ts.must(http.StatusCreated, "POST", configmaps, configMap("a", nil)).str("metadata", "resourceVersion")
	ts.must(http.StatusCreated, "POST", configmaps, configMap("b", nil))
	target, _ := strconv.ParseInt(first, 10, 64)
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		rev, err := kv.CompactedRevision(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if rev > target {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("history not compacted past %d within 10s (at %d)", target, rev)
		}
		<-tick.C
	}
	// Storage no longer has that revision: an exact read of it is 410 Expired.
	// (Watches are served from the watch cache, whose own history is separate.)
	r := ts.must(http.StatusGone, "GET", configmaps+"?resourceVersion="+first+"&resourceVersionMatch=Exact", nil)
	if r.str("reason") != "Expired" {
		t.Errorf("exact list at a compacted revision: %s", r.raw)
	}
}
