//go:build unix

package clientgo

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"kctl.dev/kctl/internal/kubectltest"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"kctl.dev/kctl/server/fake"
)

// podColumns are kubectl's columns for pods.
var podColumns = []string{"NAME", "READY", "STATUS", "RESTARTS", "AGE"}

// age matches kubectl's AGE cell of a young object ("0s", "12s", "3m4s").
var age = regexp.MustCompile(`^[0-9]+[smhd]([0-9]+[smh])?$`)

// kubectlEnv is a server (recorded, as for the informer tests) with a
// kubeconfig and a discovery cache for kubectl.
type kubectlEnv struct {
	*testServer
	path       string
	kubeconfig string
	cacheDir   string
}

// newKubectlEnv skips the test when kubectl is missing, unless CI is set:
// then it fails.
func newKubectlEnv(t *testing.T) *kubectlEnv {
	t.Helper()
	path := kubectltest.Path(t)
	dir := t.TempDir()
	env := &kubectlEnv{
		testServer: startServer(t, noBookmarks),
		path:       path,
		kubeconfig: filepath.Join(dir, "kubeconfig"),
		cacheDir:   filepath.Join(dir, "cache"),
	}
	// fake.Server's kubeconfig depends only on its URL: reuse its format for
	// the recorded server (fake cannot wrap its handler in a recorder).
	if err := (&fake.Server{URL: env.watched.URL}).WriteKubeconfig(env.kubeconfig); err != nil {
		t.Fatal(err)
	}
	return env
}

func (env *kubectlEnv) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, env.path, append([]string{"--cache-dir", env.cacheDir}, args...)...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+env.kubeconfig)
	// /usr/bin/kubectl may be a dispatcher running the real kubectl as a
	// child: give it a process group, and kill the group.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// run runs kubectl to completion and returns its stdout.
func (env *kubectlEnv) run(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	cmd := env.command(ctx, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("kubectl %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String()
}

// watcher is a running `kubectl get -w` whose output lines are collected.
type watcher struct {
	args   []string
	stderr *syncBuffer

	mu      sync.Mutex
	lines   [][]string // each line split into fields
	raw     []string
	changed chan struct{}
	done    bool
}

// start starts kubectl with args; it is killed when the test ends.
func (env *kubectlEnv) start(t *testing.T, args ...string) *watcher {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := env.command(ctx, args...)
	w := &watcher{args: args, stderr: &syncBuffer{}, changed: make(chan struct{})}
	cmd.Stderr = w.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			w.add(sc.Text())
		}
		w.mu.Lock()
		w.done = true
		close(w.changed)
		w.changed = make(chan struct{})
		w.mu.Unlock()
	}()
	t.Cleanup(func() {
		cancel()
		<-readDone
		_ = cmd.Wait() // killed: the error says so
	})
	return w
}

func (w *watcher) add(line string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.raw = append(w.raw, line)
	w.lines = append(w.lines, strings.Fields(line))
	close(w.changed)
	w.changed = make(chan struct{})
}

// waitLine waits for a line from index from on whose fields satisfy match, and
// returns its index and fields.
func (w *watcher) waitLine(t *testing.T, from int, what string, match func([]string) bool) (int, []string) {
	t.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	for {
		w.mu.Lock()
		changed, done := w.changed, w.done
		for i := from; i < len(w.lines); i++ {
			if match(w.lines[i]) {
				fields := w.lines[i]
				w.mu.Unlock()
				return i, fields
			}
		}
		raw := strings.Join(w.raw, "\n")
		w.mu.Unlock()
		if done {
			t.Fatalf("kubectl %s exited before printing %s\nstdout:\n%s\nstderr:\n%s", strings.Join(w.args, " "), what, raw, w.stderr)
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("kubectl %s did not print %s within %v\nstdout:\n%s\nstderr:\n%s", strings.Join(w.args, " "), what, waitTimeout, raw, w.stderr)
		}
	}
}

// waitHeader waits for kubectl's pod header line.
func (w *watcher) waitHeader(t *testing.T) int {
	t.Helper()
	i, _ := w.waitLine(t, 0, "the header "+strings.Join(podColumns, " "), func(f []string) bool { return slices.Equal(f, podColumns) })
	return i
}

// waitRow waits for a row of pod name with status (from line index from on)
// and checks its cells.
func (w *watcher) waitRow(t *testing.T, from int, name, status string) (int, []string) {
	t.Helper()
	i, row := w.waitLine(t, from, "a row for "+name+" with STATUS "+status, func(f []string) bool {
		return len(f) > 2 && f[0] == name && f[2] == status
	})
	checkPodRow(t, row)
	return i, row
}

// checkPodRow checks that a pod row has kubectl's cells: NAME READY STATUS
// RESTARTS AGE, for a pod with one container that never restarted.
func checkPodRow(t *testing.T, row []string) {
	t.Helper()
	if len(row) != len(podColumns) || row[1] != "0/1" || row[3] != "0" || !age.MatchString(row[4]) {
		t.Fatalf("pod row %q: want %v with READY 0/1, RESTARTS 0 and an AGE", row, podColumns)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func createPod(t *testing.T, client kubernetes.Interface, pod *corev1.Pod) *corev1.Pod {
	t.Helper()
	out, err := client.CoreV1().Pods(ns).Create(context.Background(), pod, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create pod %s: %v", pod.Name, err)
	}
	return out
}

// kubectlTable is the Accept kubectl sends for its tables.
const kubectlTable = "as=Table"

// TestKubectlGetWatch: `kubectl get pods -w` lists, then watches from the
// list's resourceVersion; it prints a created pod with the columns `kubectl get
// pods` prints, then the pod as Terminating when it is deleted.
//
// WatchEstablished creates the pod once kubectl's watch is open.
// WriteBetweenListAndWatch holds kubectl's watch request until the pod is
// created, so the write lands between its list and its watch: the watch from
// the list's resourceVersion must still deliver it.
func TestKubectlGetWatch(t *testing.T) {
	for _, between := range []bool{false, true} {
		name := "WatchEstablished"
		if between {
			name = "WriteBetweenListAndWatch"
		}
		t.Run(name, func(t *testing.T) {
			env := newKubectlEnv(t)
			// kubectl prints the header with the first row: start with one pod.
			createPod(t, env.client, newPod("existing"))
			var release func()
			if between {
				release = env.rec.holdWatches()
				defer release()
			}
			w := env.start(t, "get", "pods", "-w")
			header := w.waitHeader(t)
			w.waitRow(t, header+1, "existing", "Pending")
			reqs := env.rec.waitFor(t, podsPath, "kubectl's watch", func(rs []request) bool {
				for _, q := range rs {
					if q.isWatch() && (q.Held || q.Status != 0) {
						return true
					}
				}
				return false
			})
			list, watch := reqs[0], reqs[len(reqs)-1]
			if len(reqs) != 2 || !list.isList() || list.Query.Get("limit") != "500" || !strings.Contains(list.Accept, kubectlTable) ||
				!watch.isWatch() || watch.Query.Get("resourceVersion") != list.ListRV || !strings.Contains(watch.Accept, kubectlTable) {
				t.Fatalf("want kubectl to LIST a Table with limit=500, then WATCH Tables from the list's resourceVersion; got:\n%s", dump(reqs))
			}

			// A scheduled pod, so that deleting it is graceful (Terminating).
			pod := newPod("web")
			pod.Spec.NodeName = "node-1"
			createPod(t, env.client, pod)
			if between {
				release()
			}
			i, watched := w.waitRow(t, header+1, "web", "Pending")

			// The same columns and cells (but AGE) as a plain `kubectl get pods`.
			lines := strings.Split(strings.TrimSpace(env.run(t, "get", "pods")), "\n")
			if got := strings.Fields(lines[0]); !slices.Equal(got, podColumns) {
				t.Fatalf("kubectl get pods header %q, want %v", lines[0], podColumns)
			}
			var listed []string
			for _, l := range lines[1:] {
				if f := strings.Fields(l); len(f) > 0 && f[0] == "web" {
					listed = f
				}
			}
			checkPodRow(t, listed)
			if !slices.Equal(listed[:4], watched[:4]) {
				t.Fatalf("kubectl get pods -w printed %q, kubectl get pods %q", watched, listed)
			}

			if err := env.client.CoreV1().Pods(ns).Delete(context.Background(), "web", metav1.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
			w.waitRow(t, i+1, "web", "Terminating")
		})
	}
}

// TestKubectlGetWatchSingleObject: `kubectl get pod NAME -w` watches with
// fieldSelector=metadata.name=NAME&resourceVersion=0, prints the pod first,
// then its new state when its status changes.
func TestKubectlGetWatchSingleObject(t *testing.T) {
	env := newKubectlEnv(t)
	createPod(t, env.client, newPod("other"))
	pod := createPod(t, env.client, newPod("solo"))
	w := env.start(t, "get", "pod", "solo", "-w")
	header := w.waitHeader(t)
	i, _ := w.waitRow(t, header+1, "solo", "Pending")
	if i != header+1 {
		t.Fatalf("want the pod's row right after the header, got it at line %d (header at %d)", i, header)
	}
	reqs := env.rec.waitFor(t, podsPath, "kubectl's watch open", func(rs []request) bool {
		return len(watches(rs)) > 0 && watches(rs)[0].Status != 0
	})
	watch := watches(reqs)[0]
	if watch.Query.Get("fieldSelector") != "metadata.name=solo" || watch.Query.Get("resourceVersion") != "0" || watch.Status != 200 {
		t.Fatalf("want a WATCH with fieldSelector=metadata.name=solo&resourceVersion=0 answered 200, got:\n%s", dump(reqs))
	}

	pod.Status.Phase = corev1.PodRunning
	if _, err := env.client.CoreV1().Pods(ns).UpdateStatus(context.Background(), pod, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	w.waitRow(t, i+1, "solo", "Running")

	w.mu.Lock()
	defer w.mu.Unlock()
	for _, f := range w.lines {
		if len(f) > 0 && f[0] == "other" {
			t.Errorf("kubectl get pod solo -w printed another pod: %q", f)
		}
	}
}
