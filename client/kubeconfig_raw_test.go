package client

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func writeKubeconfigs(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const (
	rawFirst = `apiVersion: v1
kind: Config
current-context: one
clusters:
- name: c1
  cluster: {server: "https://first:6443", certificate-authority: ca.crt}
- name: both
  cluster: {server: "https://both-first"}
users:
- name: u1
  user: {token: first-token}
contexts:
- name: one
  context: {cluster: c1, user: u1, namespace: ns1}
`
	rawSecond = `apiVersion: v1
kind: Config
current-context: two
preferences: {colors: true}
clusters:
- name: both
  cluster: {server: "https://both-second", certificate-authority-data: Y2E=}
- name: c2
  cluster: {server: "https://second:6443"}
users:
- name: u2
  user: {client-certificate-data: Y2VydA==, client-key-data: a2V5, password: pw, username: me}
contexts:
- name: two
  context: {cluster: both, user: u2}
- name: one
  context: {cluster: c2, user: u2}
`
)

func TestKubeconfigFiles(t *testing.T) {
	sep := string(os.PathListSeparator)
	home := t.TempDir()
	t.Setenv("HOME", home)
	tests := []struct {
		env, explicit string
		want          []string
	}{
		{env: "", explicit: "x", want: []string{"x"}},
		{env: "a" + sep + "b", explicit: "x", want: []string{"x"}},
		{env: "a" + sep + sep + "b" + sep + "a", want: []string{"a", "b"}},
		{env: "", want: []string{filepath.Join(home, ".kube", "config")}},
	}
	for _, tt := range tests {
		t.Setenv("KUBECONFIG", tt.env)
		if got := KubeconfigFiles(tt.explicit); !slices.Equal(got, tt.want) {
			t.Errorf("KUBECONFIG=%q explicit=%q: %v, want %v", tt.env, tt.explicit, got, tt.want)
		}
	}
}

// TestReadKubeconfigMergesAsLoadConfig checks that the raw merge and
// LoadConfig agree on which file wins.
func TestReadKubeconfigMergesAsLoadConfig(t *testing.T) {
	dir := writeKubeconfigs(t, map[string]string{"first": rawFirst, "second": rawSecond, "ca.crt": "CA"})
	sep := string(os.PathListSeparator)
	t.Setenv("KUBECONFIG", filepath.Join(dir, "missing")+sep+filepath.Join(dir, "first")+sep+filepath.Join(dir, "second"))

	k, err := ReadKubeconfig("")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(k.Files, []string{filepath.Join(dir, "first"), filepath.Join(dir, "second")}) {
		t.Errorf("files %v", k.Files)
	}
	names := func(l []NamedEntry) (out []string) {
		for _, e := range l {
			out = append(out, e.Name)
		}
		return out
	}
	if k.CurrentContext != "one" || !slices.Equal(names(k.Contexts), []string{"one", "two"}) ||
		!slices.Equal(names(k.Clusters), []string{"both", "c1", "c2"}) || !slices.Equal(names(k.Users), []string{"u1", "u2"}) {
		t.Errorf("merged: current %q contexts %v clusters %v users %v", k.CurrentContext, names(k.Contexts), names(k.Clusters), names(k.Users))
	}
	if ctx := k.Context("one"); ctx["cluster"] != "c1" {
		t.Errorf("context one = %v, want the first file's", ctx)
	}
	if k.Context("nope") != nil {
		t.Error("a missing context was found")
	}
	if k.Preferences["colors"] != true {
		t.Errorf("preferences %v", k.Preferences)
	}
	for _, ctxName := range []string{"one", "two"} {
		cfg, err := LoadConfig(LoadOptions{Context: ctxName})
		if err != nil {
			t.Fatal(err)
		}
		ctx := k.Context(ctxName)
		var server string
		for _, c := range k.Clusters {
			if c.Name == ctx["cluster"] {
				server, _ = c.Value["server"].(string)
			}
		}
		if len(cfg.Servers) != 1 || cfg.Servers[0] != server {
			t.Errorf("context %s: LoadConfig uses %v, the raw merge %q", ctxName, cfg.Servers, server)
		}
	}

	// An explicit file must exist; it is read alone.
	if _, err := ReadKubeconfig(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing explicit file was accepted")
	}
	k2, err := ReadKubeconfig(filepath.Join(dir, "second"))
	if err != nil || k2.CurrentContext != "two" {
		t.Errorf("explicit file: %v %v", err, k2)
	}
}

func TestRawKubeconfigDocument(t *testing.T) {
	dir := writeKubeconfigs(t, map[string]string{"first": rawFirst, "second": rawSecond, "ca.crt": "CA"})
	t.Setenv("KUBECONFIG", filepath.Join(dir, "first")+string(os.PathListSeparator)+filepath.Join(dir, "second"))
	k, err := ReadKubeconfig("")
	if err != nil {
		t.Fatal(err)
	}
	doc := k.Document(false)
	users := doc["users"].([]any)
	u2 := users[1].(map[string]any)["user"].(map[string]any)
	u1 := users[0].(map[string]any)["user"].(map[string]any)
	if u1["token"] != RedactedSecret || u2["password"] != RedactedSecret || u2["client-key-data"] != RedactedData || u2["username"] != "me" {
		t.Errorf("redacted users: %v %v", u1, u2)
	}
	clusters := doc["clusters"].([]any)
	if c := clusters[0].(map[string]any)["cluster"].(map[string]any); c["server"] != "https://both-first" {
		t.Errorf("cluster both = %v", c)
	}
	// Redaction works on copies.
	if k.Document(true)["users"].([]any)[0].(map[string]any)["user"].(map[string]any)["token"] != "first-token" {
		t.Error("raw document redacted, or redaction changed the merge")
	}

	if err := k.Minify(""); err != nil {
		t.Fatal(err)
	}
	if err := k.Flatten(); err != nil {
		t.Fatal(err)
	}
	doc = k.Document(true)
	if len(doc["clusters"].([]any)) != 1 || len(doc["users"].([]any)) != 1 || doc["current-context"] != "one" {
		t.Errorf("minified: %v", doc)
	}
	c1 := doc["clusters"].([]any)[0].(map[string]any)["cluster"].(map[string]any)
	if c1["certificate-authority-data"] != "Q0E=" || c1["certificate-authority"] != nil {
		t.Errorf("flattened cluster: %v", c1)
	}

	empty := &RawKubeconfig{}
	if err := empty.Minify(""); err == nil || !strings.Contains(err.Error(), "current-context must exist") {
		t.Errorf("minify without a context: %v", err)
	}
}

func TestSetCurrentContext(t *testing.T) {
	sep := string(os.PathListSeparator)
	tests := []struct {
		name     string
		existing []string // files that exist, of a, b, c
		env      []string
		explicit string
		want     string
	}{
		{name: "explicit", existing: []string{"a", "b"}, env: []string{"a", "b"}, explicit: "b", want: "b"},
		{name: "first existing", existing: []string{"b", "c"}, env: []string{"a", "b", "c"}, want: "b"},
		{name: "none exists: the last", env: []string{"a", "b"}, want: "b"},
		{name: "single entry, missing", env: []string{"a"}, want: "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.existing {
				if err := os.WriteFile(filepath.Join(dir, f), []byte("apiVersion: v1\nkind: Config\nclusters:\n- name: x\n  cluster: {server: \"https://x\"}\n"), 0o640); err != nil {
					t.Fatal(err)
				}
			}
			var env []string
			for _, f := range tt.env {
				env = append(env, filepath.Join(dir, f))
			}
			t.Setenv("KUBECONFIG", strings.Join(env, sep))
			explicit := ""
			if tt.explicit != "" {
				explicit = filepath.Join(dir, tt.explicit)
			}
			path, err := SetCurrentContext(explicit, "ctx")
			if err != nil {
				t.Fatal(err)
			}
			if path != filepath.Join(dir, tt.want) {
				t.Fatalf("wrote %s, want %s", path, tt.want)
			}
			data, err := os.ReadFile(path)
			if err != nil || !strings.Contains(string(data), "current-context: ctx\n") {
				t.Fatalf("%s: %s %v", path, data, err)
			}
			if slices.Contains(tt.existing, tt.want) {
				if !strings.Contains(string(data), "server: https://x") {
					t.Errorf("the rest of the file was lost:\n%s", data)
				}
				if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
					t.Errorf("mode %v, want 0640 kept", st.Mode().Perm())
				}
			}
			k, err := ReadKubeconfig(explicit)
			if err != nil || k.CurrentContext != "ctx" {
				t.Errorf("read back: %v %v", err, k)
			}
		})
	}
}
