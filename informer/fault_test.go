package informer_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kctl.dev/kctl/api/corev1"
	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/cache"
	"kctl.dev/kctl/client"
	"kctl.dev/kctl/informer"
	"kctl.dev/kctl/server"
	"kctl.dev/kctl/server/storage/bolt"
	"kctl.dev/kctl/server/watchcache"
)

// The fault test's shape. Faults come every faultEvery applied writes
// (counted, not timed), in cycles holding each kind of fault, shuffled.
const (
	faultWriters   = 4
	faultWrites    = 2000 // applied writes (creates, updates, deletes that took effect)
	faultNames     = 40
	faultEvery     = 50
	faultNamespace = "default"
	// faultRing is the watch cache's ring: a watch resuming from further back
	// than that many events gets 410 Expired and the informer relists.
	faultRing = 50
	// faultPartitionTicks is how many fault ticks (of faultEvery applied
	// writes) a partition lasts: 2*50 > faultRing events, so the resume
	// after it is always too old.
	faultPartitionTicks = 2
)

type faultKind int

const (
	faultCutSome   faultKind = iota // close a random subset of the informer's connections
	faultCutAll                     // close all of them
	faultCompact                    // compact storage history to the current revision
	faultPartition                  // close all and refuse new ones for faultPartitionTicks ticks
	faultRestart                    // shut the server down, reopen the bolt file, serve again
)

var faultCycle = []faultKind{faultCutSome, faultCutAll, faultCompact, faultRestart,
	faultCutSome, faultPartition, faultCompact, faultRestart}

// TestFaultInformerSurvives: while writers make thousands of random changes, a
// proxy between the informer and the server cuts connections, the server's
// history is compacted, the informer is partitioned long enough to get 410s,
// and the server restarts on the same bolt file. At the end the informer's
// cache, and what its handler was told, equal a fresh list, and each object's
// handler history is well formed.
func TestFaultInformerSurvives(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test: skipped in -short mode")
	}
	start := time.Now()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()

	be := startFaultBackend(t, filepath.Join(t.TempDir(), "kctl.db"))
	px := startFaultProxy(t, be.address)

	// The informer, through the proxy.
	ic, err := client.New(&client.Config{Servers: []string{"http://" + px.addr()}, QPS: -1, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer ic.Close()
	hist := newFaultHistory()
	trace := &faultTrace{}
	be.trace = trace
	lw := &tracingLW{inner: client.NewResource[*corev1.ConfigMap](ic, client.GVR{Version: "v1", Resource: "configmaps"}, true).Namespace(faultNamespace), trace: trace}
	inf := informer.New[*corev1.ConfigMap](lw,
		informer.Options[*corev1.ConfigMap]{Backoff: informer.Backoff{Initial: 10 * time.Millisecond, Max: 100 * time.Millisecond}})
	reg, err := inf.AddEventHandler(hist.handler())
	if err != nil {
		t.Fatal(err)
	}
	infCtx, infCancel := context.WithCancel(ctx)
	infDone := make(chan struct{})
	go func() { defer close(infDone); inf.Run(infCtx) }()
	defer func() { infCancel(); <-infDone }()
	if !informer.WaitForCacheSync(ctx, inf.HasSynced, reg.HasSynced) {
		t.Fatal("informer did not sync")
	}

	var applied, attempted atomic.Int64

	// The fault driver: one fault per tick, in the order of the ticks.
	ticks := make(chan struct{}, faultWrites/faultEvery+faultWriters+1)
	var (
		counts   = map[faultKind]int{}
		severed  int
		faultErr error
	)
	driverDone := make(chan struct{})
	go func() {
		defer close(driverDone)
		var cycle []faultKind
		tick, healAt := 0, -1
		for range ticks {
			tick++
			if healAt >= 0 && tick >= healAt {
				px.setRefuse(false)
				healAt = -1
			}
			if len(cycle) == 0 {
				cycle = slices.Clone(faultCycle)
				rng.Shuffle(len(cycle), func(i, j int) { cycle[i], cycle[j] = cycle[j], cycle[i] })
			}
			kind := cycle[0]
			cycle = cycle[1:]
			if kind == faultPartition && healAt >= 0 {
				kind = faultCutAll // already partitioned
			}
			counts[kind]++
			trace.add("", "fault %d: %v (applied writes %d)", tick, kind, applied.Load())
			switch kind {
			case faultCutSome:
				severed += px.cut(func() bool { return rng.IntN(2) == 0 })
			case faultCutAll:
				severed += px.cut(func() bool { return true })
			case faultPartition:
				px.setRefuse(true)
				severed += px.cut(func() bool { return true })
				healAt = tick + faultPartitionTicks
			case faultCompact:
				if _, err := be.compact(ctx); err != nil {
					faultErr = fmt.Errorf("compact: %w", err)
					return
				}
			case faultRestart:
				if err := be.restart(); err != nil {
					faultErr = fmt.Errorf("restart: %w", err)
					return
				}
			}
		}
		px.setRefuse(false)
	}()

	// The writers: random creates, updates and deletes straight to the
	// server (not through the proxy), until faultWrites have taken effect.
	var wwg sync.WaitGroup
	writeErrs := make(chan error, faultWriters)
	for i := range faultWriters {
		wwg.Add(1)
		go func() {
			defer wwg.Done()
			wr := rand.New(rand.NewPCG(seed, uint64(i)+2))
			for applied.Load() < faultWrites {
				attempted.Add(1)
				ok, err := be.randomWrite(ctx, wr)
				if err != nil {
					writeErrs <- err
					return
				}
				if ok {
					if n := applied.Add(1); n%faultEvery == 0 {
						ticks <- struct{}{}
					}
				}
			}
		}()
	}
	wwg.Wait()
	close(ticks)
	<-driverDone
	close(writeErrs)
	for err := range writeErrs {
		t.Fatalf("writer: %v", err)
	}
	if faultErr != nil {
		t.Fatal(faultErr)
	}
	writesDone := time.Since(start)

	// Wait (bounded) until the cache, and what the handler was told, equal a
	// fresh list from the server.
	var want map[string]string
	deadline := time.Now().Add(30 * time.Second)
	for {
		want, err = be.freshList(ctx)
		if err != nil {
			t.Fatalf("fresh list: %v", err)
		}
		cached := map[string]string{}
		for _, cm := range inf.Lister().Namespace(faultNamespace).List(nil) {
			cached[cache.KeyOf(cm)] = cm.GetUID() + "@" + cm.GetResourceVersion()
		}
		told := hist.final()
		if maps.Equal(want, cached) && maps.Equal(want, told) && inf.Metrics().Pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("informer did not converge in 30s (last rv %s):\n%s\ncache vs list:\n%s\nhandler vs list:\n%s",
				inf.LastSyncResourceVersion(), hist.summary(), diffMaps(want, cached), diffMaps(want, told))
		}
		select {
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		case <-time.After(10 * time.Millisecond): // polling a condition, bounded above
		}
	}
	converged := time.Since(start)

	// Each object's history as the handler saw it.
	if problems, keys := hist.check(); len(problems) > 0 {
		t.Errorf("%d handler history problems:\n%s\nwhat the informer received (lists, watches, faults; events of %v):\n%s",
			len(problems), strings.Join(problems[:min(len(problems), 30)], "\n"), keys, trace.dump(keys))
	}

	m := inf.Metrics()
	t.Logf("survived: %d applied writes (%d attempted) by %d writers over %d names; %d objects at the end",
		applied.Load(), attempted.Load(), faultWriters, faultNames, len(want))
	t.Logf("survived: faults: %d connection cuts (%d random-subset, %d all; %d connections severed), %d partitions, %d compactions, %d server restarts",
		counts[faultCutSome]+counts[faultCutAll], counts[faultCutSome], counts[faultCutAll], severed,
		counts[faultPartition], counts[faultCompact], counts[faultRestart])
	t.Logf("survived: informer: %d lists (%d relists), %d watches, %d events, %d errors; handler got %d calls (%d add, %d update, %d delete of which %d tombstones)",
		m.Lists, m.Relists, m.Watches, m.Events, m.Errors, hist.n, hist.adds, hist.updates, hist.deletes, hist.tombstones)
	be.mu.Lock()
	slowest := be.slowestShutdown
	be.mu.Unlock()
	t.Logf("survived: writes+faults took %v, converged at %v; slowest server shutdown %v",
		writesDone.Round(time.Millisecond), converged.Round(time.Millisecond), slowest.Round(time.Millisecond))

	if counts[faultRestart] < 3 {
		t.Errorf("only %d restarts, want at least 3", counts[faultRestart])
	}
	if counts[faultCompact] == 0 || counts[faultCutSome]+counts[faultCutAll] == 0 || counts[faultPartition] == 0 {
		t.Errorf("a kind of fault never ran: %v", counts)
	}
	if m.Relists == 0 {
		t.Errorf("no relist: the 410 path was not exercised (metrics %+v)", m)
	}
}

// faultBackend is the server on a bolt file, restartable on the same file;
// each incarnation listens on a new loopback port.
type faultBackend struct {
	t    *testing.T
	path string

	mu      sync.Mutex
	kv      *bolt.Store
	srv     *server.Server
	served  chan error
	addr    string
	c       *client.Client
	cms     *client.Resource[*corev1.ConfigMap]
	up      chan struct{} // closed while serving
	clients []*client.Client
	trace   *faultTrace
	// slowestShutdown is the longest server Shutdown (for the report).
	slowestShutdown time.Duration
}

func startFaultBackend(t *testing.T, path string) *faultBackend {
	t.Helper()
	b := &faultBackend{t: t, path: path, up: make(chan struct{})}
	if err := b.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.stop(); err != nil {
			t.Errorf("stop server: %v", err)
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, c := range b.clients {
			c.Close()
		}
	})
	return b
}

func (b *faultBackend) start() error {
	kv, err := bolt.Open(b.path, bolt.Options{})
	if err != nil {
		return err
	}
	srv, err := server.New(server.Config{
		Storage:            kv,
		Logger:             slog.New(slog.DiscardHandler),
		CompactionInterval: -1,
		WatchCache:         watchcache.Config{Capacity: faultRing},
	})
	if err != nil {
		_ = kv.Close()
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = srv.Shutdown(context.Background())
		_ = kv.Close()
		return err
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	c, err := client.New(&client.Config{Servers: []string{"http://" + ln.Addr().String()}, QPS: -1, MaxRetries: -1, Timeout: 10 * time.Second})
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.kv, b.srv, b.served, b.addr = kv, srv, served, ln.Addr().String()
	b.c, b.cms = c, client.NewResource[*corev1.ConfigMap](c, client.GVR{Version: "v1", Resource: "configmaps"}, true).Namespace(faultNamespace)
	b.clients = append(b.clients, c)
	close(b.up)
	return nil
}

// stop shuts the server down (ending its watches, waiting for requests in
// flight) and closes the bolt file.
func (b *faultBackend) stop() error {
	b.mu.Lock()
	srv, kv, served := b.srv, b.kv, b.served
	select {
	case <-b.up:
		b.up = make(chan struct{}) // writers wait for the next start
	default:
	}
	b.srv = nil
	b.mu.Unlock()
	if srv == nil {
		return nil
	}
	if b.trace != nil {
		rev, _ := kv.Revision(context.Background())
		b.trace.add("", "stopping server at revision %d", rev)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	t0 := time.Now()
	err := srv.Shutdown(ctx)
	b.mu.Lock()
	b.slowestShutdown = max(b.slowestShutdown, time.Since(t0))
	b.mu.Unlock()
	if serr := <-served; err == nil {
		err = serr
	}
	if cerr := kv.Close(); err == nil {
		err = cerr
	}
	return err
}

func (b *faultBackend) restart() error {
	if err := b.stop(); err != nil {
		return err
	}
	return b.start()
}

func (b *faultBackend) address() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.addr
}

func (b *faultBackend) compact(ctx context.Context) (int64, error) {
	b.mu.Lock()
	srv := b.srv
	b.mu.Unlock()
	rev, err := srv.Compact(ctx)
	b.trace.add("", "compacted at %d (err %v)", rev, err)
	return rev, err
}

// current waits until the server is serving and returns its client.
func (b *faultBackend) current(ctx context.Context) (*client.Resource[*corev1.ConfigMap], error) {
	for {
		b.mu.Lock()
		up, cms := b.up, b.cms
		b.mu.Unlock()
		select {
		case <-up:
			b.mu.Lock()
			same := b.up == up
			b.mu.Unlock()
			if same {
				return cms, nil
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (b *faultBackend) freshList(ctx context.Context) (map[string]string, error) {
	cms, err := b.current(ctx)
	if err != nil {
		return nil, err
	}
	l, err := cms.List(ctx, client.ListOptions{}) // resourceVersion "": from storage, the latest
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(l.Items))
	for _, cm := range l.Items {
		out[cache.KeyOf(cm)] = cm.GetUID() + "@" + cm.GetResourceVersion()
	}
	return out, nil
}

// randomWrite makes one random create, update or delete, retrying through
// restarts, and reports whether it took effect as far as it knows (one that
// failed on a broken connection may have taken effect: the truth is only the
// final list).
func (b *faultBackend) randomWrite(ctx context.Context, r *rand.Rand) (bool, error) {
	name := fmt.Sprintf("cm-%02d", r.IntN(faultNames))
	op := r.IntN(20)
	value := strconv.FormatUint(r.Uint64(), 36)
	var last error
	for attempt := 0; attempt < 200; attempt++ {
		cms, err := b.current(ctx)
		if err != nil {
			return false, err
		}
		switch {
		case op < 6:
			_, err = cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: name}, Data: map[string]string{"v": value}}, client.WriteOptions{})
		case op < 15:
			var cm *corev1.ConfigMap
			if cm, err = cms.Get(ctx, name); err == nil {
				cm.Data = map[string]string{"v": value}
				_, err = cms.Update(ctx, cm, client.WriteOptions{})
			}
		default:
			err = cms.Delete(ctx, name, meta.DeleteOptions{})
		}
		switch {
		case err == nil:
			return true, nil
		case apierrors.IsAlreadyExists(err), apierrors.IsNotFound(err), apierrors.IsConflict(err):
			return false, nil // a normal outcome of racing writers (or of our own retry)
		case ctx.Err() != nil:
			return false, ctx.Err()
		}
		last = err
		// A connection error: the server is restarting (current waits for
		// it). Pace the retry in case it is not.
		select {
		case <-time.After(2 * time.Millisecond):
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	return false, fmt.Errorf("write %s kept failing: %w", name, last)
}

// faultProxy forwards loopback TCP connections to the backend's current
// address and can cut them, or refuse new ones.
type faultProxy struct {
	ln      net.Listener
	backend func() string

	mu     sync.Mutex
	refuse bool
	closed bool
	conns  map[*faultPair]struct{}
	wg     sync.WaitGroup
}

type faultPair struct {
	a, b net.Conn
	once sync.Once
}

func (p *faultPair) close() {
	p.once.Do(func() { _ = p.a.Close(); _ = p.b.Close() })
}

func startFaultProxy(t *testing.T, backend func() string) *faultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{ln: ln, backend: backend, conns: map[*faultPair]struct{}{}}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.wg.Add(1)
			go func() { defer p.wg.Done(); p.forward(c) }()
		}
	}()
	t.Cleanup(p.close)
	return p
}

func (p *faultProxy) addr() string { return p.ln.Addr().String() }

func (p *faultProxy) forward(c net.Conn) {
	p.mu.Lock()
	refuse := p.refuse || p.closed
	p.mu.Unlock()
	if refuse {
		_ = c.Close()
		return
	}
	s, err := net.DialTimeout("tcp", p.backend(), 5*time.Second)
	if err != nil {
		_ = c.Close() // the server is down: as a refused connection
		return
	}
	pr := &faultPair{a: c, b: s}
	p.mu.Lock()
	if p.refuse || p.closed {
		p.mu.Unlock()
		pr.close()
		return
	}
	p.conns[pr] = struct{}{}
	p.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(s, c)
		pr.close()
	}()
	_, _ = io.Copy(c, s)
	pr.close()
	<-done
	p.mu.Lock()
	delete(p.conns, pr)
	p.mu.Unlock()
}

// cut closes the connections pick selects, and reports how many.
func (p *faultProxy) cut(pick func() bool) int {
	p.mu.Lock()
	var cut []*faultPair
	for pr := range p.conns {
		if pick() {
			cut = append(cut, pr)
		}
	}
	p.mu.Unlock()
	for _, pr := range cut {
		pr.close()
	}
	return len(cut)
}

func (p *faultProxy) setRefuse(v bool) {
	p.mu.Lock()
	p.refuse = v
	p.mu.Unlock()
}

func (p *faultProxy) close() {
	_ = p.ln.Close()
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.cut(func() bool { return true })
	p.wg.Wait()
}

// faultHistory records, per object key, what the handler was told.
type faultHistory struct {
	mu                                    sync.Mutex
	byKey                                 map[string][]faultEvent
	n, adds, updates, deletes, tombstones int
}

type faultEvent struct {
	kind          string // add, update, delete
	uid, rv       string
	oldUID, oldRV string // update: the old object
	tombstone     bool
}

func newFaultHistory() *faultHistory { return &faultHistory{byKey: map[string][]faultEvent{}} }

func (h *faultHistory) record(key string, e faultEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.byKey[key] = append(h.byKey[key], e)
	h.n++
	switch e.kind {
	case "add":
		h.adds++
	case "update":
		h.updates++
	case "delete":
		h.deletes++
		if e.tombstone {
			h.tombstones++
		}
	}
}

func (h *faultHistory) handler() informer.Handler[*corev1.ConfigMap] {
	return informer.HandlerFuncs[*corev1.ConfigMap]{
		AddFunc: func(obj *corev1.ConfigMap, _ bool) {
			h.record(cache.KeyOf(obj), faultEvent{kind: "add", uid: obj.GetUID(), rv: obj.GetResourceVersion()})
		},
		UpdateFunc: func(old, obj *corev1.ConfigMap) {
			h.record(cache.KeyOf(obj), faultEvent{kind: "update", uid: obj.GetUID(), rv: obj.GetResourceVersion(),
				oldUID: old.GetUID(), oldRV: old.GetResourceVersion()})
		},
		DeleteFunc: func(obj *corev1.ConfigMap, tomb *cache.Tombstone[*corev1.ConfigMap]) {
			key := cache.KeyOf(obj)
			if tomb != nil {
				key = tomb.Key
			}
			h.record(key, faultEvent{kind: "delete", uid: obj.GetUID(), rv: obj.GetResourceVersion(), tombstone: tomb != nil})
		},
	}
}

// final is what the handler was last told: key -> uid@rv of present objects.
func (h *faultHistory) final() map[string]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]string{}
	for key, evs := range h.byKey {
		if last := evs[len(evs)-1]; last.kind != "delete" {
			out[key] = last.uid + "@" + last.rv
		}
	}
	return out
}

func (h *faultHistory) summary() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return fmt.Sprintf("handler: %d calls over %d keys", h.n, len(h.byKey))
}

// check verifies each key's history: an add first, then updates of that uid,
// then a delete of it; after a delete only an add of a new uid;
// resourceVersions strictly increasing along the history, except that a
// tombstone delete (found by a relist) carries the last state told.
func (h *faultHistory) check() (problems []string, keys map[string]bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	keys = map[string]bool{}
	for _, key := range slices.Sorted(maps.Keys(h.byKey)) {
		var (
			present     bool
			uid, lastRV string
			last        int64
			deadUIDs    = map[string]bool{}
		)
		for i, e := range h.byKey[key] {
			bad := func(format string, args ...any) {
				keys[key] = true
				problems = append(problems, fmt.Sprintf("%s #%d %s uid=%s rv=%s: %s", key, i, e.kind, e.uid, e.rv, fmt.Sprintf(format, args...)))
			}
			rv, err := strconv.ParseInt(e.rv, 10, 64)
			if err != nil {
				bad("bad resourceVersion: %v", err)
				continue
			}
			switch e.kind {
			case "add":
				if present {
					bad("add while %s is present", uid)
				}
				if deadUIDs[e.uid] {
					bad("add of a uid already deleted")
				}
				if rv <= last {
					bad("resourceVersion not above the previous %d", last)
				}
				present, uid = true, e.uid
			case "update":
				if !present {
					bad("update of an absent object")
				}
				if e.uid != uid || e.oldUID != uid {
					bad("update joins uids %s -> %s (present %s)", e.oldUID, e.uid, uid)
				}
				if e.oldRV != lastRV {
					bad("update's old resourceVersion %s is not the last told %s", e.oldRV, lastRV)
				}
				if rv <= last {
					bad("resourceVersion not above the previous %d", last)
				}
			case "delete":
				if !present {
					bad("delete of an absent object")
				}
				if e.uid != uid {
					bad("delete of uid %s, present %s", e.uid, uid)
				}
				if e.tombstone {
					if e.rv != lastRV {
						bad("tombstone resourceVersion is not the last told %s", lastRV)
					}
				} else if rv <= last {
					bad("resourceVersion not above the previous %d", last)
				}
				present = false
				deadUIDs[e.uid] = true
			}
			last, lastRV = max(last, rv), e.rv
		}
	}
	return problems, keys
}

func diffMaps(want, got map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if g, ok := got[k]; !ok {
			fmt.Fprintf(&b, "  missing %s (want %s)\n", k, want[k])
		} else if g != want[k] {
			fmt.Fprintf(&b, "  %s: got %s want %s\n", k, g, want[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[k]; !ok {
			fmt.Fprintf(&b, "  extra %s (%s)\n", k, got[k])
		}
	}
	if b.Len() == 0 {
		return "  (equal)\n"
	}
	return b.String()
}

func (k faultKind) String() string {
	return [...]string{"cut-some", "cut-all", "compact", "partition", "restart"}[k]
}

// faultTrace is what the informer received, for the failure report.
type faultTrace struct {
	mu    sync.Mutex
	lines []faultTraceLine
}

type faultTraceLine struct {
	key  string // "" for lists, watch boundaries and faults
	text string
}

func (tr *faultTrace) add(key, format string, args ...any) {
	if tr == nil {
		return
	}
	tr.mu.Lock()
	tr.lines = append(tr.lines, faultTraceLine{key, fmt.Sprintf(format, args...)})
	tr.mu.Unlock()
}

func (tr *faultTrace) dump(keys map[string]bool) string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	var b strings.Builder
	for _, l := range tr.lines {
		if l.key == "" || keys[l.key] {
			b.WriteString("  " + l.text + "\n")
		}
	}
	return b.String()
}

// tracingLW records what the informer lists and watches.
type tracingLW struct {
	inner *client.Resource[*corev1.ConfigMap]
	trace *faultTrace
	n     atomic.Int64
}

func (l *tracingLW) List(ctx context.Context, opts client.ListOptions) (*client.List[*corev1.ConfigMap], error) {
	out, err := l.inner.List(ctx, opts)
	if err != nil {
		l.trace.add("", "list rv=%q limit=%d: %v", opts.ResourceVersion, opts.Limit, err)
		return out, err
	}
	l.trace.add("", "list rv=%q limit=%d -> rv=%s, %d items", opts.ResourceVersion, opts.Limit, out.ResourceVersion, len(out.Items))
	for _, cm := range out.Items {
		l.trace.add(cache.KeyOf(cm), "  item %s uid=%s rv=%s", cache.KeyOf(cm), cm.GetUID(), cm.GetResourceVersion())
	}
	return out, err
}

func (l *tracingLW) Watch(ctx context.Context, opts client.ListOptions) (client.Watch[*corev1.ConfigMap], error) {
	id := l.n.Add(1)
	w, err := l.inner.Watch(ctx, opts)
	if err != nil {
		l.trace.add("", "watch#%d rv=%q: %v", id, opts.ResourceVersion, err)
		return w, err
	}
	l.trace.add("", "watch#%d rv=%q opened", id, opts.ResourceVersion)
	return &tracingWatch{Watch: w, id: id, trace: l.trace}, nil
}

type tracingWatch struct {
	client.Watch[*corev1.ConfigMap]
	id    int64
	trace *faultTrace
}

func (w *tracingWatch) Next() (client.Event[*corev1.ConfigMap], error) {
	e, err := w.Watch.Next()
	switch {
	case err != nil:
		w.trace.add("", "watch#%d ended: %v", w.id, err)
	case e.Type == meta.Bookmark:
		w.trace.add("", "watch#%d BOOKMARK rv=%s", w.id, e.ResourceVersion)
	case e.Type == meta.Error:
		w.trace.add("", "watch#%d ERROR %+v", w.id, e.Status)
	default:
		w.trace.add(cache.KeyOf(e.Object), "  watch#%d %s %s uid=%s rv=%s", w.id, e.Type, cache.KeyOf(e.Object), e.Object.GetUID(), e.Object.GetResourceVersion())
	}
	return e, err
}
