package clientgo

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	clientfeatures "k8s.io/client-go/features"
	clientfeaturestesting "k8s.io/client-go/features/testing"

	"kctl.dev/kctl/server/watchcache"
)

// The tests here change client-go's process-wide feature gates, so none runs in
// parallel with another.

// noBookmarks keeps periodic bookmarks out of the tests' watches, so that the
// resourceVersion an informer resumes from is the last event's.
var noBookmarks = watchcache.Config{BookmarkInterval: time.Hour}

// TestReflectorListWatch: with WatchListClient off, the informer lists at
// resourceVersion 0, watches from the list's resourceVersion, and its handlers
// see add/update/delete in the order of the writes.
func TestReflectorListWatch(t *testing.T) {
	clientfeaturestesting.SetFeatureDuringTest(t, clientfeatures.WatchListClient, false)
	ts := startServer(t, noBookmarks)
	pre := ts.create(t, "pre")
	inf := ts.startInformer(t, true)

	reqs := ts.rec.waitFor(t, podsPath, "a watch after the list", func(rs []request) bool { return len(watches(rs)) > 0 })
	if len(reqs) != 2 {
		t.Fatalf("want a LIST then a WATCH, got:\n%s", dump(reqs))
	}
	list, w := reqs[0], reqs[1]
	if !list.isList() || list.Query.Get("resourceVersion") != "0" || list.Status != 200 || list.ListRV == "" {
		t.Fatalf("first request: want LIST resourceVersion=0 answered 200 with a resourceVersion, got %s", list)
	}
	if !w.isWatch() || w.Query.Get("resourceVersion") != list.ListRV || w.Query.Get("allowWatchBookmarks") != "true" ||
		w.Query.Has("sendInitialEvents") || w.Query.Has("resourceVersionMatch") {
		t.Fatalf("second request: want WATCH from the list's resourceVersion %s with bookmarks, got %s", list.ListRV, w)
	}

	a := ts.create(t, "a")
	a2 := ts.relabel(t, a, "1")
	ts.delete(t, "a")
	inf.waitEvent(t, "delete a", func(e podEvent) bool { return e.Type == "delete" && e.Name == "a" })
	want := []podEvent{
		{Type: "add", Name: "pre", RV: pre.ResourceVersion, InitialList: true},
		{Type: "add", Name: "a", RV: a.ResourceVersion},
		{Type: "update", Name: "a", RV: a2.ResourceVersion, OldRV: a.ResourceVersion},
		{Type: "update", Name: "a", OldRV: a2.ResourceVersion, Deleting: true},
		{Type: "delete", Name: "a"},
	}
	checkEvents(t, inf.snapshot(), want)
	inf.waitConverged(t, ts.client)

	reqs = ts.rec.requests(podsPath)
	if len(lists(reqs)) != 1 || len(watches(reqs)) != 1 {
		t.Errorf("want one LIST and one WATCH in all, got:\n%s", dump(reqs))
	}
}

// checkEvents compares handler events with want; a want event with an empty RV
// matches any resourceVersion (a delete's final resourceVersion is the
// server's).
func checkEvents(t *testing.T, got, want []podEvent) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		w := want[i]
		if w.RV == "" {
			w.RV = got[i].RV
		}
		ok = got[i] == w
	}
	if !ok {
		t.Fatalf("handler events:\n%s\nwant:\n%s", eventStrings(got), eventStrings(want))
	}
}

// TestReflectorWatchList: with WatchListClient on, the informer streams its
// initial state with one sendInitialEvents watch and never lists; it is synced
// only after the initial-events-end bookmark.
func TestReflectorWatchList(t *testing.T) {
	clientfeaturestesting.SetFeatureDuringTest(t, clientfeatures.WatchListClient, true)
	ts := startServer(t, noBookmarks)
	pre := map[string]*corev1.Pod{}
	for i := range 3 {
		pod := ts.create(t, fmt.Sprintf("pre-%d", i))
		pre[pod.Name] = pod
	}

	// Hold the bookmark that ends the initial events: the informer has the
	// ADDED events but must neither be synced nor have told its handlers.
	release := ts.rec.holdInitialEventsEnd()
	inf := ts.startInformer(t, false)
	reqs := ts.rec.waitFor(t, podsPath, "the initial-events-end bookmark held", func(rs []request) bool {
		return len(rs) > 0 && rs[0].Held
	})
	if inf.informer.HasSynced() || len(inf.snapshot()) > 0 {
		t.Fatalf("informer synced (or notified %v) before the initial-events-end bookmark; requests:\n%s", inf.snapshot(), dump(reqs))
	}
	release()
	inf.waitSynced(t)

	reqs = ts.rec.requests(podsPath)
	if len(reqs) != 1 {
		t.Fatalf("want a single watch, got:\n%s", dump(reqs))
	}
	w := reqs[0]
	if !w.isWatch() || w.Query.Get("sendInitialEvents") != "true" || w.Query.Get("resourceVersionMatch") != "NotOlderThan" ||
		w.Query.Get("allowWatchBookmarks") != "true" || w.Query.Get("resourceVersion") != "" || w.Status != 200 {
		t.Fatalf("want WATCH sendInitialEvents=true resourceVersionMatch=NotOlderThan allowWatchBookmarks=true from resourceVersion \"\", got %s", w)
	}
	if len(w.Events) != len(pre)+1 || !w.Events[len(pre)].InitialEventsEnd {
		t.Fatalf("want %d ADDED events then the initial-events-end bookmark, got %s", len(pre), w)
	}
	for _, f := range w.Events[:len(pre)] {
		if f.Type != "ADDED" {
			t.Fatalf("want ADDED initial events, got %s", w)
		}
	}
	for _, e := range inf.snapshot() {
		if e.Type != "add" || !e.InitialList || pre[e.Name] == nil || pre[e.Name].ResourceVersion != e.RV {
			t.Fatalf("initial events: want adds of %v in the initial list, got %v", pre, inf.snapshot())
		}
	}

	a := ts.create(t, "a")
	a2 := ts.relabel(t, a, "1")
	ts.relabel(t, pre["pre-1"], "1")
	ts.delete(t, "pre-0")
	ts.delete(t, "a")
	inf.waitEvent(t, "delete a", func(e podEvent) bool { return e.Type == "delete" && e.Name == "a" })
	live := inf.snapshot()[len(pre):]
	want := []podEvent{
		{Type: "add", Name: "a", RV: a.ResourceVersion},
		{Type: "update", Name: "a", RV: a2.ResourceVersion, OldRV: a.ResourceVersion},
		{Type: "update", Name: "pre-1", OldRV: pre["pre-1"].ResourceVersion},
		{Type: "update", Name: "pre-0", OldRV: pre["pre-0"].ResourceVersion, Deleting: true},
		{Type: "delete", Name: "pre-0"},
		{Type: "update", Name: "a", OldRV: a2.ResourceVersion, Deleting: true},
		{Type: "delete", Name: "a"},
	}
	checkEvents(t, live, want)
	inf.waitConverged(t, ts.client)

	reqs = ts.rec.requests(podsPath)
	if len(reqs) != 1 || len(lists(reqs)) != 0 {
		t.Errorf("want the one watch and no LIST, got:\n%s", dump(reqs))
	}
}

// TestReflectorResumesAfterDisconnect cuts the informer's connections while
// the test writes: the informer re-watches from the last resourceVersion it saw
// (no new LIST) and converges. In both modes: with WatchList too, client-go
// resumes a stream that ended after delivering events with a plain watch.
func TestReflectorResumesAfterDisconnect(t *testing.T) {
	for _, watchList := range []bool{false, true} {
		name := "ListWatch"
		if watchList {
			name = "WatchList"
		}
		t.Run(name, func(t *testing.T) {
			clientfeaturestesting.SetFeatureDuringTest(t, clientfeatures.WatchListClient, watchList)
			ts := startServer(t, noBookmarks)
			ts.create(t, "pre")
			inf := ts.startInformer(t, true)
			want := inf.snapshot() // the exact handler calls

			for round := range 2 {
				// Writes the current watch delivers (a watch cut with no
				// event would count as a failure to client-go).
				a := ts.create(t, fmt.Sprintf("a%d", round))
				inf.waitSeen(t, "add", a)
				want = append(want, podEvent{Type: "add", Name: a.Name, RV: a.ResourceVersion})
				lastRV := a.ResourceVersion
				before := len(ts.rec.requests(podsPath))

				// Cut, and write while the informer reconnects.
				ts.watched.CloseClientConnections()
				b := ts.create(t, fmt.Sprintf("b%d", round))
				a2 := ts.relabel(t, a, "1")
				ts.delete(t, b.Name)
				want = append(want,
					podEvent{Type: "add", Name: b.Name, RV: b.ResourceVersion},
					podEvent{Type: "update", Name: a.Name, RV: a2.ResourceVersion, OldRV: a.ResourceVersion},
					podEvent{Type: "update", Name: b.Name, OldRV: b.ResourceVersion, Deleting: true},
					podEvent{Type: "delete", Name: b.Name})

				// Both modes re-watch the same way: a watch that ends after
				// delivering events resumes from the last resourceVersion.
				reqs := ts.rec.waitFor(t, podsPath, "a new watch", func(rs []request) bool { return len(watches(rs[before:])) > 0 })
				w := watches(reqs[before:])[0]
				if rv, _ := strconv.ParseInt(w.Query.Get("resourceVersion"), 10, 64); rv <= 0 ||
					w.Query.Get("resourceVersion") != lastRV || w.Query.Has("sendInitialEvents") {
					t.Fatalf("round %d: want a WATCH from resourceVersion %s, got %s", round, lastRV, w)
				}
				inf.waitConverged(t, ts.client)
			}

			reqs := ts.rec.requests(podsPath)
			wantLists := 1
			if watchList {
				wantLists = 0
			}
			if n := len(lists(reqs)); n != wantLists {
				t.Errorf("want %d LIST in all, got %d:\n%s", wantLists, n, dump(reqs))
			}
			// Resuming neither drops nor repeats an event.
			inf.waitEvent(t, "the last delete", func(e podEvent) bool { return e.Type == "delete" && e.Name == "b1" })
			checkEvents(t, inf.snapshot(), want)
		})
	}
}

// TestReflectorRelistsOn410: the informer's resume resourceVersion falls out of
// a small watch cache while it is disconnected, so the server answers its watch
// with 410 Expired. With list+watch, client-go relists (a LIST at its last
// resourceVersion, served "not older than") and watches from the new list; with
// WatchList it streams the state again from its last resourceVersion (a
// sendInitialEvents watch is never 410: it starts from the current state).
func TestReflectorRelistsOn410(t *testing.T) {
	for _, watchList := range []bool{false, true} {
		name := "ListWatch"
		if watchList {
			name = "WatchList"
		}
		t.Run(name, func(t *testing.T) {
			clientfeaturestesting.SetFeatureDuringTest(t, clientfeatures.WatchListClient, watchList)
			const capacity = 5
			ts := startServer(t, watchcache.Config{Capacity: capacity, BookmarkInterval: time.Hour})
			ts.create(t, "pre")
			inf := ts.startInformer(t, true)

			seen := ts.create(t, "seen")
			inf.waitSeen(t, "add", seen)
			lastRV := seen.ResourceVersion

			// Keep the informer from reconnecting until its resourceVersion is
			// older than the ring.
			release := ts.rec.holdWatches()
			defer release()
			before := len(ts.rec.requests(podsPath))
			ts.watched.CloseClientConnections()
			reqs := ts.rec.waitFor(t, podsPath, "the informer's watch held", func(rs []request) bool {
				for _, q := range rs[before:] {
					if q.isWatch() && q.Held {
						return true
					}
				}
				return false
			})
			held := watches(reqs[before:])[0]
			if held.Query.Get("resourceVersion") != lastRV || held.Query.Has("sendInitialEvents") {
				t.Fatalf("want the informer to re-watch from %s, got %s", lastRV, held)
			}
			for i := range capacity + 2 {
				pod := ts.create(t, fmt.Sprintf("p%d", i))
				if i%2 == 0 {
					ts.relabel(t, pod, "1")
				}
			}
			ts.delete(t, "seen")
			// The watch cache applies writes asynchronously: release the held
			// watch only once the cache has moved past its resourceVersion, or
			// the watch is (correctly) served every event instead of a 410.
			ts.waitCacheCaughtUp(t)
			release()

			if watchList {
				reqs = ts.rec.waitFor(t, podsPath, "a sendInitialEvents WATCH after the 410", func(rs []request) bool {
					return len(watches(rs[before:])) > 1
				})
			} else {
				reqs = ts.rec.waitFor(t, podsPath, "a LIST and a WATCH after the 410", func(rs []request) bool {
					return len(lists(rs[before:])) > 0 && len(watches(rs[before:])) > 1
				})
			}
			after := reqs[before:]
			expired := after[0]
			if !expired.isWatch() || len(expired.Events) != 1 || expired.Events[0].Type != "ERROR" || expired.Events[0].Code != 410 {
				t.Fatalf("want the resumed watch answered with an ERROR 410 event, got:\n%s", dump(after))
			}
			next := watches(after)[1]
			if watchList {
				if len(lists(after)) != 0 || next.Query.Get("sendInitialEvents") != "true" ||
					next.Query.Get("resourceVersionMatch") != "NotOlderThan" || next.Query.Get("resourceVersion") != lastRV {
					t.Fatalf("want a sendInitialEvents WATCH from %s and no LIST after the 410, got:\n%s", lastRV, dump(after))
				}
			} else {
				relist := lists(after)[0]
				if relist.Status != 200 || relist.ListRV == "" {
					t.Fatalf("relist failed: %s", relist)
				}
				if next.Query.Get("resourceVersion") != relist.ListRV {
					t.Fatalf("want a WATCH from the relist's resourceVersion %s, got %s\nall:\n%s", relist.ListRV, next, dump(after))
				}
			}
			inf.waitConverged(t, ts.client)
		})
	}
}

// TestWatchFromListResourceVersion: a client that lists (resourceVersion "",
// read from storage) and then watches from the list's resourceVersion gets the
// changes made in between, also when its watch is the kind's first (and so
// starts the server's watch cache for pods), as `kubectl get -w` and
// hand-written list-then-watch clients do.
func TestWatchFromListResourceVersion(t *testing.T) {
	ts := startServer(t, noBookmarks)
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	list, err := ts.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pod := ts.create(t, "between")
	w, err := ts.client.CoreV1().Pods(ns).Watch(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	select {
	case ev, ok := <-w.ResultChan():
		if !ok {
			t.Fatal("watch closed without an event")
		}
		got, isPod := ev.Object.(*corev1.Pod)
		if ev.Type != watch.Added || !isPod || got.Name != pod.Name || got.ResourceVersion != pod.ResourceVersion {
			t.Fatalf("watch from the list's resourceVersion %s: want ADDED %s@%s, got %s %+v",
				list.ResourceVersion, pod.Name, pod.ResourceVersion, ev.Type, ev.Object)
		}
	case <-ctx.Done():
		t.Fatalf("no event within %v", waitTimeout)
	}
}
