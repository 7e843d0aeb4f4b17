package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"sigs.k8s.io/yaml"
)

func TestServerWritesKubeconfig(t *testing.T) {
	for _, storage := range []string{"bolt", "memory"} {
		t.Run(storage, func(t *testing.T) {
			dataDir := filepath.Join(t.TempDir(), "data")
			p := startServer(t, "--listen=127.0.0.1:0", "--data-dir", dataDir, "--storage", storage)
			path := filepath.Join(dataDir, "kubeconfig")
			if want := fmt.Sprintf("kctl server listening on %s (storage: %s, data dir: %s, kubeconfig: %s)\n", p.url, storage, dataDir, path); p.line != want {
				t.Errorf("stdout line = %q, want %q", p.line, want)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var cfg struct {
				CurrentContext string `json:"current-context"`
				Clusters       []struct {
					Name    string
					Cluster struct{ Server string }
				}
				Contexts []struct {
					Name    string
					Context struct{ Cluster, User, Namespace string }
				}
			}
			if err := yaml.Unmarshal(data, &cfg); err != nil {
				t.Fatalf("kubeconfig: %v\n%s", err, data)
			}
			if len(cfg.Clusters) != 1 || cfg.Clusters[0].Cluster.Server != p.url {
				t.Errorf("clusters = %+v, want one with server %s", cfg.Clusters, p.url)
			}
			if cfg.CurrentContext != "kctl" || len(cfg.Contexts) != 1 || cfg.Contexts[0].Name != "kctl" || cfg.Contexts[0].Context.Namespace != "default" {
				t.Errorf("current context %q, contexts %+v; want kctl with namespace default", cfg.CurrentContext, cfg.Contexts)
			}
			checkKubectlReads(t, path, p.url)
		})
	}
}

// checkKubectlReads checks that kubectl understands the kubeconfig at path and
// takes the server URL from it (offline: config view talks to no server).
func checkKubectlReads(t *testing.T, path, url string) {
	t.Helper()
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("kubectl is required when CI is set: %v", err)
		}
		t.Logf("kubectl not found in PATH (%v); not checking that kubectl reads the kubeconfig", err)
		return
	}
	out, err := exec.Command(kubectl, "--kubeconfig", path, "config", "view", "--minify",
		"-o", "jsonpath={.clusters[0].cluster.server} {.contexts[0].context.namespace}").CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl config view: %v\n%s", err, out)
	}
	if want := url + " default"; string(out) != want {
		t.Errorf("kubectl config view = %q, want %q", out, want)
	}
}

// TestServerKeepsAcknowledgedWritesAcrossKill creates ConfigMaps from several
// clients at once, kills the server with SIGKILL while they are writing, and
// checks after a restart that every create answered 201 is there.
func TestServerKeepsAcknowledgedWritesAcrossKill(t *testing.T) {
	const (
		clients    = 16
		killAfter  = 200 // acknowledged creates before the kill
		maxCreates = 1000
	)
	dataDir := t.TempDir()
	p := startServer(t, "--listen=127.0.0.1:0", "--data-dir", dataDir)
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}

	var (
		mu       sync.Mutex
		acked    = map[string]string{} // name -> data value
		next     int
		failures []string
		killed   = make(chan struct{})
		killOnce sync.Once
		wg       sync.WaitGroup
	)
	for range clients {
		wg.Go(func() {
			for {
				mu.Lock()
				next++
				n := next
				mu.Unlock()
				if n > maxCreates {
					return
				}
				name, value := fmt.Sprintf("cm-%04d", n), fmt.Sprintf("value-%d-%s", n, strings.Repeat("x", n%64))
				code, body, err := createConfigMap(t.Context(), client, p.url, name, value)
				if err != nil { // the server is gone
					return
				}
				mu.Lock()
				if code == http.StatusCreated {
					acked[name] = value
				} else {
					failures = append(failures, fmt.Sprintf("%s: %d %s", name, code, body))
				}
				if len(acked) >= killAfter {
					killOnce.Do(func() { close(killed) })
				}
				mu.Unlock()
			}
		})
	}
	select {
	case <-killed:
		p.kill9(t)
	case <-p.exited:
		t.Fatalf("server exited: %v\n%s", p.err, p.stderr)
	}
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d creates failed before the kill, first: %s", len(failures), failures[0])
	}
	if len(acked) < killAfter {
		t.Fatalf("only %d creates acknowledged", len(acked))
	}

	p = startServer(t, "--listen=127.0.0.1:0", "--data-dir", dataDir)
	stored := listConfigMaps(t, client, p.url)
	var missing []string
	for name, value := range acked {
		got, ok := stored[name]
		if !ok {
			missing = append(missing, name)
		} else if got != value {
			t.Errorf("%s: data.value = %q, want %q", name, got, value)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d of %d acknowledged ConfigMaps lost after kill -9, e.g. %s", len(missing), len(acked), missing[0])
	}
	t.Logf("%d acknowledged before the kill, %d stored after the restart", len(acked), len(stored))
	if code := p.signal(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code %d after SIGTERM; stderr:\n%s", code, p.stderr)
	}
}

// createConfigMap POSTs a ConfigMap; err is set only when no answer came.
func createConfigMap(ctx context.Context, client *http.Client, url, name, value string) (code int, body []byte, err error) {
	obj := fmt.Sprintf(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":%q},"data":{"value":%q}}`, name, value)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/api/v1/namespaces/default/configmaps", strings.NewReader(obj))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, body, nil
}

// listConfigMaps returns the data.value of every ConfigMap in default by name.
func listConfigMaps(t *testing.T, client *http.Client, url string) map[string]string {
	t.Helper()
	resp, err := client.Get(url + "/api/v1/namespaces/default/configmaps")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("list configmaps: %s %s", resp.Status, body)
	}
	var list struct {
		Items []struct {
			Metadata struct{ Name string }
			Data     map[string]string
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	stored := make(map[string]string, len(list.Items))
	for _, it := range list.Items {
		stored[it.Metadata.Name] = it.Data["value"]
	}
	return stored
}

func TestServerStopsCleanlyOnSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			dataDir := t.TempDir()
			for range 2 { // the second start finds the database released
				p := startServer(t, "--listen=127.0.0.1:0", "--data-dir", dataDir)
				if code := p.signal(t, sig); code != 0 {
					t.Errorf("exit code = %d, want 0; stderr:\n%s", code, p.stderr)
				}
				log := p.stderr.String()
				requireNoTrace(t, log)
				if !strings.Contains(log, "msg=stopped") {
					t.Errorf("log has no clean stop:\n%s", log)
				}
			}
		})
	}
}

func TestServerRefusesBadFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--listen=0.0.0.0:0"}, "error: --listen must be a loopback address until authentication exists"},
		{[]string{"--listen=:0"}, "error: --listen must be a loopback address until authentication exists"},
		{[]string{"--listen=[::]:0"}, "error: --listen must be a loopback address until authentication exists"},
		{[]string{"--storage=etcd"}, `error: --storage must be bolt or memory, not "etcd"`},
	}
	bin := kctlBinary(t)
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			dataDir := filepath.Join(t.TempDir(), "data")
			cmd := exec.Command(bin, append([]string{"server", "--data-dir", dataDir}, tt.args...)...)
			cmd.Env = raceEnv()
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("exit: %v, want exit status 1", err)
			}
			if stderr.String() != tt.want+"\n" {
				t.Errorf("stderr = %q, want the one line %q", stderr.String(), tt.want)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
			if _, err := os.Stat(dataDir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("data dir created despite the error (stat: %v)", err)
			}
		})
	}
}

func TestServerRefusesADataDirInUse(t *testing.T) {
	dataDir := t.TempDir()
	first := startServer(t, "--listen=127.0.0.1:0", "--data-dir", dataDir)
	cmd := exec.Command(kctlBinary(t), "server", "--listen=127.0.0.1:0", "--data-dir", dataDir)
	cmd.Env = raceEnv()
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("second server: %v, want exit status 1", err)
	}
	want := "error: " + filepath.Join(dataDir, "kctl.db") + " is in use by another process"
	if got := stderr.String(); !strings.HasPrefix(got, want) || strings.Count(got, "\n") != 1 {
		t.Errorf("stderr = %q, want one line starting %q", got, want)
	}
	if code := first.signal(t, syscall.SIGTERM); code != 0 {
		t.Errorf("first server: exit code %d after SIGTERM", code)
	}
}
