package clientgo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// waitTimeout bounds every wait on a condition. Conditions normally hold within
// milliseconds; the bound only turns a hang into a failure with a message.
const waitTimeout = 20 * time.Second

// request is one HTTP request the server saw, as the recorder knows it so far.
type request struct {
	Method string
	Path   string
	Query  url.Values
	Accept string
	// Status is the response's status code, 0 until the handler wrote it.
	Status int
	// ListRV is a list response's metadata.resourceVersion.
	ListRV string
	// Events are a watch response's events, in the order they were written.
	Events []frame
	// Held is set while the request waits at a gate (see recorder.hold).
	Held bool
	// Done is set when the handler has returned.
	Done bool
}

// frame is one watch event as the server wrote it.
type frame struct {
	Type string
	// RV is the object's metadata.resourceVersion.
	RV string
	// InitialEventsEnd marks the bookmark that ends a sendInitialEvents=true
	// watch's initial events.
	InitialEventsEnd bool
	// Code is an ERROR event's Status code.
	Code int
}

func (f frame) String() string {
	switch {
	case f.Type == "ERROR":
		return fmt.Sprintf("ERROR(%d)", f.Code)
	case f.InitialEventsEnd:
		return "BOOKMARK(initial-events-end)@" + f.RV
	default:
		return f.Type + "@" + f.RV
	}
}

func (q request) isWatch() bool {
	w := q.Query.Get("watch")
	return w == "true" || w == "1"
}

// isList is a plain list: a GET of the collection that is not a watch.
func (q request) isList() bool { return q.Method == http.MethodGet && !q.isWatch() }

func (q request) String() string {
	s := q.Method + " " + q.Path
	if len(q.Query) > 0 {
		s += "?" + q.Query.Encode()
	}
	s += fmt.Sprintf(" -> %d", q.Status)
	if q.ListRV != "" {
		s += " list rv=" + q.ListRV
	}
	if len(q.Events) > 0 {
		s += fmt.Sprintf(" events=%v", q.Events)
	}
	if q.Held {
		s += " (held)"
	}
	return s
}

// recorder is an http.Handler that records the requests it passes to next, and
// can hold watch requests or the initial-events-end bookmark at a gate, so a
// test can order what the client sees against its own writes.
type recorder struct {
	next http.Handler

	mu       sync.Mutex
	reqs     []*request
	changed  chan struct{} // closed and replaced on every change
	watches  chan struct{} // non-nil: new watch requests wait until it closes
	bookmark chan struct{} // non-nil: initial-events-end bookmarks wait until it closes
	closed   chan struct{} // closed when the server shuts down: nothing waits any more
}

func newRecorder(next http.Handler) *recorder {
	return &recorder{next: next, changed: make(chan struct{}), closed: make(chan struct{})}
}

// update runs fn under the lock and wakes up waiters.
func (r *recorder) update(fn func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fn()
	close(r.changed)
	r.changed = make(chan struct{})
}

// shutdown releases every gate for good.
func (r *recorder) shutdown() {
	r.update(func() {
		select {
		case <-r.closed:
		default:
			close(r.closed)
		}
	})
}

// holdWatches makes watch requests that arrive from now on wait before reaching
// the server, until the returned release is called.
func (r *recorder) holdWatches() (release func()) { return r.holdGate(&r.watches) }

// holdInitialEventsEnd makes the initial-events-end bookmarks written from now
// on wait before reaching the client, until the returned release is called.
func (r *recorder) holdInitialEventsEnd() (release func()) { return r.holdGate(&r.bookmark) }

func (r *recorder) holdGate(g *chan struct{}) func() {
	ch := make(chan struct{})
	r.update(func() { *g = ch })
	var once sync.Once
	return func() {
		once.Do(func() {
			r.update(func() {
				close(ch)
				*g = nil
			})
		})
	}
}

// wait blocks at gate ch (if any) with q marked Held, until the gate opens,
// the request ends or the recorder shuts down.
func (r *recorder) wait(q *request, ch chan struct{}, req *http.Request) {
	if ch == nil {
		return
	}
	r.update(func() { q.Held = true })
	select {
	case <-ch:
	case <-req.Context().Done():
	case <-r.closed:
	}
	r.update(func() { q.Held = false })
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	q := &request{Method: req.Method, Path: req.URL.Path, Query: req.URL.Query(), Accept: req.Header.Get("Accept")}
	var gate chan struct{}
	r.update(func() {
		r.reqs = append(r.reqs, q)
		if q.isWatch() {
			gate = r.watches
		}
	})
	r.wait(q, gate, req)
	rw := &recWriter{ResponseWriter: w, rec: r, q: q, req: req, watch: q.isWatch()}
	defer func() {
		r.update(func() {
			q.Done = true
			if q.isList() && q.Status == http.StatusOK {
				var l struct {
					Metadata struct {
						ResourceVersion string `json:"resourceVersion"`
					} `json:"metadata"`
				}
				if json.Unmarshal(rw.body.Bytes(), &l) == nil {
					q.ListRV = l.Metadata.ResourceVersion
				}
			}
		})
	}()
	r.next.ServeHTTP(rw, req)
}

// requests returns a snapshot of the requests recorded so far whose path is
// path, or all of them when path is "".
func (r *recorder) requests(path string) []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []request
	for _, q := range r.reqs {
		if path == "" || q.Path == path {
			c := *q
			c.Events = slices.Clone(q.Events)
			out = append(out, c)
		}
	}
	return out
}

// waitFor waits until cond holds for the requests to path and returns them.
func (r *recorder) waitFor(t *testing.T, path, what string, cond func([]request) bool) []request {
	t.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		changed := r.changed
		r.mu.Unlock()
		reqs := r.requests(path)
		if cond(reqs) {
			return reqs
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("timed out after %v waiting for %s; requests to %s:\n%s", waitTimeout, what, path, dump(reqs))
		}
	}
}

func dump(reqs []request) string {
	var b strings.Builder
	for i, q := range reqs {
		fmt.Fprintf(&b, "  %d: %s\n", i, q)
	}
	return b.String()
}

// recWriter records what the handler writes: a list's body, a watch's events.
type recWriter struct {
	http.ResponseWriter
	rec   *recorder
	q     *request
	req   *http.Request
	watch bool
	body  bytes.Buffer // a list's body
	line  []byte       // a watch's partial event line
}

// maxListBody bounds the list body kept to read its resourceVersion.
const maxListBody = 8 << 20

func (w *recWriter) WriteHeader(code int) {
	w.rec.update(func() {
		if w.q.Status == 0 {
			w.q.Status = code
		}
	})
	w.ResponseWriter.WriteHeader(code)
}

func (w *recWriter) Write(b []byte) (int, error) {
	w.rec.update(func() {
		if w.q.Status == 0 {
			w.q.Status = http.StatusOK
		}
	})
	if !w.watch {
		if w.body.Len()+len(b) <= maxListBody {
			w.body.Write(b)
		}
		return w.ResponseWriter.Write(b)
	}
	// A watch: record each event when its line is complete, before the client
	// can read it, holding it at the bookmark gate if it is the end of the
	// initial events.
	n := 0
	for len(b) > 0 {
		seg := b
		i := bytes.IndexByte(b, '\n')
		if i >= 0 {
			seg = b[:i+1]
		}
		b = b[len(seg):]
		w.line = append(w.line, seg...)
		if i >= 0 {
			f := parseFrame(w.line)
			w.line = w.line[:0]
			var gate chan struct{}
			w.rec.update(func() {
				w.q.Events = append(w.q.Events, f)
				if f.InitialEventsEnd {
					gate = w.rec.bookmark
				}
			})
			w.rec.wait(w.q, gate, w.req)
		}
		m, err := w.ResponseWriter.Write(seg)
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func (w *recWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *recWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func parseFrame(line []byte) frame {
	var ev struct {
		Type   string `json:"type"`
		Object struct {
			Code     int `json:"code"`
			Metadata struct {
				ResourceVersion string            `json:"resourceVersion"`
				Annotations     map[string]string `json:"annotations"`
			} `json:"metadata"`
		} `json:"object"`
	}
	if err := json.Unmarshal(line, &ev); err != nil {
		return frame{Type: fmt.Sprintf("UNPARSABLE(%v: %q)", err, line)}
	}
	return frame{
		Type:             ev.Type,
		RV:               ev.Object.Metadata.ResourceVersion,
		InitialEventsEnd: ev.Type == "BOOKMARK" && ev.Object.Metadata.Annotations["k8s.io/initial-events-end"] == "true",
		Code:             ev.Object.Code,
	}
}
