package informer

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/validation"
	"kctl.dev/kctl/client"
)

func newTestInformer(e *env, opts Options[configMap]) (*Informer[configMap], *testLW, *recorder, Registration) {
	e.settle()
	lw := &testLW{inner: e.cms}
	if opts.Backoff == (Backoff{}) {
		opts.Backoff = fastBackoff
	}
	inf := New[configMap](lw, opts)
	rec := &recorder{}
	reg, err := inf.AddEventHandler(rec)
	if err != nil {
		e.t.Fatal(err)
	}
	return inf, lw, rec, reg
}

// TestListWatch: the first list is at resourceVersion 0 in pages, the watch
// starts from its resourceVersion with bookmarks and a randomized timeout, and
// handlers see the initial list, then each change in order, after the cache.
func TestListWatch(t *testing.T) {
	e := newEnv(t)
	e.create("a", "1")
	e.create("b", "1")
	inf, lw, rec, reg := newTestInformer(e, Options[configMap]{})
	start(t, inf, reg)
	equalLines(t, rec.waitFor(t, 2), []string{"add a initial", "add b initial"})

	e.create("c", "1")
	e.update("a", "2")
	e.delete("b")
	equalLines(t, rec.waitFor(t, 5)[2:], []string{"add c", "update a 1->2", "delete b"})
	if got, ok := inf.Lister().Namespace("default").Get("a"); !ok || got.Data["v"] != "2" {
		t.Errorf("lister a = %v %v", got, ok)
	}
	if _, ok := inf.Indexer().Get("default/b"); ok {
		t.Error("b still cached")
	}

	lists, watches := lw.requests()
	if len(lists) != 1 || lists[0].ResourceVersion != "0" || lists[0].Limit != DefaultPageSize {
		t.Errorf("lists = %+v", lists)
	}
	if len(watches) != 1 || !watches[0].AllowWatchBookmarks || watches[0].ResourceVersion == "" ||
		watches[0].TimeoutSeconds < 300 || watches[0].TimeoutSeconds >= 600 {
		t.Errorf("watches = %+v", watches)
	}
	m := inf.Metrics()
	if m.Lists != 1 || m.Relists != 0 || m.Watches != 1 || m.LastResourceVersion != inf.LastSyncResourceVersion() {
		t.Errorf("metrics = %+v", m)
	}
}

// TestResumeAfterDisconnect: a broken watch is reopened from the last
// resourceVersion, without a relist, and nothing written meanwhile is lost.
func TestResumeAfterDisconnect(t *testing.T) {
	e := newEnv(t)
	e.create("a", "1")
	inf, lw, rec, reg := newTestInformer(e, Options[configMap]{})
	start(t, inf, reg)
	rec.waitFor(t, 1)
	e.update("a", "2")
	rec.waitFor(t, 2)
	rv := inf.LastSyncResourceVersion()

	lw.hold()
	lw.cut()
	e.create("b", "1")
	e.delete("a")
	e.create("a", "new")
	lw.release()

	equalLines(t, rec.waitFor(t, 5)[1:], []string{"update a 1->2", "add b", "delete a", "add a"})
	_, watches := lw.requests()
	if len(watches) < 2 || watches[1].ResourceVersion != rv {
		t.Errorf("re-watch from %+v, want resourceVersion %s", watches, rv)
	}
	if m := inf.Metrics(); m.Lists != 1 || m.Relists != 0 {
		t.Errorf("metrics = %+v, want one list and no relist", m)
	}
}

// TestRelistOn410: when the server no longer has the history to resume from,
// the informer relists and handlers see only the difference: tombstones for
// the deletes it missed, adds, updates, and a delete + add for an object
// recreated under the same name.
func TestRelistOn410(t *testing.T) {
	e := newSmallCacheEnv(t)
	for _, n := range []string{"a", "b", "c", "d"} {
		e.create(n, "1")
	}
	inf, lw, rec, reg := newTestInformer(e, Options[configMap]{})
	start(t, inf, reg)
	rec.waitFor(t, 4)

	lw.hold()
	lw.cut()
	e.update("a", "2")
	e.update("a", "3")
	e.delete("b")
	e.create("e", "1")
	e.delete("d")
	e.create("d", "2")
	for i := range 5 {
		e.update("e", strings.Repeat("x", i+2))
	}
	lw.release()

	want := []string{
		"delete b tombstone(default/b)",
		"delete d tombstone(default/d)",
		"add e",
		"add d",
		"update a 1->3",
	}
	equalLines(t, rec.waitFor(t, 4+len(want))[4:], want)
	if m := inf.Metrics(); m.Lists != 2 || m.Relists != 1 {
		t.Errorf("metrics = %+v, want a relist", m)
	}
	time.Sleep(50 * time.Millisecond)
	if got := rec.snapshot(); len(got) != 4+len(want) {
		t.Errorf("extra events after the relist: %q", got[4+len(want):])
	}
	if d, _ := inf.Indexer().Get("default/d"); d.Data["v"] != "2" {
		t.Errorf("d = %+v", d)
	}
}

// TestWatchList: the initial state comes from a sendInitialEvents watch, with
// no list, and the same stream goes on with live events.
func TestWatchList(t *testing.T) {
	e := newEnv(t)
	e.create("a", "1")
	e.create("b", "1")
	inf, lw, rec, reg := newTestInformer(e, Options[configMap]{WatchList: true})
	start(t, inf, reg)
	got := rec.waitFor(t, 2)
	slices.Sort(got)
	equalLines(t, got, []string{"add a initial", "add b initial"})
	e.update("b", "2")
	equalLines(t, rec.waitFor(t, 3)[2:], []string{"update b 1->2"})

	lists, watches := lw.requests()
	if len(lists) != 0 || len(watches) != 1 || !watches[0].SendInitialEvents ||
		watches[0].ResourceVersionMatch != "NotOlderThan" || !watches[0].AllowWatchBookmarks {
		t.Errorf("lists %+v watches %+v", lists, watches)
	}
	if m := inf.Metrics(); m.Lists != 1 || m.Watches != 1 || m.WatchListFallbacks != 0 {
		t.Errorf("metrics = %+v", m)
	}
}

// TestWatchListFallback: a server refusing sendInitialEvents (422) gets list +
// watch instead, for good.
func TestWatchListFallback(t *testing.T) {
	e := newEnv(t)
	e.create("a", "1")
	inf, lw, rec, reg := newTestInformer(e, Options[configMap]{WatchList: true})
	lw.watchFail = func(o client.ListOptions) error {
		if o.SendInitialEvents {
			return apierrors.NewInvalid("meta.k8s.io", "ListOptions", "",
				validation.ErrorList{validation.Forbidden("sendInitialEvents", "not supported")})
		}
		return nil
	}
	start(t, inf, reg)
	equalLines(t, rec.waitFor(t, 1), []string{"add a initial"})
	e.create("b", "1")
	equalLines(t, rec.waitFor(t, 2)[1:], []string{"add b"})
	lists, _ := lw.requests()
	if m := inf.Metrics(); len(lists) != 1 || m.WatchListFallbacks != 1 || m.Lists != 1 {
		t.Errorf("lists %+v metrics %+v", lists, m)
	}
}

// TestLateHandlerReplay: a handler added after sync first gets the cache as
// initial adds, then live changes; its HasSynced waits for that replay.
func TestLateHandlerReplay(t *testing.T) {
	e := newEnv(t)
	e.create("a", "1")
	e.create("b", "1")
	inf, _, rec, reg := newTestInformer(e, Options[configMap]{})
	start(t, inf, reg)
	rec.waitFor(t, 2)

	late := &recorder{}
	lreg, err := inf.AddEventHandler(late)
	if err != nil {
		t.Fatal(err)
	}
	got := late.waitFor(t, 2)
	slices.Sort(got)
	equalLines(t, got, []string{"add a initial", "add b initial"})
	ctx := t.Context()
	if !WaitForCacheSync(ctx, lreg.HasSynced) {
		t.Fatal("late handler not synced")
	}
	e.create("c", "1")
	equalLines(t, late.waitFor(t, 3)[2:], []string{"add c"})

	if err := inf.RemoveEventHandler(lreg); err != nil {
		t.Fatal(err)
	}
	if err := inf.RemoveEventHandler(lreg); !errors.Is(err, ErrUnknownHandler) {
		t.Errorf("second remove: %v", err)
	}
	e.create("d", "1")
	rec.waitFor(t, 4)
	time.Sleep(20 * time.Millisecond)
	if n := len(late.snapshot()); n != 3 {
		t.Errorf("removed handler got %d events", n)
	}
}

// TestSlowHandlerDoesNotBlockOthers: a stuck handler delays only itself; its
// notifications queue up, and its HasSynced stays false.
func TestSlowHandlerDoesNotBlockOthers(t *testing.T) {
	e := newEnv(t)
	e.create("a", "1")
	inf, _, fast, freg := newTestInformer(e, Options[configMap]{})
	unblock := make(chan struct{})
	slowReg, err := inf.AddEventHandler(HandlerFuncs[configMap]{
		AddFunc: func(configMap, bool) { <-unblock },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		select {
		case <-unblock:
		default:
			close(unblock)
		}
	}()
	start(t, inf, freg)
	for i := range 20 {
		e.create("x"+string(rune('a'+i)), "1")
	}
	fast.waitFor(t, 21)
	if m := inf.Metrics(); m.Pending < 19 {
		t.Errorf("pending = %d, want the slow handler's backlog", m.Pending)
	}
	close(unblock)
	if !WaitForCacheSync(t.Context(), slowReg.HasSynced) {
		t.Error("slow handler never synced")
	}
}

// TestResync: cached objects are re-delivered as updates with old == new,
// without contacting the server.
func TestResync(t *testing.T) {
	e := newEnv(t)
	e.create("a", "1")
	inf, lw, rec, reg := newTestInformer(e, Options[configMap]{ResyncPeriod: 20 * time.Millisecond})
	start(t, inf, reg)
	got := rec.waitFor(t, 3)
	equalLines(t, got[:3], []string{"add a initial", "resync a", "resync a"})
	if lists, watches := lw.requests(); len(lists) != 1 || len(watches) != 1 {
		t.Errorf("resync contacted the server: %d lists %d watches", len(lists), len(watches))
	}
}

// TestTransform: objects are transformed before caching and delivery.
func TestTransform(t *testing.T) {
	e := newEnv(t)
	e.create("a", "1")
	inf, _, rec, reg := newTestInformer(e, Options[configMap]{Transform: func(cm configMap) configMap {
		cm.ManagedFields = nil
		cm.Data["v"] = "t" + strings.TrimPrefix(cm.Data["v"], "t")
		return cm
	}})
	start(t, inf, reg)
	rec.waitFor(t, 1)
	e.update("a", "2")
	equalLines(t, rec.waitFor(t, 2)[1:], []string{"update a t1->t2"})
	if a, _ := inf.Lister().Namespace("default").Get("a"); a.Data["v"] != "t2" {
		t.Errorf("cached a = %v", a.Data)
	}
}

// TestAddHandlerAfterStop fails with ErrStopped.
func TestAddHandlerAfterStop(t *testing.T) {
	e := newEnv(t)
	inf := New[configMap](e.cms, Options[configMap]{Backoff: fastBackoff})
	ctx, cancel := contextWithCancel(t)
	cancel()
	inf.Run(ctx)
	if _, err := inf.AddEventHandler(&recorder{}); !errors.Is(err, ErrStopped) {
		t.Errorf("err = %v", err)
	}
}

// TestRelistWhenServerLostHistory: after a restart of a server that lost its
// data (memory storage), the last resourceVersion is ahead of the server's
// and it answers a watch from it with a ResourceVersionTooLarge timeout. The
// informer lists the server's latest state at once (not after the backoff
// grown during the outage, which here is far longer than the test waits)
// and handlers see the difference.
func TestRelistWhenServerLostHistory(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"a", "b", "c", "d"} {
		e.create(n, "1")
	}
	inf, lw, rec, reg := newTestInformer(e, Options[configMap]{Backoff: Backoff{Initial: 20 * time.Millisecond, Factor: 1000, Max: time.Hour}})
	start(t, inf, reg)
	rec.waitFor(t, 4)

	lw.hold()
	lw.cut() // the first failure: waits the initial backoff
	// The client's own retries of the 504 (as client-go's: Retry-After 1 s,
	// each answered after the server's 3 s wait) are off here, so that the
	// informer sees the answer within the test's patience.
	restarted := newEnv(t)
	restarted.create("a", "new")
	c, err := client.New(&client.Config{Servers: []string{restarted.c.Server()}, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	lw.switchTo(client.NewResource[configMap](c, configMapsGVR, true).Namespace("default"))
	lw.release()

	// a is another object now (another UID), though the restarted server
	// may have given it the same resourceVersion: a delete and an add.
	want := []string{"delete b tombstone(default/b)", "delete c tombstone(default/c)", "delete d tombstone(default/d)", "delete a tombstone(default/a)", "add a"}
	got := rec.waitFor(t, 4+len(want))[4:]
	slices.Sort(got[:3])
	equalLines(t, got, want)
	if m := inf.Metrics(); m.Relists != 1 {
		t.Errorf("metrics = %+v, want a relist", m)
	}
	lists, _ := lw.requests()
	if last := lists[len(lists)-1]; last.ResourceVersion != "" {
		t.Errorf("relist at resourceVersion %q, want the latest state", last.ResourceVersion)
	}
}
