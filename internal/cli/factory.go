package cli

import (
	"os"
	"path/filepath"
	"sync"

	"github.com/spf13/pflag"

	"kctl.dev/kctl/client"
	"kctl.dev/kctl/client/discovery"
)

// ConfigFlags are the global flags that say which server to talk to and how,
// as kubectl has them; every client command reads them through a Factory.
type ConfigFlags struct {
	Kubeconfig string
	Context    string
	Server     string
	Token      string
	Namespace  string
	CacheDir   string
}

// AddFlags registers the flags on fs (the root command's persistent flags).
func (f *ConfigFlags) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&f.Kubeconfig, "kubeconfig", "", "Path to the kubeconfig file to use for CLI requests.")
	fs.StringVar(&f.Context, "context", "", "The name of the kubeconfig context to use")
	fs.StringVarP(&f.Server, "server", "s", "", "The address and port of the Kubernetes API server")
	fs.StringVar(&f.Token, "token", "", "Bearer token for authentication to the API server")
	fs.StringVarP(&f.Namespace, "namespace", "n", "", "If present, the namespace scope for this CLI request")
	fs.StringVar(&f.CacheDir, "cache-dir", defaultCacheDir(), "Default cache directory")
}

func defaultCacheDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".kube", "cache")
}

// Factory builds, once per command run, what client commands share: the
// resolved configuration, the client and the discovery cache.
type Factory struct {
	Flags *ConfigFlags

	once   sync.Once
	cfg    *client.Config
	client *client.Client
	disco  *discovery.Cache
	err    error
}

// NewFactory returns a Factory reading flags.
func NewFactory(flags *ConfigFlags) *Factory { return &Factory{Flags: flags} }

func (f *Factory) init() {
	f.once.Do(func() {
		cfg, err := client.LoadConfig(client.LoadOptions{
			Kubeconfig: f.Flags.Kubeconfig,
			Context:    f.Flags.Context,
			Server:     f.Flags.Server,
			Token:      f.Flags.Token,
			Namespace:  f.Flags.Namespace,
		})
		if err != nil {
			f.err = err
			return
		}
		cfg.UserAgent = "kctl"
		c, err := client.New(cfg)
		if err != nil {
			f.err = err
			return
		}
		f.cfg, f.client = cfg, c
		server := client.DefaultServer
		if len(cfg.Servers) > 0 {
			server = cfg.Servers[0]
		}
		f.disco = discovery.New(c, server, f.Flags.CacheDir)
	})
}

// Config returns the resolved client configuration.
func (f *Factory) Config() (*client.Config, error) {
	f.init()
	return f.cfg, f.err
}

// Client returns the client of the resolved configuration.
func (f *Factory) Client() (*client.Client, error) {
	f.init()
	return f.client, f.err
}

// Discovery returns the discovery cache of the configured server.
func (f *Factory) Discovery() (*discovery.Cache, error) {
	f.init()
	return f.disco, f.err
}

// Namespace returns the namespace commands act in: --namespace, else the
// context's, else "default".
func (f *Factory) Namespace() (string, error) {
	f.init()
	if f.err != nil {
		return "", f.err
	}
	if f.cfg.Namespace == "" {
		return "default", nil
	}
	return f.cfg.Namespace, nil
}

// Close releases the client's connections.
func (f *Factory) Close() {
	if f.client != nil {
		f.client.Close()
	}
}
