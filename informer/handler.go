package informer

import (
	"context"
	"sync"
	"sync/atomic"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/cache"
)

// Handler is told of the changes to an informer's cache. Each handler has its
// own queue and goroutine: its methods are called one at a time, in the order
// of the changes, and a slow handler delays only itself. The objects are
// shared with the cache: do not modify them.
type Handler[T meta.Object] interface {
	// OnAdd: obj entered the cache. isInInitialList is true for the objects
	// of the first list, and for the replay a handler added later gets.
	OnAdd(obj T, isInInitialList bool)
	// OnUpdate: the object changed from old to new. On a resync old and new
	// are the same object.
	OnUpdate(old, new T)
	// OnDelete: the object left the cache. tombstone is nil when obj is the
	// object's final state, as the server reported its deletion; it is set
	// when the deletion was not observed (found missing by a relist) and obj
	// (= tombstone.Obj) is only the last state the cache knew.
	OnDelete(obj T, tombstone *cache.Tombstone[T])
}

// HandlerFuncs adapts functions to a Handler; nil functions are skipped.
type HandlerFuncs[T meta.Object] struct {
	AddFunc    func(obj T, isInInitialList bool)
	UpdateFunc func(old, new T)
	DeleteFunc func(obj T, tombstone *cache.Tombstone[T])
}

// OnAdd calls AddFunc if set.
func (f HandlerFuncs[T]) OnAdd(obj T, isInInitialList bool) {
	if f.AddFunc != nil {
		f.AddFunc(obj, isInInitialList)
	}
}

// OnUpdate calls UpdateFunc if set.
func (f HandlerFuncs[T]) OnUpdate(old, new T) {
	if f.UpdateFunc != nil {
		f.UpdateFunc(old, new)
	}
}

// OnDelete calls DeleteFunc if set.
func (f HandlerFuncs[T]) OnDelete(obj T, tombstone *cache.Tombstone[T]) {
	if f.DeleteFunc != nil {
		f.DeleteFunc(obj, tombstone)
	}
}

// Registration is a handler added to an informer.
type Registration interface {
	// HasSynced reports whether the informer has synced and this handler has
	// been given (and has returned from) every add of its initial list.
	HasSynced() bool
}

type notificationKind uint8

const (
	notifyAdd notificationKind = iota
	notifyUpdate
	notifyDelete
)

type notification[T meta.Object] struct {
	kind      notificationKind
	old, new  T
	initial   bool
	tombstone *cache.Tombstone[T]
}

// listener is one handler with its unbounded queue and goroutine.
type listener[T meta.Object] struct {
	inf *Informer[T]
	h   Handler[T]

	mu      sync.Mutex
	queue   []notification[T]
	wake    chan struct{} // 1-buffered: the queue gained items
	removed chan struct{}
	once    sync.Once

	initialQueued  atomic.Bool  // every initial add is in the queue
	initialPending atomic.Int64 // initial adds not yet returned from
	delivered      atomic.Int64
}

func newListener[T meta.Object](inf *Informer[T], h Handler[T]) *listener[T] {
	return &listener[T]{inf: inf, h: h, wake: make(chan struct{}, 1), removed: make(chan struct{})}
}

func (l *listener[T]) HasSynced() bool {
	return l.inf.HasSynced() && l.initialQueued.Load() && l.initialPending.Load() == 0
}

// enqueue adds n to the queue; it never blocks.
func (l *listener[T]) enqueue(n notification[T]) {
	if n.initial {
		l.initialPending.Add(1)
	}
	l.mu.Lock()
	l.queue = append(l.queue, n)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

func (l *listener[T]) pending() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.queue)
}

func (l *listener[T]) remove() { l.once.Do(func() { close(l.removed) }) }

// run delivers the queue until ctx ends or the handler is removed; what is
// still queued then is dropped.
func (l *listener[T]) run(ctx context.Context) {
	for {
		l.mu.Lock()
		batch := l.queue
		l.queue = nil
		l.mu.Unlock()
		for i := range batch {
			select {
			case <-ctx.Done():
				return
			case <-l.removed:
				return
			default:
			}
			l.deliver(batch[i])
			batch[i] = notification[T]{} // let the object go
		}
		if len(batch) > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-l.removed:
			return
		case <-l.wake:
		}
	}
}

func (l *listener[T]) deliver(n notification[T]) {
	switch n.kind {
	case notifyAdd:
		l.h.OnAdd(n.new, n.initial)
		if n.initial {
			l.initialPending.Add(-1)
		}
	case notifyUpdate:
		l.h.OnUpdate(n.old, n.new)
	case notifyDelete:
		l.h.OnDelete(n.old, n.tombstone)
	}
	l.delivered.Add(1)
}
