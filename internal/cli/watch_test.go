package cli_test

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/client"
	"kctl.dev/kctl/server"
	"kctl.dev/kctl/server/storage/bolt"
)

// watchBackend is a kctl server on a bolt file that can be stopped and
// started again on the same file and the same address, the way an operator
// restarts `kctl server`. While restarting it can serve the test alone (on a
// private address) so that the test changes things the watch has not seen.
type watchBackend struct {
	t    *testing.T
	path string
	addr string // the public address, stable across restarts

	mu      sync.Mutex
	kv      *bolt.Store
	srv     *server.Server
	served  chan error
	private *httptest.Server
}

func startWatchBackend(t *testing.T) *watchBackend {
	t.Helper()
	b := &watchBackend{t: t, path: filepath.Join(t.TempDir(), "kctl.db")}
	b.open()
	b.publish()
	t.Cleanup(b.stop)
	return b
}

// open opens the file and builds a server on it, not serving yet.
func (b *watchBackend) open() {
	b.t.Helper()
	kv, err := bolt.Open(b.path, bolt.Options{})
	if err != nil {
		b.t.Fatal(err)
	}
	srv, err := server.New(server.Config{Storage: kv, Logger: slog.New(slog.DiscardHandler), CompactionInterval: -1})
	if err != nil {
		b.t.Fatal(err)
	}
	b.mu.Lock()
	b.kv, b.srv = kv, srv
	b.mu.Unlock()
}

// publish serves the server on the public address (a free port the first time).
func (b *watchBackend) publish() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.private != nil {
		b.private.Close()
		b.private = nil
	}
	addr := b.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		b.t.Fatal(err)
	}
	b.addr = ln.Addr().String()
	b.served = make(chan error, 1)
	srv, served := b.srv, b.served
	go func() { served <- srv.Serve(ln) }()
}

// client returns a client of the server: on its private address while
// restarting, else on the public one.
func (b *watchBackend) client() *client.Client {
	b.t.Helper()
	b.mu.Lock()
	url := "http://" + b.addr
	if b.private != nil {
		url = b.private.URL
	}
	b.mu.Unlock()
	c, err := client.New(&client.Config{Servers: []string{url}})
	if err != nil {
		b.t.Fatal(err)
	}
	b.t.Cleanup(c.Close)
	return c
}

// stop shuts the server down (ending its watches) and closes the file.
func (b *watchBackend) stop() {
	b.mu.Lock()
	srv, kv, served, private := b.srv, b.kv, b.served, b.private
	b.srv, b.kv, b.served, b.private = nil, nil, nil, nil
	b.mu.Unlock()
	if srv == nil {
		return
	}
	if private != nil {
		private.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		b.t.Errorf("shutdown: %v", err)
	}
	if served != nil {
		if err := <-served; err != nil {
			b.t.Errorf("serve: %v", err)
		}
	}
	if err := kv.Close(); err != nil {
		b.t.Errorf("close bolt: %v", err)
	}
}

// restartPrivately stops the server and starts it again on the same file,
// reachable by the test only until publish.
func (b *watchBackend) restartPrivately() {
	b.t.Helper()
	b.stop()
	b.open()
	b.mu.Lock()
	b.private = httptest.NewServer(b.srv.Handler())
	b.mu.Unlock()
}

func (b *watchBackend) compact(ctx context.Context) {
	b.t.Helper()
	b.mu.Lock()
	srv := b.srv
	b.mu.Unlock()
	if _, err := srv.Compact(ctx); err != nil {
		b.t.Fatal(err)
	}
}

// watchEvent is one line of `kctl watch configmaps`: the change, the name,
// the DATA column.
type watchEvent struct{ typ, name, data string }

func (e watchEvent) String() string { return e.typ + " " + e.name + " " + e.data }

// watchEvents parses the lines printed after the header: EVENT NAME DATA AGE TIME.
func watchEvents(t *testing.T, out string) []watchEvent {
	t.Helper()
	lines := getLines(out)
	if len(lines) == 0 || lines[0] == "" {
		return nil
	}
	if f := strings.Fields(lines[0]); !slices.Equal(f, []string{"EVENT", "NAME", "DATA", "AGE", "TIME"}) {
		t.Fatalf("header %q, want EVENT NAME DATA AGE TIME", lines[0])
	}
	var evs []watchEvent
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) != 5 {
			t.Fatalf("line %q: want 5 columns", l)
		}
		if _, err := time.Parse(time.TimeOnly, f[4]); err != nil {
			t.Errorf("line %q: TIME: %v", l, err)
		}
		evs = append(evs, watchEvent{f[0], f[1], f[2]})
	}
	return evs
}

// TestWatchSurvivesRestarts follows configmaps with `kctl watch` while the
// server is restarted, with changes made while the watch is cut off: the
// first time the watch resumes from its resourceVersion, the second time the
// history is compacted away (410) and the informer lists again. Every
// change must be printed exactly once, with the right content, and stderr
// must say when the watch was lost and when it came back.
func TestWatchSurvivesRestarts(t *testing.T) {
	b := startWatchBackend(t)
	dir := t.TempDir()
	e := &getEnv{&cmdEnv{kubeconfig: filepath.Join(dir, "kubeconfig"), cacheDir: filepath.Join(dir, "cache")}}
	if err := os.WriteFile(e.kubeconfig, server.KubeconfigFor("http://"+b.addr), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	cms := func() *client.Resource[*unstructured.Unstructured] {
		return client.Dynamic(b.client(), client.GVR{Version: "v1", Resource: "configmaps"}, true).Namespace("default")
	}
	r := cms()
	put := func(r *client.Resource[*unstructured.Unstructured], name string, keys int) {
		t.Helper()
		data := map[string]any{}
		for i := range keys {
			data[fmt.Sprintf("k%d", i)] = "v"
		}
		obj, err := r.Get(ctx, name)
		if err != nil {
			obj = &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": name}}}
			obj.Object["data"] = data
			if _, err := r.Create(ctx, obj, client.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			return
		}
		obj.Object["data"] = data
		if _, err := r.Update(ctx, obj, client.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	del := func(r *client.Resource[*unstructured.Unstructured], name string) {
		t.Helper()
		if err := r.Delete(ctx, name, meta.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		put(r, fmt.Sprintf("cm-%d", i), i)
	}

	run := e.start(t, "watch", "configmaps")
	var want []watchEvent
	// expect waits until the watch printed the events of a step, in any
	// order within the step (a relist tells deletes, adds, then updates),
	// then checks everything printed so far, in order across steps.
	var steps [][]watchEvent
	expect := func(what string, evs ...watchEvent) {
		t.Helper()
		steps = append(steps, evs)
		want = append(want, evs...)
		n := len(want)
		getWaitFor(t, what, run.out, func(s string) bool { return strings.Count(s, "\n") >= n+1 })
		got := watchEvents(t, run.out.String())
		i := 0
		for _, step := range steps {
			if i+len(step) > len(got) {
				t.Fatalf("after %s: printed %v, want the steps %v", what, got, steps)
			}
			if !sameEvents(got[i:i+len(step)], step) {
				t.Fatalf("after %s: printed %v, want %v at %d (every step: %v)", what, got, step, i, steps)
			}
			i += len(step)
		}
		if len(got) != i {
			t.Fatalf("after %s: printed %v, more than the steps %v", what, got, steps)
		}
	}
	expect("the first list",
		watchEvent{"ADDED", "cm-0", "0"}, watchEvent{"ADDED", "cm-1", "1"}, watchEvent{"ADDED", "cm-2", "2"},
		watchEvent{"ADDED", "cm-3", "3"}, watchEvent{"ADDED", "cm-4", "4"})
	put(r, "cm-1", 5)
	expect("a live change", watchEvent{"MODIFIED", "cm-1", "5"})

	// Restart: changes made while the watch is cut off come when it resumes.
	b.restartPrivately()
	getWaitFor(t, "the lost watch on stderr", run.errOut, func(s string) bool { return strings.Contains(s, "reconnecting") })
	r = cms()
	put(r, "cm-2", 6)
	del(r, "cm-3")
	put(r, "cm-5", 1)
	put(r, "cm-2", 7)
	b.publish()
	getWaitFor(t, "the reconnection on stderr", run.errOut, func(s string) bool { return strings.Contains(s, "reconnected; resuming") })
	expect("the changes made during the first restart",
		watchEvent{"MODIFIED", "cm-2", "6"}, watchEvent{"DELETED", "cm-3", "3"},
		watchEvent{"ADDED", "cm-5", "1"}, watchEvent{"MODIFIED", "cm-2", "7"})

	// Restart and compact: the watch's resourceVersion is gone, the informer
	// lists again and prints only the difference, each object once.
	r = cms()
	put(r, "cm-4", 8)
	expect("a live change before the second restart", watchEvent{"MODIFIED", "cm-4", "8"})
	lost := strings.Count(run.errOut.String(), "reconnecting")
	b.restartPrivately()
	getWaitFor(t, "the second lost watch on stderr", run.errOut, func(s string) bool { return strings.Count(s, "reconnecting") > lost })
	r = cms()
	put(r, "cm-4", 9)
	put(r, "cm-4", 2)
	del(r, "cm-0")
	put(r, "cm-6", 3)
	put(r, "cm-6", 4)
	del(r, "cm-5")
	put(r, "cm-5", 5) // deleted and made again: a new object
	// Compact the history, and restart once more so that the server's watch
	// cache starts after those changes too: a watch from the last
	// resourceVersion the informer saw is then refused with 410.
	b.compact(ctx)
	b.restartPrivately()
	b.publish()
	expect("the difference after the compaction",
		watchEvent{"DELETED", "cm-0", "0"},
		watchEvent{"DELETED", "cm-5", "1"}, watchEvent{"ADDED", "cm-5", "5"},
		watchEvent{"ADDED", "cm-6", "4"},
		watchEvent{"MODIFIED", "cm-4", "2"})
	r = cms()
	put(r, "cm-1", 1)
	expect("a live change after the restarts", watchEvent{"MODIFIED", "cm-1", "1"})

	if code := run.stop(t); code != 0 {
		t.Errorf("exit code %d; stderr:\n%s", code, run.errOut)
	}
	stderr := run.errOut.String()
	for _, l := range getLines(stderr) {
		if !strings.HasPrefix(l, "kctl watch: ") {
			t.Errorf("stderr line %q: want kctl watch: ...", l)
		}
	}
	if !strings.Contains(stderr, "listed again; printing what changed meanwhile") {
		t.Errorf("stderr does not say the watch listed again after the compaction:\n%s", stderr)
	}
	t.Logf("stderr:\n%s", stderr)
}

// sameEvents reports whether a and b hold the same events, in any order.
func sameEvents(a, b []watchEvent) bool {
	count := func(evs []watchEvent) map[watchEvent]int {
		m := map[watchEvent]int{}
		for _, e := range evs {
			m[e]++
		}
		return m
	}
	return maps.Equal(count(a), count(b))
}

func TestWatchPrintsChanges(t *testing.T) {
	e := newGetEnv(t, true)
	run := e.start(t, "watch", "pods", "-A", "-l", "app in (web, api)")
	getWaitFor(t, "the first list", run.out, func(s string) bool { return strings.Count(s, "\n") == 4 })
	pods := client.Dynamic(e.c, client.GVR{Version: "v1", Resource: "pods"}, true).Namespace("demo")
	pod := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": "api-1", "labels": map[string]any{"app": "api"}},
		"spec":     map[string]any{"containers": []any{map[string]any{"name": "api", "image": "api:1"}}},
	}}
	if _, err := pods.Create(t.Context(), pod, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := pods.Delete(t.Context(), "api-1", meta.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	// A pod outside the selector is not seen.
	other := pod.DeepCopy()
	other.Object["metadata"] = map[string]any{"name": "other", "labels": map[string]any{"app": "other"}}
	if _, err := pods.Create(t.Context(), other, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	getWaitFor(t, "the deletion", run.out, func(s string) bool { return strings.Contains(s, "DELETED") })
	if code := run.stop(t); code != 0 {
		t.Errorf("exit code %d; stderr:\n%s", code, run.errOut)
	}
	lines := getLines(run.out.String())
	if f := strings.Fields(lines[0]); !slices.Equal(f, []string{"EVENT", "NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "TIME"}) {
		t.Errorf("header %q", lines[0])
	}
	var got []string
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		got = append(got, strings.Join(f[:5], " "))
	}
	want := []string{
		"ADDED default web-7d4b9c8f5-abcde 1/1 Running",
		"ADDED default web-7d4b9c8f5-fghij 1/2 ContainerCreating",
		"ADDED demo api-0 1/1 Running",
		"ADDED demo api-1 0/1 Pending",
	}
	// The deletion may be told in one event or two (deletionTimestamp first).
	for _, g := range got[len(want):] {
		if !strings.HasPrefix(g, "MODIFIED demo api-1 ") && !strings.HasPrefix(g, "DELETED demo api-1 ") {
			t.Errorf("unexpected event %q", g)
		}
	}
	if !slices.Equal(got[:len(want)], want) || !strings.HasPrefix(got[len(got)-1], "DELETED demo api-1") {
		t.Errorf("events:\n%s\nwant first:\n%s\nthen the deletion of api-1", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Every line is aligned under the header, widened at most once per column.
	if !strings.HasPrefix(lines[1], "ADDED      default") {
		t.Errorf("line %q: want the EVENT column as wide as MODIFIED from the start", lines[1])
	}
	if run.errOut.String() != "" {
		t.Errorf("stderr: %s", run.errOut)
	}
}

func TestWatchErrors(t *testing.T) {
	e := newGetEnv(t, false)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"watch"}, "error: exactly one resource type is required, got 0 arguments\nSee 'kctl watch -h' for help and examples\n"},
		{[]string{"watch", "widgets"}, "error: the server doesn't have a resource type \"widgets\"\n"},
		{[]string{"watch", "pods", "--field-selector", "spec.nope=1"}, "Error from server (BadRequest): field label not supported: spec.nope\n"},
		{[]string{"watch", "pods", "-o", "json"}, "error: --output must be wide, got \"json\"\nSee 'kctl watch -h' for help and examples\n"},
	} {
		r := e.kctl(t, tc.args...)
		if r.code != 1 || r.stderr != tc.want || r.stdout != "" {
			t.Errorf("%q: %v\nwant exit 1 and stderr %q", tc.args, r, tc.want)
		}
	}
}
