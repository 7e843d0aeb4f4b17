package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"kctl.dev/kctl/server/fake"
	"kctl.dev/kctl/server/storage"
	"kctl.dev/kctl/server/storage/bolt"
	"kctl.dev/kctl/server/storage/memory"
)

// Reference figures (kube-apiserver with etcd, same kind of machine): 782
// creates/s from 16 clients; a list of 10,000 pods in 0.41 s. Targets: memory
// >= 10,000 creates/s, bolt >= 2,000 creates/s.
//
//	go test -run=NONE -bench='CreatePods|ListPods' -benchtime=3s ./server

const benchClients = 16

// benchBackends are the storage benchBackends the benchmarks run on; open returns a
// store that is closed when the benchmark ends.
var benchBackends = []struct {
	name string
	open func(b *testing.B) storage.Interface
}{
	{"memory", func(b *testing.B) storage.Interface { return memory.New() }},
	{"bolt", func(b *testing.B) storage.Interface {
		st, err := bolt.Open(filepath.Join(b.TempDir(), "kctl.db"), bolt.Options{})
		if err != nil {
			b.Fatal(err)
		}
		return st
	}},
}

// startBench starts a server over a new store of the backend and returns its
// URL and an HTTP client sharing one transport with an idle connection per
// benchmark client.
func startBench(b *testing.B, open func(*testing.B) storage.Interface) (string, *http.Client) {
	st := open(b)
	b.Cleanup(func() { st.Close() }) // after the server's own cleanup
	srv := fake.Start(b, fake.WithStorage(st))
	tr := &http.Transport{MaxIdleConns: 2 * benchClients, MaxIdleConnsPerHost: 2 * benchClients}
	b.Cleanup(tr.CloseIdleConnections)
	return srv.URL, &http.Client{Transport: tr}
}

func BenchmarkCreatePods(b *testing.B) {
	for _, be := range benchBackends {
		b.Run(be.name, func(b *testing.B) {
			url, client := startBench(b, be.open)
			b.SetBytes(int64(len(benchPod(0))))
			b.ResetTimer()
			benchCreatePods(b, client, url, b.N)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
		})
	}
}

func BenchmarkListPods(b *testing.B) {
	const pods = 10_000
	for _, be := range benchBackends {
		b.Run(be.name, func(b *testing.B) {
			url, client := startBench(b, be.open)
			benchCreatePods(b, client, url, pods)
			for _, rv := range []string{"", "0"} {
				b.Run("resourceVersion="+rv, func(b *testing.B) {
					listURL := url + "/api/v1/namespaces/default/pods?resourceVersion=" + rv
					size := benchListPods(b, client, listURL, pods)
					b.SetBytes(size)
					b.ReportAllocs() // client and server: both run in this process
					for b.Loop() {
						benchListPods(b, client, listURL, -1)
					}
				})
			}
		})
	}
}

// benchCreatePods POSTs n pods from benchClients concurrent clients.
func benchCreatePods(b *testing.B, client *http.Client, url string, n int) {
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range benchClients {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				resp, err := client.Post(url+"/api/v1/namespaces/default/pods", "application/json", bytes.NewReader(benchPod(i)))
				if err != nil {
					b.Error(err)
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					b.Errorf("create pod %d: %s %s", i, resp.Status, body)
					return
				}
			}
		})
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
}

// benchListPods GETs the list at url and returns the size of the body; when want
// is not negative it also checks the number of items.
func benchListPods(b *testing.B, client *http.Client, url string, want int) int64 {
	resp, err := client.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		b.Fatalf("list: %s %s", resp.Status, body)
	}
	if want < 0 {
		n, err := io.Copy(io.Discard, resp.Body)
		if err != nil {
			b.Fatal(err)
		}
		return n
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	var list struct{ Items []json.RawMessage }
	if err := json.Unmarshal(body, &list); err != nil {
		b.Fatal(err)
	}
	if len(list.Items) != want {
		b.Fatalf("list has %d pods, want %d", len(list.Items), want)
	}
	return int64(len(body))
}

// benchPod returns a pod of about 2 KiB, shaped like a real workload's: labels,
// annotations, an init container and two containers with env, ports,
// resources, probes and volume mounts.
func benchPod(i int64) []byte {
	return fmt.Appendf(nil, `{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {
    "name": "checkout-%[1]d",
    "labels": {"app": "checkout", "tier": "backend", "release": "stable", "pod-template-hash": "7d9f8c6b5", "shard": "%[2]d"},
    "annotations": {
      "prometheus.io/scrape": "true",
      "prometheus.io/port": "9090",
      "kubectl.kubernetes.io/default-container": "app",
      "checksum/config": "4f9a1c2e7b3d8a6f5e0c9b1d2a7e4f3c8b6d5a0e9f1c2b3a4d5e6f7a8b9c0d1e"
    }
  },
  "spec": {
    "serviceAccountName": "checkout",
    "terminationGracePeriodSeconds": 30,
    "initContainers": [{
      "name": "migrate",
      "image": "registry.example.com/checkout/migrate:1.42.0",
      "command": ["/bin/migrate", "--database-url=$(DATABASE_URL)", "--timeout=60s"],
      "env": [{"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": "checkout-db", "key": "url"}}}]
    }],
    "containers": [{
      "name": "app",
      "image": "registry.example.com/checkout/app:1.42.0",
      "args": ["--port=8080", "--metrics-port=9090", "--log-format=json"],
      "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}, {"name": "metrics", "containerPort": 9090, "protocol": "TCP"}],
      "env": [
        {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
        {"name": "LOG_LEVEL", "value": "info"},
        {"name": "CACHE_TTL", "value": "300s"},
        {"name": "FEATURE_FLAGS", "value": "new-cart,fast-checkout,async-payments"}
      ],
      "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}},
      "readinessProbe": {"httpGet": {"path": "/healthz/ready", "port": 8080}, "periodSeconds": 5},
      "livenessProbe": {"httpGet": {"path": "/healthz/live", "port": 8080}, "initialDelaySeconds": 10, "periodSeconds": 10},
      "volumeMounts": [{"name": "config", "mountPath": "/etc/checkout", "readOnly": true}, {"name": "tmp", "mountPath": "/tmp"}]
    }, {
      "name": "proxy",
      "image": "registry.example.com/mesh/proxy:2.3.1",
      "ports": [{"name": "proxy", "containerPort": 15001}],
      "env": [{"name": "UPSTREAM", "value": "127.0.0.1:8080"}, {"name": "ADMIN_PORT", "value": "15000"}],
      "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}}
    }],
    "volumes": [{"name": "config", "configMap": {"name": "checkout-config"}}, {"name": "tmp", "emptyDir": {}}]
  }
}`, i, i%16)
}
