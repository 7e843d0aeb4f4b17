package cli_test

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/internal/kubectltest"
)

func TestVersion(t *testing.T) {
	e := newGetEnv(t, false)
	var server meta.Info
	var b strings.Builder
	if err := e.c.GetRaw(t.Context(), "/version", &b); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(b.String()), &server); err != nil {
		t.Fatal(err)
	}

	r := e.kctl(t, "version")
	want := regexp.MustCompile(`^Client Version: v\d+\.\d+\.\d+\S*\nServer Version: ` + regexp.QuoteMeta(server.GitVersion) + "\n$")
	if r.code != 0 || r.stderr != "" || !want.MatchString(r.stdout) {
		t.Errorf("version: %v, want %s", r, want)
	}

	type info struct {
		ClientVersion *meta.Info `json:"clientVersion"`
		ServerVersion *meta.Info `json:"serverVersion"`
	}
	for _, format := range []string{"json", "yaml"} {
		r := e.kctl(t, "version", "-o", format)
		var got info
		if err := yaml.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 {
			t.Fatalf("-o %s: %v: %v", format, err, r)
		}
		if got.ClientVersion == nil || got.ClientVersion.GoVersion == "" || got.ClientVersion.Platform == "" || got.ServerVersion == nil || *got.ServerVersion != server {
			t.Errorf("-o %s: %+v, want the client's and the server's %+v", format, got, server)
		}
	}
	if r := e.kctl(t, "version", "-o", "json"); !strings.HasPrefix(r.stdout, "{\n  \"clientVersion\": {\n    \"major\": ") {
		t.Errorf("-o json is not indented by two spaces as kubectl's: %q", r.stdout)
	}
	if r := e.kctl(t, "version", "-o", "xml"); r.code != 1 || r.stderr != "error: --output must be 'yaml' or 'json'\n" {
		t.Errorf("-o xml: %v", r)
	}
}

func TestVersionWithoutServer(t *testing.T) {
	dir := t.TempDir()
	kc := filepath.Join(dir, "kubeconfig")
	srv := newGetEnv(t, false).srv
	if err := srv.WriteKubeconfig(kc); err != nil {
		t.Fatal(err)
	}
	srv.Close() // nothing listens there any more
	e := &getEnv{&cmdEnv{kubeconfig: kc, cacheDir: filepath.Join(dir, "cache")}}
	r := e.kctl(t, "version", "--client")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "Client Version: v") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("version --client: %v", r)
	}
	r = e.kctl(t, "version")
	host := strings.TrimPrefix(srv.URL, "http://")
	if r.code != 1 || !strings.HasPrefix(r.stdout, "Client Version: v") || r.stderr != "The connection to the server "+host+" was refused - did you specify the right host or port?\n" {
		t.Errorf("version with the server down: %v", r)
	}
}

// TestVersionMatchesKubectl checks the server part against the real kubectl's.
func TestVersionMatchesKubectl(t *testing.T) {
	kubectl := kubectltest.Path(t)
	e := newGetEnv(t, false)
	serverLine := func(out string) string {
		for _, l := range getLines(out) {
			if strings.HasPrefix(l, "Server Version: ") {
				return l
			}
		}
		return ""
	}
	want, got := e.kubectl(t, kubectl, "version"), e.kctl(t, "version")
	if serverLine(got.stdout) == "" || serverLine(got.stdout) != serverLine(want.stdout) {
		t.Errorf("kctl:\n%v\nkubectl:\n%v", got, want)
	}
	var k, c struct {
		ServerVersion map[string]any `json:"serverVersion"`
	}
	if err := json.Unmarshal([]byte(e.kubectl(t, kubectl, "version", "-o", "json").stdout), &k); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(e.kctl(t, "version", "-o", "json").stdout), &c); err != nil {
		t.Fatal(err)
	}
	kb, _ := json.Marshal(k.ServerVersion)
	cb, _ := json.Marshal(c.ServerVersion)
	if string(kb) != string(cb) {
		t.Errorf("serverVersion: kctl %s, kubectl %s", cb, kb)
	}
}
