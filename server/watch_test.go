package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"kctl.dev/kctl/server"
	"kctl.dev/kctl/server/watchcache"
)

func rvOf(o map[string]any) string   { s, _ := metaOf(o)["resourceVersion"].(string); return s }
func nameOf(o map[string]any) string { s, _ := metaOf(o)["name"].(string); return s }

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("resourceVersion %q: %v", s, err)
	}
	return n
}

// TestWatchStartingPoints: resourceVersion "" starts now, "0" sends the current
// state first, R replays every change after R.
func TestWatchStartingPoints(t *testing.T) {
	type ev struct{ typ, name string }
	cases := []struct {
		name string
		rv   func(rvA, rvB, rvA2 string) string
		want []ev
	}{
		{"now", func(string, string, string) string { return "" }, []ev{{"ADDED", "c"}}},
		{"current state", func(string, string, string) string { return "0" }, []ev{{"ADDED", "a"}, {"ADDED", "b"}, {"ADDED", "c"}}},
		{"after the first create", func(a, _, _ string) string { return a }, []ev{{"ADDED", "b"}, {"MODIFIED", "a"}, {"ADDED", "c"}}},
		{"after the last write", func(_, _, a2 string) string { return a2 }, []ev{{"ADDED", "c"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts := newTestServer(t)
			rvA := ts.must(http.StatusCreated, "POST", configmaps, configMap("a", nil)).str("metadata", "resourceVersion")
			rvB := ts.must(http.StatusCreated, "POST", configmaps, configMap("b", nil)).str("metadata", "resourceVersion")
			rvA2 := ts.must(http.StatusOK, "PATCH", configmaps+"/a", `{"data":{"k":"v"}}`, "Content-Type: application/merge-patch+json").str("metadata", "resourceVersion")
			next := ts.watchStream(configmaps + "?watch=true&resourceVersion=" + c.rv(rvA, rvB, rvA2))
			ts.must(http.StatusCreated, "POST", configmaps, configMap("c", nil))
			if c.rv(rvA, rvB, rvA2) == "0" {
				// "0" is any recent state: the watch cache may not have seen
				// the last writes yet, so they may come as live events
				// after the initial ADDED ones. What must hold: the events
				// end at the current state, each object once ADDED.
				state := map[string]string{}
				for len(state) < 3 || state["a"] != rvA2 {
					typ, obj := next()
					name := nameOf(obj)
					if _, seen := state[name]; (typ == "ADDED") == seen {
						t.Fatalf("%s %s with state %v", typ, name, state)
					}
					state[name] = obj["metadata"].(map[string]any)["resourceVersion"].(string)
				}
				return
			}
			for i, w := range c.want {
				typ, obj := next()
				if typ != w.typ || nameOf(obj) != w.name {
					t.Fatalf("event %d: %s %s, want %s %s", i, typ, nameOf(obj), w.typ, w.name)
				}
			}
		})
	}
}

// TestWatchResumeHasNoGapOrDuplicate: a client that disconnects and resumes
// from the last resourceVersion it saw gets every change exactly once.
func TestWatchResumeHasNoGapOrDuplicate(t *testing.T) {
	ts := newTestServer(t)
	start := ts.must(http.StatusOK, "GET", configmaps, nil).str("metadata", "resourceVersion")
	const writes = 300
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range writes {
			name := fmt.Sprintf("cm-%d", i%20)
			if i < 20 {
				ts.do("POST", configmaps, configMap(name, nil))
			} else {
				ts.do("PATCH", configmaps+"/"+name, fmt.Sprintf(`{"data":{"i":"%d"}}`, i), "Content-Type: application/merge-patch+json")
			}
		}
	}()
	var seen []int64
	rv := start
	for len(seen) < writes {
		// Read a few events, then drop the connection and resume.
		ctx, cancel := context.WithCancel(t.Context())
		req, _ := http.NewRequestWithContext(ctx, "GET", ts.url+configmaps+"?watch=true&resourceVersion="+rv, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(resp.Body)
		for n := 0; n < 1+rand.IntN(40) && len(seen) < writes; n++ {
			var e struct {
				Type   string         `json:"type"`
				Object map[string]any `json:"object"`
			}
			if err := dec.Decode(&e); err != nil {
				t.Fatalf("decode: %v", err)
			}
			rv = rvOf(e.Object)
			seen = append(seen, mustInt(t, rv))
		}
		cancel()
		resp.Body.Close()
	}
	<-done
	first := mustInt(t, start)
	for i, r := range seen {
		if r != first+int64(i)+1 {
			t.Fatalf("event %d has resourceVersion %d, want %d (gap or duplicate)", i, r, first+int64(i)+1)
		}
	}
}

// TestWatchExpired: a resourceVersion older than the watch cache's history gets
// HTTP 200 and one ERROR event with a 410 Expired Status, then the stream ends.
func TestWatchExpired(t *testing.T) {
	ts := newTestServerWith(t, server.Config{WatchCache: watchcache.Config{Capacity: 5}})
	old := ts.must(http.StatusOK, "GET", configmaps+"?resourceVersion=0", nil).str("metadata", "resourceVersion")
	var rvs []string
	for i := range 10 {
		rvs = append(rvs, ts.must(http.StatusCreated, "POST", configmaps, configMap(fmt.Sprintf("c%d", i), nil)).str("metadata", "resourceVersion"))
	}
	next := ts.watchStream(configmaps + "?watch=true&resourceVersion=" + old)
	typ, obj := next()
	if typ != "ERROR" || obj["code"] != float64(410) || obj["reason"] != "Expired" ||
		!strings.Contains(obj["message"].(string), "too old resource version: "+old) {
		t.Fatalf("got %s %v", typ, obj)
	}
	if typ, _ := next(); typ != "" {
		t.Errorf("stream went on after the ERROR: %s", typ)
	}
	// Within the ring, the watch works.
	next = ts.watchStream(configmaps + "?watch=true&resourceVersion=" + rvs[6])
	for _, want := range []string{"c7", "c8", "c9"} {
		if typ, obj := next(); typ != "ADDED" || nameOf(obj) != want {
			t.Fatalf("got %s %s, want ADDED %s", typ, nameOf(obj), want)
		}
	}
}

// TestWatchSelectorTransitions: an object entering the selection is ADDED, one
// leaving it DELETED with its last matching state at the new resourceVersion.
func TestWatchSelectorTransitions(t *testing.T) {
	ts := newTestServer(t)
	merge := "Content-Type: application/merge-patch+json"
	labeled := func(name, app string) map[string]any {
		cm := configMap(name, nil)
		cm["metadata"].(map[string]any)["labels"] = map[string]any{"app": app}
		return cm
	}
	next := ts.watchStream(configmaps + "?watch=true&labelSelector=app%3Dweb")
	ts.must(http.StatusCreated, "POST", configmaps, labeled("x", "db"))
	enter := ts.must(http.StatusOK, "PATCH", configmaps+"/x", `{"metadata":{"labels":{"app":"web"}}}`, merge).str("metadata", "resourceVersion")
	change := ts.must(http.StatusOK, "PATCH", configmaps+"/x", `{"data":{"k":"v"}}`, merge).str("metadata", "resourceVersion")
	leave := ts.must(http.StatusOK, "PATCH", configmaps+"/x", `{"metadata":{"labels":{"app":"db"}}}`, merge).str("metadata", "resourceVersion")
	ts.must(http.StatusOK, "DELETE", configmaps+"/x", nil) // not selected: unseen
	ts.must(http.StatusCreated, "POST", configmaps, labeled("y", "web"))
	gone := ts.must(http.StatusOK, "DELETE", configmaps+"/y", nil).str("metadata", "resourceVersion")

	want := []struct{ typ, name, rv, app string }{
		{"ADDED", "x", enter, "web"},
		{"MODIFIED", "x", change, "web"},
		{"DELETED", "x", leave, "web"},
		{"ADDED", "y", "", "web"},
		{"DELETED", "y", gone, "web"},
	}
	for i, w := range want {
		typ, obj := next()
		app, _ := metaOf(obj)["labels"].(map[string]any)["app"].(string)
		if typ != w.typ || nameOf(obj) != w.name || app != w.app || (w.rv != "" && rvOf(obj) != w.rv) {
			t.Fatalf("event %d: %s %s rv=%s app=%s; want %+v", i, typ, nameOf(obj), rvOf(obj), app, w)
		}
	}
	// A one-object watch by field selector.
	next = ts.watchStream(configmaps + "?watch=true&resourceVersion=0&fieldSelector=metadata.name%3Dz")
	ts.must(http.StatusCreated, "POST", configmaps, configMap("other", nil))
	ts.must(http.StatusCreated, "POST", configmaps, configMap("z", nil))
	if typ, obj := next(); typ != "ADDED" || nameOf(obj) != "z" {
		t.Fatalf("field-selected watch got %s %s", typ, nameOf(obj))
	}
}

// TestWatchBookmarksWhileIdle: bookmarks carry the current resourceVersion even
// when the watched resource is idle and others move the revision on.
func TestWatchBookmarksWhileIdle(t *testing.T) {
	ts := newTestServerWith(t, server.Config{WatchCache: watchcache.Config{BookmarkInterval: 200 * time.Millisecond}})
	next := ts.watchStream(configmaps + "?watch=true&allowWatchBookmarks=true")
	var target int64
	for i := range 5 { // writes to another resource move the global revision
		target = mustInt(t, ts.must(http.StatusCreated, "POST", "/api/v1/namespaces/default/secrets",
			map[string]any{"kind": "Secret", "apiVersion": "v1", "metadata": map[string]any{"name": fmt.Sprintf("s%d", i)}}).str("metadata", "resourceVersion"))
	}
	for {
		typ, obj := next()
		if typ != "BOOKMARK" {
			t.Fatalf("idle watch got %s %v", typ, obj)
		}
		if obj["kind"] != "ConfigMap" || obj["apiVersion"] != "v1" || len(metaOf(obj)) != 1 {
			t.Fatalf("bookmark object %v", obj)
		}
		if mustInt(t, rvOf(obj)) >= target {
			break // progressed past the other resource's writes
		}
	}
}

// TestWatchInitialEvents: sendInitialEvents streams the state, then a bookmark
// marking its end, then live events; misuse is 422.
func TestWatchInitialEvents(t *testing.T) {
	ts := newTestServer(t)
	ts.must(http.StatusCreated, "POST", configmaps, configMap("a", nil))
	ts.must(http.StatusCreated, "POST", configmaps, configMap("b", nil))
	next := ts.watchStream(configmaps + "?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true")
	for _, want := range []string{"a", "b"} {
		if typ, obj := next(); typ != "ADDED" || nameOf(obj) != want {
			t.Fatalf("got %s %s, want ADDED %s", typ, nameOf(obj), want)
		}
	}
	typ, obj := next()
	ann, _ := metaOf(obj)["annotations"].(map[string]any)
	if typ != "BOOKMARK" || ann["k8s.io/initial-events-end"] != "true" {
		t.Fatalf("got %s %v, want the initial-events-end bookmark", typ, obj)
	}
	ts.must(http.StatusCreated, "POST", configmaps, configMap("c", nil))
	if typ, obj := next(); typ != "ADDED" || nameOf(obj) != "c" {
		t.Fatalf("live event %s %s", typ, nameOf(obj))
	}
	for _, q := range []string{
		"watch=1&sendInitialEvents=true&allowWatchBookmarks=true",
		"watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan",
		"watch=1&resourceVersionMatch=NotOlderThan&resourceVersion=1",
	} {
		if r := ts.do("GET", configmaps+"?"+q, nil); r.code != 422 || r.str("reason") != "Invalid" {
			t.Errorf("%s: %d %s", q, r.code, r.raw)
		}
	}
}

func TestWatchTable(t *testing.T) {
	ts := newTestServer(t)
	ts.must(http.StatusCreated, "POST", pods, pod("a", nil))
	req, _ := http.NewRequestWithContext(t.Context(), "GET", ts.url+pods+"?watch=true&resourceVersion=0", nil)
	req.Header.Set("Accept", strings.TrimPrefix(tableAccept, "Accept: "))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	ts.must(http.StatusCreated, "POST", pods, pod("b", nil))
	dec := json.NewDecoder(resp.Body)
	for i, want := range []string{"a", "b"} {
		var e struct {
			Type   string `json:"type"`
			Object struct {
				Kind    string `json:"kind"`
				Columns []any  `json:"columnDefinitions"`
				Rows    []struct {
					Cells []any `json:"cells"`
				} `json:"rows"`
			} `json:"object"`
		}
		if err := dec.Decode(&e); err != nil {
			t.Fatal(err)
		}
		if e.Object.Kind != "Table" || len(e.Object.Rows) != 1 || e.Object.Rows[0].Cells[0] != want {
			t.Fatalf("event %d: %+v", i, e)
		}
		if (i == 0) != (len(e.Object.Columns) > 0) {
			t.Errorf("event %d: %d column definitions", i, len(e.Object.Columns))
		}
	}
}

func TestWatchEnds(t *testing.T) {
	t.Run("timeoutSeconds", func(t *testing.T) {
		ts := newTestServer(t)
		next := ts.watchStream(configmaps + "?watch=true&timeoutSeconds=1")
		if typ, obj := next(); typ != "" {
			t.Fatalf("got %s %v, want the stream to end", typ, obj)
		}
	})
	t.Run("shutdown", func(t *testing.T) {
		ts := newTestServer(t)
		next := ts.watchStream(configmaps + "?watch=true")
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		if err := ts.srv.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
		if typ, obj := next(); typ != "" {
			t.Fatalf("got %s %v, want the stream to end", typ, obj)
		}
	})
}

func TestWatchWebsocket(t *testing.T) {
	ts := newTestServer(t)
	ts.must(http.StatusCreated, "POST", configmaps, configMap("a", nil))
	u := "ws" + strings.TrimPrefix(ts.url, "http") + configmaps + "?watch=true&resourceVersion=0"
	conn, _, err := websocket.DefaultDialer.DialContext(t.Context(), u, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ts.must(http.StatusCreated, "POST", configmaps, configMap("b", nil))
	for _, want := range []string{"a", "b"} {
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, msg, err := conn.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			Type   string         `json:"type"`
			Object map[string]any `json:"object"`
		}
		if err := json.Unmarshal(msg, &e); err != nil {
			t.Fatalf("message %q: %v", msg, err)
		}
		if e.Type != "ADDED" || nameOf(e.Object) != want {
			t.Fatalf("got %s %s, want ADDED %s", e.Type, nameOf(e.Object), want)
		}
	}
}

// TestWatchConvergence: concurrent writers make random changes while watchers
// stream; each watcher's replayed state equals the final list, and its live
// events strictly increase in resourceVersion.
func TestWatchConvergence(t *testing.T) {
	ts := newTestServer(t)
	const writers, opsPerWriter, names, watchers = 4, 150, 25, 6
	const sentinel = "zz-end" // written after the final list: the watchers stop at it
	merge := "Content-Type: application/merge-patch+json"
	type replay struct {
		state map[string]string // name -> resourceVersion
		err   error
	}
	results := make([]replay, watchers)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	startWatcher := func(i int) {
		req, _ := http.NewRequestWithContext(ctx, "GET", ts.url+configmaps+"?watch=true&resourceVersion=0", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer resp.Body.Close()
			r := &results[i]
			r.state = map[string]string{}
			dec := json.NewDecoder(resp.Body)
			var last int64
			for {
				var e struct {
					Type   string         `json:"type"`
					Object map[string]any `json:"object"`
				}
				if err := dec.Decode(&e); err != nil {
					r.err = fmt.Errorf("decode after %d: %w", last, err)
					return
				}
				if nameOf(e.Object) == sentinel {
					return
				}
				rv, err := strconv.ParseInt(rvOf(e.Object), 10, 64)
				if err != nil {
					r.err = err
					return
				}
				// Synthetic ADDED events of the current state carry their objects'
				// own versions; live events must strictly increase.
				if rv <= last && e.Type != "ADDED" {
					r.err = fmt.Errorf("%s at %d after %d", e.Type, rv, last)
					return
				}
				last = max(last, rv)
				switch e.Type {
				case "ADDED", "MODIFIED":
					r.state[nameOf(e.Object)] = rvOf(e.Object)
				case "DELETED":
					delete(r.state, nameOf(e.Object))
				default:
					r.err = fmt.Errorf("unexpected %s", e.Type)
					return
				}
			}
		}()
	}
	for i := range watchers / 2 {
		startWatcher(i)
	}
	var writersWG sync.WaitGroup
	for w := range writers {
		writersWG.Add(1)
		go func() {
			defer writersWG.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for range opsPerWriter {
				name := fmt.Sprintf("cm-%d", rng.IntN(names))
				switch rng.IntN(3) {
				case 0:
					ts.do("POST", configmaps, configMap(name, map[string]string{"w": strconv.Itoa(w)}))
				case 1:
					ts.do("PATCH", configmaps+"/"+name, fmt.Sprintf(`{"data":{"n":"%d"}}`, rng.IntN(1000)), merge)
				default:
					ts.do("DELETE", configmaps+"/"+name, nil)
				}
			}
		}()
		if w == writers/2 {
			for i := watchers / 2; i < watchers; i++ { // these join mid-way
				startWatcher(i)
			}
		}
	}
	writersWG.Wait()
	final := ts.must(http.StatusOK, "GET", configmaps, nil)
	if m := string(ts.must(http.StatusOK, "GET", "/metrics", nil).raw); !strings.Contains(m, fmt.Sprintf(`kctl_watch_cache_watchers{resource="configmaps"} %d`, watchers)) {
		t.Errorf("the cache does not count %d watchers:\n%s", watchers, m)
	}
	ts.must(http.StatusCreated, "POST", configmaps, configMap(sentinel, nil))
	wg.Wait()
	want := map[string]string{}
	for _, it := range final.items() {
		want[nameOf(it)] = rvOf(it)
	}
	for i, r := range results {
		if r.err != nil {
			t.Errorf("watcher %d: %v", i, r.err)
			continue
		}
		if fmt.Sprint(r.state) != fmt.Sprint(want) {
			t.Errorf("watcher %d replayed %v\nfinal list  %v", i, r.state, want)
		}
	}
}

// TestSlowWatcher: a watcher that never reads is closed; writes and other
// watchers go on unaffected.
func TestSlowWatcher(t *testing.T) {
	ts := newTestServerWith(t, server.Config{WatchCache: watchcache.Config{Capacity: 50, WatcherBuffer: 8, DispatchBudget: 20 * time.Millisecond}})
	ts.must(http.StatusCreated, "POST", configmaps, configMap("big", nil))
	u, _ := url.Parse(ts.url)
	// The slow watcher: a raw connection that sends its request and does not
	// read until the writes are done; the events overflow the socket buffers.
	raw, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	fmt.Fprintf(raw, "GET %s?watch=true HTTP/1.1\r\nHost: %s\r\n\r\n", configmaps, u.Host)
	next := ts.watchStream(configmaps + "?watch=true")

	const writes = 120
	payload := strings.Repeat("x", 128<<10)
	got := make(chan int, 1)
	go func() {
		n := 0
		for n < writes {
			typ, obj := next()
			if typ != "MODIFIED" || nameOf(obj) != "big" {
				break
			}
			n++
		}
		got <- n
	}()
	for i := range writes {
		ts.must(http.StatusOK, "PATCH", configmaps+"/big", fmt.Sprintf(`{"data":{"i":"%d","p":"%s"}}`, i, payload), "Content-Type: application/merge-patch+json")
	}
	if n := <-got; n != writes {
		t.Fatalf("the reading watcher got %d of %d events", n, writes)
	}
	metrics := ts.must(http.StatusOK, "GET", "/metrics", nil)
	if !strings.Contains(string(metrics.raw), `kctl_watch_cache_slow_watchers_closed_total{resource="configmaps"} 1`) {
		t.Errorf("the slow watcher was not closed:\n%s", metrics.raw)
	}
	// Its stream ends: after the buffered data, the chunked body terminates.
	_ = raw.SetReadDeadline(time.Now().Add(30 * time.Second))
	br := bufio.NewReader(raw)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(resp.Body)
	for n := 0; ; n++ {
		var e map[string]any
		if err := dec.Decode(&e); err != nil {
			if !strings.Contains(err.Error(), "EOF") {
				t.Errorf("slow stream ended after %d events with %v, want a clean end", n, err)
			}
			break
		}
	}
}

// TestWatchTimeoutEndsCleanly: timeoutSeconds ends the chunked stream with its
// terminating chunk, so clients see a clean end of body, not an error.
func TestWatchTimeoutEndsCleanly(t *testing.T) {
	ts := newTestServer(t)
	resp, err := http.Get(ts.url + configmaps + "?watch=true&timeoutSeconds=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Errorf("the stream ended with %v, want a clean end", err)
	}
}
