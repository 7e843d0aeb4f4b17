package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// These tests run the kctl binary as a user does: built once per test run,
// started as a subprocess, stopped with signals.

var (
	binDir   string // removed by TestMain
	buildBin = sync.OnceValues(build)
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kctl-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// build compiles this command into binDir, with the race detector when the
// test binary has it, so that the server's concurrency is checked too.
func build() (string, error) {
	bin := filepath.Join(binDir, "kctl")
	args := []string{"build", "-o", bin}
	if raceEnabled() {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, ".")...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return bin, nil
}

func raceEnabled() bool {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range info.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// raceEnv is the environment for the binary: the race detector reports
// races as they happen, so it need not sleep a second at exit.
func raceEnv() []string {
	return append(os.Environ(), "GORACE=atexit_sleep_ms=0 "+os.Getenv("GORACE"))
}

// kctlBinary returns the built binary, building it on first use.
func kctlBinary(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skipf("the go command is needed to build kctl: %v", err)
	}
	bin, err := buildBin()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// serverProcess is a running `kctl server`.
type serverProcess struct {
	cmd    *exec.Cmd
	url    string
	line   string        // the "listening on" line
	stderr *syncBuffer   // the structured log
	exited chan struct{} // closed when the process has exited
	err    error         // from Wait, set before exited is closed
}

var listeningLine = regexp.MustCompile(`^kctl server listening on (http://[^ ]+) `)

// startServer starts `kctl server` with args and returns once it prints that
// it is listening. The process is killed when the test ends, if still running.
func startServer(t *testing.T, args ...string) *serverProcess {
	t.Helper()
	cmd := exec.Command(kctlBinary(t), append([]string{"server"}, args...)...)
	cmd.Env = raceEnv()
	lines := make(chan string, 1)
	p := &serverProcess{cmd: cmd, stderr: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stdout = &firstLineWriter{lines: lines}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			cmd.Process.Kill()
			<-p.exited
		}
	})
	select {
	case p.line = <-lines:
	case <-p.exited:
		t.Fatalf("kctl server exited before listening: %v\nstderr:\n%s", p.err, p.stderr)
	}
	m := listeningLine.FindStringSubmatch(p.line)
	if m == nil {
		t.Fatalf("first stdout line %q does not match %s", p.line, listeningLine)
	}
	p.url = m[1]
	return p
}

// signal sends sig and waits for the process to exit; it returns the exit code.
func (p *serverProcess) signal(t *testing.T, sig os.Signal) int {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	<-p.exited
	return p.cmd.ProcessState.ExitCode()
}

// kill9 kills the process with SIGKILL and waits for it to be gone.
func (p *serverProcess) kill9(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.exited
}

// firstLineWriter sends the first line written to it on lines and discards
// the rest.
type firstLineWriter struct {
	buf   []byte
	sent  bool
	lines chan<- string
}

func (w *firstLineWriter) Write(p []byte) (int, error) {
	if !w.sent {
		w.buf = append(w.buf, p...)
		if i := bytes.IndexByte(w.buf, '\n'); i >= 0 {
			w.lines <- string(w.buf[:i+1])
			w.sent = true
		}
	}
	return len(p), nil
}

// syncBuffer collects a process's stderr while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// requireNoTrace fails the test when output looks like a panic or stack trace.
func requireNoTrace(t *testing.T, output string) {
	t.Helper()
	for _, sign := range []string{"panic:", "goroutine ", "DATA RACE"} {
		if strings.Contains(output, sign) {
			t.Errorf("output contains %q:\n%s", sign, output)
		}
	}
}
