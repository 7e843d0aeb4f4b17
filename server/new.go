package server

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"kctl.dev/kctl/server/registry"
)

// New builds a server over cfg.Storage with the built-in kinds registered, and
// makes sure the namespaces every cluster has (default, kube-system, kube-public,
// kube-node-lease) exist. It starts the compaction schedule; call Shutdown to stop
// it even if Serve is never called.
func New(cfg Config) (*Server, error) {
	if cfg.Storage == nil {
		return nil, errors.New("server: Config.Storage is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.CompactionInterval == 0 {
		cfg.CompactionInterval = 5 * time.Minute
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg:      cfg,
		log:      cfg.Logger,
		registry: registry.New(),
		stop:     cancel,
		done:     make(chan struct{}),
	}
	if err := s.init(ctx); err != nil {
		cancel()
		return nil, err
	}
	return s, nil
}
