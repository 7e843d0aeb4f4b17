package cli_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"kctl.dev/kctl/internal/cli"
	"kctl.dev/kctl/internal/kubectltest"
)

// errorsKubectl says how much of kubectl's stderr a row compares with kctl's.
type errorsKubectl int

const (
	errorsKubectlNone  errorsKubectl = iota // kubectl has no such mistake
	errorsKubectlFirst                      // the first line (kubectl's klog lines left out)
	errorsKubectlAll                        // all of it
)

// TestErrors runs one mistake of each kind through cli.Main and checks what
// kctl prints to stderr and its exit code; where kubectl has the same
// mistake, it also runs the real kubectl against the same server and
// compares its stderr, "kubectl" read as "kctl".
func TestErrors(t *testing.T) {
	e := newCmdEnv(t)
	// An object to name beside an empty name: kubectl gets it, then fails.
	e.load(t, "errors", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n"))
	// A server whose answers are Statuses without a reason.
	teapot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write([]byte(`{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the sky is falling","code":418}`))
	}))
	t.Cleanup(teapot.Close)
	// An address where nothing listens.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := l.Addr().String()
	l.Close()

	tests := []struct {
		name    string
		args    []string
		stdin   string
		stderr  string // kctl's, with HOST for the refused address
		kubectl errorsKubectl
	}{
		{
			name:    "client-side",
			args:    []string{"get", "widgets"},
			stderr:  "error: the server doesn't have a resource type \"widgets\"\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "NotFound",
			args:    []string{"get", "pod", "missing"},
			stderr:  "Error from server (NotFound): pods \"missing\" not found\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "Invalid",
			args:    []string{"create", "-f", "testdata/apply/invalid.yaml"},
			stderr:  `The ConfigMap "Not_Valid" is invalid: metadata.name: Invalid value: "Not_Valid": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')` + "\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "server error without a reason",
			args:    []string{"get", "--raw", "/boom", "--server", teapot.URL},
			stderr:  "Error from server: the sky is falling\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "refused connection",
			args:    []string{"get", "pods", "--server", "http://" + refused},
			stderr:  "The connection to the server " + refused + " was refused - did you specify the right host or port?\n",
			kubectl: errorsKubectlFirst, // after the discovery errors klog prints
		},
		{
			name:    "unknown command",
			args:    []string{"frobnicate"},
			stderr:  "Error: unknown command \"frobnicate\" for \"kctl\"\n",
			kubectl: errorsKubectlFirst, // kubectl's suggestions are of its own commands
		},
		{
			name:    "unknown command, with suggestions",
			args:    []string{"gett"},
			stderr:  "Error: unknown command \"gett\" for \"kctl\"\n\nDid you mean this?\n\tget\n\n",
			kubectl: errorsKubectlFirst,
		},
		{
			name:    "unknown subcommand",
			args:    []string{"config", "nope"},
			stderr:  "error: unknown command \"nope\"\nSee 'kctl config -h' for help and examples\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "unknown flag",
			args:    []string{"get", "pods", "--nope"},
			stderr:  "Error: unknown flag: --nope\nSee 'kctl get --help' for usage.\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "flag without its value",
			args:    []string{"get", "pods", "-o"},
			stderr:  "Error: flag needs an argument: 'o' in -o\nSee 'kctl get --help' for usage.\n",
			kubectl: errorsKubectlAll,
		},
		{
			name: "missing resource type",
			args: []string{"get"},
			stderr: "You must specify the type of resource to get. Use \"kctl api-resources\" for a complete list of supported resources.\n\n" +
				"error: Required resource not specified.\n" +
				"See 'kctl get -h' for help and examples\n",
			kubectl: errorsKubectlFirst, // kubectl also suggests kubectl explain, which kctl does not have
		},
		{
			name: "missing argument",
			args: []string{"delete"},
			stderr: "error: You must provide one or more resources by argument or filename.\n" +
				"Example resource specifications include:\n" +
				"   '-f rsrc.yaml'\n" +
				"   '--filename=rsrc.json'\n" +
				"   '<resource> <name>'\n" +
				"   '<resource>'\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "missing argument, without a hint",
			args:    []string{"label", "pods"},
			stderr:  "error: at least one label update is required\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "missing argument, with the usage hint",
			args:    []string{"completion"},
			stderr:  "error: Shell not specified.\nSee 'kctl completion -h' for help and examples\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "unexpected argument",
			args:    []string{"api-resources", "extra"},
			stderr:  "error: unexpected arguments: [extra]\nSee 'kctl api-resources -h' for help and examples\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "empty name",
			args:    []string{"get", "pod", ""},
			stderr:  "error: resource name may not be empty\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "empty name among names",
			args:    []string{"get", "configmaps", "", "web"},
			stderr:  "error: resource name may not be empty\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "empty name, several types",
			args:    []string{"get", "pod,cm", ""},
			stderr:  "error: arguments in resource/name form must have a single resource and name\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "empty name in a pair",
			args:    []string{"get", "pod/"},
			stderr:  "error: arguments in resource/name form must have a single resource and name\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "empty name, describe",
			args:    []string{"describe", "pod", ""},
			stderr:  "error: resource name may not be empty\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "empty name, label",
			args:    []string{"label", "pod", "", "x=1"},
			stderr:  "error: resource name may not be empty\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "empty name, annotate",
			args:    []string{"annotate", "pod", "", "a=b"},
			stderr:  "error: resource name may not be empty\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "empty name, delete",
			args:    []string{"delete", "pod", ""},
			stderr:  "error: resource name may not be empty\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "empty name in a pair, delete",
			args:    []string{"delete", "pod/"},
			stderr:  "error: arguments in resource/name form must have a single resource and name\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "no objects, create",
			args:    []string{"create", "-f", "testdata/apply/empty.yaml"},
			stderr:  "error: no objects passed to create\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "no objects, create from stdin",
			args:    []string{"create", "-f", "-"},
			stderr:  "error: no objects passed to create\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "no objects, apply",
			args:    []string{"apply", "-f", "testdata/apply/empty.yaml"},
			stderr:  "error: no objects passed to apply\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "no objects, only comments",
			args:    []string{"apply", "-f", "testdata/apply/comments.yaml"},
			stderr:  "error: no objects passed to apply\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "no objects, only comments on stdin",
			args:    []string{"apply", "-f", "-"},
			stdin:   "---\n# c\n---\n",
			stderr:  "error: no objects passed to apply\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "directory without manifests",
			args:    []string{"apply", "-f", "testdata/apply/nomanifests/"},
			stderr:  "error: error reading [testdata/apply/nomanifests/]: recognized file extensions are [.json .yaml .yml]\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "directory without manifests, before a file",
			args:    []string{"apply", "-f", "testdata/apply/nomanifests", "-f", "testdata/apply/empty.yaml"},
			stderr:  "error: error reading [testdata/apply/nomanifests]: recognized file extensions are [.json .yaml .yml]\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "directory without manifests, recursive",
			args:    []string{"create", "-R", "-f", "testdata/apply/nomanifests"},
			stderr:  "error: error reading [testdata/apply/nomanifests]: recognized file extensions are [.json .yaml .yml]\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:    "directory without manifests, delete",
			args:    []string{"delete", "-f", "testdata/apply/nomanifests"},
			stderr:  "error: error reading [testdata/apply/nomanifests]: recognized file extensions are [.json .yaml .yml]\n",
			kubectl: errorsKubectlAll,
		},
		{
			name:   "kctl server",
			args:   []string{"server", "--listen", "0.0.0.0:8080"},
			stderr: "error: --listen must be a loopback address until authentication exists\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			args := errorsArgs(tc.args, "--kubeconfig", e.kubeconfig, "--cache-dir", e.cacheDir)
			code := cli.Main(t.Context(), args, cli.IOStreams{In: strings.NewReader(tc.stdin), Out: &out, ErrOut: &errOut})
			if code != 1 || errOut.String() != tc.stderr || out.Len() != 0 {
				t.Errorf("kctl %s: exit %d\n-- stdout --\n%s-- stderr --\n%s\nwant exit 1, no stdout and stderr\n%s",
					strings.Join(tc.args, " "), code, out.String(), errOut.String(), tc.stderr)
			}
			if tc.kubectl == errorsKubectlNone {
				return
			}
			t.Run("kubectl", func(t *testing.T) {
				path := kubectltest.Path(t)
				kcode, kerr := errorsRunKubectl(t, path, e, tc.args, tc.stdin)
				if kcode != 1 {
					t.Errorf("kubectl exit code %d, want 1", kcode)
				}
				want := strings.ReplaceAll(kerr, "kubectl", "kctl")
				got := errOut.String()
				if tc.kubectl == errorsKubectlFirst {
					want, _, _ = strings.Cut(want, "\n")
					got, _, _ = strings.Cut(got, "\n")
				}
				if got != want {
					t.Errorf("kctl %s:\n%s\nkubectl (kubectl read as kctl):\n%s", strings.Join(tc.args, " "), got, want)
				}
			})
		})
	}
}

// errorsArgs puts flags after the first of args: kubectl takes the first
// word for a plugin's name when it comes after flags, and a flag at the end
// could be taken for the value of the last one.
func errorsArgs(args []string, flags ...string) []string {
	return append(append(append([]string{}, args[:1]...), flags...), args[1:]...)
}

// errorsKlogLine is a line of klog, which kubectl prints before some errors
// (discovery failures).
var errorsKlogLine = regexp.MustCompile(`^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+ `)

// errorsRunKubectl runs the real kubectl with args and stdin against e's
// server, with its own discovery cache, and returns its exit code and stderr without
// klog's lines.
func errorsRunKubectl(t *testing.T, path string, e *cmdEnv, args []string, stdin string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute) // a guard against a hang
	defer cancel()
	full := errorsArgs(args, "--cache-dir", e.cacheDir+"-kubectl")
	cmd := exec.CommandContext(ctx, path, full...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+e.kubeconfig)
	var out, errOut bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("kubectl %s: %v", strings.Join(full, " "), err)
	}
	var kept []string
	for _, l := range strings.SplitAfter(errOut.String(), "\n") {
		if !errorsKlogLine.MatchString(l) {
			kept = append(kept, l)
		}
	}
	return cmd.ProcessState.ExitCode(), strings.Join(kept, "")
}
