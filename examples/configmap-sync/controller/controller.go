// Package controller keeps copies of labelled ConfigMaps in labelled
// namespaces. It is the logic of the configmap-sync example: a small but
// complete controller built from kctl's informer, cache and workqueue
// packages. See docs/controller.md for a walk through it.
//
// Every ConfigMap labelled sync=true in the source namespace is copied, under
// the same name, into every other namespace labelled configmap-sync=enabled.
// A copy carries the annotation configmap-sync.kctl.dev/source naming its
// source ("namespace/name"); the controller creates, updates and deletes only
// ConfigMaps that carry it. A ConfigMap of the same name without it is a
// conflict: it is left alone, logged and reported to Options.OnConflict.
package controller

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/cache"
	"kctl.dev/kctl/client"
	"kctl.dev/kctl/informer"
	"kctl.dev/kctl/labels"
	"kctl.dev/kctl/workqueue"
)

// The labels and annotation the controller reads and writes.
const (
	// SourceLabel=SourceValue marks a ConfigMap of the source namespace to copy.
	SourceLabel = "sync"
	SourceValue = "true"
	// NamespaceLabel=NamespaceValue marks a namespace that receives copies.
	NamespaceLabel = "configmap-sync"
	NamespaceValue = "enabled"
	// SourceAnnotation on a copy names its source, "namespace/name".
	SourceAnnotation = "configmap-sync.kctl.dev/source"
)

// Defaults of Options.
const (
	DefaultWorkers      = 2
	DefaultDrainTimeout = 10 * time.Second
)

var (
	configMapsGVR = client.GVR{Version: "v1", Resource: "configmaps"}
	namespacesGVR = client.GVR{Version: "v1", Resource: "namespaces"}
)

// bySource is the name of the index of copies by the source they name.
const bySource = "bySource"

// Options configure Run. Only SourceNamespace is required.
type Options struct {
	// SourceNamespace holds the ConfigMaps to copy.
	SourceNamespace string
	// Workers is the number of reconciling goroutines; default DefaultWorkers.
	Workers int
	// DrainTimeout bounds how long Run lets the workers finish the queued
	// keys once ctx is done; what is left then is dropped. Default
	// DefaultDrainTimeout.
	DrainTimeout time.Duration
	// Logger receives the controller's logs; default none.
	Logger *slog.Logger
	// OnConflict, when set, is told of every ConfigMap that stands where a
	// copy should be but does not carry SourceAnnotation. It is called from a
	// worker goroutine, once per reconcile that meets the conflict.
	OnConflict func(Conflict)
}

// Conflict is a ConfigMap the controller would have written but does not own.
type Conflict struct {
	Namespace, Name string // the ConfigMap left alone
	Source          string // the source it would have been a copy of
}

func (c Conflict) String() string {
	return fmt.Sprintf("%s/%s is not a copy of %s", c.Namespace, c.Name, c.Source)
}

// controller holds what the workers share.
type controller struct {
	opts       Options
	log        *slog.Logger
	configMaps *client.Resource[*corev1.ConfigMap] // all namespaces
	cmInformer *informer.Informer[*corev1.ConfigMap]
	nsInformer *informer.Informer[*corev1.Namespace]
	queue      *workqueue.Queue[string] // keys of sources, "namespace/name"
}

// Run runs the controller until ctx is done: it starts the informers, waits
// for their caches, reconciles with opts.Workers workers, and on ctx's end
// drains the queue (for at most opts.DrainTimeout) and stops the informers.
// It returns nil once everything it started has returned, or an error at
// once if opts are invalid.
func Run(ctx context.Context, c *client.Client, opts Options) error {
	if opts.SourceNamespace == "" {
		return errors.New("configmap-sync: no source namespace")
	}
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.DrainTimeout <= 0 {
		opts.DrainTimeout = DefaultDrainTimeout
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}

	// Two informers of one factory: ConfigMaps of every namespace (sources,
	// copies and conflicts) and namespaces.
	factory := informer.NewFactory(c, informer.FactoryOptions{})
	defer factory.Shutdown()
	ctl := &controller{
		opts:       opts,
		log:        log,
		configMaps: client.NewResource[*corev1.ConfigMap](c, configMapsGVR, true).Namespace(""),
		// The index finds a source's copies without scanning every ConfigMap.
		cmInformer: informer.For[*corev1.ConfigMap](factory, configMapsGVR, true, informer.InNamespace(""),
			informer.WithIndexers(cache.Indexers[*corev1.ConfigMap]{bySource: sourceOf})),
		nsInformer: informer.For[*corev1.Namespace](factory, namespacesGVR, false),
		queue:      workqueue.New(workqueue.Config[string]{Name: "configmap-sync"}),
	}
	cmReg, err := ctl.cmInformer.AddEventHandler(informer.HandlerFuncs[*corev1.ConfigMap]{
		AddFunc:    func(cm *corev1.ConfigMap, _ bool) { ctl.enqueueConfigMap(cm) },
		UpdateFunc: func(old, cm *corev1.ConfigMap) { ctl.enqueueConfigMap(old); ctl.enqueueConfigMap(cm) },
		DeleteFunc: func(cm *corev1.ConfigMap, _ *cache.Tombstone[*corev1.ConfigMap]) { ctl.enqueueConfigMap(cm) },
	})
	if err != nil {
		return fmt.Errorf("configmap-sync: %w", err)
	}
	nsReg, err := ctl.nsInformer.AddEventHandler(informer.HandlerFuncs[*corev1.Namespace]{
		AddFunc: func(*corev1.Namespace, bool) { ctl.enqueueAllSources() },
		UpdateFunc: func(old, ns *corev1.Namespace) {
			if enabled(old) != enabled(ns) {
				ctl.enqueueAllSources()
			}
		},
		DeleteFunc: func(*corev1.Namespace, *cache.Tombstone[*corev1.Namespace]) { ctl.enqueueAllSources() },
	})
	if err != nil {
		return fmt.Errorf("configmap-sync: %w", err)
	}

	factory.Start(ctx)
	log.Info("waiting for caches")
	if !informer.WaitForCacheSync(ctx, cmReg.HasSynced, nsReg.HasSynced) {
		ctl.queue.ShutDown()
		return nil // ctx ended first
	}
	log.Info("caches synced", "workers", opts.Workers, "source", opts.SourceNamespace)

	// The workers' calls outlive ctx by at most DrainTimeout, so that they
	// can finish what is queued.
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Go(func() { ctl.worker(workCtx) })
	}

	<-ctx.Done()
	log.Info("shutting down")
	drainCtx, cancelDrain := context.WithTimeout(context.Background(), opts.DrainTimeout)
	defer cancelDrain()
	if err := ctl.queue.ShutDownWithDrain(drainCtx); err != nil {
		log.Warn("drain timed out; dropped the queued keys")
		cancelWork()
	}
	wg.Wait()
	return nil // the deferred factory.Shutdown waits for the informers
}

// worker reconciles keys until the queue is shut down and drained. Get is
// not given ctx: a worker that quit on ctx would leave ShutDownWithDrain
// waiting for keys nobody takes.
func (ctl *controller) worker(ctx context.Context) {
	for {
		key, ok := ctl.queue.Get(context.Background())
		if !ok {
			return
		}
		if err := ctl.reconcile(ctx, key); err != nil {
			ctl.log.Warn("reconcile failed; will retry", "source", key,
				"retries", ctl.queue.NumRequeues(key), "err", err)
			ctl.queue.AddRateLimited(key)
		} else {
			ctl.queue.Forget(key)
		}
		ctl.queue.Done(key)
	}
}

// enqueueConfigMap queues the source cm is, is a copy of, or stands in the
// way of. Handlers only queue keys: all the work is in reconcile.
func (ctl *controller) enqueueConfigMap(cm *corev1.ConfigMap) {
	if cm.Namespace == ctl.opts.SourceNamespace {
		ctl.queue.Add(cache.KeyOf(cm))
		return
	}
	if src, ok := cm.Annotations[SourceAnnotation]; ok {
		ctl.queue.Add(src)
	}
	// A ConfigMap of a source's name, a copy or not: its deletion may free
	// the place for a copy.
	if _, ok := ctl.cmInformer.Lister().Namespace(ctl.opts.SourceNamespace).Get(cm.Name); ok {
		ctl.queue.Add(ctl.opts.SourceNamespace + "/" + cm.Name)
	}
}

// enqueueAllSources queues every ConfigMap of the source namespace, after a
// namespace came, went or changed whether it receives copies.
func (ctl *controller) enqueueAllSources() {
	for _, cm := range ctl.cmInformer.Lister().Namespace(ctl.opts.SourceNamespace).List(labels.Everything()) {
		ctl.queue.Add(cache.KeyOf(cm))
	}
}

// sourceOf indexes a copy by the source it names.
func sourceOf(cm *corev1.ConfigMap) ([]string, error) {
	if src, ok := cm.Annotations[SourceAnnotation]; ok {
		return []string{src}, nil
	}
	return nil, nil
}

// enabled reports whether ns receives copies.
func enabled(ns *corev1.Namespace) bool {
	return ns.Labels[NamespaceLabel] == NamespaceValue &&
		ns.DeletionTimestamp == nil && ns.Status.Phase != corev1.NamespaceTerminating
}
