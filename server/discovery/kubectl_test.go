package discovery

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"kctl.dev/kctl/internal/kubectltest"

	"kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/server/registry"
)

// wireEntry is one request kubectl sent, and what it was answered.
type wireEntry struct {
	method, path, accept, ifNoneMatch string
	code                              int
	contentType                       string
}

func (e wireEntry) String() string {
	return fmt.Sprintf("%s %s accept=%q if-none-match=%q -> %d %q", e.method, e.path, e.accept, e.ifNoneMatch, e.code, e.contentType)
}

type wireLog struct {
	mu      sync.Mutex
	entries []wireEntry
}

func (l *wireLog) take() []wireEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.entries
	l.entries = nil
	return out
}

type recorder struct {
	http.ResponseWriter
	code int
}

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// kubectlServer serves h for the discovery paths and a 404 Status for everything
// else, logging every request. With legacyOnly the aggregated form is never
// offered (the Accept of /api and /apis is replaced by plain JSON).
func kubectlServer(t *testing.T, h *Handler, legacyOnly bool) (*httptest.Server, *wireLog) {
	log := &wireLog{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e := wireEntry{method: r.Method, path: r.URL.RequestURI(), accept: r.Header.Get("Accept"), ifNoneMatch: r.Header.Get("If-None-Match")}
		rec := &recorder{ResponseWriter: w}
		if legacyOnly && (r.URL.Path == "/api" || r.URL.Path == "/apis") {
			r.Header.Set("Accept", "application/json")
		}
		if h.Handles(r.URL.Path) {
			h.ServeHTTP(rec, r)
		} else {
			e := errors.New(http.StatusNotFound, meta.StatusReasonNotFound, "the server could not find the requested resource")
			rec.Header().Set("Content-Type", "application/json")
			rec.WriteHeader(http.StatusNotFound)
			_, _ = rec.Write([]byte(mustJSON(e.Status)))
		}
		e.code, e.contentType = rec.code, rec.Header().Get("Content-Type")
		log.mu.Lock()
		log.entries = append(log.entries, e)
		log.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return srv, log
}

// runKubectl runs the real kubectl against url with its own cache directory and
// no kubeconfig. It always asks for -v=6 so that a failure shows what kubectl
// requested; stderr is returned for the caller to log.
func runKubectl(t *testing.T, url, home string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	full := append([]string{"--server", url, "--cache-dir", home + "/cache", "-v=6"}, args...)
	cmd := exec.CommandContext(ctx, kubectltest.Path(t), full...)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KUBECONFIG=") && !strings.HasPrefix(kv, "HOME=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "KUBECONFIG=/dev/null", "HOME="+home)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// parseTable splits kubectl's column output into rows keyed by header, using the
// header's column offsets (empty cells, such as SHORTNAMES, are kept).
func parseTable(t *testing.T, out string) []map[string]string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) == 0 || lines[0] == "" {
		return nil
	}
	header := lines[0]
	var names []string
	var starts []int
	for i := 0; i < len(header); {
		if header[i] == ' ' {
			i++
			continue
		}
		j := i
		for j < len(header) && header[j] != ' ' {
			j++
		}
		names = append(names, header[i:j])
		starts = append(starts, i)
		i = j
	}
	var rows []map[string]string
	for _, line := range lines[1:] {
		row := map[string]string{}
		for c, name := range names {
			end := len(line)
			if c+1 < len(starts) && starts[c+1] < end {
				end = starts[c+1]
			}
			if starts[c] < len(line) {
				row[name] = strings.TrimSpace(line[starts[c]:end])
			} else {
				row[name] = ""
			}
		}
		rows = append(rows, row)
	}
	return rows
}

type apiResourceRow struct{ name, shortNames, apiVersion, namespaced, kind string }

func apiResourceRows(t *testing.T, out string) []apiResourceRow {
	t.Helper()
	var rows []apiResourceRow
	for _, r := range parseTable(t, out) {
		rows = append(rows, apiResourceRow{r["NAME"], r["SHORTNAMES"], r["APIVERSION"], r["NAMESPACED"], r["KIND"]})
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].apiVersion != rows[j].apiVersion {
			return rows[i].apiVersion < rows[j].apiVersion
		}
		return rows[i].name < rows[j].name
	})
	return rows
}

func TestKubectlAPIResources(t *testing.T) {
	kubectltest.Path(t)
	for _, mode := range []struct {
		name       string
		legacyOnly bool
	}{
		{"aggregated", false},
		{"legacy", true},
	} {
		t.Run(mode.name, func(t *testing.T) {
			reg := registry.New()
			reg.MustAdd(testKinds()...)
			srv, wire := kubectlServer(t, New(reg, testInfo), mode.legacyOnly)
			home := t.TempDir()

			var lastStderr string
			var lastWire []wireEntry
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("kubectl -v=6 stderr of the last run:\n%s", lastStderr)
					for _, e := range lastWire {
						t.Logf("wire: %s", e)
					}
				}
			})
			run := func(want []apiResourceRow) []wireEntry {
				t.Helper()
				stdout, stderr, err := runKubectl(t, srv.URL, home, "api-resources")
				lastStderr, lastWire = stderr, wire.take()
				if err != nil {
					t.Fatalf("kubectl api-resources: %v\nstdout:\n%s", err, stdout)
				}
				if !strings.HasPrefix(stdout, "NAME") || !strings.Contains(strings.SplitN(stdout, "\n", 2)[0], "SHORTNAMES") {
					t.Fatalf("unexpected output:\n%s", stdout)
				}
				if got := apiResourceRows(t, stdout); !reflect.DeepEqual(got, want) {
					t.Fatalf("rows:\n got %v\nwant %v\noutput:\n%s", got, want, stdout)
				}
				return lastWire
			}
			find := func(entries []wireEntry, path string) []wireEntry {
				var out []wireEntry
				for _, e := range entries {
					if p, _, _ := strings.Cut(e.path, "?"); p == path {
						out = append(out, e)
					}
				}
				return out
			}

			want := []apiResourceRow{
				{"deployments", "deploy", "apps/v1", "true", "Deployment"},
				{"namespaces", "ns", "v1", "false", "Namespace"},
				{"pods", "po", "v1", "true", "Pod"},
			}
			entries := run(want)
			for _, path := range []string{"/api", "/apis"} {
				got := find(entries, path)
				if len(got) == 0 {
					t.Fatalf("kubectl did not ask for %s", path)
				}
				if got[0].accept != kubectlDiscoveryAccept {
					t.Errorf("%s Accept = %q, want %q", path, got[0].accept, kubectlDiscoveryAccept)
				}
				wantCT := meta.AggregatedDiscoveryContentType
				if mode.legacyOnly {
					wantCT = "application/json"
				}
				if got[0].code != 200 || got[0].contentType != wantCT {
					t.Errorf("%s answered %d %q, want 200 %q", path, got[0].code, got[0].contentType, wantCT)
				}
			}
			legacyFetched := len(find(entries, "/api/v1")) > 0 && len(find(entries, "/apis/apps/v1")) > 0
			if mode.legacyOnly && !legacyFetched {
				t.Errorf("legacy discovery: kubectl did not fetch /api/v1 and /apis/apps/v1")
			}
			if !mode.legacyOnly && (len(find(entries, "/api/v1")) > 0 || len(find(entries, "/apis/apps/v1")) > 0) {
				t.Errorf("aggregated discovery: kubectl still fetched resource lists")
			}

			// A second run revalidates its HTTP cache: the server answers 304.
			entries = run(want)
			for _, path := range []string{"/api", "/apis"} {
				got := find(entries, path)
				if len(got) == 0 || got[0].ifNoneMatch == "" || got[0].code != http.StatusNotModified {
					t.Errorf("second run: %s not revalidated with a 304: %v", path, got)
				}
			}

			// A kind added at run time shows up in the next run.
			reg.MustAdd(widgetKind("v1"))
			want = append(want, apiResourceRow{"widgets", "wd", "example.com/v1", "false", "Widget"})
			sort.Slice(want, func(i, j int) bool {
				if want[i].apiVersion != want[j].apiVersion {
					return want[i].apiVersion < want[j].apiVersion
				}
				return want[i].name < want[j].name
			})
			entries = run(want)
			if got := find(entries, "/apis"); len(got) == 0 || got[0].code != 200 {
				t.Errorf("after adding a kind: /apis answered %v, want 200", got)
			}
		})
	}
}
