package fake_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"
	"sigs.k8s.io/yaml"

	"kctl.dev/kctl/server/fake"
	"kctl.dev/kctl/server/storage/memory"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// get fetches url with a client whose connections are closed afterwards, and
// returns the status code and body.
func get(t *testing.T, url string) (int, []byte) {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, body
}

func TestStartServesTheAPI(t *testing.T) {
	srv := fake.Start(t)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Errorf("URL = %q, want http://127.0.0.1:PORT", srv.URL)
	}
	if srv.Server == nil || srv.Storage == nil {
		t.Fatalf("Server = %v, Storage = %v; want both set", srv.Server, srv.Storage)
	}
	code, body := get(t, srv.URL+"/api/v1/namespaces/default")
	if code != http.StatusOK {
		t.Fatalf("GET namespace default: %d %s", code, body)
	}
	var ns struct {
		Kind     string
		Metadata struct{ Name string }
	}
	if err := json.Unmarshal(body, &ns); err != nil {
		t.Fatalf("namespace: %v in %s", err, body)
	}
	if ns.Kind != "Namespace" || ns.Metadata.Name != "default" {
		t.Errorf("got kind %q name %q, want Namespace default", ns.Kind, ns.Metadata.Name)
	}
}

func TestServersAreIndependent(t *testing.T) {
	a, b := fake.Start(t), fake.Start(t)
	if a.URL == b.URL {
		t.Fatalf("two servers share %s", a.URL)
	}
	if a.Storage == b.Storage {
		t.Fatal("two servers share one storage")
	}
}

func TestCloseClosesOwnStorageOnly(t *testing.T) {
	tests := []struct {
		name       string
		shared     bool
		wantUsable bool
	}{
		{name: "own memory store", shared: false, wantUsable: false},
		{name: "store from WithStorage", shared: true, wantUsable: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []fake.Option
			if tt.shared {
				st := memory.New()
				t.Cleanup(func() { st.Close() })
				opts = append(opts, fake.WithStorage(st))
			}
			srv, err := fake.New(opts...)
			if err != nil {
				t.Fatal(err)
			}
			srv.Close()
			srv.Close() // a second Close does nothing
			_, err = srv.Storage.Revision(context.Background())
			if usable := err == nil; usable != tt.wantUsable {
				t.Errorf("after Close, storage Revision error = %v; want usable %v", err, tt.wantUsable)
			}
		})
	}
}

func TestRestartOnSharedStorageKeepsObjects(t *testing.T) {
	st := memory.New()
	t.Cleanup(func() { st.Close() })
	first, err := fake.New(fake.WithStorage(st))
	if err != nil {
		t.Fatal(err)
	}
	post(t, first.URL+"/api/v1/namespaces/default/configmaps",
		`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kept"},"data":{"k":"v"}}`)
	first.Close()

	second := fake.Start(t, fake.WithStorage(st))
	if code, body := get(t, second.URL+"/api/v1/namespaces/default/configmaps/kept"); code != http.StatusOK {
		t.Fatalf("after restart: %d %s", code, body)
	}
}

func post(t *testing.T, url, body string) {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST %s: %d %s", url, resp.StatusCode, b)
	}
}

func TestCloseEndsOpenWatches(t *testing.T) {
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	var watch *http.Response
	t.Run("server", func(t *testing.T) {
		srv := fake.Start(t) // its cleanup fails the test if Shutdown times out
		resp, err := (&http.Client{Transport: tr}).Get(srv.URL + "/api/v1/namespaces/default/configmaps?watch=true")
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			t.Fatalf("watch: %s", resp.Status)
		}
		watch = resp
	})
	if watch == nil {
		return
	}
	defer watch.Body.Close()
	// The stream has ended: reading it to the end returns.
	_, _ = io.Copy(io.Discard, watch.Body)
}

func TestKubeconfig(t *testing.T) {
	srv := fake.Start(t)
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := srv.WriteKubeconfig(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != string(srv.Kubeconfig()) {
		t.Errorf("file differs from Kubeconfig():\n%s", data)
	}
	var cfg struct {
		CurrentContext string `json:"current-context"`
		Clusters       []struct {
			Name    string
			Cluster struct{ Server string }
		}
		Contexts []struct {
			Name    string
			Context struct{ Cluster, Namespace string }
		}
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.CurrentContext != "kctl" || len(cfg.Contexts) != 1 || cfg.Contexts[0].Context.Namespace != "default" {
		t.Errorf("context: %+v, current %q", cfg.Contexts, cfg.CurrentContext)
	}
	if len(cfg.Clusters) != 1 || cfg.Clusters[0].Cluster.Server != srv.URL {
		t.Errorf("clusters = %+v, want one with server %s", cfg.Clusters, srv.URL)
	}
}

func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		srv, err := fake.New()
		if err != nil {
			b.Fatal(err)
		}
		srv.Close()
	}
}
