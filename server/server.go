// Package server assembles the kctl reference API server: the HTTP API layer
// (routing, discovery, tables, Status errors), the registry of kinds, and a storage
// backend, in the layers docs/architecture.md describes. server/fake runs it
// in-process for tests; `kctl server` runs it as a process.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"kctl.dev/kctl/server/registry"
	"kctl.dev/kctl/server/storage"
	"kctl.dev/kctl/server/watchcache"
)

// Config configures a Server. Zero values of optional fields take the documented
// defaults.
type Config struct {
	// Storage is where objects live. Required. The server does not close it.
	Storage storage.Interface
	// Logger receives structured logs; defaults to slog.Default().
	Logger *slog.Logger
	// CompactionInterval is how often history is compacted: every tick compacts
	// up to the revision seen one tick earlier, so at least one interval of
	// history is kept for watchers and continue tokens. Default 5 minutes;
	// negative disables the schedule (Compact can still be called).
	CompactionInterval time.Duration
	// WatchCache tunes the watch caches (ring size, watcher buffers, bookmark
	// interval); zero values take the watchcache defaults.
	WatchCache watchcache.Config
}

// Server is a running (or ready to run) API server.
type Server struct {
	cfg      Config
	log      *slog.Logger
	registry *registry.Registry
	stores   *registry.Stores
	caches   *watchcache.Caches
	handler  http.Handler

	mu       sync.Mutex
	httpSrv  *http.Server
	shutdown bool
	stop     context.CancelFunc
	done     chan struct{}
}

// Registry returns the kinds the server serves; kinds added to it are served at once.
func (s *Server) Registry() *registry.Registry { return s.registry }

// Storage returns the backend the server writes to.
func (s *Server) Storage() storage.Interface { return s.cfg.Storage }

// Handler returns the server's HTTP handler, for embedding in another http.Server
// or an httptest.Server.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve accepts connections on ln until Shutdown; it returns nil after a clean
// shutdown.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.shutdown {
		s.mu.Unlock()
		_ = ln.Close()
		return nil
	}
	if s.httpSrv != nil {
		s.mu.Unlock()
		return errors.New("server: Serve called twice")
	}
	s.httpSrv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	srv := s.httpSrv
	s.mu.Unlock()
	err := srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting requests, ends open watches, waits for in-flight
// requests until ctx ends, and stops background work (compaction, namespace
// cleanup). It does not close the storage.
func (s *Server) Shutdown(ctx context.Context) error {
	s.stop()
	s.mu.Lock()
	s.shutdown = true
	srv := s.httpSrv
	s.mu.Unlock()
	var err error
	if srv != nil {
		err = srv.Shutdown(ctx)
	}
	select {
	case <-s.done:
	case <-ctx.Done():
		if err == nil {
			err = ctx.Err()
		}
	}
	return err
}
