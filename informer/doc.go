// Package informer keeps local caches of Kubernetes-style collections in step
// with the server and tells handlers of their changes.
//
// # Use
//
//	c, _ := client.New(&client.Config{Servers: []string{url}})
//	f := informer.NewFactory(c, informer.FactoryOptions{Namespace: "default"})
//	defer f.Shutdown()
//	pods := informer.For[*corev1.Pod](f, client.GVR{Version: "v1", Resource: "pods"}, true)
//	reg, _ := pods.AddEventHandler(informer.HandlerFuncs[*corev1.Pod]{
//		AddFunc: func(p *corev1.Pod, initial bool) { ... },
//	})
//	f.Start(ctx)
//	if !informer.WaitForCacheSync(ctx, reg.HasSynced) { ... }
//	p, ok := pods.Lister().Namespace("default").Get("web")
//
// An Informer can also be built alone with New from any ListerWatcher (a
// *client.Resource[T] is one) and run with Run. Objects in the cache and
// given to handlers are shared: never modify them; copy first.
//
// # How the cache is kept
//
// A Reflector lists the collection (at resourceVersion "0", in pages of 500),
// or with Options.WatchList streams it (sendInitialEvents=true, falling back
// to list + watch for good when the server answers 422), then watches from
// that resourceVersion with bookmarks and a timeoutSeconds chosen at random in
// 5–10 minutes. A watch that ends normally or breaks is reopened from the
// last resourceVersion seen: no relist. A 410 (the server no longer has that
// history) or another error the server reports leads to a relist. Failures
// wait a jittered exponential backoff (0.8 s doubling to 30 s, reset after 2
// healthy minutes). A relist replaces the cache atomically and handlers see
// only the difference (below). Metrics counts lists, relists, watches,
// events and errors.
//
// # What a handler sees
//
// Each handler has its own unbounded queue and goroutine: its calls come one
// at a time, in the order the cache changed, and a slow handler delays only
// itself (its backlog shows in Metrics.Pending). The cache is updated before
// the change is queued, so a handler reading the Lister sees that change or a
// later state.
//
// Per object, the calls form a well-formed history: OnAdd first, then any
// number of OnUpdate, then OnDelete; after OnDelete only a new OnAdd. An event
// that would break it is adjusted (an ADDED for a cached object is told as
// an update, a MODIFIED for an unknown one as an add, a DELETED for an
// unknown one is dropped).
//
//   - Handlers added before Run get the first list as OnAdd(obj, true);
//     handlers added later first get the current cache that way (a private
//     replay), then every later change. Registration.HasSynced turns true
//     once the handler has returned from all those initial adds.
//   - A relist is told as its difference: deletes first, then adds (with
//     isInInitialList false), then updates of objects whose resourceVersion
//     changed; unchanged objects are not told. A delete found by a relist
//     carries a cache.Tombstone: obj is only the last state the cache knew,
//     not the final one. A delete seen on the watch has a nil tombstone and
//     the object's final state.
//   - Resync (Options.ResyncPeriod) re-delivers every cached object as
//     OnUpdate(obj, obj), without contacting the server.
//   - Options.Transform runs on every object before it is cached.
//
// # Deleted and recreated under the same name
//
// If an object is deleted and created again under the same name while the
// watch is disconnected, what a handler sees depends on whether the server
// still has the history:
//
//   - the watch resumes from the last resourceVersion (the usual case): the
//     handler sees OnDelete(old, nil) then OnAdd(new, false), as it happened;
//   - the history is gone (410) and the informer relists: the relist finds
//     another uid under the key and tells OnDelete(old, tombstone) then
//     OnAdd(new, false), never one OnUpdate joining two different objects
//     (client-go tells a single update there).
//
// Both are tested (TestResumeAfterDisconnect, TestRelistOn410).
package informer
