package informer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/cache"
	"kctl.dev/kctl/client"
)

// Watch event types, as the server sends them.
const (
	eventAdded    = "ADDED"
	eventModified = "MODIFIED"
	eventDeleted  = "DELETED"
	eventBookmark = "BOOKMARK"
	eventError    = "ERROR"
)

// Defaults of the Reflector's fields.
const (
	DefaultPageSize        = 500
	DefaultMinWatchTimeout = 5 * time.Minute
	DefaultMaxWatchTimeout = 10 * time.Minute
	// minWatchDuration: a watch closed sooner than this without any event is
	// treated as a failure (backoff), not as a normal close.
	minWatchDuration = time.Second
)

// errShortWatch reports a watch that the server closed at once, without events.
var errShortWatch = errors.New("informer: watch closed immediately without events")

// errInitialEventsCut reports a WatchList stream that ended before the
// bookmark closing its initial events.
var errInitialEventsCut = errors.New("informer: watch ended before the initial events were complete")

// A Reflector keeps a Store in step with one collection on the server: it
// lists (or, with WatchList, streams the initial state), then watches from the
// list's resourceVersion, feeding every change to the Store in the order the
// server sent it.
//
//   - A watch closed normally, or cut by a broken connection, is reopened
//     from the last resourceVersion seen (an event's or a bookmark's): no
//     relist, nothing missed, nothing repeated.
//   - A 410 Gone/Expired (the server no longer has the history from that
//     resourceVersion) or another error reported by the server in the stream
//     leads to a relist, installed with Store.Replace.
//   - Connection failures, 429 and 5xx answers are retried after a jittered
//     exponential backoff (see Backoff), without relisting.
//
// Set the exported fields before Run; they must not change afterwards.
type Reflector[T meta.Object] struct {
	// LabelSelector and FieldSelector restrict the collection.
	LabelSelector, FieldSelector string
	// PageSize is the limit of each list page (DefaultPageSize).
	PageSize int64
	// WatchList streams the initial state with sendInitialEvents=true instead
	// of listing; when the server refuses it (422 Invalid) the Reflector falls
	// back to list + watch for good.
	WatchList bool
	// Backoff is the retry policy on errors.
	Backoff Backoff
	// MinWatchTimeout and MaxWatchTimeout bound the timeoutSeconds asked of
	// each watch, chosen at random in [Min, Max) so that many reflectors do
	// not reconnect together (DefaultMinWatchTimeout, DefaultMaxWatchTimeout).
	MinWatchTimeout, MaxWatchTimeout time.Duration
	// OnError, when set, is told of every list and watch failure (from the
	// Run goroutine; it must not block).
	OnError func(error)

	lw    ListerWatcher[T]
	store Store[T]

	// Owned by the Run goroutine.
	listed               bool // a first list has been installed
	rvUnusable           bool // lastRV is too old (or too new) to list or watch from
	lastQuickRelist      time.Time
	watchListUnsupported bool

	mu     sync.Mutex
	lastRV string

	lists, relists, watches, events, errs, watchListFallbacks atomic.Int64
}

// NewReflector returns a Reflector feeding store from lw.
func NewReflector[T meta.Object](lw ListerWatcher[T], store Store[T]) *Reflector[T] {
	return &Reflector[T]{lw: lw, store: store}
}

// LastSyncResourceVersion is the resourceVersion of the last list, event or
// bookmark applied to the Store ("" before the first list).
func (r *Reflector[T]) LastSyncResourceVersion() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastRV
}

func (r *Reflector[T]) setRV(rv string) {
	if rv == "" {
		return
	}
	r.mu.Lock()
	r.lastRV = rv
	r.mu.Unlock()
}

// Metrics returns a snapshot of the Reflector's counters.
func (r *Reflector[T]) Metrics() Metrics {
	return Metrics{
		Lists:               r.lists.Load(),
		Relists:             r.relists.Load(),
		Watches:             r.watches.Load(),
		Events:              r.events.Load(),
		Errors:              r.errs.Load(),
		WatchListFallbacks:  r.watchListFallbacks.Load(),
		LastResourceVersion: r.LastSyncResourceVersion(),
	}
}

// Run lists and watches until ctx ends. It never gives up: failures are
// retried with backoff. Call it once.
func (r *Reflector[T]) Run(ctx context.Context) {
	b := newBackoff(r.Backoff)
	needList := true
	for ctx.Err() == nil {
		var w client.Watch[T]
		if needList {
			var err error
			w, err = r.sync(ctx)
			if err != nil {
				if !r.failed(ctx, b, err) {
					return
				}
				continue
			}
			needList = false
		}
		if w == nil {
			var err error
			r.watches.Add(1)
			w, err = r.lw.Watch(ctx, r.watchOptions())
			if err != nil {
				needList = needsRelist(err)
				if !r.failed(ctx, b, err) {
					return
				}
				continue
			}
		}
		err := r.consume(ctx, w)
		if err == nil || ctx.Err() != nil {
			continue // a normal close: watch again from the last resourceVersion
		}
		needList = needsRelist(err)
		if !r.failed(ctx, b, err) {
			return
		}
	}
}

// failed reports err and waits out the backoff; false when ctx ended.
func (r *Reflector[T]) failed(ctx context.Context, b *backoff, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	unusable := apierrors.IsGone(err) || apierrors.IsResourceExpired(err) || apierrors.IsResourceVersionTooLarge(err)
	if unusable {
		r.rvUnusable = true
	}
	r.errs.Add(1)
	if r.OnError != nil {
		r.OnError(err)
	}
	if unusable && time.Since(r.lastQuickRelist) >= b.ResetAfter {
		// The server answered, and said exactly what to do: list its
		// latest state. Do it now rather than after a delay grown during
		// an outage that just ended, but only once per ResetAfter, so a
		// server that keeps answering so cannot make the reflector spin.
		r.lastQuickRelist = time.Now()
		return true
	}
	return b.wait(ctx)
}

// needsRelist tells whether after err the store must be rebuilt by a list, or
// the watch can simply be reopened from the last resourceVersion.
func needsRelist(err error) bool {
	var se *apierrors.StatusError
	if !errors.As(err, &se) {
		// A broken connection, a refused one, a normal short close: the
		// history is still on the server.
		return false
	}
	switch code := apierrors.CodeFor(err); {
	case apierrors.IsResourceVersionTooLarge(err):
		// A server that restarted without its history is behind the
		// resourceVersion: the store must be rebuilt from what it has.
		return true
	case code == http.StatusTooManyRequests, code >= 500:
		return false
	default:
		return true // 410 Gone/Expired, and anything else the server refuses
	}
}

// sync installs the collection's full content in the store: by WatchList
// (returning the stream, which goes on with live events) or by list.
func (r *Reflector[T]) sync(ctx context.Context) (client.Watch[T], error) {
	if r.WatchList && !r.watchListUnsupported {
		w, err := r.watchList(ctx)
		if err == nil {
			return w, nil
		}
		if !apierrors.IsInvalid(err) {
			return nil, err
		}
		// The server does not support streaming lists: list from now on.
		r.watchListUnsupported = true
		r.watchListFallbacks.Add(1)
	}
	return nil, r.list(ctx)
}

func (r *Reflector[T]) baseOptions() client.ListOptions {
	return client.ListOptions{LabelSelector: r.LabelSelector, FieldSelector: r.FieldSelector}
}

func (r *Reflector[T]) watchOptions() client.ListOptions {
	opts := r.baseOptions()
	opts.ResourceVersion = r.LastSyncResourceVersion()
	opts.AllowWatchBookmarks = true
	opts.TimeoutSeconds = r.watchTimeoutSeconds()
	return opts
}

func (r *Reflector[T]) watchTimeoutSeconds() int64 {
	lo, hi := r.MinWatchTimeout, r.MaxWatchTimeout
	if lo <= 0 {
		lo = DefaultMinWatchTimeout
	}
	if hi <= lo {
		hi = max(lo, DefaultMaxWatchTimeout)
	}
	d := lo
	if hi > lo {
		d += rand.N(hi - lo)
	}
	return max(int64(d/time.Second), 1)
}

// list lists the collection and replaces the store's content. The first list
// asks for resourceVersion "0" (the server's cache) in pages; a relist asks
// for the last resourceVersion seen, unpaged, or for the latest state in
// pages when that resourceVersion is too old.
func (r *Reflector[T]) list(ctx context.Context) error {
	var (
		items []T
		rv    string
		err   error
	)
	switch {
	case !r.listed:
		items, rv, err = r.listPages(ctx, "0", r.pageSize())
	case r.rvUnusable || r.LastSyncResourceVersion() == "":
		items, rv, err = r.listPages(ctx, "", r.pageSize())
	default:
		items, rv, err = r.listPages(ctx, r.LastSyncResourceVersion(), 0)
		if err != nil && (apierrors.IsGone(err) || apierrors.IsResourceExpired(err) || apierrors.IsResourceVersionTooLarge(err)) {
			items, rv, err = r.listPages(ctx, "", r.pageSize())
		}
	}
	if err != nil {
		return err
	}
	r.install(items, rv)
	return nil
}

func (r *Reflector[T]) pageSize() int64 {
	if r.PageSize > 0 {
		return r.PageSize
	}
	return DefaultPageSize
}

// listPages follows continue tokens until the list is complete. An expired
// continue token restarts the list once, unpaged, at the latest state.
func (r *Reflector[T]) listPages(ctx context.Context, rv string, limit int64) ([]T, string, error) {
	opts := r.baseOptions()
	opts.ResourceVersion, opts.Limit = rv, limit
	var items []T
	for {
		l, err := r.lw.List(ctx, opts)
		if err != nil {
			if opts.Continue != "" && (apierrors.IsGone(err) || apierrors.IsResourceExpired(err)) {
				return r.listPages(ctx, "", 0)
			}
			return nil, "", err
		}
		items = append(items, l.Items...)
		if l.ListMeta.Continue == "" {
			return items, l.ListMeta.ResourceVersion, nil
		}
		opts.Continue, opts.ResourceVersion = l.ListMeta.Continue, ""
	}
}

// install hands a complete content to the store.
func (r *Reflector[T]) install(items []T, rv string) {
	r.store.Replace(items, rv)
	r.setRV(rv)
	r.rvUnusable = false
	r.lists.Add(1)
	if r.listed {
		r.relists.Add(1)
	}
	r.listed = true
}

// watchList opens a watch with sendInitialEvents=true, gathers the initial
// events aside and, at the bookmark that ends them, replaces the store's
// content in one step. It returns the stream, positioned after that bookmark.
func (r *Reflector[T]) watchList(ctx context.Context) (client.Watch[T], error) {
	opts := r.baseOptions()
	opts.SendInitialEvents = true
	opts.ResourceVersionMatch = "NotOlderThan"
	opts.AllowWatchBookmarks = true
	opts.TimeoutSeconds = r.watchTimeoutSeconds()
	if r.listed && !r.rvUnusable {
		opts.ResourceVersion = r.LastSyncResourceVersion()
	}
	r.watches.Add(1)
	w, err := r.lw.Watch(ctx, opts)
	if err != nil {
		return nil, err
	}
	w = &stopOnce[T]{Watch: w}
	stop := context.AfterFunc(ctx, w.Stop)
	defer stop()

	initial := make(map[string]T)
	var order []string
	for {
		e, err := w.Next()
		if err != nil {
			w.Stop()
			if errors.Is(err, io.EOF) {
				return nil, errInitialEventsCut
			}
			return nil, err
		}
		r.events.Add(1)
		switch e.Type {
		case eventAdded, eventModified:
			key := cache.KeyOf(e.Object)
			if _, ok := initial[key]; !ok {
				order = append(order, key)
			}
			initial[key] = e.Object
		case eventDeleted:
			delete(initial, cache.KeyOf(e.Object))
		case eventBookmark:
			if !e.InitialEventsEnd {
				continue
			}
			items := make([]T, 0, len(initial))
			for _, key := range order {
				if obj, ok := initial[key]; ok {
					items = append(items, obj)
				}
			}
			r.install(items, bookmarkRV(e))
			return w, nil
		case eventError:
			w.Stop()
			return nil, statusError(e.Status)
		}
	}
}

// consume applies a watch's events to the store until the stream ends. It
// returns nil for a normal close, the server's error for an ERROR event, and
// the transport's error for a broken stream.
func (r *Reflector[T]) consume(ctx context.Context, w client.Watch[T]) error {
	w = &stopOnce[T]{Watch: w}
	defer w.Stop()
	stop := context.AfterFunc(ctx, w.Stop)
	defer stop()
	start, n := time.Now(), 0
	for {
		e, err := w.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				if n == 0 && time.Since(start) < minWatchDuration {
					return errShortWatch
				}
				return nil
			}
			return err
		}
		n++
		r.events.Add(1)
		switch e.Type {
		case eventAdded:
			r.store.Added(e.Object)
			r.setRV(e.Object.GetResourceVersion())
		case eventModified:
			r.store.Modified(e.Object)
			r.setRV(e.Object.GetResourceVersion())
		case eventDeleted:
			r.store.Deleted(e.Object)
			r.setRV(e.Object.GetResourceVersion())
		case eventBookmark:
			r.setRV(bookmarkRV(e))
		case eventError:
			return statusError(e.Status)
		default:
			return fmt.Errorf("informer: unknown watch event type %q", e.Type)
		}
	}
}

func bookmarkRV[T meta.Object](e client.Event[T]) string {
	if e.ResourceVersion != "" {
		return e.ResourceVersion
	}
	if isNil(e.Object) {
		return ""
	}
	return e.Object.GetResourceVersion()
}

// isNil reports whether obj holds no object (a nil pointer or map, or a nil
// interface).
func isNil(obj any) bool {
	v := reflect.ValueOf(obj)
	if !v.IsValid() {
		return true
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Interface, reflect.Slice:
		return v.IsNil()
	}
	return false
}

func statusError(s *meta.Status) error {
	if s == nil {
		return apierrors.NewInternalError(errors.New("watch ERROR event without a status"))
	}
	return apierrors.FromStatus(*s)
}

// stopOnce makes Stop idempotent, as both the reader and a context's end may
// call it.
type stopOnce[T meta.Object] struct {
	client.Watch[T]
	once sync.Once
}

func (s *stopOnce[T]) Stop() { s.once.Do(s.Watch.Stop) }
