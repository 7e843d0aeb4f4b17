package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"kctl.dev/kctl/api/corev1"
	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
)

// createPods makes n pods p0..p(n-1) in the default namespace.
func createPods(t *testing.T, c *Client, n int) {
	t.Helper()
	pods := NewResource[*corev1.Pod](c, podsGVR, true)
	for i := range n {
		if _, err := pods.Create(t.Context(), newPod(fmt.Sprintf("p%d", i), map[string]string{"i": fmt.Sprint(i)}), WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

func rowNames(t *testing.T, tab *meta.Table) []string {
	t.Helper()
	var names []string
	for _, r := range tab.Rows {
		names = append(names, fmt.Sprint(r.Cells[0]))
	}
	return names
}

func TestListTablePages(t *testing.T) {
	c, _ := startClient(t)
	createPods(t, c, 5)
	pods := Dynamic(c, podsGVR, true)
	var pages [][]string
	var rv string
	err := pods.ListTablePages(t.Context(), ListOptions{Limit: 2}, "", func(tab *meta.Table) error {
		if tab.Kind != "Table" || len(tab.ColumnDefinitions) == 0 {
			t.Errorf("page %d: kind %q with %d columns, want a Table with columns", len(pages), tab.Kind, len(tab.ColumnDefinitions))
		}
		if len(pages) == 0 {
			rv = tab.ResourceVersion
		} else if tab.ResourceVersion != rv {
			t.Errorf("page %d at resourceVersion %s, the first at %s: want one snapshot", len(pages), tab.ResourceVersion, rv)
		}
		// Numbers stay as the server sent them.
		if restarts := tab.Rows[0].Cells[3]; restarts != json.Number("0") {
			t.Errorf("RESTARTS cell = %#v, want json.Number 0", restarts)
		}
		pages = append(pages, rowNames(t, tab))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"p0", "p1"}, {"p2", "p3"}, {"p4"}}
	if !slices.EqualFunc(pages, want, slices.Equal) {
		t.Errorf("pages = %q, want %q", pages, want)
	}
}

func TestTableIncludeObject(t *testing.T) {
	c, _ := startClient(t)
	createPods(t, c, 1)
	pods := Dynamic(c, podsGVR, true)
	for include, wantKind := range map[string]string{
		"":              "PartialObjectMetadata",
		IncludeMetadata: "PartialObjectMetadata",
		IncludeObject:   "Pod",
		IncludeNone:     "",
	} {
		tab, err := pods.ListTable(t.Context(), ListOptions{}, include)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if obj := tab.Rows[0].Object; len(obj) > 0 {
			u, err := unstructured.Decode(obj)
			if err != nil {
				t.Fatal(err)
			}
			got = u.Kind()
			if u.Name() != "p0" {
				t.Errorf("includeObject=%q: object named %q, want p0", include, u.Name())
			}
		}
		if got != wantKind {
			t.Errorf("includeObject=%q: row object of kind %q, want %q", include, got, wantKind)
		}
		one, err := pods.GetTable(t.Context(), "p0", include)
		if err != nil {
			t.Fatal(err)
		}
		if len(one.Rows) != 1 || one.Rows[0].Cells[0] != "p0" {
			t.Errorf("GetTable: rows %v, want one row for p0", one.Rows)
		}
	}
	if _, err := pods.GetTable(t.Context(), "missing", ""); !apierrors.IsNotFound(err) {
		t.Errorf("GetTable of a missing pod: %v, want NotFound", err)
	}
}

func TestListTablePagesStops(t *testing.T) {
	c, _ := startClient(t)
	createPods(t, c, 5)
	pods := Dynamic(c, podsGVR, true)
	stop := errors.New("enough")
	calls := 0
	err := pods.ListTablePages(t.Context(), ListOptions{Limit: 1}, "", func(*meta.Table) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("ListTablePages = %v after %d calls, want the callback's error after 1", err, calls)
	}
	ctx, cancel := context.WithCancel(t.Context())
	err = pods.ListTablePages(ctx, ListOptions{Limit: 1}, "", func(*meta.Table) error {
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("ListTablePages with its context cancelled = %v, want context.Canceled", err)
	}
	// A server error on a page is returned (the goroutine fetching ahead is
	// checked for leaks by TestMain).
	err = pods.ListTablePages(t.Context(), ListOptions{Limit: 1, FieldSelector: "spec.nope=1"}, "", func(*meta.Table) error { return nil })
	if !apierrors.IsBadRequest(err) {
		t.Errorf("ListTablePages with a bad field selector = %v, want BadRequest", err)
	}
}

func TestListPages(t *testing.T) {
	c, _ := startClient(t)
	createPods(t, c, 3)
	pods := NewResource[*corev1.Pod](c, podsGVR, true)
	var names []string
	pages := 0
	err := pods.ListPages(t.Context(), ListOptions{Limit: 2}, func(l *List[*corev1.Pod]) error {
		pages++
		for _, p := range l.Items {
			names = append(names, p.Name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages != 2 || !slices.Equal(names, []string{"p0", "p1", "p2"}) {
		t.Errorf("%d pages of %q, want 2 pages of p0 p1 p2", pages, names)
	}
	// Limit 0: one page of everything.
	pages = 0
	if err := pods.ListPages(t.Context(), ListOptions{}, func(*List[*corev1.Pod]) error { pages++; return nil }); err != nil || pages != 1 {
		t.Errorf("ListPages without a limit: %d pages, %v; want 1", pages, err)
	}
}

func TestWatchTable(t *testing.T) {
	c, _ := startClient(t)
	ctx := t.Context()
	pods := Dynamic(c, podsGVR, true)
	tab, err := pods.ListTable(ctx, ListOptions{}, "")
	if err != nil {
		t.Fatal(err)
	}
	w, err := pods.WatchTable(ctx, ListOptions{ResourceVersion: tab.ResourceVersion, TimeoutSeconds: 2, AllowWatchBookmarks: true}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	typed := NewResource[*corev1.Pod](c, podsGVR, true)
	p, err := typed.Create(ctx, newPod("w", nil), WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ev := nextEvent(t, w)
	if ev.Type != meta.Added || len(ev.Object.Rows) != 1 || ev.Object.Rows[0].Cells[0] != "w" {
		t.Fatalf("first event = %s %+v, want ADDED with the row of w", ev.Type, ev.Object)
	}
	if len(ev.Object.ColumnDefinitions) == 0 {
		t.Error("the first event's Table has no column definitions")
	}
	if ev.ResourceVersion != p.ResourceVersion {
		t.Errorf("event resourceVersion %s, want the pod's %s", ev.ResourceVersion, p.ResourceVersion)
	}
	if err := typed.Delete(ctx, "w", meta.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	for {
		ev, err = w.Next()
		if err != nil {
			t.Fatalf("Next: %v before the DELETED event", err)
		}
		if ev.Type == meta.Deleted {
			break
		}
	}
	if len(ev.Object.Rows) != 1 || ev.Object.Rows[0].Cells[0] != "w" {
		t.Errorf("DELETED event: %+v, want the row of w", ev.Object)
	}
	// Bookmarks (one before the deadline) carry only a resourceVersion.
	for {
		ev, err := w.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		if ev.Type != meta.Bookmark || ev.ResourceVersion == "" || len(ev.Object.Rows) != 0 {
			t.Errorf("event %s %+v at the end: want a bookmark with a resourceVersion", ev.Type, ev.Object)
		}
	}
	// A watch stopped by the caller ends with io.EOF.
	w2, err := pods.WatchTable(ctx, ListOptions{}, IncludeNone)
	if err != nil {
		t.Fatal(err)
	}
	w2.Stop()
	if _, err := w2.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("Next after Stop = %v, want io.EOF", err)
	}
}

// TestWatchTableError checks an ERROR event: its Status comes back in the
// event, as from Watch.
func TestWatchTableError(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 1 (9)","reason":"Expired","code":410}}`+"\n")
	}))
	defer hs.Close()
	c, err := New(&Config{Servers: []string{hs.URL}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	w, err := Dynamic(c, podsGVR, true).WatchTable(t.Context(), ListOptions{ResourceVersion: "1"}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	ev := nextEvent(t, w)
	if ev.Type != meta.Error || ev.Status == nil || ev.Status.Code != http.StatusGone || !apierrors.IsGone(apierrors.FromStatus(*ev.Status)) {
		t.Errorf("event %s %+v, want ERROR with a 410 Status", ev.Type, ev.Status)
	}
	if _, err := w.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("after the ERROR event: %v, want io.EOF", err)
	}
}

// TestNotTable checks the answer of a server without a Table for a resource:
// the plain object comes back in a *NotTableError.
func TestNotTable(t *testing.T) {
	plain := `{"kind":"WidgetList","apiVersion":"example.com/v1","metadata":{"resourceVersion":"7"},"items":[{"metadata":{"name":"a"}}]}`
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept"), "as=Table;v=v1;g=meta.k8s.io") {
			t.Errorf("Accept %q does not ask for a Table", r.Header.Get("Accept"))
		}
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("watch") == "true" {
			fmt.Fprintf(w, `{"type":"ADDED","object":{"kind":"Widget","apiVersion":"example.com/v1","metadata":{"name":"a"}}}`+"\n")
			return
		}
		io.WriteString(w, plain)
	}))
	defer hs.Close()
	c, err := New(&Config{Servers: []string{hs.URL}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	widgets := Dynamic(c, GVR{Group: "example.com", Version: "v1", Resource: "widgets"}, false)
	_, err = widgets.ListTable(t.Context(), ListOptions{}, "")
	var nt *NotTableError
	if !errors.As(err, &nt) || !errors.Is(err, ErrNotTable) || string(nt.Object) != plain {
		t.Errorf("ListTable = %v, want a NotTableError with the plain list", err)
	}
	err = widgets.ListTablePages(t.Context(), ListOptions{Limit: 1}, "", func(*meta.Table) error { return nil })
	if !errors.Is(err, ErrNotTable) {
		t.Errorf("ListTablePages = %v, want ErrNotTable", err)
	}
	w, err := widgets.WatchTable(t.Context(), ListOptions{}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if _, err := w.Next(); !errors.Is(err, ErrNotTable) {
		t.Errorf("watch event without a Table: %v, want ErrNotTable", err)
	}
}
