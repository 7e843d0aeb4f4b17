package client

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"
)

// Client sends requests to an API server. It is safe for concurrent use; make
// one per server (set of servers) and share it. Close releases idle connections.
type Client struct {
	servers    []*url.URL
	current    atomic.Int32 // index in servers of the one that answered last
	http       *http.Client
	transport  *http.Transport
	tlsConfig  *tls.Config
	token      string
	userAgent  string
	namespace  string
	timeout    time.Duration
	maxRetries int
	limiter    *rateLimiter
	sleep      func(ctx context.Context, d time.Duration) error // for tests
}

// Request is one call. Path is absolute ("/api/v1/namespaces/default/pods");
// Body is resent as is on a retry.
type Request struct {
	Method      string
	Path        string
	Query       url.Values
	Body        []byte
	ContentType string // default application/json when Body is set
	Accept      string // default application/json
	// Header holds extra headers (If-None-Match, ...); the ones above and
	// User-Agent and Authorization win over it.
	Header http.Header
}

// New checks cfg and builds a Client. The zero values of cfg take the
// documented defaults.
func New(cfg *Config) (*Client, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	servers, err := cfg.serverURLs()
	if err != nil {
		return nil, err
	}
	tlsConfig, err := buildTLS(cfg.TLS)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tlsConfig,
		TLSHandshakeTimeout:   10 * time.Second,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   25,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	c := &Client{
		servers:    servers,
		http:       &http.Client{Transport: tr},
		transport:  tr,
		tlsConfig:  tlsConfig,
		token:      cfg.BearerToken,
		userAgent:  cfg.UserAgent,
		namespace:  cmp.Or(cfg.Namespace, "default"),
		timeout:    cfg.Timeout,
		maxRetries: cfg.MaxRetries,
		sleep:      sleepContext,
	}
	if c.userAgent == "" {
		c.userAgent = "kctl/client"
	}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	if c.maxRetries == 0 {
		c.maxRetries = DefaultMaxRetries
	}
	qps, burst := cfg.QPS, cfg.Burst
	if qps == 0 {
		qps = DefaultQPS
	}
	if burst <= 0 {
		burst = DefaultBurst
	}
	if qps > 0 {
		c.limiter = newRateLimiter(qps, burst)
	}
	return c, nil
}

func buildTLS(t TLSConfig) (*tls.Config, error) {
	tc := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: t.Insecure, //nolint:gosec // asked for by insecure-skip-tls-verify
		ServerName:         t.ServerName,
	}
	if len(t.CAData) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(t.CAData) {
			return nil, errors.New("client: TLS: no certificate in CA data")
		}
		tc.RootCAs = pool
	}
	if len(t.CertData) > 0 || len(t.KeyData) > 0 {
		cert, err := tls.X509KeyPair(t.CertData, t.KeyData)
		if err != nil {
			return nil, fmt.Errorf("client: TLS: client certificate: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// Namespace returns the default namespace of the Config.
func (c *Client) Namespace() string { return c.namespace }

// Server returns the URL of the server the client talks to: the one that
// answered last, the first configured before any call.
func (c *Client) Server() string { return c.servers[c.current.Load()].String() }

// Close releases idle connections. Calls in flight are not interrupted.
func (c *Client) Close() { c.transport.CloseIdleConnections() }

// Do sends req and returns the response when its status is 2xx; the caller
// must close its body. Any other status is returned as a *errors.StatusError
// (kctl.dev/kctl/api/errors), decoded from the Status body when there is one.
//
// Do waits for the rate limiter, applies the timeout (for a watch, ?watch=true,
// only until the response headers arrive), fails over to the next server when
// a connection cannot be made, and retries: a 429 always (the server did not
// process the request), and for idempotent methods (GET, HEAD, OPTIONS) also
// 502/503/504 and connection errors. The delay is the server's Retry-After, or
// an exponential backoff.
func (c *Client) Do(ctx context.Context, req Request) (*http.Response, error) {
	if req.Method == "" {
		req.Method = http.MethodGet
	}
	watching := isWatch(req.Query)
	cancel := context.CancelFunc(func() {})
	var headers *time.Timer // bounds a watch until its headers arrive
	switch {
	case c.timeout > 0 && watching:
		ctx, cancel = context.WithCancel(ctx)
		headers = time.AfterFunc(c.timeout, cancel)
	case c.timeout > 0:
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
	}
	resp, err := c.doRetrying(ctx, req)
	if headers != nil && !headers.Stop() && err == nil {
		resp.Body.Close()
		err = fmt.Errorf("client: %s %s: no response within %v: %w", req.Method, req.Path, c.timeout, context.DeadlineExceeded)
	}
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

func isWatch(q url.Values) bool {
	v := q.Get("watch")
	return v == "true" || v == "1"
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

func (c *Client) doRetrying(ctx context.Context, req Request) (*http.Response, error) {
	idempotent := isIdempotent(req.Method)
	for attempt := 0; ; attempt++ {
		if c.limiter != nil {
			if err := c.limiter.wait(ctx); err != nil {
				return nil, fmt.Errorf("client: %s %s: rate limiter: %w", req.Method, req.Path, err)
			}
		}
		resp, err := c.doFailover(ctx, req)
		var delay time.Duration
		switch {
		case err != nil:
			var certErr *tls.CertificateVerificationError
			if ctx.Err() != nil || errors.As(err, &certErr) || !idempotent && !isConnectError(err) {
				return nil, err
			}
		case resp.StatusCode >= 200 && resp.StatusCode < 300:
			return resp, nil
		default:
			serr := statusErrorFrom(resp)
			if !retryableStatus(resp.StatusCode, idempotent) {
				return nil, serr
			}
			delay = retryAfter(resp.Header.Get("Retry-After"))
			err = serr
		}
		if attempt >= c.maxRetries {
			return nil, err
		}
		if delay == 0 {
			delay = backoff(attempt)
		}
		if serr := c.sleep(ctx, delay); serr != nil {
			return nil, err
		}
	}
}

// doFailover sends req to the current server and, when no connection can be
// made to it, to the next ones in turn; the first that answers becomes current.
func (c *Client) doFailover(ctx context.Context, req Request) (*http.Response, error) {
	start := int(c.current.Load())
	var firstErr error
	for i := range c.servers {
		idx := (start + i) % len(c.servers)
		resp, err := c.send(ctx, c.servers[idx], req)
		if err == nil {
			if idx != start {
				c.current.Store(int32(idx))
			}
			return resp, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		if ctx.Err() != nil || !isConnectError(err) {
			return nil, err
		}
	}
	return nil, firstErr
}

// isConnectError reports an error from before the request was sent (the
// server was not reached), so that any request may go to another server.
func isConnectError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

func (c *Client) send(ctx context.Context, server *url.URL, req Request) (*http.Response, error) {
	u := *server
	u.Path = server.Path + req.Path
	u.RawQuery = req.Query.Encode()
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hreq, err := http.NewRequestWithContext(ctx, req.Method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	for k, vs := range req.Header {
		hreq.Header[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	accept := req.Accept
	if accept == "" {
		accept = "application/json"
	}
	hreq.Header.Set("Accept", accept)
	if req.Body != nil {
		ct := req.ContentType
		if ct == "" {
			ct = "application/json"
		}
		hreq.Header.Set("Content-Type", ct)
	}
	hreq.Header.Set("User-Agent", c.userAgent)
	// Credentials travel over https only, as kubectl does.
	if c.token != "" && u.Scheme == "https" {
		hreq.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("client: %s %s: %w", req.Method, u.Redacted(), err)
	}
	return resp, nil
}
