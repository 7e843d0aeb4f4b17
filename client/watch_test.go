package client

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"kctl.dev/kctl/api/corev1"
	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
)

// nextEvent reads one event or fails the test.
func nextEvent[T any](t *testing.T, w Watch[T]) Event[T] {
	t.Helper()
	ev, err := w.Next()
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	return ev
}

func TestWatchEvents(t *testing.T) {
	c, _ := startClient(t)
	ctx := t.Context()
	pods := NewResource[*corev1.Pod](c, podsGVR, true)
	if _, err := pods.Create(ctx, newPod("before", nil), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	l, err := pods.List(ctx, ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := pods.Watch(ctx, ListOptions{ResourceVersion: l.ResourceVersion, TimeoutSeconds: 2, AllowWatchBookmarks: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()

	p, err := pods.Create(ctx, newPod("w", map[string]string{"a": "1"}), WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ev := nextEvent(t, w); ev.Type != meta.Added || ev.Object.Name != "w" || ev.ResourceVersion != p.ResourceVersion {
		t.Fatalf("event = %s %s %s", ev.Type, ev.Object.Name, ev.ResourceVersion)
	}
	p.Labels["a"] = "2"
	if _, err := pods.Update(ctx, p, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if ev := nextEvent(t, w); ev.Type != meta.Modified || ev.Object.Labels["a"] != "2" {
		t.Fatalf("event = %s %v", ev.Type, ev.Object.Labels)
	}
	zero := int64(0)
	if err := pods.Delete(ctx, "w", meta.DeleteOptions{GracePeriodSeconds: &zero}); err != nil {
		t.Fatal(err)
	}
	// The server may first record the deletion (MODIFIED, deletionTimestamp).
	ev := nextEvent(t, w)
	if ev.Type == meta.Modified && ev.Object.DeletionTimestamp != nil {
		ev = nextEvent(t, w)
	}
	if ev.Type != meta.Deleted || ev.Object.Name != "w" {
		t.Fatalf("event = %s %s", ev.Type, ev.Object.Name)
	}
	// The server ends the stream at timeoutSeconds, with a bookmark just before.
	var types []string
	for {
		ev, err := w.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		types = append(types, ev.Type)
		if ev.Type == meta.Bookmark && ev.ResourceVersion == "" {
			t.Error("bookmark without resourceVersion")
		}
	}
	if len(types) > 0 && types[len(types)-1] != meta.Bookmark {
		t.Errorf("events before EOF: %v", types)
	}
	if _, err := w.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("Next after EOF: %v", err)
	}
}

func TestWatchInitialEvents(t *testing.T) {
	c, _ := startClient(t)
	ctx := t.Context()
	cms := NewResource[*corev1.ConfigMap](c, configMapsGVR, true)
	for i := range 2 {
		if _, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: fmt.Sprint("cm", i)}}, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	w, err := cms.Watch(ctx, ListOptions{SendInitialEvents: true, AllowWatchBookmarks: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	var added int
	for {
		ev := nextEvent(t, w)
		if ev.Type == meta.Added {
			added++
			continue
		}
		if ev.Type != meta.Bookmark || !ev.InitialEventsEnd || ev.ResourceVersion == "" {
			t.Fatalf("event %+v", ev)
		}
		break
	}
	if added != 2 {
		t.Errorf("initial ADDED events = %d, want 2", added)
	}
	w.Stop()
	if _, err := w.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("Next after Stop: %v", err)
	}
}

func TestWatchRefused(t *testing.T) {
	c, _ := startClient(t)
	pods := NewResource[*corev1.Pod](c, podsGVR, true)
	_, err := pods.Watch(t.Context(), ListOptions{ResourceVersionMatch: "NotOlderThan"})
	if !apierrors.IsInvalid(err) {
		t.Fatalf("err = %v, want Invalid", err)
	}
}

// TestWatchStreamDecoding feeds a stream cut at odd places, with an ERROR
// event (410 Expired) at the end.
func TestWatchStreamDecoding(t *testing.T) {
	stream := `{"type":"ADDED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a","resourceVersion":"5"}}}
{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"6","annotations":{"k8s.io/initial-events-end":"true"}}}}
{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}}
`
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("watch") != "true" {
			http.Error(w, "not a watch", 400)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		f := w.(http.Flusher)
		for i := 0; i < len(stream); i += 7 {
			_, _ = io.WriteString(w, stream[i:min(i+7, len(stream))])
			f.Flush()
			time.Sleep(time.Millisecond)
		}
	}))
	defer ts.Close()
	c, _ := newTestClient(t, &Config{Servers: []string{ts.URL}, Namespace: "default"})
	w, err := NewResource[*corev1.Pod](c, podsGVR, true).Watch(t.Context(), ListOptions{ResourceVersion: "1"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if ev := nextEvent(t, w); ev.Type != meta.Added || ev.Object.Name != "a" || ev.ResourceVersion != "5" {
		t.Errorf("first = %+v", ev)
	}
	if ev := nextEvent(t, w); ev.Type != meta.Bookmark || ev.ResourceVersion != "6" || !ev.InitialEventsEnd {
		t.Errorf("second = %+v", ev)
	}
	ev := nextEvent(t, w)
	if ev.Type != meta.Error || ev.Status == nil || ev.Status.Code != 410 {
		t.Fatalf("third = %+v", ev)
	}
	if err := apierrors.FromStatus(*ev.Status); !apierrors.IsGone(err) || !apierrors.IsResourceExpired(err) {
		t.Errorf("status error %v not Gone/Expired", err)
	}
	if _, err := w.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("after the stream: %v, want EOF", err)
	}
}

func TestWatchWebSocket(t *testing.T) {
	c, _ := startClient(t)
	ctx := t.Context()
	cms := NewResource[*corev1.ConfigMap](c, configMapsGVR, true)
	l, err := cms.List(ctx, ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := cms.WatchWebSocket(ctx, ListOptions{ResourceVersion: l.ResourceVersion, TimeoutSeconds: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if _, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "first"}}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if ev := nextEvent(t, w); ev.Type != meta.Added || ev.Object.Name != "first" {
		t.Fatalf("first = %s %s", ev.Type, ev.Object.Name)
	}
	if _, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "second"}}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if ev := nextEvent(t, w); ev.Type != meta.Added || ev.Object.Name != "second" {
		t.Fatalf("second = %s %s", ev.Type, ev.Object.Name)
	}
	for {
		_, err := w.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
	}
	// A refused websocket watch is a StatusError too.
	if _, err := cms.WatchWebSocket(ctx, ListOptions{ResourceVersionMatch: "NotOlderThan"}); !apierrors.IsInvalid(err) {
		t.Errorf("refused: %v, want Invalid", err)
	}
}
