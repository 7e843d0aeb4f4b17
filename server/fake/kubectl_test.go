package fake_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// These tests drive the real kubectl against fake.Start and check what it
// prints, so that they fail when the server answers in a way kubectl
// accepts but renders wrongly (a plain list instead of a Table, missing short
// names, a missing field selector).

// podList is the part of a PodList (or kubectl's List) the tests read.
type podList struct {
	Kind  string
	Items []struct {
		Kind     string
		Metadata struct {
			Name, Namespace, ResourceVersion string
			Labels                           map[string]string
		}
		Spec struct {
			Containers []struct{ Name, Image string }
		}
	}
}

func (l podList) names() []string {
	var names []string
	for _, it := range l.Items {
		names = append(names, it.Metadata.Name)
	}
	slices.Sort(names)
	return names
}

func TestKubectlCreate(t *testing.T) {
	k := newKubectl(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"create", "namespace", "demo"}, "namespace/demo created"},
		{[]string{"run", "web", "--image=nginx"}, "pod/web created"},
		{[]string{"create", "-f", "testdata/configmap.yaml", "--validate=false"}, "configmap/settings created"},
		{[]string{"create", "-f", "testdata/pod.yaml", "--validate=false"}, "pod/cache created"},
		{[]string{"create", "-f", "testdata/node.yaml", "--validate=false"}, "node/node-1 created"},
	}
	for _, tt := range tests {
		if got := strings.TrimSpace(k.run(t, tt.args...)); got != tt.want {
			t.Errorf("kubectl %s printed %q, want %q", strings.Join(tt.args, " "), got, tt.want)
		}
	}
	if got := k.run(t, "get", "configmap", "settings", "-o", "jsonpath={.data.mode}"); got != "production" {
		t.Errorf("configmap settings data.mode = %q, want production", got)
	}
	if got := k.run(t, "get", "pod", "web", "-o", "jsonpath={.spec.containers[0].image} {.metadata.labels.run}"); got != "nginx web" {
		t.Errorf("pod web image and run label = %q, want %q", got, "nginx web")
	}
}

func TestKubectlGetPods(t *testing.T) {
	k := newKubectl(t)
	k.run(t, "create", "namespace", "demo")
	k.run(t, "run", "web", "--image=nginx", "--labels=app=web")
	k.run(t, "run", "api", "--image=nginx", "--namespace=demo")
	k.run(t, "create", "-f", "testdata/pod.yaml", "--validate=false")

	tests := []struct {
		name       string
		args       []string
		wantHeader []string
		wantNames  []string          // the NAME column, sorted
		wantWeb    map[string]string // cells of the row of pod web
	}{
		{
			name:       "table",
			args:       []string{"get", "pods"},
			wantHeader: []string{"NAME", "READY", "STATUS", "RESTARTS", "AGE"},
			wantNames:  []string{"cache", "web"},
			wantWeb:    map[string]string{"READY": "0/1", "STATUS": "Pending", "RESTARTS": "0"},
		},
		{
			name:       "short name",
			args:       []string{"get", "po"},
			wantHeader: []string{"NAME", "READY", "STATUS", "RESTARTS", "AGE"},
			wantNames:  []string{"cache", "web"},
		},
		{
			name:       "wide",
			args:       []string{"get", "pods", "-o", "wide"},
			wantHeader: []string{"NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"},
			wantNames:  []string{"cache", "web"},
			wantWeb:    map[string]string{"IP": "<none>", "NODE": "<none>", "NOMINATED NODE": "<none>", "READINESS GATES": "<none>"},
		},
		{
			name:       "all namespaces",
			args:       []string{"get", "pods", "-A"},
			wantHeader: []string{"NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"},
			wantNames:  []string{"api", "cache", "web"},
			wantWeb:    map[string]string{"NAMESPACE": "default"},
		},
		{
			name:       "other namespace",
			args:       []string{"get", "pods", "-n", "demo"},
			wantHeader: []string{"NAME", "READY", "STATUS", "RESTARTS", "AGE"},
			wantNames:  []string{"api"},
		},
		{
			name:       "label selector",
			args:       []string{"get", "pods", "-l", "app=web"},
			wantHeader: []string{"NAME", "READY", "STATUS", "RESTARTS", "AGE"},
			wantNames:  []string{"web"},
		},
		{
			name:       "set-based label selector",
			args:       []string{"get", "pods", "-l", "app in (cache, db),tier"},
			wantHeader: []string{"NAME", "READY", "STATUS", "RESTARTS", "AGE"},
			wantNames:  []string{"cache"},
		},
		{
			name:       "field selector",
			args:       []string{"get", "pods", "--field-selector", "metadata.name=web"},
			wantHeader: []string{"NAME", "READY", "STATUS", "RESTARTS", "AGE"},
			wantNames:  []string{"web"},
		},
		{
			name:       "one pod by name",
			args:       []string{"get", "pod", "web"},
			wantHeader: []string{"NAME", "READY", "STATUS", "RESTARTS", "AGE"},
			wantNames:  []string{"web"},
		},
		{
			name:       "show labels",
			args:       []string{"get", "pods", "--show-labels"},
			wantHeader: []string{"NAME", "READY", "STATUS", "RESTARTS", "AGE", "LABELS"},
			wantNames:  []string{"cache", "web"},
			wantWeb:    map[string]string{"LABELS": "app=web"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tab := parseTable(t, k.run(t, tt.args...))
			if !slices.Equal(tab.header, tt.wantHeader) {
				t.Errorf("header = %q, want %q", tab.header, tt.wantHeader)
			}
			names := slices.Sorted(slices.Values(tab.column(t, "NAME")))
			if !slices.Equal(names, tt.wantNames) {
				t.Errorf("NAME column = %q, want %q", names, tt.wantNames)
			}
			if tt.wantWeb == nil {
				return
			}
			web := tab.row(t, "NAME", "web")
			for col, want := range tt.wantWeb {
				if web[col] != want {
					t.Errorf("pod web: %s = %q, want %q", col, web[col], want)
				}
			}
			if age := web["AGE"]; !regexp.MustCompile(`^\d+[smhd]`).MatchString(age) {
				t.Errorf("pod web: AGE = %q, want a duration such as 3s", age)
			}
		})
	}

	t.Run("json and yaml", func(t *testing.T) {
		t.Parallel()
		for _, format := range []string{"json", "yaml"} {
			var list podList
			out := k.run(t, "get", "pods", "-o", format)
			if err := yaml.Unmarshal([]byte(out), &list); err != nil { // YAML is a superset of JSON
				t.Fatalf("-o %s: %v\n%s", format, err, out)
			}
			if list.Kind != "List" || !slices.Equal(list.names(), []string{"cache", "web"}) {
				t.Errorf("-o %s: kind %q, names %q; want List of cache, web", format, list.Kind, list.names())
			}
			for _, it := range list.Items {
				if it.Kind != "Pod" || it.Metadata.ResourceVersion == "" || len(it.Spec.Containers) != 1 {
					t.Errorf("-o %s: item %+v: want kind Pod, a resourceVersion and one container", format, it)
				}
			}
		}
	})

	t.Run("raw", func(t *testing.T) {
		t.Parallel()
		out := k.run(t, "get", "--raw", "/api/v1/namespaces/default/pods")
		var list podList
		if err := json.Unmarshal([]byte(out), &list); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if list.Kind != "PodList" || !slices.Equal(list.names(), []string{"cache", "web"}) {
			t.Errorf("kind %q, names %q; want PodList of cache, web", list.Kind, list.names())
		}
	})
}

func TestKubectlGetInChunks(t *testing.T) {
	k := newKubectl(t)
	k.run(t, "create", "-f", "testdata/pods.yaml", "--validate=false")
	out, errOut, err := k.exec(t, "get", "pods", "--chunk-size=1", "-v=6")
	if err != nil {
		t.Fatalf("kubectl get pods --chunk-size=1: %v\n%s", err, errOut)
	}
	names := parseTable(t, out).column(t, "NAME")
	want := []string{"batch-1", "batch-2", "batch-3", "batch-4", "batch-5"}
	if !slices.Equal(names, want) {
		t.Errorf("NAME column = %q, want %q", names, want)
	}
	// One request per pod: the first with limit=1, then four following the
	// continue token.
	if n := strings.Count(errOut, "continue="); n != len(want)-1 {
		t.Errorf("kubectl sent %d requests with a continue token, want %d; log:\n%s", n, len(want)-1, errOut)
	}
}

func TestKubectlGetNodes(t *testing.T) {
	k := newKubectl(t)
	k.run(t, "create", "-f", "testdata/node.yaml", "--validate=false")
	for _, args := range [][]string{{"get", "nodes"}, {"get", "no"}} {
		tab := parseTable(t, k.run(t, args...))
		if want := []string{"NAME", "STATUS", "ROLES", "AGE", "VERSION"}; !slices.Equal(tab.header, want) {
			t.Errorf("%s: header = %q, want %q", args, tab.header, want)
		}
		node := tab.row(t, "NAME", "node-1")
		if node == nil {
			t.Fatalf("%s: no row for node-1 in %q", args, tab.rows)
		}
		want := map[string]string{"STATUS": "Ready", "ROLES": "worker", "VERSION": "v1.32.0"}
		for col, w := range want {
			if node[col] != w {
				t.Errorf("%s: node-1 %s = %q, want %q", args, col, node[col], w)
			}
		}
	}
}

func TestKubectlDescribePod(t *testing.T) {
	k := newKubectl(t)
	k.run(t, "run", "web", "--image=nginx", "--labels=app=web")
	out := k.run(t, "describe", "pod", "web")
	for _, want := range []string{
		`(?m)^Name:\s+web$`,
		`(?m)^Namespace:\s+default$`,
		`(?m)^Labels:\s+app=web$`,
		`(?m)^Status:\s+Pending$`,
		`(?m)^\s+web:$`, // the container
		`(?m)^\s+Image:\s+nginx$`,
		`(?m)^Events:\s+<none>$`,
	} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("describe output does not match %s:\n%s", want, out)
		}
	}
}

func TestKubectlDeletePod(t *testing.T) {
	k := newKubectl(t)
	k.run(t, "run", "web", "--image=nginx")
	// The pod was never bound to a node, so it is removed at once and delete
	// returns without waiting for a kubelet.
	if got := strings.TrimSpace(k.run(t, "delete", "pod", "web")); got != `pod "web" deleted` {
		t.Errorf("delete printed %q, want %q", got, `pod "web" deleted`)
	}
	_, errOut, err := k.exec(t, "get", "pod", "web")
	if want := `Error from server (NotFound): pods "web" not found`; err == nil || strings.TrimSpace(errOut) != want {
		t.Errorf("get after delete: err %v, stderr %q; want %q", err, errOut, want)
	}
	out, errOut, err := k.exec(t, "get", "pods")
	if want := "No resources found in default namespace."; err != nil || out != "" || strings.TrimSpace(errOut) != want {
		t.Errorf("get pods after delete: err %v, stdout %q, stderr %q; want only %q", err, out, errOut, want)
	}
}

func TestKubectlNamespaceLifecycle(t *testing.T) {
	k := newKubectl(t)
	k.run(t, "create", "namespace", "demo")
	k.run(t, "run", "web", "--image=nginx", "--namespace=demo")
	k.run(t, "create", "configmap", "settings", "--from-literal=mode=test", "--namespace=demo")

	tab := parseTable(t, k.run(t, "get", "namespaces"))
	wantNames := []string{"default", "demo", "kube-node-lease", "kube-public", "kube-system"}
	if names := slices.Sorted(slices.Values(tab.column(t, "NAME"))); !slices.Equal(names, wantNames) {
		t.Errorf("namespaces = %q, want %q", names, wantNames)
	}
	if demo := tab.row(t, "NAME", "demo"); demo["STATUS"] != "Active" {
		t.Errorf("namespace demo: STATUS = %q, want Active", demo["STATUS"])
	}

	// kubectl waits until the namespace is gone, which happens once its
	// contents are deleted.
	if got := strings.TrimSpace(k.run(t, "delete", "namespace", "demo")); got != `namespace "demo" deleted` {
		t.Errorf("delete printed %q, want %q", got, `namespace "demo" deleted`)
	}
	names := parseTable(t, k.run(t, "get", "ns")).column(t, "NAME")
	if slices.Contains(names, "demo") {
		t.Errorf("namespace demo still listed after delete: %q", names)
	}
	for _, path := range []string{"/api/v1/namespaces/demo/pods", "/api/v1/namespaces/demo/configmaps"} {
		var list podList
		if err := json.Unmarshal([]byte(k.run(t, "get", "--raw", path)), &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != 0 {
			t.Errorf("%s after namespace delete: %q, want none", path, list.names())
		}
	}
}

func TestKubectlAPIResources(t *testing.T) {
	k := newKubectl(t)
	tab := parseTable(t, k.run(t, "api-resources"))
	if want := []string{"NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"}; !slices.Equal(tab.header, want) {
		t.Errorf("header = %q, want %q", tab.header, want)
	}
	for _, want := range []map[string]string{
		{"NAME": "pods", "SHORTNAMES": "po", "APIVERSION": "v1", "NAMESPACED": "true", "KIND": "Pod"},
		{"NAME": "namespaces", "SHORTNAMES": "ns", "APIVERSION": "v1", "NAMESPACED": "false", "KIND": "Namespace"},
		{"NAME": "nodes", "SHORTNAMES": "no", "APIVERSION": "v1", "NAMESPACED": "false", "KIND": "Node"},
		{"NAME": "configmaps", "SHORTNAMES": "cm", "APIVERSION": "v1", "NAMESPACED": "true", "KIND": "ConfigMap"},
	} {
		got := tab.row(t, "NAME", want["NAME"])
		for col, w := range want {
			if got[col] != w {
				t.Errorf("api-resources row %s: %s = %q, want %q (row %q)", want["NAME"], col, got[col], w, got)
			}
		}
	}
}
