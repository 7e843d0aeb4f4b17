package watchcache

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/server/registry"
)

// WatchOptions shape a Watch, as the query parameters of the same names.
type WatchOptions struct {
	registry.Selection
	// ResourceVersion: "" starts now; "0" first sends the current state as
	// ADDED; R sends every change after R (410 Expired when R is older than
	// the ring).
	ResourceVersion string
	// SendInitialEvents sends the current state as ADDED (at a revision not
	// older than ResourceVersion; the latest when it is ""), then a BOOKMARK
	// annotated k8s.io/initial-events-end, then live events.
	SendInitialEvents bool
	// AllowBookmarks asks for periodic BOOKMARK events.
	AllowBookmarks bool
	// Deadline, when set, is when the watch will end: one last bookmark is sent
	// shortly before it.
	Deadline time.Time
}

// Watcher is one open watch. Read it with Next; Stop it when done.
type Watcher struct {
	c         *Cache
	ns        string
	sel       registry.Selection
	startRev  int64
	initial   []Delivery // replayed or synthetic events, sent before live ones
	endMarker bool       // send the initial-events-end bookmark after initial
	bookmarks bool
	deadline  time.Time

	ch       chan Delivery
	stopped  chan struct{}
	stopOnce sync.Once
	ended    chan struct{} // closed when the cache ends the watch

	// Owned by the cache's goroutine.
	lastBookmark time.Time
	finalSent    bool
	closed       bool
	reason       string
}

// Watch opens a watch of namespace ns ("" for all).
func (c *Cache) Watch(ctx context.Context, ns string, opts WatchOptions) (*Watcher, error) {
	if err := c.waitReady(ctx); err != nil {
		return nil, err
	}
	var want int64
	var err error
	switch {
	case opts.ResourceVersion != "" && opts.ResourceVersion != "0":
		want, err = strconv.ParseInt(opts.ResourceVersion, 10, 64)
		if err != nil || want < 0 {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("invalid resource version %q", opts.ResourceVersion))
		}
	case opts.ResourceVersion == "":
		// "Now" is storage's revision: the cache must have caught up with
		// every write that returned before this watch.
		if want, err = c.latest(ctx); err != nil {
			return nil, err
		}
	}
	if want > 0 {
		if err := c.waitFor(ctx, want); err != nil {
			return nil, err
		}
	}
	w := &Watcher{
		c:         c,
		ns:        ns,
		sel:       opts.Selection,
		bookmarks: opts.AllowBookmarks,
		deadline:  opts.Deadline,
		ch:        make(chan Delivery, c.cfg.WatcherBuffer),
		stopped:   make(chan struct{}),
		ended:     make(chan struct{}),
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	w.lastBookmark = time.Now()
	switch {
	case opts.SendInitialEvents || opts.ResourceVersion == "0":
		w.startRev = c.rev
		for _, e := range c.snapshot(ns, opts.Selection) {
			w.initial = append(w.initial, Delivery{Type: meta.Added, Object: e.obj, Revision: e.obj.Revision})
		}
		w.endMarker = opts.SendInitialEvents
	case opts.ResourceVersion == "":
		w.startRev = c.rev
	default: // want was parsed above
		if want < c.floor {
			c.Metrics.Expired.Add(1)
			return nil, apierrors.NewResourceExpired(fmt.Sprintf("too old resource version: %d (%d)", want, c.floor))
		}
		// Replay what the ring holds after want; the watcher then takes live
		// events after the cache's current revision.
		for _, ev := range c.since(want) {
			if d, ok := w.deliveryFor(ev); ok {
				w.initial = append(w.initial, d)
			}
		}
		w.startRev = c.rev
	}
	c.watchers[w] = struct{}{}
	c.Metrics.Watchers.Add(1)
	return w, nil
}

// snapshot returns the current objects of ns selected by sel, in key order.
// The caller holds mu.
func (c *Cache) snapshot(ns string, sel registry.Selection) []*entry {
	var out []*entry
	prefix := c.prefix
	if ns != "" && c.kind.Namespaced {
		prefix += ns + "/"
	}
	c.state.AscendGreaterOrEqual(&entry{key: prefix}, func(e *entry) bool {
		if len(e.key) < len(prefix) || e.key[:len(prefix)] != prefix {
			return false
		}
		if sel.Empty() || sel.MatchesAttributes(c.attributes(e)) {
			out = append(out, e)
		}
		return true
	})
	return out
}

// Next returns the next event to send. ok is false when the watch has ended:
// ctx is done, Stop was called, or the cache closed it (slow, or reloading).
func (w *Watcher) Next(ctx context.Context) (Delivery, bool) {
	if len(w.initial) > 0 {
		d := w.initial[0]
		w.initial[0] = Delivery{}
		w.initial = w.initial[1:]
		if d.Frame == nil { // a synthetic ADDED of the current state
			d.Frame = encodeFrame(d.Type, d.Object.Raw)
		}
		return d, true
	}
	if w.endMarker {
		w.endMarker = false
		return Delivery{Type: meta.Bookmark, Frame: bookmarkFrame(w.c.kind, w.startRev, true), Revision: w.startRev}, true
	}
	select {
	case d, ok := <-w.ch:
		return d, ok
	case <-ctx.Done():
		return Delivery{}, false
	case <-w.stopped:
		return Delivery{}, false
	}
}

// TryNext returns the next event if one is ready now, without waiting: callers
// write every ready event before flushing once.
func (w *Watcher) TryNext() (Delivery, bool) {
	if len(w.initial) > 0 || w.endMarker {
		return w.Next(context.Background())
	}
	select {
	case d, ok := <-w.ch:
		return d, ok
	default:
		return Delivery{}, false
	}
}

// Ended is closed when the cache ends the watch (it fell behind, or the cache
// stopped): a writer blocked on a client that does not read should give up.
func (w *Watcher) Ended() <-chan struct{} { return w.ended }

// Reason says why the cache ended the watch ("" when it did not).
func (w *Watcher) Reason() string {
	w.c.mu.RLock()
	defer w.c.mu.RUnlock()
	return w.reason
}

// Stop ends the watch and releases it.
func (w *Watcher) Stop() {
	w.stopOnce.Do(func() {
		close(w.stopped)
		w.c.mu.Lock()
		if _, ok := w.c.watchers[w]; ok {
			delete(w.c.watchers, w)
			w.c.Metrics.Watchers.Add(-1)
		}
		w.c.mu.Unlock()
	})
}

// deliveryFor decides what ev looks like to w: an object entering its
// selection is ADDED, one leaving it DELETED (its last state at ev's revision).
func (w *Watcher) deliveryFor(ev *event) (Delivery, bool) {
	in := func(e *entry) bool {
		if e == nil || (w.ns != "" && e.ns != w.ns) {
			return false
		}
		return w.sel.Empty() || w.sel.MatchesAttributes(w.c.attributes(e))
	}
	curIn, prevIn := in(ev.cur), in(ev.prev)
	var typ string
	var obj *registry.Object
	switch {
	case curIn && prevIn:
		typ, obj = meta.Modified, ev.cur.obj
	case curIn:
		typ, obj = meta.Added, ev.cur.obj
	case prevIn:
		typ, obj = meta.Deleted, ev.prev.obj
	default:
		return Delivery{}, false
	}
	return Delivery{Type: typ, Frame: ev.frame(typ, obj), Object: obj, Revision: ev.rev}, true
}

// dispatch hands ev to every watcher that sees it. A watcher whose buffer is
// full gets what remains of the dispatch budget; if it is still full then, it is
// closed.
func (c *Cache) dispatch(ev *event, watchers []*Watcher) {
	var budget time.Duration = c.cfg.DispatchBudget
	for _, w := range watchers {
		if ev.rev <= w.startRev {
			continue
		}
		d, ok := w.deliveryFor(ev)
		if !ok {
			continue
		}
		budget = c.send(w, d, budget)
	}
}

// send delivers d to w, waiting at most budget when its buffer is full; it
// returns the budget left.
func (c *Cache) send(w *Watcher, d Delivery, budget time.Duration) time.Duration {
	if w.closed {
		return budget
	}
	select {
	case w.ch <- d:
		return budget
	case <-w.stopped:
		return budget
	default:
	}
	if budget > 0 {
		start := time.Now()
		t := time.NewTimer(budget)
		defer t.Stop()
		select {
		case w.ch <- d:
			return budget - time.Since(start)
		case <-w.stopped:
			return budget - time.Since(start)
		case <-t.C:
		}
		budget = 0
	}
	c.Metrics.SlowWatchersClosed.Add(1)
	c.log.Warn("closing a watcher that fell behind", "buffer", cap(w.ch), "revision", d.Revision)
	c.terminate(w, "the watcher fell behind")
	return budget
}

// terminate closes w from the cache's side: its Next returns false once the
// buffered events are read.
func (c *Cache) terminate(w *Watcher, reason string) {
	c.mu.Lock()
	if w.closed {
		c.mu.Unlock()
		return
	}
	w.closed = true
	w.reason = reason
	if _, ok := c.watchers[w]; ok {
		delete(c.watchers, w)
		c.Metrics.Watchers.Add(-1)
	}
	c.mu.Unlock()
	close(w.ch)
	close(w.ended)
}

// bookmarks sends a BOOKMARK at the cache's revision to every watcher that
// allows them and is due: one interval after the last, or shortly before its
// deadline. It also asks storage for progress, so the next ones are fresh.
func (c *Cache) bookmarks(ctx context.Context) {
	now := time.Now()
	c.mu.RLock()
	rev := c.rev
	var due []*Watcher
	for w := range c.watchers {
		if !w.bookmarks || w.closed {
			continue
		}
		final := !w.deadline.IsZero() && !w.finalSent && w.deadline.Sub(now) <= 2*c.bookmarkTick()
		if final || now.Sub(w.lastBookmark) >= c.cfg.BookmarkInterval {
			due = append(due, w)
		}
	}
	any := len(c.watchers) > 0
	c.mu.RUnlock()
	if any {
		if err := c.kv.RequestProgress(ctx); err != nil && ctx.Err() == nil {
			c.log.Warn("storage progress request failed", "err", err)
		}
	}
	frame := bookmarkFrame(c.kind, rev, false)
	for _, w := range due {
		if !w.deadline.IsZero() && w.deadline.Sub(now) <= 2*c.bookmarkTick() {
			w.finalSent = true
		}
		w.lastBookmark = now
		select {
		case w.ch <- Delivery{Type: meta.Bookmark, Frame: frame, Revision: rev}:
		default: // a full buffer has events that carry progress already
		}
	}
}

// List returns the current objects of ns selected by sel, in key order, and the
// revision they are at (resourceVersion="0" lists).
func (c *Cache) List(ctx context.Context, ns string, sel registry.Selection) ([]*registry.Object, int64, error) {
	if err := c.waitReady(ctx); err != nil {
		return nil, 0, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	entries := c.snapshot(ns, sel)
	out := make([]*registry.Object, len(entries))
	for i, e := range entries {
		out[i] = e.obj
	}
	return out, c.rev, nil
}

func tooLarge(want, have int64) error {
	e := apierrors.NewTimeout(fmt.Sprintf("Too large resource version: %d, current: %d", want, have), 1)
	e.Status.Details.Causes = []meta.StatusCause{{Type: meta.CauseTypeResourceVersionTooLarge, Message: "Too large resource version"}}
	return e
}
