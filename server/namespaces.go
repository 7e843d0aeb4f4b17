package server

import (
	"context"
	"errors"
	"sync"
	"time"

	"kctl.dev/kctl/internal/wait"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/server/registry"
	"kctl.dev/kctl/server/watchcache"
)

// namespaceFinalizer is the spec finalizer that holds a namespace until its
// contents are gone.
const namespaceFinalizer = "kubernetes"

// namespaceLoop follows namespaces and, for each one marked for deletion, removes
// what it holds, then its spec finalizer, which lets the namespace go.
func (s *Server) namespaceLoop(ctx context.Context) {
	nsKind, ok := s.registry.Lookup("", "v1", "namespaces")
	if !ok {
		return
	}
	var (
		mu      sync.Mutex
		running = map[string]bool{}
		wg      sync.WaitGroup
	)
	defer wg.Wait()
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		cw, err := s.caches.For(nsKind).Watch(ctx, "", watchcache.WatchOptions{ResourceVersion: "0"})
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn("namespace watch failed", "err", err)
			}
			if !wait.Sleep(ctx, backoff) {
				return
			}
			continue
		}
		for {
			d, ok := cw.Next(ctx)
			if !ok {
				break
			}
			if d.Type != meta.Added && d.Type != meta.Modified {
				continue
			}
			u, err := unstructured.Decode(d.Object.Raw)
			if err != nil || u.DeletionTimestamp() == "" {
				continue
			}
			name := u.Name()
			mu.Lock()
			if running[name] {
				mu.Unlock()
				continue
			}
			running[name] = true
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.finalizeNamespace(ctx, name)
				mu.Lock()
				delete(running, name)
				mu.Unlock()
			}()
		}
		cw.Stop()
		if !wait.Sleep(ctx, backoff) {
			return
		}
	}
}

// finalizeNamespace deletes everything in ns until nothing is left (objects with
// finalizers or a grace period go when those are done), then removes the
// namespace's spec finalizer.
func (s *Server) finalizeNamespace(ctx context.Context, ns string) {
	delay := 50 * time.Millisecond
	for ctx.Err() == nil {
		left, err := s.deleteNamespaceContents(ctx, ns)
		if err != nil {
			s.log.Warn("namespace cleanup", "namespace", ns, "err", err)
		}
		if err == nil && left == 0 {
			break
		}
		if !wait.Sleep(ctx, delay) {
			return
		}
		delay = min(delay*2, 5*time.Second)
	}
	_, _, err := s.stores.Namespaces().GuaranteedUpdate(ctx, "", ns, registry.UpdateOptions{},
		func(cur *unstructured.Unstructured) (*unstructured.Unstructured, error) {
			spec := unstructured.NestedSlice(cur.Object, "spec", "finalizers")
			kept := make([]any, 0, len(spec))
			for _, f := range spec {
				if f != namespaceFinalizer {
					kept = append(kept, f)
				}
			}
			unstructured.SetNested(cur.Object, kept, "spec", "finalizers")
			return cur, nil
		})
	if err != nil && !apierrors.IsNotFound(err) && ctx.Err() == nil {
		s.log.Warn("namespace finalize", "namespace", ns, "err", err)
	}
}

// deleteNamespaceContents deletes every namespaced object in ns and returns how
// many are still there.
func (s *Server) deleteNamespaceContents(ctx context.Context, ns string) (int, error) {
	left := 0
	var errs []error
	for _, k := range s.registry.Kinds() {
		if !k.Namespaced {
			continue
		}
		store := s.stores.For(k)
		if _, err := store.DeleteCollection(ctx, ns, registry.Selection{}, registry.DeleteOptions{}); err != nil {
			errs = append(errs, err)
			continue
		}
		// What is still there is held by finalizers or a grace period.
		rest, err := store.List(ctx, ns, registry.ListOptions{})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		left += len(rest.Items)
	}
	return left, errors.Join(errs...)
}
