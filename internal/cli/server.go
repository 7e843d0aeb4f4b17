package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	bolterrors "go.etcd.io/bbolt/errors"

	"kctl.dev/kctl/server"
	"kctl.dev/kctl/server/storage"
	"kctl.dev/kctl/server/storage/bolt"
	"kctl.dev/kctl/server/storage/memory"
	"kctl.dev/kctl/server/watchcache"
)

// ServerOptions are the flags of `kctl server`.
type ServerOptions struct {
	// Listen is the host:port to listen on; it must be a loopback address.
	Listen string
	// DataDir holds the bolt database (kctl.db) and the kubeconfig.
	DataDir string
	// Storage is "bolt" or "memory".
	Storage string
	// CompactionInterval is how often history is compacted; negative disables it.
	CompactionInterval time.Duration
	// WatchCacheSize is how many recent events each resource's watch cache keeps.
	WatchCacheSize int
	// LogLevel is the least level logged to stderr.
	LogLevel slog.Level
	// ShutdownTimeout bounds the wait for in-flight requests after a signal.
	ShutdownTimeout time.Duration
}

// Storage backends of `kctl server`.
const (
	storageBolt   = "bolt"
	storageMemory = "memory"
)

// errNotLoopback refuses to serve unauthenticated HTTP beyond this machine.
var errNotLoopback = errors.New("--listen must be a loopback address until authentication exists")

// NewCmdServer returns `kctl server`. runF, when not nil, replaces the run
// function (tests use it to check flag parsing).
func NewCmdServer(streams IOStreams, runF func(context.Context, *ServerOptions) error) *cobra.Command {
	opts := &ServerOptions{ShutdownTimeout: 10 * time.Second}
	cmd := &cobra.Command{
		Use:   "server",
		Short: "Run the kctl API server",
		Long: "Run the kctl reference API server: the Kubernetes API over plain HTTP on a\n" +
			"loopback address, with objects kept in an embedded bolt database (or in memory).\n" +
			"It writes DATA-DIR/kubeconfig for kubectl and stops cleanly on SIGINT or SIGTERM.",
		Example: `  # Serve on 127.0.0.1:8080 with data in ./kctl-data
  kctl server

  # Then, in another terminal
  kubectl --server http://127.0.0.1:8080 get pods
  KUBECONFIG=kctl-data/kubeconfig kubectl get pods

  # A throwaway server on a free port
  kctl server --storage=memory --listen 127.0.0.1:0`,
		Args: noArgs("unexpected arguments", true),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			if err := runServer(cmd.Context(), streams, opts); err != nil {
				return err
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Listen, "listen", "127.0.0.1:8080", "loopback `host:port` to serve plain HTTP on (port 0 picks a free one)")
	f.StringVar(&opts.DataDir, "data-dir", "./kctl-data", "`directory` for the database and the kubeconfig, created if missing")
	f.StringVar(&opts.Storage, "storage", storageBolt, "storage backend: bolt (durable, DATA-DIR/kctl.db) or memory")
	f.DurationVar(&opts.CompactionInterval, "compaction-interval", 5*time.Minute, "how often old revisions are compacted (negative disables)")
	f.IntVar(&opts.WatchCacheSize, "watch-cache-size", 10_000, "recent events each resource's watch cache keeps; watches from older resourceVersions get 410 Expired")
	f.Var((*levelFlag)(&opts.LogLevel), "log-level", "least level logged to stderr: debug, info, warn or error")
	return cmd
}

// Validate checks the options before anything is opened.
func (o *ServerOptions) Validate() error {
	switch o.Storage {
	case storageBolt, storageMemory:
	default:
		return fmt.Errorf("--storage must be %s or %s, not %q", storageBolt, storageMemory, o.Storage)
	}
	if o.DataDir == "" {
		return errors.New("--data-dir must not be empty")
	}
	if o.WatchCacheSize < 1 {
		return fmt.Errorf("--watch-cache-size must be at least 1, not %d", o.WatchCacheSize)
	}
	host, _, err := net.SplitHostPort(o.Listen)
	if err != nil {
		return fmt.Errorf("--listen: %w", err)
	}
	if !isLoopbackHost(host) {
		return errNotLoopback
	}
	return nil
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// runServer serves until ctx ends (a signal), then shuts down within
// opts.ShutdownTimeout and closes the storage.
func runServer(ctx context.Context, streams IOStreams, opts *ServerOptions) (err error) {
	log := slog.New(slog.NewTextHandler(streams.ErrOut, &slog.HandlerOptions{Level: opts.LogLevel}))
	dataDir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return fmt.Errorf("--data-dir: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	store, err := openStorage(opts.Storage, dataDir, log)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := store.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close storage: %w", cerr)
		}
		if err == nil {
			log.Info("stopped")
		}
	}()
	srv, err := server.New(server.Config{
		Storage:            store,
		Logger:             log,
		CompactionInterval: opts.CompactionInterval,
		WatchCache:         watchcache.Config{Capacity: opts.WatchCacheSize},
	})
	if err != nil {
		return err
	}
	ln, err := listenLoopback(opts.Listen)
	if err == nil {
		err = writeFileAtomic(filepath.Join(dataDir, "kubeconfig"), server.KubeconfigFor("http://"+ln.Addr().String()), 0o600)
	}
	if err != nil {
		if ln != nil {
			ln.Close()
		}
		_ = srv.Shutdown(context.WithoutCancel(ctx)) // not serving yet: returns at once
		return err
	}
	url := "http://" + ln.Addr().String()
	log.Info("serving", "url", url, "storage", opts.Storage, "dataDir", dataDir)
	fmt.Fprintf(streams.Out, "kctl server listening on %s (storage: %s, data dir: %s, kubeconfig: %s)\n",
		url, opts.Storage, dataDir, filepath.Join(dataDir, "kubeconfig"))
	return serveUntilDone(ctx, log, srv, ln, opts.ShutdownTimeout)
}

// listenLoopback listens on addr, and checks that the address it got is a
// loopback one ("localhost" may resolve elsewhere).
func listenLoopback(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		ln.Close()
		return nil, errNotLoopback
	}
	return ln, nil
}

// serveUntilDone serves on ln until ctx ends or serving fails, then shuts srv
// down, waiting at most timeout for in-flight requests.
func serveUntilDone(ctx context.Context, log *slog.Logger, srv *server.Server, ln net.Listener, timeout time.Duration) error {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	var serveErr error
	select {
	case <-ctx.Done():
		log.Info("shutting down", "cause", context.Cause(ctx))
	case serveErr = <-served:
		served = nil
		log.Error("serve failed", "err", serveErr)
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	shutdownErr := srv.Shutdown(shutdownCtx)
	ln.Close() // ends a Serve that had not started yet when Shutdown ran
	if served != nil {
		if err := <-served; err != nil && !errors.Is(err, net.ErrClosed) {
			serveErr = err
		}
	}
	if serveErr != nil {
		return fmt.Errorf("serve: %w", serveErr)
	}
	if shutdownErr != nil {
		return fmt.Errorf("shutdown: %w", shutdownErr)
	}
	return nil
}

// openStorage opens the named backend; bolt keeps its file in dataDir.
func openStorage(kind, dataDir string, log *slog.Logger) (storage.Interface, error) {
	if kind == storageMemory {
		return memory.New(), nil
	}
	path := filepath.Join(dataDir, "kctl.db")
	st, err := bolt.Open(path, bolt.Options{Logger: log.With("component", "bolt")})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("%s is in use by another process (another kctl server on this --data-dir?): %w", path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("open storage: %w", err)
	}
	return st, nil
}

// levelFlag is a slog.Level as a flag value ("debug", "info", "warn", "error").
type levelFlag slog.Level

func (l *levelFlag) String() string { return strings.ToLower(slog.Level(*l).String()) }
func (l *levelFlag) Type() string   { return "level" }
func (l *levelFlag) Set(s string) error {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(s)); err != nil {
		return fmt.Errorf("want debug, info, warn or error: %w", err)
	}
	*l = levelFlag(lv)
	return nil
}
