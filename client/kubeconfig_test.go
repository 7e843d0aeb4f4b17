package client

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"kctl.dev/kctl/server"
)

func TestLoadConfig(t *testing.T) {
	td, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	f := func(name string) string { return filepath.Join(td, name) }
	list := func(names ...string) string {
		var ps []string
		for _, n := range names {
			ps = append(ps, f(n))
		}
		return strings.Join(ps, string(os.PathListSeparator))
	}
	tests := []struct {
		name    string
		env     string // KUBECONFIG
		home    string // file copied to HOME/.kube/config
		opts    LoadOptions
		want    Config
		wantErr string
	}{
		{
			name: "explicit file with CA and client cert files",
			opts: LoadOptions{Kubeconfig: f("a.yaml")},
			want: Config{Servers: []string{"https://a.example:6443"}, Namespace: "ns-a",
				TLS: TLSConfig{CAData: []byte("CA-FROM-FILE\n"), CertData: []byte("CERT-FROM-FILE\n"), KeyData: []byte("KEY-FROM-FILE\n"), ServerName: "api.a.example"}},
		},
		{
			name: "explicit file wins over KUBECONFIG",
			env:  list("b.yaml"),
			opts: LoadOptions{Kubeconfig: f("a.yaml")},
			want: Config{Servers: []string{"https://a.example:6443"}, Namespace: "ns-a",
				TLS: TLSConfig{CAData: []byte("CA-FROM-FILE\n"), CertData: []byte("CERT-FROM-FILE\n"), KeyData: []byte("KEY-FROM-FILE\n"), ServerName: "api.a.example"}},
		},
		{
			name: "KUBECONFIG merged: first file's current-context and entries win",
			env:  list("a.yaml", "b.yaml"),
			want: Config{Servers: []string{"https://a.example:6443"}, Namespace: "ns-a",
				TLS: TLSConfig{CAData: []byte("CA-FROM-FILE\n"), CertData: []byte("CERT-FROM-FILE\n"), KeyData: []byte("KEY-FROM-FILE\n"), ServerName: "api.a.example"}},
		},
		{
			name: "KUBECONFIG merged the other way: token file, insecure, several servers, default namespace",
			env:  list("b.yaml", "a.yaml"),
			want: Config{Servers: []string{"https://b1.example:6443", "https://b2.example:6443"}, Namespace: "default",
				BearerToken: "token-from-file", TLS: TLSConfig{Insecure: true}},
		},
		{
			name: "--context picks a context; the first file's entries win",
			env:  list("b.yaml", "a.yaml"),
			opts: LoadOptions{Context: "a"},
			want: Config{Servers: []string{"https://shadowed.example:6443"}, Namespace: "ns-shadowed", BearerToken: "token-from-file"},
		},
		{
			name: "missing files in KUBECONFIG are skipped",
			env:  list("absent.yaml", "b.yaml"),
			opts: LoadOptions{Context: "b"},
			want: Config{Servers: []string{"https://b1.example:6443", "https://b2.example:6443"}, Namespace: "default",
				BearerToken: "token-from-file", TLS: TLSConfig{Insecure: true}},
		},
		{
			name: "flags override server, token and namespace",
			env:  list("a.yaml"),
			opts: LoadOptions{Server: "https://flag.example", Token: "flag-token", Namespace: "ns-flag"},
			want: Config{Servers: []string{"https://flag.example"}, Namespace: "ns-flag", BearerToken: "flag-token",
				TLS: TLSConfig{CAData: []byte("CA-FROM-FILE\n"), CertData: []byte("CERT-FROM-FILE\n"), KeyData: []byte("KEY-FROM-FILE\n"), ServerName: "api.a.example"}},
		},
		{
			name: "data fields win over files, token over tokenFile",
			opts: LoadOptions{Kubeconfig: f("data.yaml")},
			want: Config{Servers: []string{"https://data.example"}, Namespace: "ns-data", BearerToken: "inline-token",
				TLS: TLSConfig{CAData: []byte("CA-FROM-DATA"), CertData: []byte("CERT-FROM-DATA"), KeyData: []byte("KEY-FROM-DATA")}},
		},
		{
			name: "~/.kube/config when KUBECONFIG is unset",
			home: "data.yaml",
			want: Config{Servers: []string{"https://data.example"}, Namespace: "ns-data", BearerToken: "inline-token",
				TLS: TLSConfig{CAData: []byte("CA-FROM-DATA"), CertData: []byte("CERT-FROM-DATA"), KeyData: []byte("KEY-FROM-DATA")}},
		},
		{
			name: "no config at all: localhost:8080",
			want: Config{Servers: []string{"http://localhost:8080"}, Namespace: "default"},
		},
		{
			name: "no current context: localhost:8080",
			env:  list("nocontext.yaml"),
			want: Config{Servers: []string{"http://localhost:8080"}, Namespace: "default"},
		},
		{
			name: "no config, --server and --namespace",
			opts: LoadOptions{Server: "http://127.0.0.1:1", Namespace: "x"},
			want: Config{Servers: []string{"http://127.0.0.1:1"}, Namespace: "x"},
		},
		{name: "missing --kubeconfig file", opts: LoadOptions{Kubeconfig: f("absent.yaml")}, wantErr: "no such file"},
		{name: "unknown --context", env: list("a.yaml"), opts: LoadOptions{Context: "nope"}, wantErr: `context "nope" not found`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			t.Setenv("HOME", home)
			t.Setenv("KUBECONFIG", tt.env)
			if tt.home != "" {
				data, err := os.ReadFile(f(tt.home))
				if err != nil {
					t.Fatal(err)
				}
				// Relative paths in a home kubeconfig resolve against ~/.kube.
				if err := os.MkdirAll(filepath.Join(home, ".kube"), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(home, ".kube", "config"), data, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			got, err := LoadConfig(tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

func TestKubeconfigForRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(path, server.KubeconfigFor("http://127.0.0.1:8080"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(LoadOptions{Kubeconfig: path})
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Servers) != 1 || cfg.Servers[0] != "http://127.0.0.1:8080" || cfg.Namespace != "default" || cfg.BearerToken != "" {
		t.Errorf("loaded %+v", cfg)
	}
}
