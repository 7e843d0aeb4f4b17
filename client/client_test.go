package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	apierrors "kctl.dev/kctl/api/errors"
)

// newTestClient builds a client whose retry sleeps are recorded, not slept.
func newTestClient(t *testing.T, cfg *Config) (*Client, *[]time.Duration) {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	var slept []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error {
		slept = append(slept, d)
		return ctx.Err()
	}
	return c, &slept
}

func TestRetry429WithRetryAfter(t *testing.T) {
	var calls atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "2")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"TooManyRequests","code":429}`)
			return
		}
		fmt.Fprint(w, `{}`)
	}))
	defer ts.Close()
	c, slept := newTestClient(t, &Config{Servers: []string{ts.URL}})
	resp, err := c.Do(t.Context(), Request{Path: "/api/v1/namespaces"})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n := calls.Load(); n != 2 {
		t.Errorf("calls = %d, want 2", n)
	}
	if len(*slept) != 1 || (*slept)[0] != 2*time.Second {
		t.Errorf("slept %v, want [2s]", *slept)
	}
}

func TestRetryGivesUp(t *testing.T) {
	var calls atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
	}))
	defer ts.Close()
	c, _ := newTestClient(t, &Config{Servers: []string{ts.URL}, MaxRetries: 3})
	_, err := c.Do(t.Context(), Request{Path: "/x"})
	if apierrors.CodeFor(err) != 503 || apierrors.ReasonFor(err) != "ServiceUnavailable" {
		t.Fatalf("err = %v (%T)", err, err)
	}
	if n := calls.Load(); n != 4 {
		t.Errorf("calls = %d, want 4 (1 + 3 retries)", n)
	}
}

func TestNoRetryOf503OnPOST(t *testing.T) {
	var calls atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "1")
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
	}))
	defer ts.Close()
	c, slept := newTestClient(t, &Config{Servers: []string{ts.URL}})
	_, err := c.Do(t.Context(), Request{Method: "POST", Path: "/api/v1/namespaces", Body: []byte(`{}`)})
	if apierrors.CodeFor(err) != 503 {
		t.Fatalf("err = %v", err)
	}
	if n := calls.Load(); n != 1 || len(*slept) != 0 {
		t.Errorf("calls = %d, slept %v; want 1 call, no sleep", n, *slept)
	}
}

func TestNonStatusErrorBody(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such thing", http.StatusNotFound)
	}))
	defer ts.Close()
	c, _ := newTestClient(t, &Config{Servers: []string{ts.URL}})
	_, err := c.Do(t.Context(), Request{Path: "/x"})
	var se *apierrors.StatusError
	if !apierrors.IsNotFound(err) || !errorsAs(err, &se) || se.Status.Code != 404 {
		t.Fatalf("err = %#v", err)
	}
}

func refusedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

func TestFailover(t *testing.T) {
	var calls atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusCreated)
	}))
	defer ts.Close()
	c, slept := newTestClient(t, &Config{Servers: []string{refusedURL(t), ts.URL}})
	for i := range 2 {
		// A POST too: a refused connection never reached a server.
		resp, err := c.Do(t.Context(), Request{Method: "POST", Path: "/api/v1/namespaces", Body: []byte(`{}`)})
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		resp.Body.Close()
	}
	if calls.Load() != 2 || len(*slept) != 0 {
		t.Errorf("calls = %d, slept %v", calls.Load(), *slept)
	}
	if c.current.Load() != 1 {
		t.Errorf("current server = %d, want 1", c.current.Load())
	}
}

func TestAllServersDown(t *testing.T) {
	c, _ := newTestClient(t, &Config{Servers: []string{refusedURL(t), refusedURL(t)}, MaxRetries: -1})
	if _, err := c.Do(t.Context(), Request{Path: "/version"}); err == nil {
		t.Fatal("no error")
	}
}

func TestTLSClientCertFromKubeconfig(t *testing.T) {
	pki := newTestPKI(t)
	var seen atomic.Value
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.TLS.PeerCertificates) == 0 {
			http.Error(w, "no client certificate", http.StatusUnauthorized)
			return
		}
		seen.Store(r.TLS.PeerCertificates[0].Subject.CommonName + "|" + r.Header.Get("Authorization") + "|" + r.UserAgent())
		fmt.Fprint(w, `{}`)
	}))
	serverCert, err := tls.X509KeyPair(pki.serverCert, pki.serverKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pki.caPEM)
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{serverCert}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes below
	ts.StartTLS()
	defer ts.Close()

	dir := t.TempDir()
	for name, data := range map[string][]byte{"client.crt": pki.clientCert, "client.key": pki.clientKey} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	kc := fmt.Sprintf(`apiVersion: v1
kind: Config
current-context: tls
clusters:
- name: tls
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: alice
  user:
    client-certificate: client.crt
    client-key: client.key
    token: secret
contexts:
- name: tls
  context: {cluster: tls, user: alice}
`, ts.URL, base64.StdEncoding.EncodeToString(pki.caPEM))
	path := filepath.Join(dir, "config")
	if err := os.WriteFile(path, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(LoadOptions{Kubeconfig: path})
	if err != nil {
		t.Fatal(err)
	}
	cfg.UserAgent = "test-agent/1"
	c, _ := newTestClient(t, cfg)
	resp, err := c.Do(t.Context(), Request{Path: "/version"})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got, want := seen.Load(), "alice|Bearer secret|test-agent/1"; got != want {
		t.Errorf("server saw %q, want %q", got, want)
	}

	// Without the CA the server certificate is refused; insecure accepts it.
	cfg.TLS.CAData = nil
	c2, _ := newTestClient(t, cfg)
	if _, err := c2.Do(t.Context(), Request{Path: "/version"}); err == nil {
		t.Error("unknown CA accepted")
	}
	cfg.TLS.Insecure = true
	c3, _ := newTestClient(t, cfg)
	resp, err = c3.Do(t.Context(), Request{Path: "/version"})
	if err != nil {
		t.Fatalf("insecure: %v", err)
	}
	resp.Body.Close()
}

func TestTokenOnlyOverHTTPS(t *testing.T) {
	var auth atomic.Value
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth.Store(r.Header.Get("Authorization"))
	}))
	defer ts.Close()
	c, _ := newTestClient(t, &Config{Servers: []string{ts.URL}, BearerToken: "secret"})
	resp, err := c.Do(t.Context(), Request{Path: "/version"})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := auth.Load(); got != "" {
		t.Errorf("Authorization over http = %q, want none", got)
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer ts.Close()
	defer close(release)
	c, _ := newTestClient(t, &Config{Servers: []string{ts.URL}, Timeout: 50 * time.Millisecond, MaxRetries: -1})
	start := time.Now()
	_, err := c.Do(t.Context(), Request{Path: "/slow"})
	if err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
}

func TestRateLimiter(t *testing.T) {
	l := newRateLimiter(100, 2)
	start := time.Now()
	for range 4 {
		if err := l.wait(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	// 2 from the burst, then 2 at 100/s: about 20ms.
	if d := time.Since(start); d < 15*time.Millisecond || d > 2*time.Second {
		t.Errorf("4 tokens took %v", d)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	l2 := newRateLimiter(1, 1)
	_ = l2.wait(ctx)
	if err := l2.wait(ctx); err == nil {
		t.Error("cancelled wait returned nil")
	}
}

func TestNewDefaultsTheNamespace(t *testing.T) {
	for _, c := range []struct{ in, want string }{{"", "default"}, {"team-a", "team-a"}} {
		cl, err := New(&Config{Namespace: c.in})
		if err != nil {
			t.Fatal(err)
		}
		if got := cl.Namespace(); got != c.want {
			t.Errorf("Namespace %q: client uses %q, want %q", c.in, got, c.want)
		}
		cl.Close()
	}
}
