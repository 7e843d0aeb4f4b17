package client

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"
)

// LoadOptions are the command-line flags that change kubeconfig resolution, as
// kubectl has them. Empty fields take the defaults.
type LoadOptions struct {
	Kubeconfig string // --kubeconfig: this file only; it must exist
	Context    string // --context: instead of current-context
	Server     string // --server: overrides the cluster's server
	Token      string // --token: overrides the user's credentials
	Namespace  string // --namespace: overrides the context's namespace
}

// LoadConfig resolves a Config as kubectl does:
//
//   - the files: opts.Kubeconfig alone if set; else the files listed in
//     $KUBECONFIG (separated by the OS path list separator; missing files are
//     skipped), merged so that for each named cluster, user and context, and
//     for current-context, the first file that sets it wins; else
//     ~/.kube/config if it exists;
//   - the context: opts.Context, else current-context; with no context at all
//     the server is DefaultServer (http://localhost:8080), without credentials;
//   - the namespace: opts.Namespace, else the context's, else "default";
//   - the server (opts.Server, else the cluster's), certificate-authority(-data),
//     insecure-skip-tls-verify, tls-server-name, client-certificate(-data),
//     client-key(-data), token and tokenFile (opts.Token wins over both). Data
//     fields win over file fields; relative file paths are relative to the
//     kubeconfig file that names them.
//
// A server field may list several URLs separated by commas: the client fails
// over between them. Exec and auth-provider plugins, basic auth and proxies
// are not supported.
func LoadConfig(opts LoadOptions) (*Config, error) {
	kc, err := loadKubeconfig(opts.Kubeconfig)
	if err != nil {
		return nil, err
	}
	cfg := &Config{Namespace: "default"}
	ctxName := opts.Context
	if ctxName == "" {
		ctxName = kc.currentContext
	}
	if ctxName != "" {
		if err := kc.apply(cfg, ctxName); err != nil {
			return nil, err
		}
	}
	if opts.Server != "" {
		cfg.Servers = splitServers(opts.Server)
	}
	if len(cfg.Servers) == 0 {
		cfg.Servers = []string{DefaultServer}
	}
	if opts.Token != "" {
		cfg.BearerToken = opts.Token
	}
	if opts.Namespace != "" {
		cfg.Namespace = opts.Namespace
	}
	return cfg, nil
}

// kubeconfigFile is the part of a kubeconfig (kind Config, v1) we read.
type kubeconfigFile struct {
	CurrentContext string `json:"current-context"`
	Clusters       []struct {
		Name    string       `json:"name"`
		Cluster *kubeCluster `json:"cluster"`
	} `json:"clusters"`
	Users []struct {
		Name string    `json:"name"`
		User *kubeUser `json:"user"`
	} `json:"users"`
	Contexts []struct {
		Name    string       `json:"name"`
		Context *kubeContext `json:"context"`
	} `json:"contexts"`
}

type kubeCluster struct {
	Server                   string `json:"server"`
	CertificateAuthority     string `json:"certificate-authority"`
	CertificateAuthorityData []byte `json:"certificate-authority-data"`
	InsecureSkipTLSVerify    bool   `json:"insecure-skip-tls-verify"`
	TLSServerName            string `json:"tls-server-name"`
	dir                      string // of the file that defined it
}

type kubeUser struct {
	ClientCertificate     string `json:"client-certificate"`
	ClientCertificateData []byte `json:"client-certificate-data"`
	ClientKey             string `json:"client-key"`
	ClientKeyData         []byte `json:"client-key-data"`
	Token                 string `json:"token"`
	TokenFile             string `json:"tokenFile"`
	dir                   string
}

type kubeContext struct {
	Cluster   string `json:"cluster"`
	User      string `json:"user"`
	Namespace string `json:"namespace"`
}

// kubeconfig is the merge of the kubeconfig files.
type kubeconfig struct {
	currentContext string
	clusters       map[string]*kubeCluster
	users          map[string]*kubeUser
	contexts       map[string]*kubeContext
}

func loadKubeconfig(explicit string) (*kubeconfig, error) {
	kc := &kubeconfig{
		clusters: map[string]*kubeCluster{},
		users:    map[string]*kubeUser{},
		contexts: map[string]*kubeContext{},
	}
	if explicit != "" {
		return kc, kc.merge(explicit, true)
	}
	if env := os.Getenv("KUBECONFIG"); env != "" {
		seen := map[string]bool{}
		for _, p := range filepath.SplitList(env) {
			if p == "" || seen[p] {
				continue
			}
			seen[p] = true
			if err := kc.merge(p, false); err != nil {
				return nil, err
			}
		}
		return kc, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return kc, nil // no home, no default file
	}
	return kc, kc.merge(filepath.Join(home, ".kube", "config"), false)
}

// merge adds the file at path; entries already present win.
func (kc *kubeconfig) merge(path string, mustExist bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		if !mustExist && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("client: kubeconfig: %w", err)
	}
	var f kubeconfigFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("client: kubeconfig %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if kc.currentContext == "" {
		kc.currentContext = f.CurrentContext
	}
	for _, c := range f.Clusters {
		if _, ok := kc.clusters[c.Name]; !ok && c.Cluster != nil {
			c.Cluster.dir = dir
			kc.clusters[c.Name] = c.Cluster
		}
	}
	for _, u := range f.Users {
		if _, ok := kc.users[u.Name]; !ok && u.User != nil {
			u.User.dir = dir
			kc.users[u.Name] = u.User
		}
	}
	for _, c := range f.Contexts {
		if _, ok := kc.contexts[c.Name]; !ok && c.Context != nil {
			kc.contexts[c.Name] = c.Context
		}
	}
	return nil
}

// apply fills cfg from the named context.
func (kc *kubeconfig) apply(cfg *Config, name string) error {
	ctx, ok := kc.contexts[name]
	if !ok {
		return fmt.Errorf("client: kubeconfig: context %q not found", name)
	}
	if ctx.Namespace != "" {
		cfg.Namespace = ctx.Namespace
	}
	if ctx.Cluster != "" {
		cl, ok := kc.clusters[ctx.Cluster]
		if !ok {
			return fmt.Errorf("client: kubeconfig: cluster %q of context %q not found", ctx.Cluster, name)
		}
		cfg.Servers = splitServers(cl.Server)
		cfg.TLS.Insecure = cl.InsecureSkipTLSVerify
		cfg.TLS.ServerName = cl.TLSServerName
		var err error
		if cfg.TLS.CAData, err = dataOrFile(cl.CertificateAuthorityData, cl.CertificateAuthority, cl.dir); err != nil {
			return err
		}
	}
	if ctx.User != "" {
		u, ok := kc.users[ctx.User]
		if !ok {
			return fmt.Errorf("client: kubeconfig: user %q of context %q not found", ctx.User, name)
		}
		var err error
		if cfg.TLS.CertData, err = dataOrFile(u.ClientCertificateData, u.ClientCertificate, u.dir); err != nil {
			return err
		}
		if cfg.TLS.KeyData, err = dataOrFile(u.ClientKeyData, u.ClientKey, u.dir); err != nil {
			return err
		}
		cfg.BearerToken = u.Token
		if cfg.BearerToken == "" && u.TokenFile != "" {
			tok, err := dataOrFile(nil, u.TokenFile, u.dir)
			if err != nil {
				return err
			}
			cfg.BearerToken = strings.TrimSpace(string(tok))
		}
	}
	return nil
}

func dataOrFile(data []byte, file, dir string) ([]byte, error) {
	if len(data) > 0 || file == "" {
		return data, nil
	}
	if !filepath.IsAbs(file) {
		file = filepath.Join(dir, file)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("client: kubeconfig: %w", err)
	}
	return b, nil
}

func splitServers(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
