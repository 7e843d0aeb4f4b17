package client

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"kctl.dev/kctl/internal/atomicfile"
	"sigs.k8s.io/yaml"
)

// KubeconfigFiles returns the kubeconfig files LoadConfig reads, in
// precedence order: explicit (--kubeconfig) alone when set; else the entries
// of $KUBECONFIG (separated by the OS path list separator), empty and
// repeated ones left out; else ~/.kube/config. Files that do not exist are
// listed too: LoadConfig skips them, except an explicit one.
func KubeconfigFiles(explicit string) []string {
	if explicit != "" {
		return []string{explicit}
	}
	if env := os.Getenv("KUBECONFIG"); env != "" {
		var out []string
		for _, p := range filepath.SplitList(env) {
			if p != "" && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
		return out
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return nil
	}
	return []string{filepath.Join(home, ".kube", "config")}
}

// RawKubeconfig is the merge of the kubeconfig files as LoadConfig merges
// them (for each named cluster, user and context, and for current-context,
// the first file that sets it wins), with every field kept as written: what
// `kubectl config view` shows. Paths in it are as the files wrote them.
type RawKubeconfig struct {
	// Files are the files that were read, in precedence order.
	Files          []string
	CurrentContext string
	// Clusters, Users and Contexts are sorted by name; each entry is the
	// value of its "cluster", "user" or "context" key.
	Clusters    []NamedEntry
	Users       []NamedEntry
	Contexts    []NamedEntry
	Preferences map[string]any
	// Dirs maps a cluster or user entry (by kind and name, "cluster/prod",
	// "user/admin") to the directory of the file that defined it, against
	// which its relative paths resolve.
	Dirs map[string]string
}

// NamedEntry is one named cluster, user or context.
type NamedEntry struct {
	Name  string
	Value map[string]any
}

// ReadKubeconfig reads and merges the files of KubeconfigFiles(explicit).
// Missing files are skipped, except an explicit one.
func ReadKubeconfig(explicit string) (*RawKubeconfig, error) {
	k := &RawKubeconfig{Dirs: map[string]string{}}
	for _, path := range KubeconfigFiles(explicit) {
		doc, err := readKubeconfigDoc(path)
		if err != nil {
			if explicit == "" && errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return nil, err
		}
		k.Files = append(k.Files, path)
		k.merge(doc, path)
	}
	for _, l := range []*[]NamedEntry{&k.Clusters, &k.Users, &k.Contexts} {
		slices.SortStableFunc(*l, func(a, b NamedEntry) int { return strings.Compare(a.Name, b.Name) })
	}
	return k, nil
}

func readKubeconfigDoc(path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("client: kubeconfig: %w", err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("client: kubeconfig %s: %w", path, err)
	}
	if doc == nil {
		doc = map[string]any{}
	}
	return doc, nil
}

// merge adds one file; what is already there wins.
func (k *RawKubeconfig) merge(doc map[string]any, path string) {
	dir := filepath.Dir(path)
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if k.CurrentContext == "" {
		k.CurrentContext, _ = doc["current-context"].(string)
	}
	if p, ok := doc["preferences"].(map[string]any); ok && len(p) > 0 && len(k.Preferences) == 0 {
		k.Preferences = p
	}
	for _, l := range []struct {
		key, field string
		into       *[]NamedEntry
	}{
		{"clusters", "cluster", &k.Clusters},
		{"users", "user", &k.Users},
		{"contexts", "context", &k.Contexts},
	} {
		items, _ := doc[l.key].([]any)
		for _, item := range items {
			m, _ := item.(map[string]any)
			name, _ := m["name"].(string)
			value, _ := m[l.field].(map[string]any)
			if value == nil || k.find(*l.into, name) != nil {
				continue
			}
			*l.into = append(*l.into, NamedEntry{Name: name, Value: value})
			k.Dirs[l.field+"/"+name] = dir
		}
	}
}

func (k *RawKubeconfig) find(l []NamedEntry, name string) map[string]any {
	for _, e := range l {
		if e.Name == name {
			return e.Value
		}
	}
	return nil
}

// Context returns the named context, nil when there is none.
func (k *RawKubeconfig) Context(name string) map[string]any { return k.find(k.Contexts, name) }

// Minify keeps only the context name (the current one when empty), its
// cluster and its user, and makes it current.
func (k *RawKubeconfig) Minify(name string) error {
	if name == "" {
		name = k.CurrentContext
	}
	if name == "" {
		return errors.New("current-context must exist in order to minify")
	}
	ctx := k.Context(name)
	if ctx == nil {
		return fmt.Errorf("cannot locate context %s", name)
	}
	keep := func(l []NamedEntry, want any) []NamedEntry {
		var out []NamedEntry
		for _, e := range l {
			if e.Name == want {
				out = append(out, e)
			}
		}
		return out
	}
	k.CurrentContext = name
	k.Contexts = keep(k.Contexts, name)
	k.Clusters = keep(k.Clusters, ctx["cluster"])
	k.Users = keep(k.Users, ctx["user"])
	return nil
}

// Flatten replaces the certificate and key files the clusters and users
// name with the data fields holding their contents.
func (k *RawKubeconfig) Flatten() error {
	for _, l := range []struct {
		kind    string
		entries []NamedEntry
		fields  [][2]string
	}{
		{"cluster", k.Clusters, [][2]string{{"certificate-authority", "certificate-authority-data"}}},
		{"user", k.Users, [][2]string{{"client-certificate", "client-certificate-data"}, {"client-key", "client-key-data"}}},
	} {
		for _, e := range l.entries {
			for _, f := range l.fields {
				file, _ := e.Value[f[0]].(string)
				if file == "" {
					continue
				}
				if !filepath.IsAbs(file) {
					file = filepath.Join(k.Dirs[l.kind+"/"+e.Name], file)
				}
				data, err := os.ReadFile(file)
				if err != nil {
					return fmt.Errorf("client: kubeconfig: %w", err)
				}
				delete(e.Value, f[0])
				e.Value[f[1]] = base64.StdEncoding.EncodeToString(data)
			}
		}
	}
	return nil
}

// Redacted markers, as kubectl config view prints them.
const (
	RedactedData   = "DATA+OMITTED"
	RedactedSecret = "REDACTED"
)

// Document returns the merged kubeconfig as a v1 Config document (sorted
// lists of named entries), with secrets redacted unless raw: the *-data
// fields as DATA+OMITTED, tokens and passwords as REDACTED.
func (k *RawKubeconfig) Document(raw bool) map[string]any {
	list := func(l []NamedEntry, field string) []any {
		out := make([]any, 0, len(l))
		for _, e := range l {
			v := copyJSONMap(e.Value)
			if !raw {
				redactEntry(v)
			}
			out = append(out, map[string]any{"name": e.Name, field: v})
		}
		return out
	}
	prefs := k.Preferences
	if prefs == nil {
		prefs = map[string]any{}
	}
	return map[string]any{
		"apiVersion":      "v1",
		"kind":            "Config",
		"clusters":        list(k.Clusters, "cluster"),
		"users":           list(k.Users, "user"),
		"contexts":        list(k.Contexts, "context"),
		"current-context": k.CurrentContext,
		"preferences":     prefs,
	}
}

func redactEntry(v map[string]any) {
	for key, val := range v {
		if s, ok := val.(string); !ok || s == "" {
			continue
		}
		switch {
		case strings.HasSuffix(key, "-data"):
			v[key] = RedactedData
		case key == "token" || key == "password":
			v[key] = RedactedSecret
		}
	}
}

func copyJSONMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		switch x := v.(type) {
		case map[string]any:
			out[k] = copyJSONMap(x)
		case []any:
			cp := make([]any, len(x))
			for i, e := range x {
				if em, ok := e.(map[string]any); ok {
					cp[i] = copyJSONMap(em)
				} else {
					cp[i] = e
				}
			}
			out[k] = cp
		default:
			out[k] = v
		}
	}
	return out
}

// CurrentContextFile is the file a new current-context is written to, as
// kubectl chooses it: the explicit file; else, of the $KUBECONFIG files, the
// only one, or the first that exists, or the last when none does; else
// ~/.kube/config.
func CurrentContextFile(explicit string) string {
	files := KubeconfigFiles(explicit)
	if len(files) == 0 {
		return ""
	}
	if explicit != "" || len(files) == 1 {
		return files[0]
	}
	for _, f := range files {
		if _, err := os.Stat(f); err == nil {
			return f
		}
	}
	return files[len(files)-1]
}

// SetCurrentContext writes name as the current-context of the file
// CurrentContextFile chooses, keeping the rest of the file (rewritten as
// YAML with sorted keys), and returns that file. A file that does not exist
// is created holding only the current context.
func SetCurrentContext(explicit, name string) (string, error) {
	path := CurrentContextFile(explicit)
	if path == "" {
		return "", errors.New("client: kubeconfig: no file to write the current context to")
	}
	doc, err := readKubeconfigDoc(path)
	perm := fs.FileMode(0o600)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		doc = map[string]any{"apiVersion": "v1", "kind": "Config"}
	case err != nil:
		return "", err
	default:
		if st, err := os.Stat(path); err == nil {
			perm = st.Mode().Perm()
		}
	}
	doc["current-context"] = name
	data, err := yaml.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("client: kubeconfig %s: %w", path, err)
	}
	if err := writeFileReplacing(path, data, perm); err != nil {
		return "", fmt.Errorf("client: kubeconfig: %w", err)
	}
	return path, nil
}

// writeFileReplacing writes data to path through a temporary file renamed
// over it, so that a reader never sees half a file.
func writeFileReplacing(path string, data []byte, perm fs.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, data, perm)
}
