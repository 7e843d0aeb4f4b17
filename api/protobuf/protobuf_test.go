package protobuf

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// container writes a Container with every non-nullable field, like the
// generated marshaller, plus the extra fields in more.
func container(name, image string, more pb) pb {
	c := pb{}.str(1, name).str(2, image).str(5, "")
	c = append(c, more...)
	return c.msg(8, pb{}).str(13, "").str(14, "").boolean(16, false).boolean(17, false).boolean(18, false).str(20, "")
}

func containerPort(port int32) pb {
	return pb{}.str(1, "").i32(2, 0).i32(3, port).str(4, "").str(5, "")
}

// podSpec writes the non-nullable PodSpec fields around the extra fields in more.
func podSpec(more pb) pb {
	s := append(pb{}, more...)
	return s.str(3, "Always").str(6, "ClusterFirst").str(8, "").str(9, "").str(10, "").
		boolean(11, false).boolean(12, false).boolean(13, false).str(16, "").str(17, "").str(19, "").str(24, "")
}

func emptyPodStatus() pb {
	return pb{}.str(1, "").str(3, "").str(4, "").str(5, "").str(6, "").str(9, "").str(11, "").str(14, "").i64(17, 0)
}

func TestToJSON(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		want string
	}{
		{
			name: "namespace as kubectl create namespace sends it",
			body: body("v1", "Namespace", pb{}.
				msg(1, objectMeta("demo")).
				msg(2, pb{}).
				msg(3, pb{}.str(1, ""))),
			want: `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"}}`,
		},
		{
			name: "pod like kubectl run web --image=nginx --labels=app=web --port=80 --env=A=1",
			body: body("v1", "Pod", pb{}.
				msg(1, objectMeta("web", "app", "web")).
				msg(2, podSpec(pb{}.msg(2, container("web", "nginx", pb{}.
					msg(6, containerPort(80)).
					msg(7, pb{}.str(1, "A").str(2, "1")))))).
				msg(3, emptyPodStatus())),
			want: `{"apiVersion":"v1","kind":"Pod",
				"metadata":{"name":"web","labels":{"app":"web"}},
				"spec":{"containers":[{"name":"web","image":"nginx","ports":[{"containerPort":80}],"env":[{"name":"A","value":"1"}]}],
					"restartPolicy":"Always","dnsPolicy":"ClusterFirst"}}`,
		},
		{
			name: "pod with volumes, probes, security, scheduling and status",
			body: body("v1", "Pod", pb{}.
				msg(1, objectMeta("full").str(3, "ns1")).
				msg(2, podSpec(pb{}.
					msg(1, pb{}.str(1, "scratch").msg(2, pb{}.msg(2, pb{}.str(1, "")))).
					msg(1, pb{}.str(1, "cfg").msg(2, pb{}.msg(19, pb{}.msg(1, pb{}.str(1, "app-config")).i32(3, 0o644).boolean(4, false)))).
					msg(1, pb{}.str(1, "data").msg(2, pb{}.msg(10, pb{}.str(1, "claim").boolean(2, true)))).
					msg(1, pb{}.str(1, "proj").msg(2, pb{}.msg(26, pb{}.
						msg(1, pb{}.msg(4, pb{}.str(1, "").i64(2, 3600).str(3, "token"))).
						msg(1, pb{}.msg(2, pb{}.msg(1, pb{}.str(1, "labels").msg(2, pb{}.str(1, "v1").str(2, "metadata.labels")))))))).
					msg(2, container("app", "nginx:1.27", pb{}.
						str(3, "nginx").str(4, "-g").str(4, "daemon off;").
						msg(6, containerPort(0)).
						msg(7, pb{}.str(1, "POD").str(2, "").msg(3, pb{}.msg(1, pb{}.str(1, "v1").str(2, "metadata.name")))).
						msg(7, pb{}.str(1, "PASS").str(2, "").msg(3, pb{}.msg(4, pb{}.msg(1, pb{}.str(1, "creds")).str(2, "password")))).
						msg(19, pb{}.str(1, "CFG_").msg(2, pb{}.msg(1, pb{}.str(1, "app-config")))).
						msg(9, pb{}.str(1, "scratch").boolean(2, false).str(3, "/tmp").str(4, "").str(6, "")).
						msg(10, pb{}.msg(1, pb{}.msg(2, pb{}.str(1, "/healthz").msg(2, intOrStr("http")).str(3, "").str(4, "HTTP"))).
							i32(2, 5).i32(3, 1).i32(4, 10).i32(5, 1).i32(6, 3)).
						msg(11, pb{}.msg(1, pb{}.msg(3, pb{}.msg(1, intOrInt(8080)).str(2, ""))).
							i32(2, 0).i32(3, 0).i32(4, 0).i32(5, 0).i32(6, 0)).
						msg(22, pb{}.msg(1, pb{}.msg(4, pb{}.i32(1, 9000))).i32(2, 0).i32(3, 0).i32(4, 0).i32(5, 0).i32(6, 0)).
						msg(12, pb{}.msg(2, pb{}.msg(1, pb{}.str(1, "sh").str(1, "-c").str(1, "sleep 5")))).
						msg(15, pb{}.msg(1, pb{}.str(2, "ALL")).boolean(5, true).i64(4, 1000).boolean(7, false).
							msg(11, pb{}.str(1, "RuntimeDefault"))).
						str(24, "Always"))).
					i64(4, 0).
					msg(14, pb{}.i64(5, 2000).i64(4, 3000).i64(4, 4000).msg(7, pb{}.str(1, "net.ipv4.ip_forward").str(2, "1"))).
					msg(15, pb{}.str(1, "pull-secret")).
					msg(18, pb{}.msg(1, pb{}.msg(1, pb{}.msg(1, pb{}.msg(1, pb{}.str(1, "zone").str(2, "In").str(3, "a").str(3, "b"))))).
						msg(3, pb{}.msg(2, pb{}.i32(1, 50).msg(2, pb{}.msg(1, pb{}.entry(1, "app", "web")).str(3, "kubernetes.io/hostname"))))).
					msg(22, pb{}.str(1, "dedicated").str(2, "Equal").str(3, "gpu").str(4, "NoExecute").i64(5, 300)).
					msg(23, pb{}.str(1, "10.0.0.1").str(2, "db")).
					i32(25, -5).
					boolean(30, false).
					entry(7, "disk", "ssd").
					entryMsg(32, "cpu", quantity("250m")).
					msg(33, pb{}.i32(1, 1).str(2, "zone").str(3, "DoNotSchedule").msg(4, pb{}.entry(1, "app", "web"))).
					msg(36, pb{}.str(1, "linux")).
					msg(38, pb{}.str(1, "gate")))).
				msg(3, pb{}.str(1, "Running").str(3, "").str(4, "").str(5, "10.0.0.2").str(6, "10.1.0.5").
					msg(12, pb{}.str(1, "10.1.0.5")).
					msg(7, timestamp(1700000000, 0)).
					msg(2, pb{}.str(1, "Ready").str(2, "True").msg(3, pb{}).msg(4, timestamp(1700000000, 500)).str(5, "").str(6, "").i64(7, 0)).
					msg(8, pb{}.str(1, "app").
						msg(2, pb{}.msg(2, pb{}.msg(1, timestamp(1700000001, 0)))).
						msg(3, pb{}.msg(3, pb{}.i32(1, 0).i32(2, 0).str(3, "Completed").str(4, "").msg(5, pb{}).msg(6, timestamp(1700000000, 0)).str(7, ""))).
						boolean(4, true).i32(5, 1).str(6, "nginx:1.27").str(7, "sha256:abc").str(8, "containerd://1").boolean(9, true)).
					str(9, "BestEffort").str(11, "").str(14, "").i64(17, 0))),
			want: `{"apiVersion":"v1","kind":"Pod",
				"metadata":{"name":"full","namespace":"ns1"},
				"spec":{
					"volumes":[
						{"name":"scratch","emptyDir":{}},
						{"name":"cfg","configMap":{"name":"app-config","defaultMode":420,"optional":false}},
						{"name":"data","persistentVolumeClaim":{"claimName":"claim","readOnly":true}},
						{"name":"proj","projected":{"sources":[
							{"serviceAccountToken":{"expirationSeconds":3600,"path":"token"}},
							{"downwardAPI":{"items":[{"path":"labels","fieldRef":{"apiVersion":"v1","fieldPath":"metadata.labels"}}]}}]}}],
					"containers":[{
						"name":"app","image":"nginx:1.27","command":["nginx"],"args":["-g","daemon off;"],
						"ports":[{"containerPort":0}],
						"env":[
							{"name":"POD","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.name"}}},
							{"name":"PASS","valueFrom":{"secretKeyRef":{"name":"creds","key":"password"}}}],
						"envFrom":[{"prefix":"CFG_","configMapRef":{"name":"app-config"}}],
						"volumeMounts":[{"name":"scratch","mountPath":"/tmp"}],
						"livenessProbe":{"httpGet":{"path":"/healthz","port":"http","scheme":"HTTP"},
							"initialDelaySeconds":5,"timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3},
						"readinessProbe":{"tcpSocket":{"port":8080}},
						"startupProbe":{"grpc":{"port":9000}},
						"lifecycle":{"preStop":{"exec":{"command":["sh","-c","sleep 5"]}}},
						"securityContext":{"capabilities":{"drop":["ALL"]},"runAsNonRoot":true,"runAsUser":1000,
							"allowPrivilegeEscalation":false,"seccompProfile":{"type":"RuntimeDefault"}},
						"restartPolicy":"Always"}],
					"restartPolicy":"Always","dnsPolicy":"ClusterFirst",
					"terminationGracePeriodSeconds":0,
					"securityContext":{"fsGroup":2000,"supplementalGroups":[3000,4000],"sysctls":[{"name":"net.ipv4.ip_forward","value":"1"}]},
					"imagePullSecrets":[{"name":"pull-secret"}],
					"affinity":{
						"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
							{"matchExpressions":[{"key":"zone","operator":"In","values":["a","b"]}]}]}},
						"podAntiAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":50,
							"podAffinityTerm":{"labelSelector":{"matchLabels":{"app":"web"}},"topologyKey":"kubernetes.io/hostname"}}]}},
					"tolerations":[{"key":"dedicated","operator":"Equal","value":"gpu","effect":"NoExecute","tolerationSeconds":300}],
					"hostAliases":[{"ip":"10.0.0.1","hostnames":["db"]}],
					"priority":-5,
					"enableServiceLinks":false,
					"nodeSelector":{"disk":"ssd"},
					"overhead":{"cpu":"250m"},
					"topologySpreadConstraints":[{"maxSkew":1,"topologyKey":"zone","whenUnsatisfiable":"DoNotSchedule","labelSelector":{"matchLabels":{"app":"web"}}}],
					"os":{"name":"linux"},
					"schedulingGates":[{"name":"gate"}]},
				"status":{
					"phase":"Running","hostIP":"10.0.0.2","podIP":"10.1.0.5","podIPs":[{"ip":"10.1.0.5"}],
					"startTime":"2023-11-14T22:13:20Z",
					"conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2023-11-14T22:13:20Z"}],
					"containerStatuses":[{"name":"app",
						"state":{"running":{"startedAt":"2023-11-14T22:13:21Z"}},
						"lastState":{"terminated":{"exitCode":0,"reason":"Completed","finishedAt":"2023-11-14T22:13:20Z"}},
						"ready":true,"restartCount":1,"image":"nginx:1.27","imageID":"sha256:abc","containerID":"containerd://1","started":true}],
					"qosClass":"BestEffort"}}`,
		},
		{
			name: "deployment",
			body: body("apps/v1", "Deployment", pb{}.
				msg(1, objectMeta("d", "app", "d")).
				msg(2, pb{}.
					i32(1, 0).
					msg(2, pb{}.entry(1, "app", "d")).
					msg(3, pb{}.msg(1, objectMeta("", "app", "d")).msg(2, podSpec(pb{}.msg(2, container("nginx", "nginx", nil))))).
					msg(4, pb{}.str(1, "RollingUpdate").msg(2, pb{}.msg(1, intOrInt(0)).msg(2, intOrStr("25%")))).
					i32(5, 0).i32(6, 10).boolean(7, false).i32(9, 600)).
				msg(3, pb{}.i64(1, 2).i32(2, 1).i32(3, 1).i32(4, 1).i32(5, 0).i32(7, 1).
					msg(6, pb{}.str(1, "Available").str(2, "True").str(4, "MinimumReplicasAvailable").str(5, "ok").
						msg(6, timestamp(1700000000, 0)).msg(7, timestamp(1700000000, 0))))),
			want: `{"apiVersion":"apps/v1","kind":"Deployment",
				"metadata":{"name":"d","labels":{"app":"d"}},
				"spec":{"replicas":0,"selector":{"matchLabels":{"app":"d"}},
					"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"nginx","image":"nginx"}],"restartPolicy":"Always","dnsPolicy":"ClusterFirst"}},
					"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":0,"maxSurge":"25%"}},
					"revisionHistoryLimit":10,"progressDeadlineSeconds":600},
				"status":{"observedGeneration":2,"replicas":1,"updatedReplicas":1,"availableReplicas":1,"readyReplicas":1,
					"conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable","message":"ok",
						"lastUpdateTime":"2023-11-14T22:13:20Z","lastTransitionTime":"2023-11-14T22:13:20Z"}]}}`,
		},
		{
			name: "configmap with data and binaryData",
			body: body("v1", "ConfigMap", pb{}.
				msg(1, objectMeta("cm")).
				entry(2, "a", "b").
				entry(2, "empty", "").
				entryMsg(3, "bin", pb{0x00, 0xff, 0xfe}).
				boolean(4, false)),
			want: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},
				"data":{"a":"b","empty":""},"binaryData":{"bin":"AP/+"},"immutable":false}`,
		},
		{
			name: "secret",
			body: body("v1", "Secret", pb{}.
				msg(1, objectMeta("s")).
				entryMsg(2, "password", pb("hunter2")).
				entry(4, "user", "admin").
				str(3, "Opaque")),
			want: `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},
				"data":{"password":"aHVudGVyMg=="},"stringData":{"user":"admin"},"type":"Opaque"}`,
		},
		{
			name: "selfsubjectaccessreview as kubectl auth can-i sends it",
			body: body("authorization.k8s.io/v1", "SelfSubjectAccessReview", pb{}.
				msg(1, objectMeta("")).
				msg(2, pb{}.msg(1, pb{}.str(1, "default").str(2, "get").str(3, "").str(4, "").str(5, "pods").str(6, "").str(7, ""))).
				msg(3, pb{}.boolean(1, false).str(2, "").str(3, "").boolean(4, false))),
			want: `{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview",
				"spec":{"resourceAttributes":{"namespace":"default","verb":"get","resource":"pods"}}}`,
		},
		{
			name: "subjectaccessreview with extra",
			body: body("authorization.k8s.io/v1", "SubjectAccessReview", pb{}.
				msg(2, pb{}.msg(2, pb{}.str(1, "/logs").str(2, "get")).str(3, "alice").str(4, "dev").
					entryMsg(5, "scopes", pb{}.str(1, "a").str(1, "b")).str(6, ""))),
			want: `{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview",
				"spec":{"nonResourceAttributes":{"path":"/logs","verb":"get"},"user":"alice","groups":["dev"],"extra":{"scopes":["a","b"]}}}`,
		},
		{
			name: "object metadata in full",
			body: body("v1", "ConfigMap", pb{}.msg(1, pb{}.
				str(1, "cm").str(2, "cm-").str(3, "ns").str(4, "").str(5, "uid-1").str(6, "42").i64(7, 3).
				msg(8, timestamp(1700000000, 0)).
				msg(9, timestamp(1700000100, 0)).
				i64(10, 0).
				entry(11, "app", "web").
				entry(12, "note", "<&>").
				msg(13, pb{}.str(1, "Deployment").str(3, "d").str(4, "uid-0").str(5, "apps/v1").boolean(6, true).boolean(7, false)).
				str(14, "example.com/cleanup").
				msg(17, pb{}.str(1, "kubectl").str(2, "Update").str(3, "v1").msg(4, timestamp(1700000000, 0)).
					str(6, "FieldsV1").msg(7, pb{}.str(1, `{"f:data":{".":{}}}`)).str(8, "")))),
			want: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{
				"name":"cm","generateName":"cm-","namespace":"ns","uid":"uid-1","resourceVersion":"42","generation":3,
				"creationTimestamp":"2023-11-14T22:13:20Z","deletionTimestamp":"2023-11-14T22:15:00Z","deletionGracePeriodSeconds":0,
				"labels":{"app":"web"},"annotations":{"note":"<&>"},
				"ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"d","uid":"uid-0","controller":true,"blockOwnerDeletion":false}],
				"finalizers":["example.com/cleanup"],
				"managedFields":[{"manager":"kubectl","operation":"Update","apiVersion":"v1","time":"2023-11-14T22:13:20Z",
					"fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{}}}}]}}`,
		},
		{
			name: "lease with micro times",
			body: body("coordination.k8s.io/v1", "Lease", pb{}.
				msg(1, objectMeta("leader")).
				msg(2, pb{}.str(1, "node-1").i32(2, 15).msg(3, timestamp(1700000000, 123456789)).msg(4, timestamp(1700000010, 0)).i32(5, 0))),
			want: `{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"leader"},
				"spec":{"holderIdentity":"node-1","leaseDurationSeconds":15,"acquireTime":"2023-11-14T22:13:20.123456Z",
					"renewTime":"2023-11-14T22:13:30.000000Z","leaseTransitions":0}}`,
		},
		{
			name: "event",
			body: body("v1", "Event", pb{}.
				msg(1, objectMeta("web.1")).
				msg(2, pb{}.str(1, "Pod").str(2, "default").str(3, "web").str(4, "").str(5, "v1").str(6, "").str(7, "spec.containers{web}")).
				str(3, "Pulled").str(4, "pulled").
				msg(5, pb{}.str(1, "kubelet").str(2, "node-1")).
				msg(6, timestamp(1700000000, 0)).msg(7, timestamp(1700000000, 0)).
				i32(8, 2).str(9, "Normal").msg(10, timestamp(0, 0)).
				msg(11, pb{}.i32(1, 2).msg(2, timestamp(1700000000, 1000))).
				str(12, "").str(14, "").str(15, "")),
			want: `{"apiVersion":"v1","kind":"Event","metadata":{"name":"web.1"},
				"involvedObject":{"kind":"Pod","namespace":"default","name":"web","apiVersion":"v1","fieldPath":"spec.containers{web}"},
				"reason":"Pulled","message":"pulled","source":{"component":"kubelet","host":"node-1"},
				"firstTimestamp":"2023-11-14T22:13:20Z","lastTimestamp":"2023-11-14T22:13:20Z","count":2,"type":"Normal",
				"series":{"count":2,"lastObservedTime":"2023-11-14T22:13:20.000001Z"}}`,
		},
		{
			name: "node",
			body: body("v1", "Node", pb{}.
				msg(1, objectMeta("node-1")).
				msg(2, pb{}.str(1, "10.244.0.0/24").str(7, "10.244.0.0/24").str(3, "").boolean(4, true).
					msg(5, pb{}.str(1, "node.kubernetes.io/unschedulable").str(2, "").str(3, "NoSchedule").msg(4, timestamp(1700000000, 0))).str(2, "")).
				msg(3, pb{}.
					entryMsg(1, "cpu", quantity("4")).entryMsg(1, "memory", quantity("8Gi")).
					entryMsg(2, "cpu", quantity("3900m")).
					str(3, "").
					msg(4, pb{}.str(1, "Ready").str(2, "True").msg(3, timestamp(1700000000, 0)).msg(4, timestamp(1700000000, 0)).str(5, "KubeletReady").str(6, "")).
					msg(5, pb{}.str(1, "InternalIP").str(2, "10.0.0.2")).
					msg(6, pb{}.msg(1, pb{}.i32(1, 10250))).
					msg(7, pb{}.str(1, "m").str(2, "").str(3, "").str(4, "6.1").str(5, "Debian").str(6, "containerd://2").
						str(7, "v1.32.0").str(8, "").str(9, "linux").str(10, "amd64")).
					msg(8, pb{}.str(1, "nginx:1.27").i64(2, 1<<30)))),
			want: `{"apiVersion":"v1","kind":"Node","metadata":{"name":"node-1"},
				"spec":{"podCIDR":"10.244.0.0/24","podCIDRs":["10.244.0.0/24"],"unschedulable":true,
					"taints":[{"key":"node.kubernetes.io/unschedulable","effect":"NoSchedule","timeAdded":"2023-11-14T22:13:20Z"}]},
				"status":{"capacity":{"cpu":"4","memory":"8Gi"},"allocatable":{"cpu":"3900m"},
					"conditions":[{"type":"Ready","status":"True","lastHeartbeatTime":"2023-11-14T22:13:20Z","lastTransitionTime":"2023-11-14T22:13:20Z","reason":"KubeletReady"}],
					"addresses":[{"type":"InternalIP","address":"10.0.0.2"}],
					"daemonEndpoints":{"kubeletEndpoint":{"Port":10250}},
					"nodeInfo":{"machineID":"m","kernelVersion":"6.1","osImage":"Debian","containerRuntimeVersion":"containerd://2",
						"kubeletVersion":"v1.32.0","operatingSystem":"linux","architecture":"amd64"},
					"images":[{"names":["nginx:1.27"],"sizeBytes":1073741824}]}}`,
		},
		{
			name: "service with status",
			body: body("v1", "Service", pb{}.
				msg(1, objectMeta("svc")).
				msg(2, pb{}.msg(1, pb{}.str(1, "").str(2, "TCP").i32(3, 80).msg(4, intOrInt(0)).i32(5, 0)).
					str(3, "").str(4, "LoadBalancer").str(7, "").str(8, "").str(10, "").str(11, "").i32(12, 0).boolean(13, false).
					msg(14, pb{}.msg(1, pb{}.i32(1, 10800))).str(17, "SingleStack").boolean(20, true)).
				msg(3, pb{}.msg(1, pb{}.msg(1, pb{}.str(1, "1.2.3.4").str(2, "").str(3, "VIP"))).
					msg(2, pb{}.str(1, "Ready").str(2, "True").i64(3, 0).msg(4, timestamp(1700000000, 0)).str(5, "Ok").str(6, "")))),
			want: `{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc"},
				"spec":{"ports":[{"protocol":"TCP","port":80,"targetPort":0}],"type":"LoadBalancer",
					"sessionAffinityConfig":{"clientIP":{"timeoutSeconds":10800}},"ipFamilyPolicy":"SingleStack","allocateLoadBalancerNodePorts":true},
				"status":{"loadBalancer":{"ingress":[{"ip":"1.2.3.4","ipMode":"VIP"}]},
					"conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2023-11-14T22:13:20Z","reason":"Ok"}]}}`,
		},
		{
			name: "clusterrolebinding",
			body: body("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", pb{}.
				msg(1, objectMeta("crb")).
				msg(2, pb{}.str(1, "ServiceAccount").str(2, "").str(3, "sa").str(4, "default")).
				msg(3, pb{}.str(1, "rbac.authorization.k8s.io").str(2, "ClusterRole").str(3, "view"))),
			want: `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"crb"},
				"subjects":[{"kind":"ServiceAccount","name":"sa","namespace":"default"}],
				"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"}}`,
		},
		{
			name: "delete options in any group version",
			body: body("apps/v1", "DeleteOptions", pb{}.
				i64(1, 0).msg(2, pb{}.str(1, "uid-1")).str(4, "Foreground").str(5, "All")),
			want: `{"apiVersion":"apps/v1","kind":"DeleteOptions","gracePeriodSeconds":0,"preconditions":{"uid":"uid-1"},
				"propagationPolicy":"Foreground","dryRun":["All"]}`,
		},
		{
			name: "meta.k8s.io delete options",
			body: body("meta.k8s.io/v1", "DeleteOptions", pb{}.boolean(3, true)),
			want: `{"apiVersion":"meta.k8s.io/v1","kind":"DeleteOptions","orphanDependents":true}`,
		},
		{
			name: "list of raw extensions, JSON and nested protobuf",
			body: body("v1", "List", pb{}.
				msg(1, pb{}.str(1, "").str(2, "7").str(3, "")).
				msg(2, pb{}.str(1, `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}`)).
				msg(2, pb{}.raw(1, body("v1", "ConfigMap", pb{}.msg(1, objectMeta("b")).entry(2, "k", "v"))))),
			want: `{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":"7"},"items":[
				{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}},
				{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"},"data":{"k":"v"}}]}`,
		},
		{
			name: "packed repeated integers",
			body: body("v1", "Pod", pb{}.msg(2, pb{}.msg(14, pb{}.raw(4, protowire.AppendVarint(protowire.AppendVarint(nil, 10), 20)).i64(4, 30)))),
			want: `{"apiVersion":"v1","kind":"Pod","spec":{"securityContext":{"supplementalGroups":[10,20,30]}}}`,
		},
		{
			name: "a message field sent twice is merged",
			body: body("v1", "Namespace", pb{}.msg(1, pb{}.str(1, "a")).msg(1, pb{}.entry(11, "x", "y"))),
			want: `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a","labels":{"x":"y"}}}`,
		},
		{
			name: "zero pointer timestamps are dropped, not null",
			body: body("v1", "Namespace", pb{}.msg(1, pb{}.str(1, "a").msg(9, timestamp(0, 0)).msg(17, pb{}.str(1, "m").msg(4, pb{}).msg(7, pb{})))),
			want: `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a","managedFields":[{"manager":"m"}]}}`,
		},
		{
			name: "no envelope fields but the type",
			body: append([]byte("k8s\x00"), pb{}.msg(1, typeMeta("v1", "Namespace"))...),
			want: `{"apiVersion":"v1","kind":"Namespace"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ToJSON(tt.body)
			if err != nil {
				t.Fatalf("ToJSON: %v", err)
			}
			assertJSON(t, got, tt.want)
		})
	}
}

func assertJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad want: %v", err)
	}
	if !reflect.DeepEqual(g, w) {
		gi, _ := json.MarshalIndent(g, "", "  ")
		wi, _ := json.MarshalIndent(w, "", "  ")
		t.Errorf("JSON mismatch\n got: %s\nwant: %s", gi, wi)
	}
}

func TestToJSONKeepsHTMLCharacters(t *testing.T) {
	got, err := ToJSON(body("v1", "ConfigMap", pb{}.entry(2, "k", "<a&b>")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), `"<a&b>"`) {
		t.Errorf("got %s, want the value unescaped", got)
	}
}

func TestToJSONErrors(t *testing.T) {
	ns := func(obj pb) []byte { return body("v1", "Namespace", obj) }
	truncate := func(b []byte, n int) []byte { return b[:len(b)-n] }
	tests := []struct {
		name string
		body []byte
		is   error
		want []string // substrings of the message
	}{
		{name: "empty", body: nil, is: ErrNotProtobuf},
		{name: "bad magic", body: []byte("k8s\x01\x0a\x00"), is: ErrNotProtobuf},
		{name: "JSON", body: []byte(`{"kind":"Namespace"}`), is: ErrNotProtobuf},
		{
			name: "truncated varint in the object",
			body: body("v1", "Namespace", pb{0x08, 0x80}), // tag 1 varint, then an unfinished varint
			is:   ErrMalformed,
		},
		{
			name: "truncated varint value",
			body: body("v1", "Pod", pb{}.msg(2, pb{0x20, 0xff, 0xff})), // terminationGracePeriodSeconds
			is:   ErrMalformed, want: []string{"k8s.io.api.core.v1.PodSpec", "spec.terminationGracePeriodSeconds"},
		},
		{
			name: "truncated envelope",
			body: truncate(body("v1", "Namespace", pb{}.msg(1, objectMeta("demo"))), 5),
			is:   ErrMalformed,
		},
		{
			name: "length past the end of a nested message",
			body: ns(pb{}.msg(1, pb{0x0a, 0x10, 'a'})),
			is:   ErrMalformed, want: []string{"k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta"},
		},
		{
			name: "unknown kind",
			body: body("v1", "Frobnicator", pb{}),
			is:   ErrUnknownKind, want: []string{"Frobnicator"},
		},
		{
			name: "known kind in an unknown group version",
			body: body("apps/v1beta1", "Deployment", pb{}),
			is:   ErrUnknownKind, want: []string{"apps/v1beta1"},
		},
		{
			name: "no kind",
			body: append([]byte("k8s\x00"), pb{}.raw(2, nil)...),
			is:   ErrUnknownKind,
		},
		{
			name: "unknown field number at the top",
			body: ns(pb{}.str(99, "x")),
			is:   ErrUnknownField, want: []string{"field number 99", "k8s.io.api.core.v1.Namespace"},
		},
		{
			name: "unknown field number deep inside",
			body: body("v1", "Pod", pb{}.msg(2, pb{}.msg(2, pb{}.str(1, "c").msg(6, pb{}.i32(42, 1))))),
			is:   ErrUnknownField, want: []string{"field number 42", "k8s.io.api.core.v1.ContainerPort", "spec.containers[0].ports[0]"},
		},
		{
			name: "unknown field in an inlined message",
			body: body("v1", "Pod", pb{}.msg(2, pb{}.msg(1, pb{}.str(1, "v").msg(2, pb{}.msg(99, pb{}))))),
			is:   ErrUnknownField, want: []string{"field number 99", "k8s.io.api.core.v1.VolumeSource", "spec.volumes[0]"},
		},
		{
			name: "unknown field in a map entry",
			body: ns(pb{}.msg(1, pb{}.msg(11, pb{}.str(1, "k").str(2, "v").str(3, "x")))),
			is:   ErrUnknownField, want: []string{"field number 3", "labels"},
		},
		{
			name: "unknown field in Time",
			body: ns(pb{}.msg(1, pb{}.msg(8, pb{}.i64(1, 5).i64(3, 1)))),
			is:   ErrUnknownField, want: []string{"meta.v1.Time"},
		},
		{
			name: "unknown field in the envelope",
			body: append(body("v1", "Namespace", nil), pb{}.str(5, "x")...),
			is:   ErrUnknownField, want: []string{"runtime.Unknown"},
		},
		{
			name: "string field sent as a varint",
			body: ns(pb{}.msg(1, pb{}.varint(1, 7))),
			is:   ErrMalformed, want: []string{"wrong wire type", "ObjectMeta", "metadata.name"},
		},
		{
			name: "varint field sent as bytes",
			body: ns(pb{}.msg(1, pb{}.str(7, "3"))),
			is:   ErrMalformed, want: []string{"wrong wire type", "metadata.generation"},
		},
		{
			name: "fixed64 wire type",
			body: ns(pb{}.msg(1, protowire.AppendFixed64(protowire.AppendTag(nil, 7, protowire.Fixed64Type), 1))),
			is:   ErrMalformed, want: []string{"wrong wire type"},
		},
		{
			name: "map entry with a wrong wire type",
			body: ns(pb{}.msg(1, pb{}.msg(11, pb{}.varint(1, 1)))),
			is:   ErrMalformed,
		},
		{
			name: "invalid UTF-8",
			body: ns(pb{}.msg(1, pb{}.raw(1, []byte{0xff, 0xfe}))),
			is:   ErrMalformed, want: []string{"UTF-8"},
		},
		{
			name: "IntOrString of an unknown type",
			body: body("v1", "Service", pb{}.msg(2, pb{}.msg(1, pb{}.msg(4, pb{}.i64(1, 7))))),
			is:   ErrMalformed, want: []string{"IntOrString", "spec.ports[0].targetPort"},
		},
		{
			name: "nanos out of range",
			body: ns(pb{}.msg(1, pb{}.msg(8, timestamp(1, -1)))),
			is:   ErrMalformed, want: []string{"nanos"},
		},
		{
			name: "FieldsV1 that is not JSON",
			body: ns(pb{}.msg(1, pb{}.msg(17, pb{}.msg(7, pb{}.str(1, "{not json"))))),
			is:   ErrMalformed, want: []string{"FieldsV1"},
		},
		{
			name: "RawExtension that is neither JSON nor protobuf",
			body: body("v1", "List", pb{}.msg(2, pb{}.str(1, "garbage"))),
			is:   ErrMalformed, want: []string{"RawExtension", "items[0]"},
		},
		{
			name: "nested object of an unknown kind",
			body: body("v1", "List", pb{}.msg(2, pb{}.raw(1, body("v1", "Nope", nil)))),
			is:   ErrUnknownKind, want: []string{"items[0]"},
		},
		{
			name: "compressed envelope",
			body: append([]byte("k8s\x00"), pb{}.msg(1, typeMeta("v1", "Namespace")).raw(2, nil).str(3, "gzip")...),
			is:   ErrUnsupported, want: []string{"gzip"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ToJSON(tt.body)
			if err == nil {
				t.Fatalf("ToJSON succeeded with %s, want an error", got)
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %v", err, tt.is)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestIsProtobuf(t *testing.T) {
	for _, tt := range []struct {
		data []byte
		want bool
	}{
		{nil, false},
		{[]byte("k8s"), false},
		{[]byte("k8s\x00"), true},
		{body("v1", "Namespace", nil), true},
		{[]byte(`{"apiVersion":"v1"}`), false},
	} {
		if got := IsProtobuf(tt.data); got != tt.want {
			t.Errorf("IsProtobuf(%q) = %v, want %v", tt.data, got, tt.want)
		}
	}
}

// TestSchema checks the tables: every group builds, every kind has a table,
// and the kinds kubectl creates are all there.
func TestSchema(t *testing.T) {
	r, err := build(groups())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{
		"v1/Namespace", "v1/Pod", "v1/ConfigMap", "v1/Secret", "v1/Service", "v1/Node", "v1/Event", "v1/Binding",
		"v1/ServiceAccount", "v1/PodTemplate", "apps/v1/Deployment", "coordination.k8s.io/v1/Lease",
		"rbac.authorization.k8s.io/v1/Role", "rbac.authorization.k8s.io/v1/ClusterRole",
		"rbac.authorization.k8s.io/v1/RoleBinding", "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
		"authorization.k8s.io/v1/SelfSubjectAccessReview", "v1/DeleteOptions", "meta.k8s.io/v1/DeleteOptions",
	} {
		if r.kinds[k] == nil {
			t.Errorf("no table for %s", k)
		}
	}
	// Every message is reachable from a kind: a table nobody uses is a typo.
	seen := map[*message]bool{}
	var walk func(m *message)
	walk = func(m *message) {
		if seen[m] {
			return
		}
		seen[m] = true
		for _, f := range m.fields {
			if f.msg != nil {
				walk(f.msg)
			}
		}
	}
	for _, m := range r.kinds {
		walk(m)
	}
	for name, m := range r.messages {
		if !seen[m] {
			t.Errorf("message %s is not reachable from any kind", name)
		}
	}
}

func TestSchemaErrors(t *testing.T) {
	base := []group{metaGroup}
	for _, tt := range []struct {
		name, src, want string
	}{
		{"unknown type", "A\n  1 x Nope\n", `unknown type "Nope"`},
		{"duplicate number", "A\n  1 x string\n  1 y string\n", "field number 1 repeated"},
		{"duplicate message", "A\n  1 x string\nA\n  1 x string\n", "defined twice"},
		{"bad line", "A\n  1 x\n", "want <number> <name> <type>"},
		{"bad number", "A\n  0 x string\n", "bad field number"},
		{"field first", "  1 x string\n", "field outside a message"},
		{"inlined scalar", "A\n  1 x ...string\n", "only messages can be inlined"},
		{"name clash through inlining", "A\n  1 name string\n  2 ref ...B\nB\n  1 name string\n", `JSON name "name"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			gs := append(append([]group{}, base...), group{prefix: "test", protoPkg: "test", src: tt.src})
			_, err := build(gs)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("build error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// FuzzToJSON checks that arbitrary bodies never panic and that every success is
// a JSON object carrying the envelope's apiVersion and kind.
func FuzzToJSON(f *testing.F) {
	f.Add(body("v1", "Namespace", pb{}.msg(1, objectMeta("demo")).msg(2, pb{}).msg(3, pb{}.str(1, ""))))
	f.Add(body("v1", "Pod", pb{}.msg(2, podSpec(pb{}.msg(2, container("web", "nginx", pb{}.msg(6, containerPort(80))))))))
	f.Add(body("v1", "List", pb{}.msg(2, pb{}.raw(1, body("v1", "ConfigMap", pb{}.entry(2, "k", "v"))))))
	f.Add(body("apps/v1", "Deployment", pb{}.msg(2, pb{}.i32(1, 3).msg(4, pb{}.msg(2, pb{}.msg(2, intOrStr("25%")))))))
	if matches, _ := filepath.Glob(filepath.Join("testdata", "kubectl", "*.body.pb")); len(matches) > 0 {
		for _, m := range matches {
			if data, err := os.ReadFile(m); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := ToJSON(data)
		if err != nil {
			return
		}
		var obj map[string]any
		if err := json.Unmarshal(out, &obj); err != nil {
			t.Fatalf("ToJSON output is not a JSON object: %v\n%s", err, out)
		}
		if _, ok := obj["kind"].(string); !ok {
			t.Fatalf("no kind in %s", out)
		}
	})
}
