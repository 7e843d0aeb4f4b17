package watchqueue

import (
	"context"
	"testing"

	"go.uber.org/goleak"

	"kctl.dev/kctl/server/storage"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func put(key string, rev int64) storage.Event {
	return storage.Event{Type: storage.EventPut, KV: storage.KeyValue{Key: key, ModRevision: rev}}
}

// TestProgress: a progress below the start revision is dropped, one at it is
// kept, consecutive undelivered ones merge into the newest, and all of them come
// after the replay.
func TestProgress(t *testing.T) {
	w := New("/a/", 2)
	w.Progress(1) // below the start: dropped
	w.Progress(4)
	w.Push(put("/a/x", 5))
	w.Progress(6)
	w.Progress(7) // replaces 6
	w.Push(put("/a/y", 8))
	w.Progress(8)

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx, nil, [][]storage.Event{{put("/a/r", 3), put("/b/r", 4)}})
	}()
	want := []struct {
		typ storage.EventType
		rev int64
	}{
		{storage.EventPut, 3}, // the replay first (4 is outside the prefix)
		{storage.EventProgress, 4},
		{storage.EventPut, 5},
		{storage.EventProgress, 7},
		{storage.EventPut, 8},
		{storage.EventProgress, 8},
	}
	for i, wt := range want {
		ev := <-w.Events()
		if ev.Type != wt.typ || ev.KV.ModRevision != wt.rev {
			t.Fatalf("event %d: type %d at %d, want type %d at %d", i, ev.Type, ev.KV.ModRevision, wt.typ, wt.rev)
		}
	}
	cancel()
	<-done
}
