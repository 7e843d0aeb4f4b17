package rest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/websocket"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/validation"
	"kctl.dev/kctl/fields"
	"kctl.dev/kctl/server/registry"
	"kctl.dev/kctl/server/watchcache"
)

// watchOptions reads a watch request's query into cache options.
func watchOptions(r *http.Request, t target) (watchcache.WatchOptions, time.Duration, error) {
	var opts watchcache.WatchOptions
	q := r.URL.Query()
	match := q.Get("resourceVersionMatch")
	bookmarks := isTrue(q.Get("allowWatchBookmarks"))
	if v := q.Get("sendInitialEvents"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return opts, 0, apierrors.NewBadRequest(fmt.Sprintf("sendInitialEvents: invalid value %q", v))
		}
		var errs validation.ErrorList
		if match != "NotOlderThan" {
			errs = append(errs, validation.Forbidden("sendInitialEvents", "sendInitialEvents is forbidden for watch unless resourceVersionMatch is set to NotOlderThan"))
		}
		if b && !bookmarks {
			errs = append(errs, validation.Forbidden("allowWatchBookmarks", "allowWatchBookmarks must be set to true when sendInitialEvents is set to true"))
		}
		if len(errs) > 0 {
			return opts, 0, apierrors.NewInvalid("meta.k8s.io", "ListOptions", "", errs)
		}
		opts.SendInitialEvents = b
	} else if match != "" {
		return opts, 0, apierrors.NewInvalid("meta.k8s.io", "ListOptions", "", validation.ErrorList{
			validation.Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided")})
	}
	fieldSelector := q.Get("fieldSelector")
	if t.name != "" {
		// GET .../NAME?watch=true is the old form of a one-object watch.
		if fieldSelector != "" {
			fieldSelector += ","
		}
		fieldSelector += "metadata.name=" + fields.EscapeValue(t.name)
	}
	sel, err := registry.ParseSelection(t.kind, q.Get("labelSelector"), fieldSelector)
	if err != nil {
		return opts, 0, err
	}
	timeout, err := parseInt(q.Get("timeoutSeconds"), "timeoutSeconds")
	if err != nil {
		return opts, 0, err
	}
	opts.Selection = sel
	opts.ResourceVersion = q.Get("resourceVersion")
	opts.AllowBookmarks = bookmarks
	return opts, time.Duration(timeout) * time.Second, nil
}

// eventSink writes watch events: chunked HTTP lines or websocket messages.
// flush sends what was written; abort makes a blocked or later write fail at
// once (safe to call from another goroutine).
type eventSink interface {
	write(frame []byte) error
	flush()
	abort()
}

type httpSink struct {
	w       http.ResponseWriter
	flusher http.Flusher
}

func (s httpSink) abort() {
	_ = http.NewResponseController(s.w).SetWriteDeadline(time.Now())
}

func (s httpSink) write(frame []byte) error {
	_, err := s.w.Write(frame)
	return err
}

func (s httpSink) flush() {
	if s.flusher != nil {
		s.flusher.Flush()
	}
}

type wsSink struct{ conn *websocket.Conn }

func (wsSink) flush() {}

func (s wsSink) abort() { _ = s.conn.SetWriteDeadline(time.Now()) }

func (s wsSink) write(frame []byte) error {
	// One JSON event per message, without the line's newline.
	if n := len(frame); n > 0 && frame[n-1] == '\n' {
		frame = frame[:n-1]
	}
	return s.conn.WriteMessage(websocket.TextMessage, frame)
}

var upgrader = websocket.Upgrader{
	// Browsers on other origins may watch; authentication comes later and will
	// apply to the upgrade request like any other.
	CheckOrigin: func(*http.Request) bool { return true },
}

func (h *Handler) watch(w http.ResponseWriter, r *http.Request, t target) {
	out, err := negotiate(r.Header.Get("Accept"), true)
	if err != nil {
		writeStatus(w, err)
		return
	}
	if out.form == formYAML {
		out.form = formJSON // watch streams are JSON frames
	}
	opts, timeout, err := watchOptions(r, t)
	if err != nil {
		writeStatus(w, err)
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(h.lifetime, cancel) // server shutdown ends streams
	defer stop()
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
		opts.Deadline = time.Now().Add(timeout)
	}
	cw, werr := h.caches.For(t.kind).Watch(ctx, t.namespace, opts)
	if werr != nil && !apierrors.IsResourceExpired(werr) {
		writeStatus(w, werr)
		return
	}
	var sink eventSink
	if websocket.IsWebSocketUpgrade(r) {
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return // the upgrader has answered
		}
		defer func() {
			// End the stream with a normal close, so clients can tell it from a
			// dropped connection.
			msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
			_ = conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
			conn.Close()
		}()
		go func() { // read until the peer closes, then end the watch
			defer cancel()
			for {
				if _, _, err := conn.NextReader(); err != nil {
					return
				}
			}
		}()
		sink = wsSink{conn}
	} else {
		flusher, _ := w.(http.Flusher)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-cache, private")
		w.WriteHeader(http.StatusOK)
		if flusher != nil {
			flusher.Flush()
		}
		sink = httpSink{w, flusher}
	}
	if werr != nil {
		// A too old resourceVersion is one ERROR event in a 200 stream.
		_ = sink.write(errorFrame(werr))
		sink.flush()
		return
	}
	defer cw.Stop()
	// A handler blocked writing to a client that does not read would not see
	// the server's shutdown, nor the cache ending the watch: cut the write off.
	// (Not on timeoutSeconds: that end is clean, the stream's last chunk must go.)
	unblock := context.AfterFunc(h.lifetime, sink.abort)
	defer unblock()
	go func() {
		select {
		case <-cw.Ended():
			sink.abort()
		case <-ctx.Done():
		}
	}()
	first := true
	write := func(d watchcache.Delivery) bool {
		frame := d.Frame
		if out.form == formTable && d.Object != nil {
			var err error
			frame, err = tableFrame(r, out, t.kind, d, first)
			if err != nil {
				h.log.Error("encode watch event as a table", "err", err)
				return false
			}
			first = false
		}
		return sink.write(frame) == nil
	}
	for {
		d, ok := cw.Next(ctx)
		if !ok || !write(d) {
			return
		}
		// Write whatever else is ready, then flush once: a burst costs one
		// system call per watcher, not one per event.
		for range maxEventsPerFlush {
			d, ok := cw.TryNext()
			if !ok {
				break
			}
			if !write(d) {
				return
			}
		}
		sink.flush()
	}
}

// maxEventsPerFlush bounds how many ready events are written before a flush.
const maxEventsPerFlush = 64

// tableFrame encodes an event whose object is a one-row Table; only the first
// event of a watch carries the column definitions.
func tableFrame(r *http.Request, out output, k *registry.Kind, d watchcache.Delivery, withColumns bool) ([]byte, error) {
	t, err := buildTable(r, out, k, []*registry.Object{d.Object}, strconv.FormatInt(d.Revision, 10), "", withColumns)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, len(t)+32)
	b = append(b, `{"type":`...)
	b = strconv.AppendQuote(b, d.Type)
	b = append(b, `,"object":`...)
	b = append(b, t...)
	return append(b, "}\n"...), nil
}

func errorFrame(err error) []byte {
	st, _ := json.Marshal(statusError(err).Status)
	return append(append([]byte(`{"type":"ERROR","object":`), st...), "}\n"...)
}

// listFromCache answers a resourceVersion="0" list from the watch cache (limit
// is ignored there, as kube-apiserver does).
func (h *Handler) listFromCache(w http.ResponseWriter, r *http.Request, out output, t target, sel registry.Selection) {
	ctx, done := h.readContext(r)
	defer done()
	items, rev, err := h.caches.For(t.kind).List(ctx, t.namespace, sel)
	if err != nil {
		writeStatus(w, err)
		return
	}
	writeList(w, r, out, t.kind, &registry.ListResult{Items: items, Revision: rev})
}
