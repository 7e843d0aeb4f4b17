package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/validation"
	"kctl.dev/kctl/fields"
	"kctl.dev/kctl/server/registry"
)

// bookmarkInterval is how often a watch that allows bookmarks gets one.
var bookmarkInterval = time.Minute

func (h *Handler) watch(w http.ResponseWriter, r *http.Request, store *registry.Store, t target) {
	out, err := negotiate(r.Header.Get("Accept"), true)
	if err != nil {
		writeStatus(w, err)
		return
	}
	if out.form == formYAML {
		out.form = formJSON // watch streams are JSON frames
	}
	q := r.URL.Query()
	if q.Get("sendInitialEvents") != "" {
		// Streaming lists are not served yet: 422 makes client-go fall back to
		// list + watch.
		writeStatus(w, apierrors.NewInvalid("meta.k8s.io", "ListOptions", "", validation.ErrorList{
			validation.Forbidden("sendInitialEvents", "sendInitialEvents is not supported by this server yet")}))
		return
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
		writeStatus(w, err)
		return
	}
	timeout, err := parseInt(q.Get("timeoutSeconds"), "timeoutSeconds")
	if err != nil {
		writeStatus(w, err)
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, time.Duration(timeout)*time.Second)
		defer cancel()
	}
	opts := registry.WatchOptions{Selection: sel, ResourceVersion: q.Get("resourceVersion")}
	if isTrue(q.Get("allowWatchBookmarks")) {
		opts.BookmarkInterval = bookmarkInterval
	}
	events, err := store.Watch(ctx, t.namespace, opts)
	if err != nil {
		writeStatus(w, err)
		return
	}
	flusher, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache, private")
	w.WriteHeader(http.StatusOK)
	if flusher != nil {
		flusher.Flush()
	}
	first := true
	var buf bytes.Buffer
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.done:
			return
		case ev, ok := <-events:
			if !ok {
				return
			}
			buf.Reset()
			if err := h.encodeEvent(&buf, r, out, t.kind, ev, first); err != nil {
				h.log.Error("encode watch event", "err", err)
				return
			}
			first = first && ev.Type == meta.Bookmark
			if _, err := w.Write(buf.Bytes()); err != nil {
				return
			}
			if flusher != nil {
				flusher.Flush()
			}
			if ev.Type == meta.Error {
				return
			}
		}
	}
}

// encodeEvent writes one {"type","object"} frame and a newline.
func (h *Handler) encodeEvent(buf *bytes.Buffer, r *http.Request, out output, k *registry.Kind, ev registry.WatchEvent, first bool) error {
	var obj []byte
	switch {
	case ev.Type == meta.Error:
		b, err := json.Marshal(ev.Err.Status)
		if err != nil {
			return err
		}
		obj = b
	case ev.Type == meta.Bookmark:
		obj = []byte(`{"kind":` + strconv.Quote(k.Kind) + `,"apiVersion":` + strconv.Quote(k.GroupVersion()) +
			`,"metadata":{"resourceVersion":"` + strconv.FormatInt(ev.Revision, 10) + `"}}`)
	case out.form == formTable:
		b, err := buildTable(r, out, k, []*registry.Object{ev.Object}, strconv.FormatInt(ev.Revision, 10), "", first)
		if err != nil {
			return err
		}
		obj = b
	default:
		obj = ev.Object.Raw
	}
	buf.WriteString(`{"type":`)
	buf.WriteString(strconv.Quote(ev.Type))
	buf.WriteString(`,"object":`)
	buf.Write(obj)
	buf.WriteString("}\n")
	return nil
}
