package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sync"

	"kctl.dev/kctl/api/meta"
)

// Event is one change seen by a Watch.
type Event[T any] struct {
	// Type is meta.Added, meta.Modified, meta.Deleted, meta.Bookmark or meta.Error.
	Type string
	// Object is the object (its last state for DELETED); for a BOOKMARK only
	// its resourceVersion (and annotations) are set; zero for ERROR.
	Object T
	// Status is the error the server sent in an ERROR event: 410 Expired
	// means the resourceVersion is too old, relist (errors.FromStatus turns it
	// into an error for errors.IsGone).
	Status *meta.Status
	// ResourceVersion is the object's resourceVersion (of a BOOKMARK too).
	ResourceVersion string
	// InitialEventsEnd marks the bookmark that ends the initial events of a
	// SendInitialEvents watch.
	InitialEventsEnd bool
}

// Watch is a stream of events. Next blocks for the next event and returns
// io.EOF when the server ended the stream cleanly (timeoutSeconds, server
// shutdown) or after Stop. Stop may be called from any goroutine, more than
// once; Next must be called from one goroutine at a time.
type Watch[T any] interface {
	Next() (Event[T], error)
	Stop()
}

// frameReader reads one raw watch event at a time.
type frameReader interface {
	next() (meta.WatchEvent, error)
	close()
}

// streamFrames decodes the chunked JSON stream incrementally: one JSON object
// per event, however the bytes are cut into chunks.
type streamFrames struct {
	body io.ReadCloser
	dec  *json.Decoder
}

func (s *streamFrames) next() (meta.WatchEvent, error) {
	var ev meta.WatchEvent
	err := s.dec.Decode(&ev)
	return ev, err
}

func (s *streamFrames) close() { s.body.Close() }

// watcher decodes frames into events of T: ERROR frames and the end of the
// stream itself, every other frame through decode (objects and Tables differ
// only there).
type watcher[T any] struct {
	frames   frameReader
	decode   func(meta.WatchEvent) (Event[T], error) // ADDED, MODIFIED, DELETED, BOOKMARK
	cancel   context.CancelFunc
	stopOnce sync.Once
	stopped  chan struct{}
}

func newWatcher[T any](frames frameReader, decode func(meta.WatchEvent) (Event[T], error), cancel context.CancelFunc) *watcher[T] {
	return &watcher[T]{frames: frames, decode: decode, cancel: cancel, stopped: make(chan struct{})}
}

// objectDecoder decodes a frame's object into a new value of elem (T's
// element type).
func objectDecoder[T meta.Object](elem reflect.Type) func(meta.WatchEvent) (Event[T], error) {
	return func(frame meta.WatchEvent) (Event[T], error) {
		var ev Event[T]
		obj := reflect.New(elem).Interface().(T)
		if err := json.Unmarshal(frame.Object, obj); err != nil {
			return ev, fmt.Errorf("client: watch: decode %s event: %w", frame.Type, err)
		}
		ev.Object = obj
		ev.ResourceVersion = obj.GetResourceVersion()
		if frame.Type == meta.Bookmark {
			ev.InitialEventsEnd = obj.GetAnnotations()[meta.InitialEventsEndAnnotation] == "true"
		}
		return ev, nil
	}
}

func (w *watcher[T]) Stop() {
	w.stopOnce.Do(func() {
		close(w.stopped)
		w.cancel()
		w.frames.close()
	})
}

func (w *watcher[T]) isStopped() bool {
	select {
	case <-w.stopped:
		return true
	default:
		return false
	}
}

func (w *watcher[T]) Next() (Event[T], error) {
	var ev Event[T]
	if w.isStopped() {
		return ev, io.EOF
	}
	frame, err := w.frames.next()
	if err != nil {
		if w.isStopped() || errors.Is(err, io.EOF) {
			return ev, io.EOF
		}
		return ev, fmt.Errorf("client: watch: %w", err)
	}
	ev.Type = frame.Type
	switch frame.Type {
	case meta.Error:
		var st meta.Status
		if err := json.Unmarshal(frame.Object, &st); err != nil {
			return ev, fmt.Errorf("client: watch: decode ERROR event: %w", err)
		}
		ev.Status = &st
		return ev, nil
	case meta.Added, meta.Modified, meta.Deleted, meta.Bookmark:
	default:
		return ev, fmt.Errorf("client: watch: unknown event type %q", frame.Type)
	}
	ev, err = w.decode(frame)
	ev.Type = frame.Type
	return ev, err
}

// Watch starts a watch of the objects opts selects, from opts.ResourceVersion
// (empty: the current state first, as ADDED events). A request the server
// refuses is returned as a *errors.StatusError; a resourceVersion too old for
// the server comes as an ERROR event with a 410 Status. The stream lasts until
// ctx ends, Stop, or the server's timeoutSeconds.
func (r *Resource[T]) Watch(ctx context.Context, opts ListOptions) (Watch[T], error) {
	q := opts.query()
	q.Set("watch", "true")
	if opts.SendInitialEvents && opts.ResourceVersionMatch == "" {
		q.Set("resourceVersionMatch", "NotOlderThan")
	}
	ctx, cancel := context.WithCancel(ctx)
	resp, err := r.c.Do(ctx, Request{Method: http.MethodGet, Path: r.path(r.namespace, ""), Query: q})
	if err != nil {
		cancel()
		return nil, err
	}
	frames := &streamFrames{body: resp.Body, dec: json.NewDecoder(resp.Body)}
	return newWatcher(frames, objectDecoder[T](r.elem), cancel), nil
}
