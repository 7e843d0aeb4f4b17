package cli_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/client"
	"kctl.dev/kctl/internal/cli"
	"kctl.dev/kctl/internal/kubectltest"
)

// The get tests run kctl in-process (cli.Main) against a fake server over
// real HTTP, loaded with testdata/get/objects.yaml. Goldens live in
// testdata/get/golden; regenerate them with
//
//	KCTL_UPDATE_GOLDEN=1 go test ./internal/cli -run 'TestGet'
//
// Values that change from run to run are normalised before comparing: the
// AGE column of tables (every fixture is seconds old, so AGE is at most three
// characters and the column keeps kubectl's minimum width of six: replacing
// its cells with "<age>" leaves the layout as printed), and uid,
// creationTimestamp and resourceVersion in JSON and YAML.

// getEnv is a server and what a command needs to talk to it.
type getEnv struct{ *cmdEnv }

// newGetEnv starts a fake server, loaded with the fixtures when load is set.
func newGetEnv(t *testing.T, load bool) *getEnv {
	t.Helper()
	e := &getEnv{newCmdEnv(t)}
	if load {
		getLoadFixtures(t, e.c, "testdata/get/objects.yaml")
	}
	return e
}

// getLoadFixtures creates the objects of a multi-document YAML file; a pod's
// status is then written through the status subresource (a create drops it).
func getLoadFixtures(t *testing.T, c *client.Client, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for _, doc := range strings.Split(string(data), "\n---\n") {
		j, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		obj, err := unstructured.Decode(j)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		k, ok := cmdKinds[obj.Kind()]
		if !ok {
			t.Fatalf("%s: no resource known for kind %q", path, obj.Kind())
		}
		r := client.Dynamic(c, k.gvr, k.namespaced).Namespace(obj.Namespace())
		created, err := r.Create(ctx, obj, client.WriteOptions{})
		if err != nil {
			t.Fatalf("create %s %s: %v", obj.Kind(), obj.Name(), err)
		}
		if status, ok := obj.Object["status"]; ok && obj.Kind() == "Pod" {
			created.Object["status"] = status
			if _, err := r.UpdateStatus(ctx, created, client.WriteOptions{}); err != nil {
				t.Fatalf("status of %s %s: %v", obj.Kind(), obj.Name(), err)
			}
		}
	}
}

// getResult is what one command printed.
type getResult struct {
	stdout, stderr string
	code           int
}

func (r getResult) String() string {
	return fmt.Sprintf("-- stdout --\n%s-- stderr --\n%s-- exit --\n%d\n", r.stdout, r.stderr, r.code)
}

// kctl runs kctl with args against the server, in-process.
func (e *getEnv) kctl(t *testing.T, args ...string) getResult {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Main(t.Context(), e.args(args), cli.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	return getResult{out.String(), errOut.String(), code}
}

func (e *getEnv) args(args []string) []string {
	return append([]string{"--kubeconfig", e.kubeconfig, "--cache-dir", e.cacheDir}, args...)
}

// getHeaderColumn matches one column title: words separated by single
// spaces ("NOMINATED NODE"); columns are at least three spaces apart.
var getHeaderColumn = regexp.MustCompile(`\S+( \S+)*`)

// getSecondsOld is an AGE of fixtures made while the test runs.
var getSecondsOld = regexp.MustCompile(`^\d{1,2}s$`)

// getNormalizeAge replaces the cells of every AGE column with "<age>",
// keeping the layout. Tables start at the first line and after blank lines,
// with a header line.
func getNormalizeAge(t *testing.T, out string) string {
	t.Helper()
	lines := strings.Split(out, "\n")
	var starts []int // column offsets of the current header
	age := -1
	header := true
	for i, line := range lines {
		if line == "" {
			header = true
			continue
		}
		if header {
			header, age, starts = false, -1, nil
			for j, s := range getHeaderColumn.FindAllStringIndex(line, -1) {
				starts = append(starts, s[0])
				if line[s[0]:s[1]] == "AGE" {
					age = j
				}
			}
			continue
		}
		if age < 0 || starts[age] >= len(line) {
			continue
		}
		start, end := starts[age], len(line)
		if age+1 < len(starts) {
			end = min(starts[age+1], len(line))
		}
		cell := strings.TrimRight(line[start:end], " ")
		if !getSecondsOld.MatchString(cell) {
			t.Errorf("AGE %q in line %q: want a few seconds", cell, line)
			continue
		}
		repl := "<age>"
		if end < len(line) {
			repl += strings.Repeat(" ", end-start-len(repl))
		}
		lines[i] = line[:start] + repl + line[end:]
	}
	return strings.Join(lines, "\n")
}

var (
	getJSONVolatile = regexp.MustCompile(`"(uid|creationTimestamp|resourceVersion|time)": ?"[^"]+"`)
	getYAMLVolatile = regexp.MustCompile(`(?m)^(\s*)(uid|creationTimestamp|resourceVersion): "?[^"\n]+"?$`)
)

// getNormalizeObjects replaces the values the server makes up (uid,
// creationTimestamp, resourceVersion) in JSON and YAML.
func getNormalizeObjects(out string) string {
	out = getJSONVolatile.ReplaceAllString(out, `"$1": "<$1>"`)
	return getYAMLVolatile.ReplaceAllString(out, `$1$2: <$2>`)
}

// getCheckGolden compares got with the golden file name, or rewrites it
// when KCTL_UPDATE_GOLDEN is set.
func getCheckGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "get", "golden", name+".txt")
	if os.Getenv("KCTL_UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (set KCTL_UPDATE_GOLDEN=1 to write it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (set KCTL_UPDATE_GOLDEN=1 to rewrite it)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// getGoldenCases are the goldens of `kctl get`: every output format, and
// kubectl's error messages.
var getGoldenCases = []struct {
	name string
	args []string
}{
	{"table", []string{"get", "pods"}},
	{"table-short-name", []string{"get", "po"}},
	{"table-wide", []string{"get", "pods", "-o", "wide"}},
	{"table-all-namespaces", []string{"get", "pods", "-A"}},
	{"table-namespace", []string{"get", "pods", "-n", "demo"}},
	{"table-one", []string{"get", "pod", "cache"}},
	{"table-labels", []string{"get", "pods", "--show-labels", "-L", "tier", "-L", "app"}},
	{"table-selector", []string{"get", "pods", "-l", "app=web"}},
	{"table-field-selector", []string{"get", "pods", "--field-selector", "metadata.name=cache"}},
	{"table-sort-by", []string{"get", "pods", "-A", "--sort-by", ".status.podIP"}},
	{"table-several-kinds", []string{"get", "pods,configmaps", "-A"}},
	{"table-resource-name-pairs", []string{"get", "pod/cache", "configmap/settings", "cm/scripts"}},
	{"table-show-kind", []string{"get", "nodes", "--show-kind"}},
	{"table-nodes", []string{"get", "nodes", "-o", "wide"}},
	{"table-namespaces", []string{"get", "namespaces"}},
	{"table-configmaps", []string{"get", "configmaps", "-A"}},
	{"table-chunked", []string{"get", "pods", "-A", "--chunk-size", "2"}},
	{"json", []string{"get", "pods", "-o", "json"}},
	{"json-one", []string{"get", "pod", "cache", "-o", "json"}},
	{"json-names", []string{"get", "pod", "cache", "report-28551340-x7k2p", "-o", "json"}},
	{"json-several-kinds-chunked", []string{"get", "configmaps,nodes", "-A", "-o", "json", "--chunk-size=1"}},
	{"json-empty", []string{"get", "pods", "-n", "kube-system", "-o", "json"}},
	{"yaml", []string{"get", "configmaps", "-A", "-o", "yaml"}},
	{"yaml-one", []string{"get", "pod", "web-7d4b9c8f5-abcde", "-o", "yaml"}},
	{"yaml-list", []string{"get", "pods", "-l", "app=web", "-o", "yaml", "--chunk-size=1"}},
	{"yaml-sorted", []string{"get", "configmaps", "-A", "-o", "yaml", "--sort-by", ".metadata.name"}},
	{"yaml-empty", []string{"get", "pods", "-n", "kube-system", "-o", "yaml"}},
	{"name", []string{"get", "pods,nodes", "-A", "-o", "name", "--chunk-size=1"}},
	{"jsonpath", []string{"get", "pods", "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\t\"}{.status.phase}{\"\\n\"}{end}"}},
	{"jsonpath-one", []string{"get", "pod", "web-7d4b9c8f5-abcde", "-o", "jsonpath={.status.podIP}"}},
	{"custom-columns", []string{"get", "pods", "-A", "-o", "custom-columns=NAME:.metadata.name,NODE:.spec.nodeName,IP:.status.podIP,IMAGES:.spec.containers[*].image"}},
	{"custom-columns-no-headers", []string{"get", "nodes", "--no-headers", "-o", "custom-columns=NAME:.metadata.name,VERSION:.status.nodeInfo.kubeletVersion"}},
	{"custom-columns-empty", []string{"get", "pods", "-n", "kube-system", "-o", "custom-columns=NAME:.metadata.name"}},
	{"go-template", []string{"get", "nodes", "-o", "go-template={{range .items}}{{.metadata.name}} {{.status.nodeInfo.architecture}}\n{{end}}"}},
	{"no-resources", []string{"get", "pods", "-n", "kube-system"}},
	{"no-resources-all-namespaces", []string{"get", "services", "-A"}},
	{"no-resources-cluster", []string{"get", "clusterroles", "-o", "wide"}},
	{"error-not-found", []string{"get", "pod", "missing"}},
	{"error-not-found-some", []string{"get", "pods", "cache", "missing", "gone"}},
	{"error-not-found-ignored", []string{"get", "pods", "cache", "missing", "--ignore-not-found"}},
	{"error-not-found-json", []string{"get", "pod", "missing", "-o", "json"}},
	{"error-unknown-type", []string{"get", "widgets"}},
	{"error-no-type", []string{"get"}},
	{"error-bad-output", []string{"get", "pods", "-o", "xml"}},
	{"error-type-and-pair", []string{"get", "pods", "pod/cache"}},
	{"error-pair-without-name", []string{"get", "pod/"}},
	{"error-name-and-selector", []string{"get", "pod", "cache", "-l", "app=web"}},
	{"error-name-all-namespaces", []string{"get", "pod", "cache", "-A"}},
	{"error-bad-selector", []string{"get", "pods", "--field-selector", "spec.unknown=x"}},
	{"error-raw-with-args", []string{"get", "pods", "--raw", "/api"}},
	{"error-raw-not-found", []string{"get", "--raw", "/apis/nope"}},
	{"error-watch-several-types", []string{"get", "pods,configmaps", "-w"}},
	{"raw", []string{"get", "--raw", "/apis/apps"}},
}

func TestGetGolden(t *testing.T) {
	e := newGetEnv(t, true)
	for _, tc := range getGoldenCases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.kctl(t, tc.args...)
			r.stdout = getNormalizeObjects(getNormalizeAge(t, r.stdout))
			got := "# kctl " + strings.Join(tc.args, " ") + "\n" + r.String()
			getCheckGolden(t, tc.name, got)
		})
	}
}

// TestGetPagesMatchOnePage checks that a list fetched page by page prints
// exactly what it prints fetched at once, in every format.
func TestGetPagesMatchOnePage(t *testing.T) {
	e := newGetEnv(t, true)
	for _, format := range []string{"", "wide", "json", "yaml", "name", "jsonpath={.items[*].metadata.name}", "custom-columns=N:.metadata.name"} {
		for _, extra := range [][]string{nil, {"--sort-by", "{.metadata.name}"}} {
			args := append([]string{"get", "pods,configmaps,nodes", "-A", "-o", format}, extra...)
			whole := e.kctl(t, append(args, "--chunk-size=0")...)
			paged := e.kctl(t, append(args, "--chunk-size=1")...)
			if whole.code != 0 || whole.stderr != "" {
				t.Fatalf("%q: %v", args, whole)
			}
			if format == "" || format == "wide" {
				// The two runs may straddle a second.
				whole.stdout = getNormalizeAge(t, whole.stdout)
				paged.stdout = getNormalizeAge(t, paged.stdout)
			}
			if paged != whole {
				t.Errorf("%q: in pages of 1:\n%v\nat once:\n%v", args, paged, whole)
			}
		}
	}
}

// getSyncBuffer is a buffer written by a command running in a goroutine and
// read by the test.
type getSyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *getSyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *getSyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// getRunning is a command running in the background until stopped.
type getRunning struct {
	out, errOut *getSyncBuffer
	cancel      context.CancelFunc
	done        chan int
}

// start runs kctl with args in a goroutine until stop.
func (e *getEnv) start(t *testing.T, args ...string) *getRunning {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	r := &getRunning{out: &getSyncBuffer{}, errOut: &getSyncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	go func() {
		r.done <- cli.Main(ctx, e.args(args), cli.IOStreams{In: strings.NewReader(""), Out: r.out, ErrOut: r.errOut})
	}()
	t.Cleanup(func() {
		cancel()
		<-r.done
	})
	return r
}

// stop interrupts the command and returns its exit code.
func (r *getRunning) stop(t *testing.T) int {
	t.Helper()
	r.cancel()
	select {
	case code := <-r.done:
		r.done <- code // for the cleanup
		return code
	case <-time.After(30 * time.Second):
		t.Fatal("the command did not stop within 30s of its interruption")
		return -1
	}
}

// waitFor polls buf until cond holds for its content, or fails the test after
// a generous deadline (it is a guard against hangs, not a timing assumption).
func getWaitFor(t *testing.T, what string, buf *getSyncBuffer, cond func(string) bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond(buf.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; got:\n%s", what, buf.String())
		}
		<-tick.C
	}
}

func getLines(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// getWaitForWatchers waits until the server has n watches open on resource
// (its /metrics gauge), so that changes made next reach them.
func getWaitForWatchers(t *testing.T, e *getEnv, resource string, n int) {
	t.Helper()
	want := fmt.Sprintf("kctl_watch_cache_watchers{resource=%q} %d\n", resource, n)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var b bytes.Buffer
		if err := e.c.GetRaw(t.Context(), "/metrics", &b); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %q in /metrics:\n%s", want, b.String())
		}
		time.Sleep(5 * time.Millisecond) // polling the server, not waiting for an event
	}
}

// getTrailingAge is an AGE of a few seconds ending a line.
var getTrailingAge = regexp.MustCompile(`(?m)(   )\d{1,2}s$`)

func TestGetWatch(t *testing.T) {
	tests := []struct {
		name string
		args []string
		// want is the output once the watch has seen the creation of w1 (one
		// key), an update of w1 (two keys) and an update of settings.
		want []string
	}{
		{
			name: "list then watch",
			args: []string{"get", "configmaps", "-w"},
			want: []string{
				"NAME       DATA   AGE",
				"scripts    3      <age>",
				"settings   2      <age>",
				"w1         1      <age>",
				"w1         2      <age>",
				"settings   3      <age>",
			},
		},
		{
			name: "watch only",
			args: []string{"get", "configmaps", "--watch-only"},
			// Each event is printed as it comes: columns widen, never narrow.
			want: []string{
				"NAME   DATA   AGE",
				"w1     1      <age>",
				"w1     2      <age>",
				"settings   3      <age>",
			},
		},
		{
			name: "one object",
			args: []string{"get", "configmap", "settings", "-w"},
			want: []string{
				"NAME       DATA   AGE",
				"settings   2      <age>",
				"settings   3      <age>",
			},
		},
		{
			name: "names",
			args: []string{"get", "configmaps", "-w", "-o", "name"},
			want: []string{"configmap/scripts", "configmap/settings", "configmap/w1", "configmap/w1", "configmap/settings"},
		},
		{
			name: "json",
			args: []string{"get", "configmaps", "--watch-only", "-o", "jsonpath={.metadata.name}:{.data.a}{\"\\n\"}"},
			want: []string{"w1:1", "w1:1", "settings:"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newGetEnv(t, true)
			ctx := t.Context()
			cms := client.Dynamic(e.c, client.GVR{Version: "v1", Resource: "configmaps"}, true).Namespace("default")
			r := e.start(t, tc.args...)
			getWaitForWatchers(t, e, "configmaps", 1)
			w1, err := cms.Create(ctx, &unstructured.Unstructured{Object: map[string]any{
				"apiVersion": "v1", "kind": "ConfigMap",
				"metadata": map[string]any{"name": "w1"},
				"data":     map[string]any{"a": "1"},
			}}, client.WriteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			w1.Object["data"] = map[string]any{"a": "1", "b": "2"}
			if _, err := cms.Update(ctx, w1, client.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			settings, err := cms.Get(ctx, "settings")
			if err != nil {
				t.Fatal(err)
			}
			settings.Object["data"] = map[string]any{"mode": "production", "replicas": "3", "zone": "b"}
			if _, err := cms.Update(ctx, settings, client.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			n := len(tc.want)
			getWaitFor(t, "the changes", r.out, func(s string) bool { return strings.Count(s, "\n") >= n })
			if code := r.stop(t); code != 0 {
				t.Errorf("exit code %d, stderr:\n%s", code, r.errOut)
			}
			got := getTrailingAge.ReplaceAllString(r.out.String(), "$1<age>")
			if want := strings.Join(tc.want, "\n") + "\n"; got != want {
				t.Errorf("printed:\n%s\nwant:\n%s", got, want)
			}
			if r.errOut.String() != "" {
				t.Errorf("stderr: %s", r.errOut)
			}
		})
	}
}

// getKubectlWording maps kubectl's own words to kctl's: the command name.
func getKubectlWording(stderr string) string {
	return strings.ReplaceAll(stderr, "kubectl", "kctl")
}

// TestGetMatchesKubectl runs every golden case through the real kubectl and
// kctl against the same server: the output must be the same, byte for byte
// (AGE normalised: the two runs may straddle a second), and so must the
// errors, kubectl's name aside.
func TestGetMatchesKubectl(t *testing.T) {
	kubectl := kubectltest.Path(t)
	e := newGetEnv(t, true)
	differ := map[string]string{
		"error-no-type": "kubectl also suggests kubectl explain, which kctl does not have",
	}
	for _, tc := range getGoldenCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if why, ok := differ[tc.name]; ok {
				t.Skip(why)
			}
			want := e.kubectl(t, kubectl, tc.args...)
			got := e.kctl(t, tc.args...)
			want.stdout = getNormalizeAge(t, want.stdout)
			got.stdout = getNormalizeAge(t, got.stdout)
			if want.stderr != "" {
				want.stderr = getKubectlWording(want.stderr)
			}
			if got != want {
				t.Errorf("kctl %s:\n%v\nkubectl:\n%v", strings.Join(tc.args, " "), got, want)
			}
		})
	}
}

// kubectl runs the real kubectl with args against the server, with its own
// discovery cache.
func (e *getEnv) kubectl(t *testing.T, path string, args ...string) getResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute) // a guard against a hang
	defer cancel()
	cmd := exec.CommandContext(ctx, path, append([]string{"--cache-dir", e.cacheDir + "-kubectl"}, args...)...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+e.kubeconfig)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("kubectl %s: %v", strings.Join(args, " "), err)
	}
	return getResult{out.String(), errOut.String(), cmd.ProcessState.ExitCode()}
}

// TestGetWatchMatchesKubectl runs `get -w` through the real kubectl and kctl
// side by side on one server, makes the same changes under both, and
// compares what they printed.
func TestGetWatchMatchesKubectl(t *testing.T) {
	kubectl := kubectltest.Path(t)
	lines := func(n int) func(string) bool {
		return func(s string) bool { return strings.Count(s, "\n") >= n }
	}
	cases := []struct {
		name string
		args []string
		done func(string) bool // the last change is printed
	}{
		{"list", []string{"get", "configmaps", "-w"}, lines(6)},
		{"all namespaces", []string{"get", "configmaps", "-A", "-w"}, lines(7)},
		{"watch only", []string{"get", "configmaps", "--watch-only"}, lines(4)},
		{"one", []string{"get", "configmap", "settings", "-w"}, lines(3)},
		{"name", []string{"get", "configmaps", "-w", "-o", "name"}, lines(5)},
		{"json", []string{"get", "configmaps", "-w", "-o", "json"}, func(s string) bool {
			return strings.Contains(s, `"zone": "b"`) && strings.HasSuffix(s, "\n}\n")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newGetEnv(t, true)
			ctx := t.Context()
			kout, kerr := &getSyncBuffer{}, &getSyncBuffer{}
			cmd := exec.CommandContext(ctx, kubectl, append([]string{"--cache-dir", e.cacheDir + "-kubectl"}, tc.args...)...)
			cmd.Env = append(os.Environ(), "KUBECONFIG="+e.kubeconfig)
			cmd.Stdout, cmd.Stderr = kout, kerr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			t.Cleanup(func() {
				_ = cmd.Process.Kill()
				<-exited
			})
			r := e.start(t, tc.args...)
			getWaitForWatchers(t, e, "configmaps", 2)

			cms := client.Dynamic(e.c, client.GVR{Version: "v1", Resource: "configmaps"}, true).Namespace("default")
			w1, err := cms.Create(ctx, &unstructured.Unstructured{Object: map[string]any{
				"apiVersion": "v1", "kind": "ConfigMap",
				"metadata": map[string]any{"name": "w1"},
				"data":     map[string]any{"a": "1"},
			}}, client.WriteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			w1.Object["data"] = map[string]any{"a": "1", "b": "2"}
			if _, err := cms.Update(ctx, w1, client.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			settings, err := cms.Get(ctx, "settings")
			if err != nil {
				t.Fatal(err)
			}
			settings.Object["data"] = map[string]any{"zone": "b"}
			if _, err := cms.Update(ctx, settings, client.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			getWaitFor(t, "kubectl's output", kout, tc.done)
			getWaitFor(t, "kctl's output", r.out, tc.done)
			if code := r.stop(t); code != 0 {
				t.Errorf("kctl exit code %d, stderr:\n%s", code, r.errOut)
			}
			want := getTrailingAge.ReplaceAllString(kout.String(), "$1<age>")
			got := getTrailingAge.ReplaceAllString(r.out.String(), "$1<age>")
			if got != want {
				t.Errorf("kctl printed:\n%s\nkubectl printed:\n%s", got, want)
			}
			if r.errOut.String() != kerr.String() {
				t.Errorf("kctl stderr:\n%s\nkubectl stderr:\n%s", r.errOut, kerr)
			}
		})
	}
}
