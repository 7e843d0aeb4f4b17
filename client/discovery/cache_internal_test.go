package discovery

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestHostDir(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "discovery")
	tests := []struct{ server, want string }{
		{"http://127.0.0.1:8080", "127.0.0.1_8080"},
		{"https://10.0.0.1:6443", "10.0.0.1_6443"},
		{"https://api.example.com", "api.example.com"},
		{"https://[::1]:6443", "___1__6443"},
		{"https://rancher.example.com/k8s/clusters/c-m-abc", "rancher.example.com/k8s/clusters/c_m_abc"},
		{"localhost:8080", "localhost_8080"},
		{"https://user@h:1/a b?x=1", "user_h_1/a_b_x_1"},
	}
	for _, tt := range tests {
		got, err := filepath.Rel(parent, hostDir(parent, tt.server))
		if err != nil {
			t.Fatal(err)
		}
		if filepath.ToSlash(got) != tt.want {
			t.Errorf("hostDir(%q) = %s, want %s", tt.server, got, tt.want)
		}
	}
	// Whatever the URL, the directory stays inside parent.
	for _, server := range []string{"https://h/../../../etc", "http://..", "https://.", "", "http://", "https://h/../.."} {
		got := hostDir(parent, server)
		rel, err := filepath.Rel(parent, got)
		if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
			t.Errorf("hostDir(%q) = %s, outside %s", server, got, parent)
		}
	}
}
