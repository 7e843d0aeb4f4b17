package cli_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"kctl.dev/kctl/internal/cli"
)

// configRun runs kctl without a server (config commands read files only).
func configRun(t *testing.T, args ...string) cmdResult {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Main(t.Context(), args, cli.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	return cmdResult{out.String(), errOut.String(), code}
}

// TestConfigRead covers the commands that read kubeconfig files, with two
// files merged from $KUBECONFIG (and one given with --kubeconfig).
func TestConfigRead(t *testing.T) {
	t.Setenv("KUBECONFIG", strings.Join([]string{"testdata/config/a.yaml", "testdata/config/missing.yaml", "testdata/config/b.yaml", "testdata/config/a.yaml"}, string(os.PathListSeparator)))
	tests := []struct {
		name string
		args []string
	}{
		{"view", []string{"config", "view"}},
		{"view-raw", []string{"config", "view", "--raw"}},
		{"view-minify", []string{"config", "view", "--minify"}},
		{"view-minify-context", []string{"config", "view", "--minify", "--context", "shared"}},
		{"view-flatten", []string{"config", "view", "--flatten", "--minify"}},
		{"view-json", []string{"config", "view", "-o", "json", "--minify"}},
		{"view-explicit-file", []string{"config", "view", "--kubeconfig", "testdata/config/b.yaml"}},
		{"get-contexts", []string{"config", "get-contexts"}},
		{"get-contexts-no-headers", []string{"config", "get-contexts", "--no-headers"}},
		{"get-contexts-name", []string{"config", "get-contexts", "-o", "name"}},
		{"get-contexts-some", []string{"config", "get-contexts", "prod", "nope"}},
		{"current-context", []string{"config", "current-context"}},
		{"current-context-unset", []string{"config", "current-context", "--kubeconfig", "testdata/config/empty.yaml"}},
		{"error-missing-explicit-file", []string{"config", "view", "--kubeconfig", "testdata/config/missing.yaml"}},
		{"error-minify-unknown-context", []string{"config", "view", "--minify", "--context", "nope"}},
		{"error-view-output", []string{"config", "view", "-o", "wide"}},
		{"error-get-contexts-output", []string{"config", "get-contexts", "-o", "wide"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := configRun(t, tt.args...)
			cmdCheckGolden(t, "config", tt.name, "# kctl "+strings.Join(tt.args, " ")+"\n"+got.String())
		})
	}
}

// TestConfigDefaultFile reads ~/.kube/config when $KUBECONFIG is not set.
func TestConfigDefaultFile(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("KUBECONFIG", "")
	if err := os.MkdirAll(filepath.Join(home, ".kube"), 0o700); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/config/b.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".kube", "config"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	cmdCheck(t, "current-context", configRun(t, "config", "current-context"), "prod\n", "", 0)
	cmdCheck(t, "use-context", configRun(t, "config", "use-context", "shared"), "Switched to context \"shared\".\n", "", 0)
	cmdCheck(t, "current-context after", configRun(t, "config", "current-context"), "shared\n", "", 0)
}

// TestConfigUseContext checks which file use-context writes, as kubectl
// chooses it, and that the other files are left alone.
func TestConfigUseContext(t *testing.T) {
	tests := []struct {
		name      string
		files     []string // of testdata/config, copied; "-" for a file that does not exist
		explicit  int      // index of the file given with --kubeconfig, -1 for none
		context   string
		wantFile  int // index of the file written, -1 for none
		wantOut   string
		wantErr   string
		wantAfter string // current-context afterwards
	}{
		{
			name: "explicit file", files: []string{"b.yaml"}, explicit: 0, context: "shared",
			wantFile: 0, wantOut: "Switched to context \"shared\".\n", wantAfter: "shared",
		},
		{
			name: "first file, although the second sets current-context", files: []string{"empty.yaml", "b.yaml"}, explicit: -1, context: "shared",
			wantFile: 0, wantOut: "Switched to context \"shared\".\n", wantAfter: "shared",
		},
		{
			name: "first file that exists", files: []string{"-", "a.yaml", "b.yaml"}, explicit: -1, context: "prod",
			wantFile: 1, wantOut: "Switched to context \"prod\".\n", wantAfter: "prod",
		},
		{
			name: "the only file", files: []string{"a.yaml"}, explicit: -1, context: "dev",
			wantFile: 0, wantOut: "Switched to context \"dev\".\n", wantAfter: "dev",
		},
		{
			name: "unknown context", files: []string{"a.yaml", "b.yaml"}, explicit: -1, context: "nope",
			wantFile: -1, wantErr: "error: no context exists with the name: \"nope\"\n", wantAfter: "dev",
		},
		{
			name: "no file at all", files: []string{"-", "-"}, explicit: -1, context: "dev",
			wantFile: -1, wantErr: "error: no context exists with the name: \"dev\"\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var paths []string
			before := map[string][]byte{}
			for i, f := range tt.files {
				p := filepath.Join(dir, "config"+string(rune('0'+i)))
				paths = append(paths, p)
				if f == "-" {
					continue
				}
				data, err := os.ReadFile(filepath.Join("testdata/config", f))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, data, 0o600); err != nil {
					t.Fatal(err)
				}
				before[p] = data
			}
			var flags []string
			if tt.explicit >= 0 {
				flags = []string{"--kubeconfig", paths[tt.explicit]}
				t.Setenv("KUBECONFIG", "")
			} else {
				t.Setenv("KUBECONFIG", strings.Join(paths, string(os.PathListSeparator)))
			}
			got := configRun(t, append([]string{"config", "use-context", tt.context}, flags...)...)
			code := 0
			if tt.wantErr != "" {
				code = 1
			}
			cmdCheck(t, "use-context", got, tt.wantOut, tt.wantErr, code)
			for i, p := range paths {
				after, err := os.ReadFile(p)
				changed := err == nil && !bytes.Equal(after, before[p])
				if i == tt.wantFile {
					if !changed || !strings.Contains(string(after), "current-context: "+tt.context+"\n") {
						t.Errorf("file %d: not rewritten with the context:\n%s", i, after)
					}
					if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
						t.Errorf("file %d: mode %v, %v", i, st.Mode(), err)
					}
				} else if changed {
					t.Errorf("file %d changed:\n%s", i, after)
				}
			}
			if tt.wantAfter != "" {
				cmdCheck(t, "current-context", configRun(t, append([]string{"config", "current-context"}, flags...)...), tt.wantAfter+"\n", "", 0)
			}
		})
	}
}

// configPKI is a CA, a server certificate for 127.0.0.1 and a client
// certificate for "alice", PEM-encoded.
type configPKI struct {
	ca, serverCert, serverKey, clientCert, clientKey []byte
}

func newConfigPKI(t *testing.T) configPKI {
	t.Helper()
	serial := int64(0)
	issue := func(tmpl *x509.Certificate, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey, []byte, []byte) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		serial++
		tmpl.SerialNumber = big.NewInt(serial)
		tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
		if parent == nil {
			parent, parentKey = tmpl, key
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
		if err != nil {
			t.Fatal(err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		keyDER, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		return cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
			pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	}
	caCert, caKey, caPEM, _ := issue(&x509.Certificate{
		Subject: pkix.Name{CommonName: "test-ca"}, IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}, nil, nil)
	_, _, sCert, sKey := issue(&x509.Certificate{
		Subject: pkix.Name{CommonName: "server"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}, caCert, caKey)
	_, _, cCert, cKey := issue(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "alice"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}, caCert, caKey)
	return configPKI{ca: caPEM, serverCert: sCert, serverKey: sKey, clientCert: cCert, clientKey: cKey}
}

// configAuthServer is a TLS API server that serves one config map and
// records who asked: the bearer token and the client certificate's name.
type configAuthServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string // "token=...,cert=..." per request
}

func newConfigAuthServer(t *testing.T, pki configPKI) *configAuthServer {
	t.Helper()
	s := &configAuthServer{}
	write := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cert := ""
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			cert = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		s.mu.Lock()
		s.seen = append(s.seen, "token="+strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")+",cert="+cert)
		s.mu.Unlock()
		switch r.URL.Path {
		case "/api":
			write(w, map[string]any{"kind": "APIVersions", "versions": []string{"v1"}})
		case "/apis":
			write(w, map[string]any{"kind": "APIGroupList", "apiVersion": "v1", "groups": []any{}})
		case "/api/v1":
			write(w, map[string]any{"kind": "APIResourceList", "groupVersion": "v1", "resources": []any{
				map[string]any{"name": "configmaps", "singularName": "configmap", "namespaced": true, "kind": "ConfigMap", "verbs": []string{"get", "list"}, "shortNames": []string{"cm"}},
				map[string]any{"name": "events", "singularName": "event", "namespaced": true, "kind": "Event", "verbs": []string{"get", "list"}, "shortNames": []string{"ev"}},
			}})
		case "/api/v1/namespaces/default/configmaps/settings":
			write(w, map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
				"metadata": map[string]any{"name": "settings", "namespace": "default", "uid": "u-1"}, "data": map[string]any{"who": cert}})
		case "/api/v1/namespaces/default/events":
			write(w, map[string]any{"apiVersion": "v1", "kind": "EventList", "metadata": map[string]any{}, "items": []any{}})
		default:
			http.NotFound(w, r)
		}
	}))
	serverCert, err := tls.X509KeyPair(pki.serverCert, pki.serverKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pki.ca)
	s.TLS = &tls.Config{Certificates: []tls.Certificate{serverCert}, ClientCAs: pool, ClientAuth: tls.VerifyClientCertIfGiven}
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// takeSeen returns the distinct credentials seen since the last call.
func (s *configAuthServer) takeSeen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, v := range s.seen {
		if len(out) == 0 || out[len(out)-1] != v {
			out = append(out, v)
		}
	}
	s.seen = nil
	return out
}

// TestConfigAuth talks to a TLS server through contexts spread over three
// kubeconfig files in $KUBECONFIG: one with a token (from a token file), one
// with a client certificate (files relative to the kubeconfig that names
// them), switched with use-context.
func TestConfigAuth(t *testing.T) {
	pki := newConfigPKI(t)
	srv := newConfigAuthServer(t, pki)
	dir := t.TempDir()
	files := map[string]string{
		"pki/ca.crt":     string(pki.ca),
		"pki/alice.crt":  string(pki.clientCert),
		"pki/alice.key":  string(pki.clientKey),
		"pki/token":      "s3cr3t-token\n",
		"clusters.yaml":  "apiVersion: v1\nkind: Config\nclusters:\n- name: tls\n  cluster:\n    server: " + srv.URL + "\n    certificate-authority: pki/ca.crt\n",
		"users.yaml":     "apiVersion: v1\nkind: Config\nusers:\n- name: bot\n  user:\n    tokenFile: pki/token\n- name: alice\n  user:\n    client-certificate: pki/alice.crt\n    client-key: pki/alice.key\n",
		"contexts.yaml":  "apiVersion: v1\nkind: Config\ncurrent-context: as-bot\ncontexts:\n- name: as-bot\n  context: {cluster: tls, user: bot}\n- name: as-alice\n  context: {cluster: tls, user: alice}\n",
		"other/bad.yaml": "apiVersion: v1\nkind: Config\nusers:\n- name: bot\n  user: {token: loses-to-users-yaml}\n",
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	list := []string{"clusters.yaml", "users.yaml", "contexts.yaml", "other/bad.yaml"}
	for i := range list {
		list[i] = filepath.Join(dir, list[i])
	}
	t.Setenv("KUBECONFIG", strings.Join(list, string(os.PathListSeparator)))
	cache := t.TempDir()
	describe := func() cmdResult { return configRun(t, "--cache-dir", cache, "describe", "cm", "settings") }
	const described = "Name:         settings\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\nData\n====\nwho:\n----\n%s\n\n\nBinaryData\n====\n\nEvents:  <none>\n"

	cmdCheck(t, "as the bot", describe(), strings.ReplaceAll(described, "%s\n", "\n"), "", 0)
	if got := srv.takeSeen(); len(got) != 1 || got[0] != "token=s3cr3t-token,cert=" {
		t.Errorf("server saw %v, want the token and no certificate", got)
	}

	cmdCheck(t, "use-context", configRun(t, "config", "use-context", "as-alice"), "Switched to context \"as-alice\".\n", "", 0)
	if data, err := os.ReadFile(list[0]); err != nil || !strings.Contains(string(data), "current-context: as-alice\n") {
		t.Errorf("use-context did not write the first file (as kubectl does): %s %v", data, err)
	}
	cmdCheck(t, "as alice", describe(), strings.ReplaceAll(described, "%s", "alice"), "", 0)
	if got := srv.takeSeen(); len(got) != 1 || got[0] != "token=,cert=alice" {
		t.Errorf("server saw %v, want alice's certificate and no token", got)
	}

	// --token wins over the context's credentials.
	got := configRun(t, "--cache-dir", cache, "--token", "flag-token", "describe", "cm", "settings")
	if got.code != 0 {
		t.Fatal(got)
	}
	if seen := srv.takeSeen(); len(seen) != 1 || seen[0] != "token=flag-token,cert=alice" {
		t.Errorf("server saw %v with --token", seen)
	}

	// The token lives in a file: view shows the file, and no secret to redact.
	view := configRun(t, "config", "view", "--minify", "--context", "as-bot")
	if view.code != 0 || !strings.Contains(view.stdout, "tokenFile: pki/token") || strings.Contains(view.stdout, "loses-to-users-yaml") {
		t.Errorf("config view:\n%s", view)
	}
}
