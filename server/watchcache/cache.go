package watchcache

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"kctl.dev/kctl/internal/wait"

	"github.com/google/btree"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/server/registry"
	"kctl.dev/kctl/server/storage"
)

// Config tunes a Cache. Zero values take the defaults.
type Config struct {
	// Capacity is how many recent events the ring keeps (default 10,000). A
	// watch from a resourceVersion older than the ring gets 410 Expired.
	Capacity int
	// WatcherBuffer is each watcher's buffer in events (default 100).
	WatcherBuffer int
	// DispatchBudget is how long dispatching one event may wait, in total, for
	// watchers with full buffers before closing them (default 100 ms).
	DispatchBudget time.Duration
	// BookmarkInterval is how often a watch that allows bookmarks gets one
	// (default 1 minute); one is also sent shortly before the watch's deadline.
	BookmarkInterval time.Duration
	// TooLargeWait is how long a watch for a resourceVersion the cache has not
	// reached waits before failing with 504 (default 3 s).
	TooLargeWait time.Duration
	// Logger receives the cache's logs (default slog.Default()).
	Logger *slog.Logger
}

func (c *Config) defaults() {
	if c.Capacity <= 0 {
		c.Capacity = 10_000
	}
	if c.WatcherBuffer <= 0 {
		c.WatcherBuffer = 100
	}
	if c.DispatchBudget <= 0 {
		c.DispatchBudget = 100 * time.Millisecond
	}
	if c.BookmarkInterval <= 0 {
		c.BookmarkInterval = time.Minute
	}
	if c.TooLargeWait <= 0 {
		c.TooLargeWait = 3 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Metrics are a cache's counters.
type Metrics struct {
	// Events is how many storage events the cache applied.
	Events atomic.Int64
	// Watchers is how many watchers are open now.
	Watchers atomic.Int64
	// SlowWatchersClosed counts watchers closed because they fell behind.
	SlowWatchersClosed atomic.Int64
	// Expired counts watches refused with 410 because their resourceVersion
	// was older than the ring.
	Expired atomic.Int64
}

// Cache is the watch cache of one kind.
type Cache struct {
	kind   *registry.Kind
	kv     storage.Interface
	prefix string
	cfg    Config
	log    *slog.Logger

	// Metrics can be read at any time.
	Metrics Metrics

	ready     chan struct{} // closed once the first list is loaded
	stop      context.CancelFunc
	done      chan struct{}
	progressC chan struct{} // asks run to request storage progress

	mu       sync.RWMutex
	changed  *sync.Cond // broadcast when rev advances
	state    *btree.BTreeG[*entry]
	ring     []*event // circular, cap cfg.Capacity
	head, n  int
	rev      int64 // every event up to rev has been applied
	floor    int64 // every event after floor is in the ring
	watchers map[*Watcher]struct{}
	err      error // set when the cache stopped for good
}

func lessEntry(a, b *entry) bool { return a.key < b.key }

// New starts the cache of k over kv. It loads in the background; reads wait for
// it. Stop ends it.
func New(k *registry.Kind, kv storage.Interface, cfg Config) *Cache {
	cfg.defaults()
	ctx, cancel := context.WithCancel(context.Background())
	c := &Cache{
		kind:      k,
		kv:        kv,
		prefix:    registry.KeyPrefix(k),
		cfg:       cfg,
		log:       cfg.Logger.With("resource", k.GroupResource()),
		ready:     make(chan struct{}),
		stop:      cancel,
		done:      make(chan struct{}),
		progressC: make(chan struct{}, 1),
		state:     btree.NewG(32, lessEntry),
		ring:      make([]*event, cfg.Capacity),
		watchers:  map[*Watcher]struct{}{},
	}
	c.changed = sync.NewCond(&c.mu)
	go c.run(ctx)
	return c
}

// Stop ends the cache and every watch on it, and waits for its goroutine.
func (c *Cache) Stop() {
	c.stop()
	<-c.done
}

// Revision returns the revision up to which the cache has applied every event.
func (c *Cache) Revision() int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.rev
}

func (c *Cache) waitReady(ctx context.Context) error {
	select {
	case <-c.ready:
		return nil
	case <-c.done:
		return apierrors.NewServiceUnavailable("the watch cache is stopped")
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run loads the state, then follows storage, until ctx ends. A broken storage
// watch is reloaded; watchers of the old stream are closed and resume.
func (c *Cache) run(ctx context.Context) {
	defer close(c.done)
	defer c.closeAll("the watch cache stopped")
	backoff := 100 * time.Millisecond
	first := true
	for ctx.Err() == nil {
		events, current, err := c.load(ctx)
		if err == nil && !c.catchUp(ctx, events, current) {
			err = fmt.Errorf("the storage watch of %s ended while replaying history", c.prefix)
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			c.log.Warn("watch cache load failed", "err", err)
			if !wait.Sleep(ctx, backoff) {
				return
			}
			backoff = min(2*backoff, 10*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
		if first {
			close(c.ready)
			first = false
		}
		c.follow(ctx, events)
	}
}

// load lists the prefix at the oldest revision storage still holds history
// for, and opens the storage watch from there: replaying that history fills the
// ring, so a watch from any resourceVersion storage could serve (one a client
// just got from a list, say) is served from the cache too. It returns the
// events and the revision that was current when loading started.
func (c *Cache) load(ctx context.Context) (<-chan storage.Event, int64, error) {
	current, err := c.kv.Revision(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("read revision: %w", err)
	}
	compacted, err := c.kv.CompactedRevision(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("read compacted revision: %w", err)
	}
	// An empty store has no history: list the latest (revision 0) and follow
	// from the revision that list read.
	var base int64
	if current > 0 {
		base = max(compacted, 1)
	}
	state := btree.NewG(32, lessEntry)
	opts := storage.ListOptions{Revision: base, Limit: 10_000}
	for {
		page, err := c.kv.List(ctx, c.prefix, opts)
		if err != nil {
			return nil, 0, fmt.Errorf("list %s at %d: %w", c.prefix, base, err)
		}
		base = page.Revision
		opts.Revision = page.Revision
		for _, kv := range page.KVs {
			state.ReplaceOrInsert(c.newEntry(kv.Key, kv.Value, kv.ModRevision))
		}
		if !page.More || len(page.KVs) == 0 {
			break
		}
		opts.StartKey = page.KVs[len(page.KVs)-1].Key + "\x00"
	}
	events, err := c.kv.Watch(ctx, c.prefix, base)
	if err != nil {
		return nil, 0, fmt.Errorf("watch %s from %d: %w", c.prefix, base, err)
	}
	c.mu.Lock()
	c.state = state
	c.head, c.n = 0, 0
	clear(c.ring)
	c.rev, c.floor = base, base
	c.changed.Broadcast()
	c.mu.Unlock()
	return events, current, nil
}

// catchUp applies the replayed history until the cache reaches rev (asking
// storage for progress, for a prefix whose last event is older). It reports
// false when the stream ended first.
func (c *Cache) catchUp(ctx context.Context, events <-chan storage.Event, rev int64) bool {
	if c.Revision() >= rev {
		return true
	}
	if err := c.kv.RequestProgress(ctx); err != nil {
		return false
	}
	for c.Revision() < rev {
		select {
		case <-ctx.Done():
			return false
		case ev, ok := <-events:
			if !ok || ev.Type == storage.EventError {
				return false
			}
			if ev.Type == storage.EventProgress {
				c.progress(ev.KV.ModRevision)
			} else {
				c.apply(ev)
			}
		}
	}
	return true
}

func (c *Cache) newEntry(key string, stored []byte, rev int64) *entry {
	rest := strings.TrimPrefix(key, c.prefix)
	ns := ""
	if c.kind.Namespaced {
		ns, _, _ = strings.Cut(rest, "/")
	}
	return &entry{key: key, ns: ns, obj: registry.ObjectFromStorage(stored, rev), attrs: &lazyAttributes{}}
}

// attributes returns what selections read from e, decoding it once.
func (c *Cache) attributes(e *entry) registry.Attributes {
	e.attrs.once.Do(func() {
		u, err := unstructured.Decode(e.obj.Raw)
		if err != nil {
			c.log.Error("undecodable object in storage", "key", e.key, "err", err)
			return
		}
		e.attrs.a = registry.AttributesOf(c.kind, u)
	})
	return e.attrs.a
}

// follow applies storage events until the stream ends.
func (c *Cache) follow(ctx context.Context, events <-chan storage.Event) {
	tick := time.NewTicker(c.bookmarkTick())
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			c.bookmarks(ctx)
		case <-c.progressC:
			if err := c.kv.RequestProgress(ctx); err != nil && ctx.Err() == nil {
				c.log.Warn("storage progress request failed", "err", err)
			}
		case ev, ok := <-events:
			if !ok {
				if ctx.Err() == nil {
					c.log.Warn("storage watch ended; reloading the watch cache")
					c.closeAll("the watch cache is reloading")
				}
				return
			}
			switch ev.Type {
			case storage.EventError:
				c.log.Warn("storage watch failed; reloading the watch cache", "err", ev.Err)
				c.closeAll("the watch cache is reloading")
				return
			case storage.EventProgress:
				c.progress(ev.KV.ModRevision)
			default:
				c.apply(ev)
			}
		}
	}
}

func (c *Cache) bookmarkTick() time.Duration {
	return min(c.cfg.BookmarkInterval/2, time.Second)
}

// progress records that every event up to rev has been applied.
func (c *Cache) progress(rev int64) {
	c.mu.Lock()
	if rev > c.rev {
		c.rev = rev
		c.changed.Broadcast()
	}
	c.mu.Unlock()
}

// apply records one storage event and dispatches it.
func (c *Cache) apply(sev storage.Event) {
	rev := sev.KV.ModRevision
	ev := &event{rev: rev}
	c.mu.Lock()
	old, hadOld := c.state.Get(&entry{key: sev.KV.Key})
	if sev.Type == storage.EventPut {
		ev.cur = c.newEntry(sev.KV.Key, sev.KV.Value, rev)
		c.state.ReplaceOrInsert(ev.cur)
	} else {
		c.state.Delete(&entry{key: sev.KV.Key})
	}
	if sev.PrevKV != nil {
		ev.prev = c.newEntry(sev.KV.Key, sev.PrevKV.Value, rev)
		if hadOld {
			ev.prev.shareAttributes(old)
		}
	}
	c.push(ev)
	c.rev = rev
	c.changed.Broadcast()
	watchers := c.snapshotWatchers()
	c.mu.Unlock()
	c.Metrics.Events.Add(1)
	c.dispatch(ev, watchers)
}

// push appends ev to the ring, evicting the oldest event when full.
func (c *Cache) push(ev *event) {
	size := len(c.ring)
	if c.n == size {
		c.floor = c.ring[c.head].rev
		c.ring[c.head] = ev
		c.head = (c.head + 1) % size
		return
	}
	c.ring[(c.head+c.n)%size] = ev
	c.n++
}

// since returns the ring's events after rev, oldest first. The caller holds mu
// and has checked rev >= c.floor.
func (c *Cache) since(rev int64) []*event {
	size := len(c.ring)
	// Events are in revision order: find the first after rev.
	lo, hi := 0, c.n
	for lo < hi {
		mid := (lo + hi) / 2
		if c.ring[(c.head+mid)%size].rev <= rev {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	out := make([]*event, 0, c.n-lo)
	for i := lo; i < c.n; i++ {
		out = append(out, c.ring[(c.head+i)%size])
	}
	return out
}

func (c *Cache) snapshotWatchers() []*Watcher {
	out := make([]*Watcher, 0, len(c.watchers))
	for w := range c.watchers {
		out = append(out, w)
	}
	return out
}

// closeAll ends every watcher; their clients resume from their last revision.
func (c *Cache) closeAll(reason string) {
	c.mu.Lock()
	watchers := c.snapshotWatchers()
	c.mu.Unlock()
	for _, w := range watchers {
		c.terminate(w, reason)
	}
}

// waitFor waits until the cache has applied every event up to rev, asking
// storage for progress so that an idle resource catches up, for at most
// TooLargeWait; then 504 with a ResourceVersionTooLarge cause.
func (c *Cache) waitFor(ctx context.Context, rev int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rev >= rev {
		return nil
	}
	c.requestProgress()
	deadline := time.Now().Add(c.cfg.TooLargeWait)
	stop := context.AfterFunc(ctx, func() { c.mu.Lock(); c.changed.Broadcast(); c.mu.Unlock() })
	defer stop()
	timer := time.AfterFunc(c.cfg.TooLargeWait, func() { c.mu.Lock(); c.changed.Broadcast(); c.mu.Unlock() })
	defer timer.Stop()
	for c.rev < rev {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !time.Now().Before(deadline) {
			return tooLarge(rev, c.rev)
		}
		c.changed.Wait()
	}
	return nil
}

// requestProgress asks run to request a storage progress notification.
func (c *Cache) requestProgress() {
	select {
	case c.progressC <- struct{}{}:
	default:
	}
}

// latest returns storage's current revision.
func (c *Cache) latest(ctx context.Context) (int64, error) {
	rev, err := c.kv.Revision(ctx)
	if err != nil {
		return 0, apierrors.NewInternalError(err)
	}
	return rev, nil
}
