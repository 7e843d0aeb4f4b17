package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/client"
	"kctl.dev/kctl/internal/kubectltest"
	"kctl.dev/kctl/internal/testobjects"
	"kctl.dev/kctl/server"
)

// BenchmarkGetPods compares `kctl get pods -A` (and -o json) with the real
// kubectl's on one server holding benchPods pods (testobjects.Pod, about
// 2 KiB each, with a Running status) across benchNamespaces namespaces. The
// server is `kctl server --storage=memory`, in a process of its own; kctl
// and kubectl run as processes too, printing to /dev/null, with a warm
// discovery cache. Each sub-benchmark reports the wall time per run (ns/op)
// and the peak resident memory of the process (peak-MiB: ru_maxrss of the
// wait). A child's ru_maxrss starts from its parent's peak (Go starts
// children with vfork), so the benchmark keeps its own peak small (about
// 20 MiB, logged): it never holds an output. Run it with
//
//	go test ./cmd/kctl -run '^$' -bench BenchmarkGetPods -benchtime 5x
//
// It is skipped with -short, and where kubectl is not installed.
func BenchmarkGetPods(b *testing.B) {
	if testing.Short() {
		b.Skip("-short: loading 10,000 pods takes a while")
	}
	kubectl := kubectltest.Path(b)
	kctl, err := buildBin()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	url := benchStartServer(b, kctl, dir)
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kubeconfig, server.KubeconfigFor(url), 0o600); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	benchLoadPods(b, url)
	b.Logf("loaded %d pods in %d namespaces in %v", benchPods, benchNamespaces, time.Since(start).Round(time.Millisecond))
	b.Logf("benchmark process: %s", benchSelfRSS())
	tools := []struct{ name, path string }{{"kctl", kctl}, {"kubectl", kubectl}}
	formats := []struct {
		name string
		args []string
		// line is the line of the output to count: one per pod.
		line string
	}{
		{"table", nil, "   checkout-"},
		{"json", []string{"-o", "json"}, `            "kind": "Pod",`},
	}
	type result struct {
		wall time.Duration
		peak int64 // KiB
	}
	results := map[string]result{}
	for _, f := range formats {
		for _, tool := range tools {
			name := tool.name + "/" + f.name
			b.Run(name, func(b *testing.B) {
				args := append([]string{"--kubeconfig", kubeconfig, "--cache-dir", filepath.Join(dir, tool.name+"-cache"), "get", "pods", "-A"}, f.args...)
				// A first run warms the discovery cache and checks the output,
				// counted as it streams: a child's peak memory starts from this
				// process's peak, which must stay small.
				count := &benchLineCounter{contains: f.line}
				if _, err := benchRun(tool.path, args, count); err != nil {
					b.Fatal(err)
				}
				if count.n != benchPods {
					b.Fatalf("%s %s: %d lines with %q, want one per pod, %d", tool.name, strings.Join(args, " "), count.n, f.line, benchPods)
				}
				var total time.Duration
				var peak int64
				runs := 0
				for b.Loop() {
					ru, err := benchRun(tool.path, args, nil)
					if err != nil {
						b.Fatal(err)
					}
					total += ru.wall
					peak = max(peak, ru.maxRSS)
					runs++
				}
				b.ReportMetric(float64(peak)/1024, "peak-MiB")
				results[name] = result{wall: total / time.Duration(runs), peak: peak}
			})
		}
	}
	var names []string
	for n := range results {
		names = append(names, n)
	}
	sort.Strings(names)
	var sum strings.Builder
	fmt.Fprintf(&sum, "benchmark process: %s\n", benchSelfRSS())
	fmt.Fprintf(&sum, "%-14s %10s %10s\n", "run", "wall", "peak MiB")
	for _, n := range names {
		r := results[n]
		fmt.Fprintf(&sum, "%-14s %10v %10.1f\n", n, r.wall.Round(time.Millisecond), float64(r.peak)/1024)
	}
	for _, f := range formats {
		k, ok1 := results["kctl/"+f.name]
		c, ok2 := results["kubectl/"+f.name]
		if ok1 && ok2 {
			fmt.Fprintf(&sum, "kctl/kubectl %s: wall %.2fx, peak memory %.2fx\n", f.name,
				float64(k.wall)/float64(c.wall), float64(k.peak)/float64(c.peak))
		}
	}
	b.Logf("summary:\n%s", sum.String())
}

// benchStartServer starts `kctl server` on a free port, in memory, and
// returns its URL; it is stopped when the benchmark ends.
func benchStartServer(b *testing.B, kctl, dir string) string {
	cmd := exec.Command(kctl, "server", "--storage=memory", "--listen=127.0.0.1:0", "--data-dir", filepath.Join(dir, "server"), "--log-level=error")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("kctl server: %v", err)
	}
	m := listeningLine.FindStringSubmatch(line)
	if m == nil {
		b.Fatalf("kctl server printed %q, want %s", line, listeningLine)
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return m[1]
}

// benchSelfRSS returns this process's peak resident size, from /proc.
func benchSelfRSS() string {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown peak resident size"
	}
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return "peak resident size " + strings.Join(strings.Fields(l)[1:], " ")
		}
	}
	return "unknown peak resident size"
}

const (
	benchPods       = 10_000
	benchNamespaces = 10
)

// benchLoadPods creates the namespaces and the pods, with their status,
// through the API, a few requests at a time.
func benchLoadPods(b *testing.B, url string) {
	c, err := client.New(&client.Config{Servers: []string{url}, QPS: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	nss := client.Dynamic(c, client.GVR{Version: "v1", Resource: "namespaces"}, false)
	for n := range benchNamespaces {
		ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": fmt.Sprintf("shop-%d", n)}}}
		if _, err := nss.Create(ctx, ns, client.WriteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	pods := client.Dynamic(c, client.GVR{Version: "v1", Resource: "pods"}, true)
	work := make(chan int64)
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				if err := benchCreatePod(ctx, pods.Namespace(fmt.Sprintf("shop-%d", i%benchNamespaces)), i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := range int64(benchPods) {
		select {
		case work <- i:
		case err := <-errs:
			close(work)
			wg.Wait()
			b.Fatal(err)
		}
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		b.Fatal(err)
	default:
	}
}

func benchCreatePod(ctx context.Context, pods *client.Resource[*unstructured.Unstructured], i int64) error {
	obj, err := unstructured.Decode(testobjects.Pod(i))
	if err != nil {
		return err
	}
	created, err := pods.Create(ctx, obj, client.WriteOptions{})
	if err != nil {
		return err
	}
	stored, err := unstructured.Decode(testobjects.StoredPod(i))
	if err != nil {
		return err
	}
	created.Object["status"] = stored.Object["status"]
	_, err = pods.UpdateStatus(ctx, created, client.WriteOptions{})
	return err
}

// benchUsage is what one run cost.
type benchUsage struct {
	wall   time.Duration
	maxRSS int64 // KiB
}

// benchRun runs a command to completion, its output to out, or to
// /dev/null when out is nil.
func benchRun(path string, args []string, out io.Writer) (benchUsage, error) {
	cmd := exec.Command(path, args...)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	cmd.Stdout = out
	if out == nil {
		null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return benchUsage{}, err
		}
		defer null.Close()
		cmd.Stdout = null
	}
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return benchUsage{}, fmt.Errorf("%s %s: %w\n%s", filepath.Base(path), strings.Join(args, " "), err, errOut.Bytes())
	}
	u := benchUsage{wall: wall}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		u.maxRSS = ru.Maxrss
	}
	return u, nil
}

// benchLineCounter counts the lines written to it that contain a string,
// holding no more than one line.
type benchLineCounter struct {
	contains string
	line     []byte
	n        int
}

func (c *benchLineCounter) Write(p []byte) (int, error) {
	for _, b := range p {
		if b != '\n' {
			c.line = append(c.line, b)
			continue
		}
		if bytes.Contains(c.line, []byte(c.contains)) {
			c.n++
		}
		c.line = c.line[:0]
	}
	return len(p), nil
}
