package watchcache_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"runtime"
	"testing"

	"kctl.dev/kctl/server/kinds"
	"kctl.dev/kctl/server/registry"
	"kctl.dev/kctl/server/storage/memory"
	"kctl.dev/kctl/server/watchcache"
)

// BenchmarkWatchCacheMemory measures the heap a loaded cache of pods costs per
// object: 20,000 pods of about 2 KiB are put in a memory store, then each op
// starts a cache over it, waits until it has loaded (a List), and measures the
// live heap growth (after GC) with the cache still referenced.
// overhead-bytes/object is that minus the stored JSON's size.
//
//	go test -run=NONE -bench=WatchCacheMemory ./server/watchcache
func BenchmarkWatchCacheMemory(b *testing.B) {
	const n = 20_000
	ctx := context.Background()
	var pods *registry.Kind
	for _, k := range kinds.Builtin() {
		if k.Group == "" && k.Resource == "pods" {
			pods = k
		}
	}
	if pods == nil {
		b.Fatal("no pods kind in kinds.Builtin()")
	}
	kv := memory.New()
	defer kv.Close()
	prefix := registry.KeyPrefix(pods)
	var raw int64
	for i := range n {
		v := storedPod(i)
		raw += int64(len(v))
		if _, err := kv.Create(ctx, fmt.Sprintf("%sdefault/checkout-%d", prefix, i), v); err != nil {
			b.Fatal(err)
		}
	}
	cfg := watchcache.Config{Logger: slog.New(slog.DiscardHandler)}
	var growth int64
	for b.Loop() {
		before := liveHeap()
		c := watchcache.New(pods, kv, cfg)
		items, _, err := c.List(ctx, "", registry.Selection{}) // waits for the load
		if err != nil {
			b.Fatal(err)
		}
		if len(items) != n {
			b.Fatalf("cache lists %d pods, want %d", len(items), n)
		}
		growth += int64(liveHeap() - before)
		runtime.KeepAlive(c)
		c.Stop()
	}
	perObject := float64(growth) / float64(b.N) / n
	b.ReportMetric(perObject, "bytes/object")
	b.ReportMetric(perObject-float64(raw)/n, "overhead-bytes/object")
	b.ReportMetric(float64(raw)/n, "json-bytes/object")
}

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// storedPod returns pod i as the registry stores it: compact JSON with
// apiVersion, kind and metadata first and no resourceVersion; about 2 KiB,
// shaped like a real workload's.
func storedPod(i int) []byte {
	src := fmt.Appendf(nil, `{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {
    "name": "checkout-%[1]d",
    "namespace": "default",
    "uid": "3f2c1b8e-9d4a-4c6b-8e2f-%012[1]d",
    "creationTimestamp": "2026-01-02T03:04:05Z",
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
  },
  "status": {"phase": "Running", "podIP": "10.244.%[3]d.%[4]d", "hostIP": "172.18.0.%[2]d", "qosClass": "Burstable"}
}`, i, i%16, i/256%256, i%256)
	var buf bytes.Buffer
	if err := json.Compact(&buf, src); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
