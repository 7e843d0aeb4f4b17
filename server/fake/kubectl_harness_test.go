package fake_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"kctl.dev/kctl/internal/kubectltest"

	"kctl.dev/kctl/server/fake"
)

// commandGuard stops a kubectl command that hangs, so that one stuck command
// fails its test instead of the whole package run. It is a guard, not a speed
// target: every command here takes well under a second.
const commandGuard = 2 * time.Minute

// kubectl runs the real kubectl against a fake server, with its own
// kubeconfig and discovery cache in temporary directories.
type kubectl struct {
	path       string
	kubeconfig string
	cacheDir   string
	srv        *fake.Server
}

// newKubectl starts a fake server and returns a kubectl pointed at it. It skips
// the test when kubectl is not installed, unless CI is set: then it fails.
func newKubectl(t *testing.T) *kubectl {
	t.Helper()
	path := kubectltest.Path(t)
	srv := fake.Start(t)
	dir := t.TempDir()
	k := &kubectl{
		path:       path,
		kubeconfig: filepath.Join(dir, "kubeconfig"),
		cacheDir:   filepath.Join(dir, "cache"),
		srv:        srv,
	}
	if err := srv.WriteKubeconfig(k.kubeconfig); err != nil {
		t.Fatal(err)
	}
	return k
}

// exec runs kubectl with args and returns its stdout and stderr.
func (k *kubectl) exec(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), commandGuard)
	defer cancel()
	cmd := exec.CommandContext(ctx, k.path, append([]string{"--cache-dir", k.cacheDir}, args...)...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+k.kubeconfig)
	cmd.WaitDelay = time.Second
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// run runs kubectl with args, fails the test if it fails, and returns stdout.
func (k *kubectl) run(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, err := k.exec(t, args...)
	if err != nil {
		t.Fatalf("kubectl %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// table is kubectl's printed table: a header and rows of cells.
type table struct {
	header []string
	rows   [][]string
}

// headerColumn matches one column title: words separated by single spaces
// ("NOMINATED NODE"); kubectl pads columns with at least three spaces.
var headerColumn = regexp.MustCompile(`\S+( \S+)*`)

// parseTable reads kubectl's column-aligned output, cutting each row at the
// offsets where the header's titles start.
func parseTable(t *testing.T, out string) table {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) == 0 || lines[0] == "" {
		t.Fatalf("no table in output %q", out)
	}
	spans := headerColumn.FindAllStringIndex(lines[0], -1)
	var tab table
	for _, s := range spans {
		tab.header = append(tab.header, lines[0][s[0]:s[1]])
	}
	for _, line := range lines[1:] {
		row := make([]string, len(spans))
		for i, s := range spans {
			end := len(line)
			if i+1 < len(spans) {
				end = min(spans[i+1][0], len(line))
			}
			if s[0] < end {
				row[i] = strings.TrimSpace(line[s[0]:end])
			}
		}
		tab.rows = append(tab.rows, row)
	}
	return tab
}

// column returns the cells of the named column, or fails the test.
func (tab table) column(t *testing.T, name string) []string {
	t.Helper()
	i := slices.Index(tab.header, name)
	if i < 0 {
		t.Fatalf("no column %q in header %q", name, tab.header)
	}
	var cells []string
	for _, r := range tab.rows {
		cells = append(cells, r[i])
	}
	return cells
}

// row returns the row whose column key holds value as a map from column
// title to cell, or nil.
func (tab table) row(t *testing.T, key, value string) map[string]string {
	t.Helper()
	i := slices.Index(tab.header, key)
	if i < 0 {
		t.Fatalf("no column %q in header %q", key, tab.header)
	}
	for _, r := range tab.rows {
		if r[i] == value {
			m := make(map[string]string, len(r))
			for j, h := range tab.header {
				m[h] = r[j]
			}
			return m
		}
	}
	return nil
}
