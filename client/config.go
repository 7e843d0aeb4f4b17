package client

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Defaults applied by New to the zero values of Config.
const (
	DefaultTimeout    = 30 * time.Second
	DefaultQPS        = 50
	DefaultBurst      = 100
	DefaultMaxRetries = 5
	DefaultServer     = "http://localhost:8080"
)

// Config says where the API server is and how to talk to it.
type Config struct {
	// Servers are base URLs of equivalent API servers ("https://10.0.0.1:6443").
	// The client uses the first that answers and fails over to the next when a
	// connection cannot be made. Empty means DefaultServer.
	Servers []string
	// Namespace is the default namespace of the resources made from the client;
	// empty means "default", as LoadConfig and kubectl resolve it.
	Namespace string
	// BearerToken is sent as "Authorization: Bearer ..." over https only.
	BearerToken string
	// TLS configures https connections.
	TLS TLSConfig
	// UserAgent is sent on every request; empty means "kctl/client".
	UserAgent string
	// Timeout bounds a whole call (watches excepted: it bounds only the wait
	// for their response headers). Zero means DefaultTimeout; negative, none.
	Timeout time.Duration
	// QPS and Burst limit the request rate (a token bucket). Zero means
	// DefaultQPS and DefaultBurst; a negative QPS disables the limit.
	QPS   float64
	Burst int
	// MaxRetries bounds the retries of one call. Zero means DefaultMaxRetries;
	// negative means no retry.
	MaxRetries int
}

// TLSConfig holds PEM-encoded material for https.
type TLSConfig struct {
	CAData   []byte // trusted roots; empty means the system roots
	CertData []byte // client certificate
	KeyData  []byte // its private key
	Insecure bool   // skip verification of the server certificate
	// ServerName overrides the name checked in the server certificate.
	ServerName string
}

func (t TLSConfig) configured() bool {
	return len(t.CAData) > 0 || len(t.CertData) > 0 || t.Insecure || t.ServerName != ""
}

// serverURLs parses the servers of cfg; a server without a scheme is https when
// TLS is configured, else http (as client-go does).
func (cfg *Config) serverURLs() ([]*url.URL, error) {
	servers := cfg.Servers
	if len(servers) == 0 {
		servers = []string{DefaultServer}
	}
	out := make([]*url.URL, 0, len(servers))
	for _, s := range servers {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !strings.Contains(s, "://") {
			if cfg.TLS.configured() {
				s = "https://" + s
			} else {
				s = "http://" + s
			}
		}
		u, err := url.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("client: server %q: %w", s, err)
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return nil, fmt.Errorf("client: server %q: scheme must be http or https", s)
		}
		if u.Host == "" {
			return nil, fmt.Errorf("client: server %q: no host", s)
		}
		u.Path = strings.TrimSuffix(u.Path, "/")
		out = append(out, u)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("client: no server")
	}
	return out, nil
}
