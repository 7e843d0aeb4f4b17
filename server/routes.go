package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/server/discovery"
	"kctl.dev/kctl/server/kinds"
	"kctl.dev/kctl/server/openapi"
	"kctl.dev/kctl/server/registry"
	"kctl.dev/kctl/server/rest"
	"kctl.dev/kctl/server/watchcache"
)

// Version is what GET /version reports. kubectl's version dispatcher picks its
// own build by the minor version, so it names a Kubernetes release we follow.
var Version = meta.Info{
	Major:        "1",
	Minor:        "32",
	GitVersion:   "v1.32.0",
	GitTreeState: "clean",
	BuildDate:    "2026-11-24T00:00:00Z",
	GoVersion:    runtime.Version(),
	Compiler:     runtime.Compiler,
	Platform:     runtime.GOOS + "/" + runtime.GOARCH,
}

// defaultNamespaces exist in every cluster.
var defaultNamespaces = []string{"default", "kube-system", "kube-public", "kube-node-lease"}

// init wires the layers: API (discovery, REST) -> registry -> storage, and starts
// the background loops (compaction, namespace cleanup).
func (s *Server) init(ctx context.Context) error {
	kinds.Register(s.registry)
	s.stores = registry.NewStores(s.registry, s.cfg.Storage)
	wcfg := s.cfg.WatchCache
	if wcfg.Logger == nil {
		wcfg.Logger = s.log
	}
	for _, ns := range defaultNamespaces {
		if err := s.stores.EnsureNamespace(ctx, ns); err != nil {
			return err
		}
	}
	s.caches = watchcache.NewCaches(s.cfg.Storage, wcfg)
	for _, k := range s.registry.Kinds() {
		s.caches.For(k) // start loading now, as kube-apiserver does
	}
	disc := discovery.New(s.registry, Version)
	oapi := openapi.New(s.registry)
	api := rest.New(ctx, s.registry, s.stores, s.caches, s.log)
	mux := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == "/healthz" || p == "/livez" || p == "/readyz" ||
			strings.HasPrefix(p, "/healthz/") || strings.HasPrefix(p, "/livez/") || strings.HasPrefix(p, "/readyz/"):
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write([]byte("ok"))
		case p == "/metrics":
			s.serveMetrics(w, r)
		case disc.Handles(p):
			disc.ServeHTTP(w, r)
		case oapi.Handles(p):
			oapi.ServeHTTP(w, r)
		default:
			api.ServeHTTP(w, r)
		}
	})
	s.handler = s.recoverer(mux)

	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); s.compactLoop(ctx) }()
	go func() { defer wg.Done(); s.namespaceLoop(ctx) }()
	go func() {
		wg.Wait()
		s.caches.Stop()
		close(s.done)
	}()
	return nil
}

// recoverer turns a panic in a handler into a logged 500 Status.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("handler panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				rest.WriteError(w, apierrors.NewInternalError(fmt.Errorf("%v", v)))
			}
		}()
		if !s.log.Enabled(r.Context(), slog.LevelDebug) {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		next.ServeHTTP(w, r)
		s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "query", r.URL.RawQuery, "took", time.Since(start))
	})
}

// compactLoop compacts history every interval up to the revision seen one
// interval earlier, so at least one interval of history stays available.
func (s *Server) compactLoop(ctx context.Context) {
	if s.cfg.CompactionInterval < 0 {
		return
	}
	t := time.NewTicker(s.cfg.CompactionInterval)
	defer t.Stop()
	var prev int64
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if prev > 0 {
			if err := s.cfg.Storage.Compact(ctx, prev); err != nil && ctx.Err() == nil {
				s.log.Warn("compaction failed", "revision", prev, "err", err)
			} else if err == nil {
				s.log.Debug("compacted", "revision", prev)
			}
		}
		rev, err := s.cfg.Storage.Revision(ctx)
		if err == nil {
			prev = rev
		}
	}
}

// Compact discards storage history older than the current revision; watches
// and continue tokens from before it get 410 Expired.
func (s *Server) Compact(ctx context.Context) (int64, error) {
	rev, err := s.cfg.Storage.Revision(ctx)
	if err != nil {
		return 0, err
	}
	return rev, s.cfg.Storage.Compact(ctx, rev)
}
