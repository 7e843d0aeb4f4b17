package fake

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"kctl.dev/kctl/server"
	"kctl.dev/kctl/server/storage"
	"kctl.dev/kctl/server/storage/memory"
)

// shutdownTimeout bounds how long Close waits for in-flight requests.
const shutdownTimeout = 30 * time.Second

// Server is a running API server on a loopback port.
type Server struct {
	// URL is the base URL of the server, "http://127.0.0.1:PORT", without a
	// trailing slash.
	URL string
	// Server is the running server, for its Registry and Handler.
	Server *server.Server
	// Storage is the backend the server writes to; tests may read it directly.
	Storage storage.Interface

	ln         net.Listener
	ownStorage bool
	served     chan error
	closeOnce  sync.Once
	closeErr   error
}

// Option changes a default of New and Start.
type Option func(*options)

type options struct {
	storage            storage.Interface
	logger             *slog.Logger
	compactionInterval time.Duration
}

// WithStorage runs the server over st instead of a new memory store. The caller
// keeps ownership: Close does not close st.
func WithStorage(st storage.Interface) Option {
	return func(o *options) { o.storage = st }
}

// WithLogger sends the server's logs to l; by default they are discarded.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}

// WithCompactionInterval sets how often the server compacts history (see
// server.Config.CompactionInterval); negative disables compaction. The default
// is the server's.
func WithCompactionInterval(d time.Duration) Option {
	return func(o *options) { o.compactionInterval = d }
}

// Start starts a server for the test and stops it when the test ends. It fails
// the test if the server cannot start, or if it does not stop cleanly.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s, err := New(opts...)
	if err != nil {
		tb.Fatalf("fake.Start: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.close(); err != nil {
			tb.Errorf("fake server: %v", err)
		}
	})
	return s
}

// New starts a server on 127.0.0.1 at a free port. Call Close to stop it.
func New(opts ...Option) (*Server, error) {
	o := options{logger: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	s := &Server{Storage: o.storage, served: make(chan error, 1)}
	if s.Storage == nil {
		s.Storage, s.ownStorage = memory.New(), true
	}
	srv, err := server.New(server.Config{
		Storage:            s.Storage,
		Logger:             o.logger,
		CompactionInterval: o.compactionInterval,
	})
	if err != nil {
		s.closeStorage()
		return nil, fmt.Errorf("fake: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = srv.Shutdown(context.Background())
		s.closeStorage()
		return nil, fmt.Errorf("fake: %w", err)
	}
	s.Server, s.ln, s.URL = srv, ln, "http://"+ln.Addr().String()
	go func() { s.served <- srv.Serve(ln) }()
	return s, nil
}

// Close shuts the server down, waiting for in-flight requests, and closes the
// storage unless it came from WithStorage. Later calls do nothing.
func (s *Server) Close() {
	_ = s.close()
}

func (s *Server) close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		err := s.Server.Shutdown(ctx)
		if err != nil {
			err = fmt.Errorf("shutdown: %w", err)
		}
		s.ln.Close() // ends a Serve that had not started when Shutdown ran
		if serr := <-s.served; serr != nil && !errors.Is(serr, net.ErrClosed) {
			err = errors.Join(err, fmt.Errorf("serve: %w", serr))
		}
		if cerr := s.closeStorage(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("close storage: %w", cerr))
		}
		s.closeErr = err
	})
	return s.closeErr
}

func (s *Server) closeStorage() error {
	if !s.ownStorage {
		return nil
	}
	return s.Storage.Close()
}

// Kubeconfig returns a kubeconfig whose current context "kctl" points at the
// server, with namespace default and no credentials.
func (s *Server) Kubeconfig() []byte { return server.KubeconfigFor(s.URL) }

// WriteKubeconfig writes Kubeconfig to path (mode 0600), for KUBECONFIG.
func (s *Server) WriteKubeconfig(path string) error {
	if err := os.WriteFile(path, s.Kubeconfig(), 0o600); err != nil {
		return fmt.Errorf("fake: write kubeconfig: %w", err)
	}
	return nil
}
