package fieldmanager

import (
	"strings"
	"testing"
	"time"
)

// benchPodConfig is what kubectl apply --server-side sends for a typical pod.
const benchPodConfig = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-7d4b9c","namespace":"default",
 "labels":{"app":"web","tier":"frontend"},"annotations":{"example.com/owner":"team-a"}},
 "spec":{"containers":[{"name":"web","image":"nginx:1.27","ports":[{"containerPort":80,"name":"http"},{"containerPort":443,"name":"https"}],
   "env":[{"name":"MODE","value":"production"},{"name":"POD_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}],
   "resources":{"requests":{"cpu":"100m","memory":"128Mi"},"limits":{"memory":"256Mi"}},
   "volumeMounts":[{"name":"config","mountPath":"/etc/web"}],
   "readinessProbe":{"httpGet":{"path":"/healthz","port":80},"periodSeconds":5}},
  {"name":"log","image":"busybox:1.36","args":["tail","-f","/var/log/web.log"]}],
  "volumes":[{"name":"config","configMap":{"name":"web-config"}}],
  "nodeSelector":{"disk":"ssd"},"tolerations":[{"key":"dedicated","operator":"Equal","value":"web","effect":"NoSchedule"}]}}`

// benchPodStatus is the status the kubelet writes.
const benchPodStatus = `{"phase":"Running","hostIP":"10.0.0.4","hostIPs":[{"ip":"10.0.0.4"}],"podIP":"10.244.1.7","podIPs":[{"ip":"10.244.1.7"}],
 "startTime":"2025-01-01T00:00:00Z","qosClass":"Burstable",
 "conditions":[{"type":"PodReadyToStartContainers","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-01-01T00:00:02Z"},
  {"type":"Initialized","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-01-01T00:00:00Z"},
  {"type":"Ready","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-01-01T00:00:05Z"},
  {"type":"ContainersReady","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-01-01T00:00:05Z"},
  {"type":"PodScheduled","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-01-01T00:00:00Z"}],
 "containerStatuses":[{"name":"web","ready":true,"restartCount":0,"image":"nginx:1.27","imageID":"docker.io/library/nginx@sha256:0","containerID":"containerd://1","started":true,"state":{"running":{"startedAt":"2025-01-01T00:00:03Z"}}},
  {"name":"log","ready":true,"restartCount":0,"image":"busybox:1.36","imageID":"docker.io/library/busybox@sha256:0","containerID":"containerd://2","started":true,"state":{"running":{"startedAt":"2025-01-01T00:00:03Z"}}}]}`

// benchLivePod is a running pod: applied by kubectl, scheduled, its status
// written by the kubelet.
func benchLivePod(b *testing.B) map[string]any {
	req := Request{Manager: "kubectl", APIVersion: "v1", Time: time.Now()}
	live, err := Apply(nil, mustDecode(b, benchPodConfig), podSchema, req, false)
	if err != nil {
		b.Fatal(err)
	}
	live["metadata"].(map[string]any)["uid"] = "0b5c4f7e-0000-4000-8000-000000000009"
	bound := copyMap(live)
	bound["spec"].(map[string]any)["nodeName"] = "node-1"
	live, err = Update(live, bound, podSchema, Request{Manager: "kube-scheduler", APIVersion: "v1", Subresource: "binding"})
	if err != nil {
		b.Fatal(err)
	}
	withStatus := copyMap(live)
	withStatus["status"] = mustDecode(b, benchPodStatus)
	live, err = Update(live, withStatus, podSchema, Request{Manager: "kubelet", APIVersion: "v1", Subresource: "status", ResetFields: []string{"spec", "metadata.deletionTimestamp", "metadata.ownerReferences"}})
	if err != nil {
		b.Fatal(err)
	}
	return live
}

func BenchmarkApplyPod(b *testing.B) {
	live := benchLivePod(b)
	for _, bc := range []struct{ name, config string }{
		{"unchanged", benchPodConfig},
		{"changed", strings.Replace(benchPodConfig, "nginx:1.27", "nginx:1.28", 1)},
		{"container dropped", strings.Replace(benchPodConfig, `,
  {"name":"log","image":"busybox:1.36","args":["tail","-f","/var/log/web.log"]}`, "", 1)},
	} {
		config := mustDecode(b, bc.config)
		req := Request{Manager: "kubectl", APIVersion: "v1", ResetFields: []string{"status"}, Time: time.Now()}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Apply(live, config, podSchema, req, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("create", func(b *testing.B) {
		config := mustDecode(b, benchPodConfig)
		req := Request{Manager: "kubectl", APIVersion: "v1", Time: time.Now()}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Apply(nil, config, podSchema, req, false); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkUpdatePodStatus(b *testing.B) {
	live := benchLivePod(b)
	next := copyMap(live)
	cond := next["status"].(map[string]any)["conditions"].([]any)[2].(map[string]any)
	cond["status"] = "False"
	req := Request{Manager: "kubelet", APIVersion: "v1", Subresource: "status", ResetFields: []string{"spec"}, Time: time.Now()}
	b.ReportAllocs()
	for b.Loop() {
		obj := copyMap(next) // Update writes managedFields into the object it is given
		if _, err := Update(live, obj, podSchema, req); err != nil {
			b.Fatal(err)
		}
	}
}
