package cli_test

import (
	"os"
	"slices"
	"testing"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/unstructured"
)

// cmdManagers lists the field managers of an object, in order.
func cmdManagers(u *unstructured.Unstructured) []string {
	var out []string
	for _, e := range unstructured.NestedSlice(u.Object, "metadata", "managedFields") {
		if m, ok := e.(map[string]any); ok {
			s, _ := m["manager"].(string)
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// cmdData reads data.KEY of a config map, failing the test when it is absent.
func (e *cmdEnv) cmdData(t *testing.T, ns, name, key string) string {
	t.Helper()
	u, err := e.get(t, "ConfigMap", ns, name)
	if err != nil {
		t.Fatalf("config map %s/%s: %v", ns, name, err)
	}
	return unstructured.NestedString(u.Object, "data", key)
}

// cmdAbsent fails the test when the object exists.
func (e *cmdEnv) cmdAbsent(t *testing.T, kind, ns, name string) {
	t.Helper()
	if _, err := e.get(t, kind, ns, name); !apierrors.IsNotFound(err) {
		t.Errorf("%s %s/%s: %v, want NotFound", kind, ns, name, err)
	}
}

// TestApply runs a sequence of applies against one server; each step checks
// what kctl printed and what the server then holds.
func TestApply(t *testing.T) {
	e := newCmdEnv(t)
	stdinJSON, err := os.ReadFile("testdata/apply/dir/b.json")
	if err != nil {
		t.Fatal(err)
	}
	var rv string // resourceVersion of web-config after the first apply
	steps := []struct {
		name           string
		stdin          string
		args           []string
		stdout, stderr string
		code           int
		check          func(t *testing.T)
	}{
		{
			name:   "created",
			args:   []string{"apply", "-f", "testdata/apply/web.yaml"},
			stdout: "configmap/web-config created\ndeployment.apps/web created\n",
			check: func(t *testing.T) {
				u, err := e.get(t, "ConfigMap", "default", "web-config")
				if err != nil {
					t.Fatal(err)
				}
				rv = u.ResourceVersion()
				if got := unstructured.NestedString(u.Object, "data", "color"); got != "blue" {
					t.Errorf("color %q", got)
				}
				if got := cmdManagers(u); !slices.Equal(got, []string{"kctl"}) {
					t.Errorf("managers %v, want [kctl]", got)
				}
			},
		},
		{
			name:   "unchanged",
			args:   []string{"apply", "-f", "testdata/apply/web.yaml"},
			stdout: "configmap/web-config unchanged\ndeployment.apps/web unchanged\n",
			check: func(t *testing.T) {
				u, err := e.get(t, "ConfigMap", "default", "web-config")
				if err != nil || u.ResourceVersion() != rv {
					t.Errorf("after a no-op apply: %v, resourceVersion %s, want %s", err, u.ResourceVersion(), rv)
				}
			},
		},
		{
			name:   "server dry run changes nothing",
			args:   []string{"apply", "-f", "testdata/apply/web-green.yaml", "--dry-run=server"},
			stdout: "configmap/web-config configured (server dry run)\ndeployment.apps/web unchanged (server dry run)\n",
			check: func(t *testing.T) {
				u, err := e.get(t, "ConfigMap", "default", "web-config")
				if err != nil || u.ResourceVersion() != rv || unstructured.NestedString(u.Object, "data", "color") != "blue" {
					t.Errorf("after a dry run: %v, %v", err, u.Object)
				}
			},
		},
		{
			name:   "server dry run of a new object",
			args:   []string{"apply", "-f", "testdata/apply/dir/a.yaml", "--dry-run=server"},
			stdout: "configmap/dir-a created (server dry run)\n",
			check:  func(t *testing.T) { e.cmdAbsent(t, "ConfigMap", "default", "dir-a") },
		},
		{
			name:   "configured",
			args:   []string{"apply", "-f", "testdata/apply/web-green.yaml"},
			stdout: "configmap/web-config configured\ndeployment.apps/web unchanged\n",
			check: func(t *testing.T) {
				if got := e.cmdData(t, "default", "web-config", "color"); got != "green" {
					t.Errorf("color %q", got)
				}
			},
		},
		{
			name:   "conflict with another manager",
			args:   []string{"apply", "-f", "testdata/apply/web.yaml", "--field-manager", "ops"},
			stdout: "deployment.apps/web configured\n",
			stderr: `Error from server (Conflict): Apply failed with 1 conflict: conflict with "kctl": .data.color (re-run with --force-conflicts to take these fields over, or leave them out of the manifest)` + "\n",
			code:   1,
			check: func(t *testing.T) {
				if got := e.cmdData(t, "default", "web-config", "color"); got != "green" {
					t.Errorf("color %q after a conflict", got)
				}
			},
		},
		{
			name:   "force conflicts",
			args:   []string{"apply", "-f", "testdata/apply/web.yaml", "--field-manager=ops", "--force-conflicts"},
			stdout: "configmap/web-config configured\ndeployment.apps/web unchanged\n",
			check: func(t *testing.T) {
				u, err := e.get(t, "ConfigMap", "default", "web-config")
				if err != nil {
					t.Fatal(err)
				}
				if got := unstructured.NestedString(u.Object, "data", "color"); got != "blue" {
					t.Errorf("color %q", got)
				}
				if got := cmdManagers(u); !slices.Equal(got, []string{"ops"}) {
					t.Errorf("managers %v, want [ops] (kctl lost its only field)", got)
				}
				d, err := e.get(t, "Deployment", "default", "web")
				if err != nil {
					t.Fatal(err)
				}
				if got := cmdManagers(d); !slices.Equal(got, []string{"kctl", "ops"}) {
					t.Errorf("deployment managers %v, want both", got)
				}
			},
		},
		{
			name:   "stdin, a JSON stream",
			stdin:  string(stdinJSON),
			args:   []string{"apply", "-f", "-"},
			stdout: "configmap/dir-b created\nconfigmap/dir-b2 created\n",
			check: func(t *testing.T) {
				if got := e.cmdData(t, "default", "dir-b2", "from"); got != "b.json, second object" {
					t.Errorf("dir-b2 from %q", got)
				}
			},
		},
		{
			name:   "directory, top level only",
			args:   []string{"apply", "-f", "testdata/apply/dir"},
			stdout: "configmap/dir-a created\nconfigmap/dir-b unchanged\nconfigmap/dir-b2 unchanged\n",
			check:  func(t *testing.T) { e.cmdAbsent(t, "ConfigMap", "kube-public", "dir-c") },
		},
		{
			name:   "directory, recursively",
			args:   []string{"apply", "-R", "-f", "testdata/apply/dir"},
			stdout: "configmap/dir-a unchanged\nconfigmap/dir-b unchanged\nconfigmap/dir-b2 unchanged\nconfigmap/dir-c created\n",
			check: func(t *testing.T) {
				if got := e.cmdData(t, "kube-public", "dir-c", "from"); got != "sub/c.yaml" {
					t.Errorf("dir-c from %q", got)
				}
			},
		},
		{
			name:   "namespace flag for objects without one",
			args:   []string{"apply", "-f", "testdata/apply/dir/a.yaml", "-n", "kube-system"},
			stdout: "configmap/dir-a created\n",
			check: func(t *testing.T) {
				if got := e.cmdData(t, "kube-system", "dir-a", "from"); got != "a.yaml" {
					t.Errorf("dir-a in kube-system: from %q", got)
				}
			},
		},
		{
			name:   "namespace flag that contradicts the object",
			args:   []string{"apply", "-f", "testdata/apply/other-namespace.yaml", "-n", "default"},
			stderr: `error: the namespace from the provided object "kube-system" does not match the namespace "default". You must pass '--namespace=kube-system' to perform this operation.` + "\n",
			code:   1,
			check:  func(t *testing.T) { e.cmdAbsent(t, "ConfigMap", "kube-system", "elsewhere") },
		},
		{
			name:   "the object's namespace",
			args:   []string{"apply", "-f", "testdata/apply/other-namespace.yaml"},
			stdout: "configmap/elsewhere created\n",
			check:  func(t *testing.T) { e.cmdData(t, "kube-system", "elsewhere", "a") },
		},
		{
			name:   "an error does not stop the other objects",
			args:   []string{"apply", "-f", "testdata/apply/unknown-kind.yaml", "-f", "testdata/apply/unknown-field.yaml", "-f", "testdata/apply/dir/a.yaml"},
			stdout: "configmap/dir-a unchanged\n",
			stderr: `error: resource mapping not found for name: "gadget" namespace: "" from "testdata/apply/unknown-kind.yaml": no matches for kind "Widget" in version "example.com/v1"; ensure CRDs are installed first` + "\n" +
				`Error from server (BadRequest): ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "dat"` + "\n",
			code:  1,
			check: func(t *testing.T) { e.cmdAbsent(t, "ConfigMap", "default", "typo") },
		},
		{
			name:   "unknown fields ignored on request",
			args:   []string{"apply", "-f", "testdata/apply/unknown-field.yaml", "--validate=ignore"},
			stdout: "configmap/typo created\n",
		},
		{
			name:   "invalid object",
			args:   []string{"apply", "-f", "testdata/apply/invalid.yaml"},
			stderr: `The ConfigMap "Not_Valid" is invalid: metadata.name: Invalid value: "Not_Valid": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')` + "\n",
			code:   1,
		},
		{
			name:   "an object without a name",
			args:   []string{"apply", "-f", "testdata/apply/generate-name.yaml"},
			stderr: `error: error when applying "testdata/apply/generate-name.yaml": the ConfigMap has no name (server-side apply needs metadata.name)` + "\n",
			code:   1,
		},
		{
			name:   "a missing file",
			args:   []string{"apply", "-f", "testdata/apply/nope.yaml"},
			stderr: `error: the path "testdata/apply/nope.yaml" does not exist` + "\n",
			code:   1,
		},
		{
			name:   "client dry run",
			args:   []string{"apply", "-f", "testdata/apply/web.yaml", "--dry-run=client"},
			stderr: "error: --dry-run=client doesn't work with server-side apply (did you mean --dry-run=server instead?)\n",
			code:   1,
		},
		{
			name: "a bad dry-run value",
			args: []string{"apply", "-f", "testdata/apply/web.yaml", "--dry-run=maybe"},
			stderr: `Error: invalid argument "maybe" for "--dry-run" flag: invalid dry-run value (maybe). Must be "none", "server", or "client"` + "\n" +
				"See 'kctl apply --help' for usage.\n",
			code: 1,
		},
		{
			name:   "client-side apply",
			args:   []string{"apply", "-f", "testdata/apply/web.yaml", "--server-side=false"},
			stderr: "error: --server-side=false is not supported: kctl apply is server-side apply\nSee 'kctl apply -h' for help and examples\n",
			code:   1,
		},
		{
			name:   "no file",
			args:   []string{"apply"},
			stderr: "error: must specify one of -f and -k\n",
			code:   1,
		},
	}
	for _, st := range steps {
		got := e.kctl(t, st.stdin, st.args...)
		cmdCheck(t, st.name, got, st.stdout, st.stderr, st.code)
		if st.check != nil {
			st.check(t)
		}
	}
}
