package storagetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"kctl.dev/kctl/server/storage"
)

func testWatchFromNow(t *testing.T, s storage.Interface) {
	r1 := create(t, s, "/w/a", "1")
	ch := watch(t, s, "/w/", 0)
	r2 := update(t, s, "/w/a", "2", r1)
	create(t, s, "/x/other", "v") // outside the prefix
	r4 := create(t, s, "/w/b", "1")
	checkEvents(t, ch,
		put("/w/a", "2", r1, r2, ptr(kv{"/w/a", "1", r1, r1})),
		put("/w/b", "1", r4, r4, nil),
	)
}

func testWatchReplayThenLive(t *testing.T, s storage.Interface) {
	r1 := create(t, s, "/w/a", "1")
	r2 := update(t, s, "/w/a", "2", r1)
	create(t, s, "/x/b", "1")
	r4 := create(t, s, "/w/c", "1")
	r5 := remove(t, s, "/w/a")

	all := []wantEvent{
		put("/w/a", "1", r1, r1, nil),
		put("/w/a", "2", r1, r2, ptr(kv{"/w/a", "1", r1, r1})),
		put("/w/c", "1", r4, r4, nil),
		del("/w/a", r5, ptr(kv{"/w/a", "2", r1, r2})),
	}
	cases := []struct {
		from int64
		want []wantEvent
	}{
		{0, nil}, // the current revision: nothing to replay
		{r5, nil},
		{r4, all[3:]},
		{r2, all[2:]},
		{r1, all[1:]},
	}
	// Open every watch first, then write one live event: each watch must replay
	// its part of the history and then see the live event, nothing twice and
	// nothing lost between replay and live.
	chans := make([]<-chan storage.Event, len(cases))
	for i, tc := range cases {
		chans[i] = watch(t, s, "/w/", tc.from)
	}
	r6 := create(t, s, "/w/live", "v")
	for i, tc := range cases {
		t.Run(fmt.Sprint("from ", tc.from), func(t *testing.T) {
			checkEvents(t, chans[i], append(tc.want, put("/w/live", "v", r6, r6, nil))...)
		})
	}
}

func testWatchFutureRevision(t *testing.T, s storage.Interface) {
	r1 := create(t, s, "/a", "1")
	ch := watch(t, s, "/", r1+2)
	r2 := update(t, s, "/a", "2", r1)
	r3 := update(t, s, "/a", "3", r2)
	r4 := update(t, s, "/a", "4", r3)
	checkEvents(t, ch, put("/a", "4", r1, r4, ptr(kv{"/a", "3", r1, r3})))
}

func testWatchContextCancel(t *testing.T, s storage.Interface) {
	ctx, cancel := context.WithCancel(t.Context())
	ch, err := s.Watch(ctx, "/", 0)
	if err != nil {
		t.Fatal(err)
	}
	other := watch(t, s, "/", 0)
	rev := create(t, s, "/a", "1")
	cancel()
	waitClosed(t, ch)
	// The store and its other watches go on.
	rev2 := create(t, s, "/b", "1")
	checkEvents(t, other, put("/a", "1", rev, rev, nil), put("/b", "1", rev2, rev2, nil))
}

// testWatchSlowReceiver opens a watch nobody reads while writes go on: the writes
// must complete, and the watch must then deliver every event in order.
func testWatchSlowReceiver(t *testing.T, s storage.Interface) {
	const writes = 1000
	ch := watch(t, s, "/", 0)
	done := make(chan error, 1)
	go func() {
		ctx := t.Context()
		rev, err := s.Create(ctx, "/counter", []byte("0"))
		for i := 1; i < writes && err == nil; i++ {
			rev, err = s.Update(ctx, "/counter", []byte(fmt.Sprint(i)), rev)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(timeout):
		t.Fatal("writes blocked by a watcher that does not read")
	}
	for i := range writes {
		ev := next(t, ch)
		if ev.KV.ModRevision != int64(i+1) || string(ev.KV.Value) != fmt.Sprint(i) {
			t.Fatalf("event %d: revision %d value %q", i, ev.KV.ModRevision, ev.KV.Value)
		}
	}
}

func testClose(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	rev := create(t, s, "/a", "1")
	ch := watch(t, s, "/", 0)
	replaying := watch(t, s, "/", rev-1) // has an event nobody reads
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	waitClosed(t, ch)
	waitClosed(t, replaying)

	_, err := s.Get(ctx, "/a")
	wantErr(t, "Get", err, storage.ErrClosed)
	_, err = s.List(ctx, "/", storage.ListOptions{})
	wantErr(t, "List", err, storage.ErrClosed)
	_, err = s.Revision(ctx)
	wantErr(t, "Revision", err, storage.ErrClosed)
	_, err = s.Create(ctx, "/b", nil)
	wantErr(t, "Create", err, storage.ErrClosed)
	_, err = s.Update(ctx, "/a", nil, rev)
	wantErr(t, "Update", err, storage.ErrClosed)
	_, _, err = s.Delete(ctx, "/a", 0)
	wantErr(t, "Delete", err, storage.ErrClosed)
	_, err = s.Watch(ctx, "/", 0)
	wantErr(t, "Watch", err, storage.ErrClosed)
	err = s.Compact(ctx, rev)
	wantErr(t, "Compact", err, storage.ErrClosed)
	_, err = s.CompactedRevision(ctx)
	wantErr(t, "CompactedRevision", err, storage.ErrClosed)
	wantErr(t, "RequestProgress", s.RequestProgress(ctx), storage.ErrClosed)
	wantErr(t, "second Close", s.Close(), storage.ErrClosed)
}
