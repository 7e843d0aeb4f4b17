// Package testobjects makes realistic objects for tests and benchmarks, so
// that every benchmark measures the same shape of object.
package testobjects

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"kctl.dev/kctl/api/unstructured"
)

// Pod returns a pod of about 2 KiB, shaped like a real workload's: labels,
// annotations, an init container and two containers with env, ports,
// resources, probes and volume mounts.
func Pod(i int64) []byte {
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

// StoredPod returns Pod(i) as a server stores it after creation: compact JSON
// with apiVersion, kind and metadata first, server-set metadata (namespace,
// uid, creationTimestamp) and a running status, and no resourceVersion.
func StoredPod(i int64) []byte {
	u, err := unstructured.Decode(Pod(i))
	if err != nil {
		panic(err)
	}
	md := u.Metadata()
	md["namespace"] = "default"
	md["uid"] = fmt.Sprintf("3f2c1b8e-9d4a-4c6b-8e2f-%012d", i)
	md["creationTimestamp"] = "2026-01-02T03:04:05Z"
	u.Object["status"] = map[string]any{
		"phase": "Running", "qosClass": "Burstable",
		"podIP":  "10.244." + strconv.FormatInt(i/256%256, 10) + "." + strconv.FormatInt(i%256, 10),
		"hostIP": "172.18.0." + strconv.FormatInt(i%16, 10),
	}
	var buf bytes.Buffer
	buf.WriteString(`{"apiVersion":"v1","kind":"Pod","metadata":`)
	mdJSON, _ := json.Marshal(md)
	buf.Write(mdJSON)
	delete(u.Object, "apiVersion")
	delete(u.Object, "kind")
	delete(u.Object, "metadata")
	rest, _ := json.Marshal(u.Object)
	buf.WriteByte(',')
	buf.Write(rest[1:])
	return buf.Bytes()
}
