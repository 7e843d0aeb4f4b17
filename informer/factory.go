package informer

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/cache"
	"kctl.dev/kctl/client"
)

// FactoryOptions are the defaults of a Factory's informers.
type FactoryOptions struct {
	// Namespace is the namespace of namespaced informers unless For says
	// otherwise; "" watches all namespaces.
	Namespace string
	// ResyncPeriod, WatchList and Backoff are passed to every informer (see
	// Options).
	ResyncPeriod time.Duration
	WatchList    bool
	Backoff      Backoff
}

// Factory shares informers: one per resource, type, namespace and selectors,
// however many times For asks for it. Start runs them; Shutdown stops them
// and waits for all their goroutines. It is safe for concurrent use.
type Factory struct {
	c    *client.Client
	opts FactoryOptions

	mu        sync.Mutex
	informers map[factoryKey]sharedInformer
	started   map[factoryKey]bool
	ctx       context.Context // set by Start
	cancel    context.CancelFunc
	shutdown  bool
	wg        sync.WaitGroup
}

type sharedInformer interface {
	Run(ctx context.Context)
	HasSynced() bool
}

type factoryKey struct {
	gvr                          client.GVR
	typ                          reflect.Type
	namespace, labels, fieldSels string
}

// NewFactory returns a Factory of informers reading through c.
func NewFactory(c *client.Client, opts FactoryOptions) *Factory {
	return &Factory{c: c, opts: opts, informers: map[factoryKey]sharedInformer{}, started: map[factoryKey]bool{}}
}

// ForOption narrows the collection For watches.
type ForOption func(*forOptions)

type forOptions struct {
	namespace                    *string
	labelSelector, fieldSelector string
	indexers                     any // cache.Indexers[T] of For's T
}

// InNamespace watches namespace ns ("" for all) instead of the Factory's.
func InNamespace(ns string) ForOption { return func(o *forOptions) { o.namespace = &ns } }

// WithLabelSelector caches only the objects matching the label selector.
func WithLabelSelector(sel string) ForOption { return func(o *forOptions) { o.labelSelector = sel } }

// WithFieldSelector caches only the objects matching the field selector.
func WithFieldSelector(sel string) ForOption { return func(o *forOptions) { o.fieldSelector = sel } }

// WithIndexers adds indexes to the informer's cache. The informer is shared:
// indexes another user already added under the same name are kept as they are,
// so give indexes names that say what they compute. T must be For's T.
func WithIndexers[T meta.Object](idx cache.Indexers[T]) ForOption {
	return func(o *forOptions) { o.indexers = idx }
}

// For returns the Factory's informer of gvr (objects of type T) for the
// namespace and selectors opts give, creating it on first use. An informer
// created after Start is started at once. Add handlers to it as to any
// informer.
func For[T meta.Object](f *Factory, gvr client.GVR, namespaced bool, opts ...ForOption) *Informer[T] {
	var o forOptions
	for _, opt := range opts {
		opt(&o)
	}
	ns := f.opts.Namespace
	if o.namespace != nil {
		ns = *o.namespace
	}
	if !namespaced {
		ns = ""
	}
	key := factoryKey{gvr: gvr, typ: reflect.TypeFor[T](), namespace: ns, labels: o.labelSelector, fieldSels: o.fieldSelector}

	f.mu.Lock()
	defer f.mu.Unlock()
	if inf, ok := f.informers[key]; ok {
		inf := inf.(*Informer[T])
		addIndexers(inf, o.indexers)
		return inf
	}
	res := client.NewResource[T](f.c, gvr, namespaced).Namespace(ns)
	inf := New[T](res, Options[T]{
		LabelSelector: o.labelSelector,
		FieldSelector: o.fieldSelector,
		ResyncPeriod:  f.opts.ResyncPeriod,
		WatchList:     f.opts.WatchList,
		Backoff:       f.opts.Backoff,
	})
	addIndexers(inf, o.indexers)
	f.informers[key] = inf
	if f.ctx != nil && !f.shutdown {
		f.run(key, inf)
	}
	return inf
}

// Start runs every informer not yet running, until ctx ends or Shutdown.
// Informers created later by For start at once. Start returns immediately;
// calling it again only starts new informers.
func (f *Factory) Start(ctx context.Context) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.shutdown {
		return
	}
	if f.ctx == nil {
		f.ctx, f.cancel = context.WithCancel(ctx)
	}
	for key, inf := range f.informers {
		if !f.started[key] {
			f.run(key, inf)
		}
	}
}

// run starts inf; f.mu held.
func (f *Factory) run(key factoryKey, inf sharedInformer) {
	f.started[key] = true
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		inf.Run(f.ctx)
	}()
}

// WaitForCacheSync waits until every started informer has synced; false if
// ctx ended first.
func (f *Factory) WaitForCacheSync(ctx context.Context) bool {
	f.mu.Lock()
	var synced []func() bool
	for key, inf := range f.informers {
		if f.started[key] {
			synced = append(synced, inf.HasSynced)
		}
	}
	f.mu.Unlock()
	return WaitForCacheSync(ctx, synced...)
}

// Shutdown stops every informer and waits for all their goroutines (list,
// watch and handler goroutines) to return. The Factory starts nothing after.
func (f *Factory) Shutdown() {
	f.mu.Lock()
	f.shutdown = true
	if f.cancel != nil {
		f.cancel()
	}
	f.mu.Unlock()
	f.wg.Wait()
}

// addIndexers adds to inf's cache the indexes of idx (a cache.Indexers[T])
// that it does not have yet.
func addIndexers[T meta.Object](inf *Informer[T], idx any) {
	if idx == nil {
		return
	}
	indexers, ok := idx.(cache.Indexers[T])
	if !ok {
		panic(fmt.Sprintf("informer: WithIndexers for %T given to For[%s]", idx, reflect.TypeFor[T]()))
	}
	for name, fn := range indexers {
		err := inf.Indexer().AddIndexers(cache.Indexers[T]{name: fn})
		if err != nil && !errors.Is(err, cache.ErrIndexExists) {
			panic(fmt.Sprintf("informer: add index %q: %v", name, err))
		}
	}
}
