package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"kctl.dev/kctl/internal/cli"
)

func TestServerFlags(t *testing.T) {
	defaults := cli.ServerOptions{
		Listen:             "127.0.0.1:8080",
		DataDir:            "./kctl-data",
		Storage:            "bolt",
		CompactionInterval: 5 * time.Minute,
		WatchCacheSize:     10_000,
		LogLevel:           slog.LevelInfo,
		ShutdownTimeout:    10 * time.Second,
	}
	with := func(change func(*cli.ServerOptions)) cli.ServerOptions {
		o := defaults
		change(&o)
		return o
	}
	tests := []struct {
		name    string
		args    []string
		want    cli.ServerOptions
		wantErr string
	}{
		{name: "defaults", want: defaults},
		{
			name: "every flag",
			args: []string{"--listen", "127.0.0.1:0", "--data-dir", "/tmp/d", "--storage=memory", "--compaction-interval=30s", "--log-level=debug"},
			want: with(func(o *cli.ServerOptions) {
				o.Listen, o.DataDir, o.Storage = "127.0.0.1:0", "/tmp/d", "memory"
				o.CompactionInterval, o.LogLevel = 30*time.Second, slog.LevelDebug
			}),
		},
		{name: "localhost", args: []string{"--listen=localhost:9000"}, want: with(func(o *cli.ServerOptions) { o.Listen = "localhost:9000" })},
		{name: "IPv6 loopback", args: []string{"--listen=[::1]:0"}, want: with(func(o *cli.ServerOptions) { o.Listen = "[::1]:0" })},
		{name: "other loopback address", args: []string{"--listen=127.0.0.2:0"}, want: with(func(o *cli.ServerOptions) { o.Listen = "127.0.0.2:0" })},
		{name: "compaction disabled", args: []string{"--compaction-interval=-1s"}, want: with(func(o *cli.ServerOptions) { o.CompactionInterval = -time.Second })},
		{name: "watch cache size", args: []string{"--watch-cache-size=500"}, want: with(func(o *cli.ServerOptions) { o.WatchCacheSize = 500 })},
		{name: "zero watch cache", args: []string{"--watch-cache-size=0"}, wantErr: "--watch-cache-size must be at least 1, not 0"},
		{name: "all interfaces", args: []string{"--listen=0.0.0.0:8080"}, wantErr: "--listen must be a loopback address until authentication exists"},
		{name: "no host", args: []string{"--listen=:8080"}, wantErr: "--listen must be a loopback address until authentication exists"},
		{name: "public address", args: []string{"--listen=192.0.2.1:80"}, wantErr: "--listen must be a loopback address until authentication exists"},
		{name: "host name", args: []string{"--listen=example.com:80"}, wantErr: "--listen must be a loopback address until authentication exists"},
		{name: "no port", args: []string{"--listen=127.0.0.1"}, wantErr: "--listen: address 127.0.0.1: missing port in address"},
		{name: "unknown storage", args: []string{"--storage=etcd"}, wantErr: `--storage must be bolt or memory, not "etcd"`},
		{name: "empty data dir", args: []string{"--data-dir="}, wantErr: "--data-dir must not be empty"},
		{name: "bad level", args: []string{"--log-level=loud"}, wantErr: `invalid argument "loud" for "--log-level" flag`},
		{name: "bad duration", args: []string{"--compaction-interval=often"}, wantErr: `invalid argument "often" for "--compaction-interval" flag`},
		{name: "arguments", args: []string{"extra"}, wantErr: `unexpected arguments: [extra]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *cli.ServerOptions
			cmd := cli.NewCmdServer(cli.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard},
				func(_ context.Context, o *cli.ServerOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			err := cmd.ExecuteContext(t.Context())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				if got != nil {
					t.Errorf("run function called with %+v despite the error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || *got != tt.want {
				t.Errorf("options = %+v\nwant      %+v", got, tt.want)
			}
		})
	}
}

// TestMainPrintsServerErrors checks that `kctl server` reports its errors as
// every command does (see errors_test.go for the others).
func TestMainPrintsServerErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"server", "--listen", "0.0.0.0:0"}, "error: --listen must be a loopback address until authentication exists\n"},
		{[]string{"server", "--nope"}, "Error: unknown flag: --nope\nSee 'kctl server --help' for usage.\n"},
		{[]string{"server", "extra"}, "error: unexpected arguments: [extra]\nSee 'kctl server -h' for help and examples\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := cli.Main(t.Context(), tt.args, cli.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
			if code != 1 {
				t.Errorf("exit code = %d, want 1", code)
			}
			if errOut.String() != tt.want {
				t.Errorf("stderr = %q, want %q", errOut.String(), tt.want)
			}
			if out.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", out.String())
			}
		})
	}
}

func TestHelp(t *testing.T) {
	var out bytes.Buffer
	code := cli.Main(t.Context(), []string{"server", "--help"}, cli.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: io.Discard})
	if code != 0 {
		t.Fatalf("exit code = %d", code)
	}
	for _, flag := range []string{"--listen", "--data-dir", "--storage", "--compaction-interval", "--log-level"} {
		if !strings.Contains(out.String(), flag) {
			t.Errorf("help does not mention %s:\n%s", flag, out.String())
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the server's logging goroutines.
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

var listening = regexp.MustCompile(`^kctl server listening on (http://127\.0\.0\.1:\d+) \(storage: (\w+), data dir: (.+), kubeconfig: (.+)\)\n$`)

// TestServerRunsUntilCancelled runs `kctl server` in-process, as main does, and
// stops it the way a signal does: by cancelling the context.
func TestServerRunsUntilCancelled(t *testing.T) {
	for _, storage := range []string{"memory", "bolt"} {
		t.Run(storage, func(t *testing.T) {
			dataDir := filepath.Join(t.TempDir(), "data") // created by the server
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			pr, pw := io.Pipe()
			var errOut syncBuffer
			done := make(chan int, 1)
			go func() {
				code := cli.Main(ctx, []string{"server", "--listen=127.0.0.1:0", "--data-dir", dataDir, "--storage", storage},
					cli.IOStreams{In: strings.NewReader(""), Out: pw, ErrOut: &errOut})
				pw.Close()
				done <- code
			}()
			line, err := bufio.NewReader(pr).ReadString('\n')
			if err != nil {
				t.Fatalf("no listening line (%v); exit %d; stderr:\n%s", err, <-done, errOut.String())
			}
			go io.Copy(io.Discard, pr)
			m := listening.FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("stdout line %q does not match %s", line, listening)
			}
			url, wantKubeconfig := m[1], filepath.Join(dataDir, "kubeconfig")
			if m[2] != storage || m[3] != dataDir || m[4] != wantKubeconfig {
				t.Errorf("line %q: want storage %s, data dir %s, kubeconfig %s", line, storage, dataDir, wantKubeconfig)
			}
			kubeconfig, err := os.ReadFile(wantKubeconfig)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(kubeconfig), "server: \""+url+"\"") {
				t.Errorf("kubeconfig does not point at %s:\n%s", url, kubeconfig)
			}
			_, err = os.Stat(filepath.Join(dataDir, "kctl.db"))
			if hasDB := err == nil; hasDB != (storage == "bolt") {
				t.Errorf("kctl.db exists = %v with storage %s", hasDB, storage)
			}

			tr := &http.Transport{}
			resp, err := (&http.Client{Transport: tr}).Get(url + "/api/v1/namespaces/default")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			tr.CloseIdleConnections()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET namespace default: %s", resp.Status)
			}

			cancel()
			if code := <-done; code != 0 {
				t.Errorf("exit code after cancel = %d, want 0; stderr:\n%s", code, errOut.String())
			}
			if log := errOut.String(); !strings.Contains(log, "msg=stopped") {
				t.Errorf("log does not end with a clean stop:\n%s", log)
			}
		})
	}
}
