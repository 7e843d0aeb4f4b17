package informer

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/cache"
)

// ErrStopped is the error AddEventHandler gives once the informer has stopped.
var ErrStopped = errors.New("informer: stopped")

// ErrUnknownHandler is the error RemoveEventHandler gives for a registration
// that is not (or no longer) on the informer.
var ErrUnknownHandler = errors.New("informer: unknown handler registration")

// Options shape an Informer. The zero value lists and watches everything,
// with no resync and no transform.
type Options[T meta.Object] struct {
	// LabelSelector and FieldSelector restrict what is cached.
	LabelSelector, FieldSelector string
	// Indexers are added to the cache's built-in namespace and label indexes.
	Indexers cache.Indexers[T]
	// ResyncPeriod, when positive, re-delivers every cached object to every
	// handler as OnUpdate(obj, obj) that often, without contacting the server.
	ResyncPeriod time.Duration
	// Transform, when set, is applied to every object before it is cached and
	// handed to handlers (to drop managedFields, say). It may modify the
	// object in place and return it, must be idempotent and must not block.
	Transform func(T) T
	// WatchList streams the initial state (sendInitialEvents=true) instead of
	// listing, and falls back to list + watch on servers that refuse it.
	WatchList bool
	// PageSize is the page size of lists (DefaultPageSize).
	PageSize int64
	// Backoff is the retry policy of list and watch failures.
	Backoff Backoff
	// MinWatchTimeout and MaxWatchTimeout bound each watch's randomized
	// timeoutSeconds (5 to 10 minutes).
	MinWatchTimeout, MaxWatchTimeout time.Duration
	// OnWatchError, when set, is told of every list and watch failure. It is
	// called from the reflector's goroutine and must not block.
	OnWatchError func(error)
}

type state uint8

const (
	stateNew state = iota
	stateRunning
	stateStopped
)

// Informer keeps a local cache of one collection in step with the server and
// tells handlers of its changes. Create it with New, add handlers, then Run
// it; handlers may also be added and removed while it runs. It is safe for
// concurrent use.
type Informer[T meta.Object] struct {
	opts      Options[T]
	indexer   *cache.Indexer[T]
	reflector *Reflector[T]
	synced    atomic.Bool

	// mu orders cache changes with the handler set: a change is applied to
	// the cache and queued to the handlers under mu, so a handler added at
	// any moment sees the cache's state and then every later change.
	mu        sync.Mutex
	state     state
	runCtx    context.Context
	listeners []*listener[T]
	wg        sync.WaitGroup // listener and resync goroutines
}

// New returns an informer of the collection lw lists and watches.
func New[T meta.Object](lw ListerWatcher[T], opts Options[T]) *Informer[T] {
	inf := &Informer[T]{opts: opts, indexer: cache.NewIndexer[T](opts.Indexers)}
	r := NewReflector[T](lw, informerStore[T]{inf})
	r.LabelSelector, r.FieldSelector = opts.LabelSelector, opts.FieldSelector
	r.WatchList, r.PageSize, r.Backoff = opts.WatchList, opts.PageSize, opts.Backoff
	r.MinWatchTimeout, r.MaxWatchTimeout = opts.MinWatchTimeout, opts.MaxWatchTimeout
	r.OnError = opts.OnWatchError
	inf.reflector = r
	return inf
}

// Run fills the cache and keeps it current until ctx ends, then stops the
// handlers' goroutines and returns once they have all returned (a handler
// busy in a call is waited for; its queued notifications are dropped). Call
// Run once; later calls return at once.
func (inf *Informer[T]) Run(ctx context.Context) {
	inf.mu.Lock()
	if inf.state != stateNew {
		inf.mu.Unlock()
		return
	}
	inf.state, inf.runCtx = stateRunning, ctx
	for _, l := range inf.listeners {
		inf.startListener(l)
	}
	if inf.opts.ResyncPeriod > 0 {
		inf.wg.Add(1)
		go inf.resyncLoop(ctx)
	}
	inf.mu.Unlock()

	inf.reflector.Run(ctx)

	inf.mu.Lock()
	inf.state = stateStopped
	inf.mu.Unlock()
	inf.wg.Wait()
}

// startListener starts l's goroutine; inf.mu held, state running.
func (inf *Informer[T]) startListener(l *listener[T]) {
	inf.wg.Add(1)
	go func() {
		defer inf.wg.Done()
		l.run(inf.runCtx)
	}()
}

// AddEventHandler adds h. Added before Run, h gets the first list as adds
// with isInInitialList=true; added later, it first gets the cache's current
// content that way (a private replay), then every later change. It fails
// with ErrStopped once the informer has stopped.
func (inf *Informer[T]) AddEventHandler(h Handler[T]) (Registration, error) {
	inf.mu.Lock()
	defer inf.mu.Unlock()
	if inf.state == stateStopped {
		return nil, ErrStopped
	}
	l := newListener(inf, h)
	if inf.synced.Load() {
		for _, obj := range inf.indexer.List() {
			l.enqueue(notification[T]{kind: notifyAdd, new: obj, initial: true})
		}
		l.initialQueued.Store(true)
	}
	inf.listeners = append(inf.listeners, l)
	if inf.state == stateRunning {
		inf.startListener(l)
	}
	return l, nil
}

// RemoveEventHandler removes a handler: it gets no call after its current
// one (if any) returns. It may be called from within the handler.
func (inf *Informer[T]) RemoveEventHandler(reg Registration) error {
	l, ok := reg.(*listener[T])
	if !ok || l.inf != inf {
		return ErrUnknownHandler
	}
	inf.mu.Lock()
	defer inf.mu.Unlock()
	i := slices.Index(inf.listeners, l)
	if i < 0 {
		return ErrUnknownHandler
	}
	inf.listeners = slices.Delete(inf.listeners, i, i+1)
	l.remove()
	return nil
}

// HasSynced reports whether the first list is in the cache. Handlers may not
// have seen it yet: see Registration.HasSynced.
func (inf *Informer[T]) HasSynced() bool { return inf.synced.Load() }

// Lister returns a read-only view of the cache.
func (inf *Informer[T]) Lister() cache.Lister[T] { return cache.NewLister(inf.indexer) }

// Indexer returns the cache itself. Read it and add indexes to it
// (AddIndexers) freely; writing objects to it desyncs it from the server and
// from the handlers.
func (inf *Informer[T]) Indexer() *cache.Indexer[T] { return inf.indexer }

// LastSyncResourceVersion is the resourceVersion the cache is at: that of the
// last list, event or bookmark applied ("" before the first list).
func (inf *Informer[T]) LastSyncResourceVersion() string {
	return inf.reflector.LastSyncResourceVersion()
}

// Metrics returns a snapshot of the informer's counters.
func (inf *Informer[T]) Metrics() Metrics {
	m := inf.reflector.Metrics()
	inf.mu.Lock()
	for _, l := range inf.listeners {
		m.Pending += int64(l.pending())
	}
	inf.mu.Unlock()
	return m
}

// WaitForCacheSync waits until every function reports true (informers' or
// registrations' HasSynced), and reports whether they did before ctx ended.
func WaitForCacheSync(ctx context.Context, synced ...func() bool) bool {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		done := true
		for _, f := range synced {
			if !f() {
				done = false
				break
			}
		}
		if done {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
	}
}

// notifyAll queues n to every handler; inf.mu held.
func (inf *Informer[T]) notifyAll(n notification[T]) {
	for _, l := range inf.listeners {
		l.enqueue(n)
	}
}

func (inf *Informer[T]) transform(obj T) T {
	if inf.opts.Transform != nil {
		return inf.opts.Transform(obj)
	}
	return obj
}

// resyncLoop re-delivers the cache to every handler each ResyncPeriod.
func (inf *Informer[T]) resyncLoop(ctx context.Context) {
	defer inf.wg.Done()
	t := time.NewTicker(inf.opts.ResyncPeriod)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if !inf.synced.Load() {
			continue
		}
		inf.mu.Lock()
		for _, obj := range inf.indexer.List() {
			inf.notifyAll(notification[T]{kind: notifyUpdate, old: obj, new: obj})
		}
		inf.mu.Unlock()
	}
}

// informerStore applies what the reflector observes to the cache, then queues
// the matching notifications.
type informerStore[T meta.Object] struct{ inf *Informer[T] }

// Replace swaps the cache's content and tells handlers the difference:
// deletes first (with tombstones: their final state is unknown), then adds,
// then updates. An object found under the same key with another uid was
// deleted and recreated: it is told as a delete and an add, never an update.
func (s informerStore[T]) Replace(items []T, _ string) {
	inf := s.inf
	for i := range items {
		items[i] = inf.transform(items[i])
	}
	inf.mu.Lock()
	defer inf.mu.Unlock()
	added, updated, deleted := inf.indexer.Replace(items)
	first := !inf.synced.Load()
	for _, c := range deleted {
		inf.notifyAll(deleteByRelist(c.Old))
	}
	var recreated []T
	for _, c := range updated {
		if c.Old.GetUID() != c.New.GetUID() {
			inf.notifyAll(deleteByRelist(c.Old))
			recreated = append(recreated, c.New)
		}
	}
	for _, c := range added {
		inf.notifyAll(notification[T]{kind: notifyAdd, new: c.New, initial: first})
	}
	for _, obj := range recreated {
		inf.notifyAll(notification[T]{kind: notifyAdd, new: obj})
	}
	for _, c := range updated {
		if c.Old.GetUID() == c.New.GetUID() {
			inf.notifyAll(notification[T]{kind: notifyUpdate, old: c.Old, new: c.New})
		}
	}
	if first {
		for _, l := range inf.listeners {
			l.initialQueued.Store(true)
		}
		inf.synced.Store(true)
	}
}

func deleteByRelist[T meta.Object](old T) notification[T] {
	return notification[T]{kind: notifyDelete, old: old, tombstone: &cache.Tombstone[T]{Key: cache.KeyOf(old), Obj: old}}
}

func (s informerStore[T]) Added(obj T)    { s.upsert(obj) }
func (s informerStore[T]) Modified(obj T) { s.upsert(obj) }

// upsert stores obj and tells handlers an add if the cache did not have its
// key, an update otherwise, whatever the event's type said, so that each
// object's history stays well formed.
func (s informerStore[T]) upsert(obj T) {
	inf := s.inf
	obj = inf.transform(obj)
	inf.mu.Lock()
	defer inf.mu.Unlock()
	old, had := inf.indexer.Get(cache.KeyOf(obj))
	inf.indexer.Update(obj)
	if had {
		inf.notifyAll(notification[T]{kind: notifyUpdate, old: old, new: obj})
	} else {
		inf.notifyAll(notification[T]{kind: notifyAdd, new: obj})
	}
}

// Deleted removes obj and tells handlers, unless the cache did not have it.
func (s informerStore[T]) Deleted(obj T) {
	inf := s.inf
	obj = inf.transform(obj)
	inf.mu.Lock()
	defer inf.mu.Unlock()
	if _, had := inf.indexer.Get(cache.KeyOf(obj)); !had {
		return
	}
	inf.indexer.Delete(obj)
	inf.notifyAll(notification[T]{kind: notifyDelete, old: obj})
}
