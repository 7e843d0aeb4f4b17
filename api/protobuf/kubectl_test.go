package protobuf_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kctl.dev/kctl/internal/kubectltest"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/protobuf"
	"kctl.dev/kctl/server/discovery"
	"kctl.dev/kctl/server/kinds"
	"kctl.dev/kctl/server/registry"
)

var update = flag.Bool("update", false, "capture the kubectl request bodies again and rewrite testdata/kubectl")

// fixtureDir holds, per command, the body kubectl sent (<name>.body.pb, or
// <name>.body.json when kubectl sent JSON) and the JSON that ToJSON made of it
// (<name>.golden.json).
var fixtureDir = filepath.Join("testdata", "kubectl")

// absent marks a path that must not be in the converted object.
type absentT struct{}

var absent absentT

// kubectlCase is one kubectl command whose POST body is captured, and the key
// fields its JSON must have (paths like "spec.containers[0].image"; JSON
// numbers are float64).
type kubectlCase struct {
	name   string
	args   []string
	path   string // the request path the POST must go to
	checks map[string]any
}

var kubectlCases = []kubectlCase{
	{
		name: "namespace",
		args: []string{"create", "namespace", "demo"},
		path: "/api/v1/namespaces",
		checks: map[string]any{
			"apiVersion": "v1", "kind": "Namespace", "metadata.name": "demo",
			"spec": absent, "status": absent, "metadata.creationTimestamp": absent,
		},
	},
	{
		name: "pod",
		args: []string{"run", "web", "--image=nginx", "--port=80", "--env=A=1", "--labels=app=web"},
		path: "/api/v1/namespaces/default/pods",
		checks: map[string]any{
			"apiVersion": "v1", "kind": "Pod", "metadata.name": "web",
			"metadata.labels.app":                       "web",
			"spec.containers[0].name":                   "web",
			"spec.containers[0].image":                  "nginx",
			"spec.containers[0].ports[0].containerPort": 80.0,
			"spec.containers[0].env[0].name":            "A",
			"spec.containers[0].env[0].value":           "1",
		},
	},
	{
		name: "configmap",
		args: []string{"create", "configmap", "cm", "--from-literal=a=b"},
		path: "/api/v1/namespaces/default/configmaps",
		checks: map[string]any{
			"apiVersion": "v1", "kind": "ConfigMap", "metadata.name": "cm", "data.a": "b",
		},
	},
	{
		name: "secret",
		args: []string{"create", "secret", "generic", "s", "--from-literal=a=b"},
		path: "/api/v1/namespaces/default/secrets",
		checks: map[string]any{
			"apiVersion": "v1", "kind": "Secret", "metadata.name": "s",
			"data.a": "Yg==", "type": absent,
		},
	},
	{
		name: "deployment",
		args: []string{"create", "deployment", "d", "--image=nginx", "--replicas=2"},
		path: "/apis/apps/v1/namespaces/default/deployments",
		checks: map[string]any{
			"apiVersion": "apps/v1", "kind": "Deployment", "metadata.name": "d",
			"spec.replicas":                          2.0,
			"spec.selector.matchLabels.app":          "d",
			"spec.template.metadata.labels.app":      "d",
			"spec.template.spec.containers[0].name":  "nginx",
			"spec.template.spec.containers[0].image": "nginx",
			"spec.strategy":                          absent,
			"status":                                 absent,
		},
	},
	{
		name: "role",
		args: []string{"create", "role", "r", "--verb=get", "--resource=pods"},
		path: "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles",
		checks: map[string]any{
			"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata.name": "r",
			"rules[0].verbs[0]":     "get",
			"rules[0].resources[0]": "pods",
			"rules[0].apiGroups[0]": "",
		},
	},
	{
		name: "rolebinding",
		args: []string{"create", "rolebinding", "rb", "--role=r", "--user=u"},
		path: "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
		checks: map[string]any{
			"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata.name": "rb",
			"roleRef.apiGroup":     "rbac.authorization.k8s.io",
			"roleRef.kind":         "Role",
			"roleRef.name":         "r",
			"subjects[0].kind":     "User",
			"subjects[0].name":     "u",
			"subjects[0].apiGroup": "rbac.authorization.k8s.io",
		},
	},
	{
		name: "service",
		args: []string{"create", "service", "clusterip", "svc", "--tcp=80:8080"},
		path: "/api/v1/namespaces/default/services",
		checks: map[string]any{
			"apiVersion": "v1", "kind": "Service", "metadata.name": "svc",
			"spec.type":                "ClusterIP",
			"spec.selector.app":        "svc",
			"spec.ports[0].port":       80.0,
			"spec.ports[0].targetPort": 8080.0,
			"spec.ports[0].protocol":   "TCP",
			"spec.ports[0].name":       "80-8080",
			"spec.ports[0].nodePort":   absent,
		},
	},
	{
		name: "configmap-binary",
		args: []string{"create", "configmap", "bin", "--from-file={{dir}}/blob.bin", "--from-literal=text=hello"},
		path: "/api/v1/namespaces/default/configmaps",
		checks: map[string]any{
			"kind": "ConfigMap", "metadata.name": "bin",
			"binaryData[\"blob.bin\"]": "AP/+",
			"data.text":                "hello",
		},
	},
	{
		name: "secret-docker-registry",
		args: []string{"create", "secret", "docker-registry", "reg", "--docker-server=registry.example.com", "--docker-username=u", "--docker-password=p"},
		path: "/api/v1/namespaces/default/secrets",
		checks: map[string]any{
			"kind": "Secret", "metadata.name": "reg", "type": "kubernetes.io/dockerconfigjson",
		},
	},
	{
		name: "deployment-zero-replicas",
		args: []string{"create", "deployment", "idle", "--image=nginx", "--port=8080", "--replicas=0"},
		path: "/apis/apps/v1/namespaces/default/deployments",
		checks: map[string]any{
			"kind": "Deployment", "metadata.name": "idle",
			"spec.replicas": 0.0,
			"spec.template.spec.containers[0].ports[0].containerPort": 8080.0,
		},
	},
	{
		name: "clusterrole",
		args: []string{"create", "clusterrole", "cr", "--verb=get,list", "--resource=pods,deployments.apps", "--resource-name=x"},
		path: "/apis/rbac.authorization.k8s.io/v1/clusterroles",
		checks: map[string]any{
			"kind": "ClusterRole", "metadata.name": "cr",
			"rules[0].verbs[1]":         "list",
			"rules[0].resourceNames[0]": "x",
		},
	},
	{
		name: "clusterrole-aggregated",
		args: []string{"create", "clusterrole", "agg", "--aggregation-rule=rbac.example.com/aggregate-to-agg=true"},
		path: "/apis/rbac.authorization.k8s.io/v1/clusterroles",
		checks: map[string]any{
			"kind": "ClusterRole", "metadata.name": "agg",
			"aggregationRule.clusterRoleSelectors[0].matchLabels[\"rbac.example.com/aggregate-to-agg\"]": "true",
		},
	},
	{
		name: "clusterrolebinding",
		args: []string{"create", "clusterrolebinding", "crb", "--clusterrole=cr", "--serviceaccount=default:sa", "--group=g"},
		path: "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
		checks: map[string]any{
			"kind": "ClusterRoleBinding", "metadata.name": "crb",
			"roleRef.kind": "ClusterRole", "roleRef.name": "cr",
		},
	},
	{
		name: "service-nodeport",
		args: []string{"create", "service", "nodeport", "np", "--tcp=5678:http", "--node-port=30080"},
		path: "/api/v1/namespaces/default/services",
		checks: map[string]any{
			"kind": "Service", "spec.type": "NodePort",
			"spec.ports[0].port":       5678.0,
			"spec.ports[0].targetPort": "http",
			"spec.ports[0].nodePort":   30080.0,
		},
	},
	{
		name: "service-externalname",
		args: []string{"create", "service", "externalname", "ext", "--external-name=example.com"},
		path: "/api/v1/namespaces/default/services",
		checks: map[string]any{
			"kind": "Service", "spec.type": "ExternalName", "spec.externalName": "example.com",
		},
	},
	{
		name:   "serviceaccount",
		args:   []string{"create", "serviceaccount", "sa"},
		path:   "/api/v1/namespaces/default/serviceaccounts",
		checks: map[string]any{"kind": "ServiceAccount", "metadata.name": "sa"},
	},
	{
		name: "can-i-nonresource",
		args: []string{"auth", "can-i", "get", "/logs"},
		path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
		checks: map[string]any{
			"kind":                            "SelfSubjectAccessReview",
			"spec.nonResourceAttributes.path": "/logs",
			"spec.nonResourceAttributes.verb": "get",
			"spec.resourceAttributes":         absent,
		},
	},
	{
		name:   "can-i-list",
		args:   []string{"auth", "can-i", "--list"},
		path:   "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
		checks: map[string]any{"kind": "SelfSubjectRulesReview", "spec.namespace": "default"},
	},
	{
		name: "can-i",
		args: []string{"auth", "can-i", "get", "pods"},
		path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
		checks: map[string]any{
			"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
			"spec.resourceAttributes.verb":     "get",
			"spec.resourceAttributes.resource": "pods",
			"status":                           absent,
		},
	},
}

// captured is one POST kubectl made.
type captured struct {
	path, contentType string
	body              []byte
	convErr           error
}

type captureLog struct {
	mu    sync.Mutex
	posts []captured
}

func (l *captureLog) take() []captured {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.posts
	l.posts = nil
	return out
}

// captureServer answers discovery from the built-in kinds and every POST with
// 201 and the JSON that ToJSON made of its body (a SelfSubjectAccessReview is
// answered allowed), so that kubectl completes.
func captureServer(t *testing.T) (*httptest.Server, *captureLog) {
	t.Helper()
	reg := registry.New()
	reg.MustAdd(kinds.Builtin()...)
	disc := discovery.New(reg, meta.Info{
		Major: "1", Minor: "32", GitVersion: "v1.32.0-kctl", GoVersion: "go1.26", Compiler: "gc", Platform: "linux/amd64",
	})
	log := &captureLog{}
	status := func(w http.ResponseWriter, code int, msg string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"apiVersion": "v1", "kind": "Status", "status": "Failure", "message": msg, "code": code,
		})
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && disc.Handles(r.URL.Path) {
			disc.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodPost {
			status(w, http.StatusNotFound, "the server could not find the requested resource")
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			status(w, http.StatusBadRequest, err.Error())
			return
		}
		c := captured{path: r.URL.Path, contentType: r.Header.Get("Content-Type"), body: body}
		out := body
		if protobuf.IsProtobuf(body) {
			out, c.convErr = protobuf.ToJSON(body)
		}
		log.mu.Lock()
		log.posts = append(log.posts, c)
		log.mu.Unlock()
		if c.convErr != nil {
			status(w, http.StatusUnsupportedMediaType, c.convErr.Error())
			return
		}
		var obj map[string]any
		if err := json.Unmarshal(out, &obj); err != nil {
			status(w, http.StatusBadRequest, err.Error())
			return
		}
		if obj["kind"] == "SelfSubjectAccessReview" {
			obj["status"] = map[string]any{"allowed": true}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(obj)
	}))
	t.Cleanup(srv.Close)
	return srv, log
}

func writeKubeconfig(t *testing.T, dir, server string) string {
	t.Helper()
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: capture
  cluster:
    server: %s
users:
- name: capture
  user: {}
contexts:
- name: capture
  context:
    cluster: capture
    user: capture
    namespace: default
current-context: capture
`, server)
	path := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func runKubectl(t *testing.T, kubeconfig, home string, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	full := append([]string{"--kubeconfig", kubeconfig, "--cache-dir", filepath.Join(home, "cache")}, args...)
	cmd := exec.CommandContext(ctx, kubectltest.Path(t), full...)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KUBECONFIG=") && !strings.HasPrefix(kv, "HOME=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "HOME="+home)
	cmd.WaitDelay = time.Second
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return out.String(), errOut.String(), err
}

// TestKubectlBodies runs the real kubectl commands against a capturing server
// and checks that ToJSON converts every body it POSTs. With -update it rewrites
// the fixtures that TestKubectlFixtures reads.
func TestKubectlBodies(t *testing.T) {
	kubectltest.Path(t)
	srv, log := captureServer(t)
	home := t.TempDir()
	kubeconfig := writeKubeconfig(t, home, srv.URL)
	files := t.TempDir()
	// blob.bin is not UTF-8, so kubectl puts it in binaryData.
	if err := os.WriteFile(filepath.Join(files, "blob.bin"), []byte{0x00, 0xff, 0xfe}, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range kubectlCases {
		t.Run(tc.name, func(t *testing.T) {
			args := make([]string, len(tc.args))
			for i, a := range tc.args {
				args[i] = strings.ReplaceAll(a, "{{dir}}", files)
			}
			stdout, stderr, err := runKubectl(t, kubeconfig, home, args...)
			posts := log.take()
			if err != nil {
				t.Fatalf("kubectl %s: %v\nstdout:\n%s\nstderr:\n%s\nposts: %v", strings.Join(tc.args, " "), err, stdout, stderr, posts)
			}
			if len(posts) != 1 {
				t.Fatalf("kubectl %s made %d POSTs, want 1: %v", strings.Join(tc.args, " "), len(posts), posts)
			}
			c := posts[0]
			if c.path != tc.path {
				t.Errorf("POST %s, want %s", c.path, tc.path)
			}
			if c.convErr != nil {
				t.Fatalf("ToJSON of the %q body: %v", c.contentType, c.convErr)
			}
			t.Logf("kubectl %s: POST %s Content-Type %q (%d bytes)", strings.Join(tc.args, " "), c.path, c.contentType, len(c.body))
			isPB := protobuf.IsProtobuf(c.body)
			if isPB != strings.HasPrefix(c.contentType, protobuf.ContentType) {
				t.Errorf("Content-Type %q does not match the body (protobuf magic: %v)", c.contentType, isPB)
			}
			got := c.body
			if isPB {
				if got, err = protobuf.ToJSON(c.body); err != nil {
					t.Fatal(err)
				}
			}
			checkFields(t, got, tc.checks)
			if *update {
				writeFixture(t, tc.name, c.body, got)
			}
		})
	}
}

// TestKubectlFixtures converts the captured bodies in testdata/kubectl; it runs
// without kubectl.
func TestKubectlFixtures(t *testing.T) {
	for _, tc := range kubectlCases {
		t.Run(tc.name, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(fixtureDir, tc.name+".body.pb"))
			isPB := err == nil
			if errors.Is(err, os.ErrNotExist) {
				body, err = os.ReadFile(filepath.Join(fixtureDir, tc.name+".body.json"))
			}
			if err != nil {
				t.Fatalf("no fixture for %s (run go test -run TestKubectlBodies -update): %v", tc.name, err)
			}
			got := body
			if isPB {
				if got, err = protobuf.ToJSON(body); err != nil {
					t.Fatalf("ToJSON: %v", err)
				}
			}
			checkFields(t, got, tc.checks)
			golden, err := os.ReadFile(filepath.Join(fixtureDir, tc.name+".golden.json"))
			if err != nil {
				t.Fatal(err)
			}
			var gotObj, wantObj any
			if err := json.Unmarshal(got, &gotObj); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(golden, &wantObj); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(gotObj, wantObj) {
				t.Errorf("converted %s differs from %s.golden.json:\n got %s\nwant %s", tc.name, tc.name, got, golden)
			}
		})
	}
}

func writeFixture(t *testing.T, name string, body, converted []byte) {
	t.Helper()
	if err := os.MkdirAll(fixtureDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{".body.pb", ".body.json"} {
		_ = os.Remove(filepath.Join(fixtureDir, name+ext))
	}
	ext := ".body.json"
	if protobuf.IsProtobuf(body) {
		ext = ".body.pb"
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, bytes.TrimSpace(converted), "", "  "); err != nil {
		t.Fatal(err)
	}
	pretty.WriteByte('\n')
	if err := os.WriteFile(filepath.Join(fixtureDir, name+ext), body, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(fixtureDir, name+".golden.json"), pretty.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkFields asserts the key fields of a JSON object.
func checkFields(t *testing.T, data []byte, checks map[string]any) {
	t.Helper()
	var obj any
	if err := json.Unmarshal(data, &obj); err != nil {
		t.Fatalf("converted body is not JSON: %v\n%s", err, data)
	}
	for path, want := range checks {
		got, ok := lookup(obj, path)
		if want == absent {
			if ok {
				t.Errorf("%s = %#v, want it absent\n%s", path, got, data)
			}
			continue
		}
		if !ok {
			t.Errorf("%s is missing, want %#v\n%s", path, want, data)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v\n%s", path, got, want, data)
		}
	}
}

// lookup follows a path like `spec.containers[0].ports[0].containerPort` or
// `binaryData["blob.bin"]`.
func lookup(v any, path string) (any, bool) {
	for path != "" {
		switch {
		case strings.HasPrefix(path, "[\""):
			end := strings.Index(path, "\"]")
			if end < 0 {
				return nil, false
			}
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[path[2:end]]; !ok {
				return nil, false
			}
			path = path[end+2:]
		case strings.HasPrefix(path, "["):
			end := strings.IndexByte(path, ']')
			i, err := strconv.Atoi(path[1:max(end, 1)])
			l, ok := v.([]any)
			if end < 0 || err != nil || !ok || i < 0 || i >= len(l) {
				return nil, false
			}
			v, path = l[i], path[end+1:]
		default:
			path = strings.TrimPrefix(path, ".")
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[path[:end]]; !ok {
				return nil, false
			}
			path = path[end:]
		}
	}
	return v, true
}
