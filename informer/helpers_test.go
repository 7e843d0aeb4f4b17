package informer

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/cache"
	"kctl.dev/kctl/client"
	"kctl.dev/kctl/server"
	"kctl.dev/kctl/server/fake"
	"kctl.dev/kctl/server/storage/memory"
	"kctl.dev/kctl/server/watchcache"
)

type configMap = *corev1.ConfigMap

var configMapsGVR = client.GVR{Version: "v1", Resource: "configmaps"}

// env is a real server over HTTP and a client of its config maps.
type env struct {
	t   *testing.T
	c   *client.Client
	cms *client.Resource[configMap]
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvAt(t, fake.Start(t).URL)
}

// newSmallCacheEnv runs a server whose watch cache keeps only 5 events, so a
// watch from an older resourceVersion gets 410.
func newSmallCacheEnv(t *testing.T) *env {
	t.Helper()
	e, _ := newServerEnv(t, server.Config{WatchCache: watchcache.Config{Capacity: 5}})
	return e
}

// newServerEnv runs server.New(cfg) on memory storage behind httptest (cfg's
// Storage is set here; compaction is off) and returns the env and the server.
func newServerEnv(t *testing.T, cfg server.Config) (*env, *server.Server) {
	t.Helper()
	kv := memory.New()
	cfg.Storage, cfg.CompactionInterval = kv, -1
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
	return newEnvAt(t, hs.URL), srv
}

func newEnvAt(t *testing.T, url string) *env {
	c, err := client.New(&client.Config{Servers: []string{url}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return &env{t: t, c: c, cms: client.NewResource[configMap](c, configMapsGVR, true).Namespace("default")}
}

func (e *env) create(name string, data string) configMap {
	e.t.Helper()
	cm := &corev1.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: name}, Data: map[string]string{"v": data}}
	out, err := e.cms.Create(context.Background(), cm, client.WriteOptions{})
	if err != nil {
		e.t.Fatalf("create %s: %v", name, err)
	}
	return out
}

func (e *env) update(name, data string) configMap {
	e.t.Helper()
	cm, err := e.cms.Get(context.Background(), name)
	if err != nil {
		e.t.Fatal(err)
	}
	cm.Data = map[string]string{"v": data}
	out, err := e.cms.Update(context.Background(), cm, client.WriteOptions{})
	if err != nil {
		e.t.Fatalf("update %s: %v", name, err)
	}
	return out
}

func (e *env) delete(name string) {
	e.t.Helper()
	if err := e.cms.Delete(context.Background(), name, meta.DeleteOptions{}); err != nil {
		e.t.Fatalf("delete %s: %v", name, err)
	}
}

// settle waits until a list at resourceVersion "0" (served by the watch
// cache, which may lag) shows every write made so far.
func (e *env) settle() {
	e.t.Helper()
	want, err := e.cms.List(context.Background(), client.ListOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		got, err := e.cms.List(context.Background(), client.ListOptions{ResourceVersion: "0"})
		if err != nil {
			e.t.Fatal(err)
		}
		if rvAtLeast(got.ResourceVersion, want.ResourceVersion) {
			return
		}
	}
	e.t.Fatal("watch cache did not catch up")
}

func rvAtLeast(a, b string) bool {
	x, _ := strconv.ParseInt(a, 10, 64)
	y, _ := strconv.ParseInt(b, 10, 64)
	return x >= y
}

// testLW wraps a ListerWatcher: it records requests, can hold new watches,
// cut the open one as a broken connection would, and refuse requests.
type testLW struct {
	inner ListerWatcher[configMap]

	mu        sync.Mutex
	lists     []client.ListOptions
	watches   []client.ListOptions
	gate      chan struct{} // when set, Watch waits until it is closed
	open      *cuttableWatch
	watchFail func(client.ListOptions) error
}

func (l *testLW) List(ctx context.Context, opts client.ListOptions) (*client.List[configMap], error) {
	l.mu.Lock()
	l.lists = append(l.lists, opts)
	inner := l.inner
	l.mu.Unlock()
	return inner.List(ctx, opts)
}

func (l *testLW) Watch(ctx context.Context, opts client.ListOptions) (client.Watch[configMap], error) {
	l.mu.Lock()
	l.watches = append(l.watches, opts)
	gate, fail, inner := l.gate, l.watchFail, l.inner
	l.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if fail != nil {
		if err := fail(opts); err != nil {
			return nil, err
		}
	}
	w, err := inner.Watch(ctx, opts)
	if err != nil {
		return nil, err
	}
	cw := &cuttableWatch{Watch: w}
	l.mu.Lock()
	l.open = cw
	l.mu.Unlock()
	return cw, nil
}

// switchTo sends the next requests to inner: another server.
func (l *testLW) switchTo(inner ListerWatcher[configMap]) {
	l.mu.Lock()
	l.inner = inner
	l.mu.Unlock()
}

// hold makes new watches wait until release.
func (l *testLW) hold() {
	l.mu.Lock()
	l.gate = make(chan struct{})
	l.mu.Unlock()
}

func (l *testLW) release() {
	l.mu.Lock()
	close(l.gate)
	l.gate = nil
	l.mu.Unlock()
}

// cut breaks the open watch: its Next fails as on a reset connection.
func (l *testLW) cut() {
	l.mu.Lock()
	w := l.open
	l.mu.Unlock()
	w.cut.Store(true)
	w.Watch.Stop()
}

func (l *testLW) requests() (lists, watches []client.ListOptions) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.lists), slices.Clone(l.watches)
}

type cuttableWatch struct {
	client.Watch[configMap]
	cut atomic.Bool
}

func (w *cuttableWatch) Next() (client.Event[configMap], error) {
	ev, err := w.Watch.Next()
	if w.cut.Load() {
		return client.Event[configMap]{}, io.ErrUnexpectedEOF
	}
	return ev, err
}

// recorder is a Handler writing what it sees as lines.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) record(format string, args ...any) {
	r.mu.Lock()
	r.events = append(r.events, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

func (r *recorder) OnAdd(obj configMap, initial bool) {
	if initial {
		r.record("add %s initial", obj.Name)
		return
	}
	r.record("add %s", obj.Name)
}

func (r *recorder) OnUpdate(old, new configMap) {
	if old == new {
		r.record("resync %s", new.Name)
		return
	}
	r.record("update %s %s->%s", new.Name, old.Data["v"], new.Data["v"])
}

func (r *recorder) OnDelete(obj configMap, tomb *cache.Tombstone[configMap]) {
	if tomb != nil {
		r.record("delete %s tombstone(%s)", obj.Name, tomb.Key)
		return
	}
	r.record("delete %s", obj.Name)
}

func (r *recorder) snapshot() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// waitFor waits until the recorder holds n events and returns them.
func (r *recorder) waitFor(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := r.snapshot()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %d events, have:\n%s", n, strings.Join(got, "\n"))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// fastBackoff keeps retries quick in tests.
var fastBackoff = Backoff{Initial: 5 * time.Millisecond, Max: 20 * time.Millisecond}

// start runs inf until the test ends, and waits for sync.
func start[T meta.Object](t *testing.T, inf *Informer[T], regs ...Registration) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { inf.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	syncs := []func() bool{inf.HasSynced}
	for _, r := range regs {
		syncs = append(syncs, r.HasSynced)
	}
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if !WaitForCacheSync(wctx, syncs...) {
		t.Fatal("informer did not sync")
	}
}

func equalLines(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("events:\n got: %q\nwant: %q", got, want)
	}
}

func contextWithCancel(t *testing.T) (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}
