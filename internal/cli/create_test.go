package cli_test

import (
	"os"
	"strings"
	"testing"

	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/client"
)

func TestCreate(t *testing.T) {
	e := newCmdEnv(t)
	stdinYAML, err := os.ReadFile("testdata/apply/dir/a.yaml")
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name           string
		stdin          string
		args           []string
		stdout, stderr string
		code           int
		check          func(t *testing.T)
	}{
		{
			name:   "dry run",
			args:   []string{"create", "-f", "testdata/apply/web.yaml", "--dry-run=server"},
			stdout: "configmap/web-config created (server dry run)\ndeployment.apps/web created (server dry run)\n",
			check: func(t *testing.T) {
				e.cmdAbsent(t, "ConfigMap", "default", "web-config")
				e.cmdAbsent(t, "Deployment", "default", "web")
			},
		},
		{
			name:   "created",
			args:   []string{"create", "-f", "testdata/apply/web.yaml"},
			stdout: "configmap/web-config created\ndeployment.apps/web created\n",
			check: func(t *testing.T) {
				u, err := e.get(t, "ConfigMap", "default", "web-config")
				if err != nil {
					t.Fatal(err)
				}
				if got := cmdManagers(u); len(got) != 1 || got[0] != "kctl-create" {
					t.Errorf("managers %v, want [kctl-create]", got)
				}
			},
		},
		{
			name: "already exists",
			args: []string{"create", "-f", "testdata/apply/web.yaml"},
			stderr: `Error from server (AlreadyExists): error when creating "testdata/apply/web.yaml": configmaps "web-config" already exists` + "\n" +
				`Error from server (AlreadyExists): error when creating "testdata/apply/web.yaml": deployments.apps "web" already exists` + "\n",
			code: 1,
		},
		{
			name:   "stdin",
			stdin:  string(stdinYAML),
			args:   []string{"create", "-f", "-", "-n", "kube-public"},
			stdout: "configmap/dir-a created\n",
			check:  func(t *testing.T) { e.cmdData(t, "kube-public", "dir-a", "from") },
		},
		{
			name:   "stdin, already exists",
			stdin:  string(stdinYAML),
			args:   []string{"create", "-f", "-", "-n", "kube-public"},
			stderr: `Error from server (AlreadyExists): error when creating "STDIN": configmaps "dir-a" already exists` + "\n",
			code:   1,
		},
		{
			name:   "recursive directory",
			args:   []string{"create", "-R", "-f", "testdata/apply/dir"},
			stdout: "configmap/dir-a created\nconfigmap/dir-b created\nconfigmap/dir-b2 created\nconfigmap/dir-c created\n",
			check:  func(t *testing.T) { e.cmdData(t, "kube-public", "dir-c", "from") },
		},
		{
			name:   "strict validation",
			args:   []string{"create", "-f", "testdata/apply/unknown-field.yaml"},
			stderr: `Error from server (BadRequest): error when creating "testdata/apply/unknown-field.yaml": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "dat"` + "\n",
			code:   1,
			check:  func(t *testing.T) { e.cmdAbsent(t, "ConfigMap", "default", "typo") },
		},
		{
			name:   "namespace mismatch",
			args:   []string{"create", "-f", "testdata/apply/other-namespace.yaml", "--namespace", "kube-public"},
			stderr: `error: the namespace from the provided object "kube-system" does not match the namespace "kube-public". You must pass '--namespace=kube-system' to perform this operation.` + "\n",
			code:   1,
		},
		{
			name:   "no file",
			args:   []string{"create"},
			stderr: "error: must specify one of -f and -k\n",
			code:   1,
		},
		{
			name:   "client dry run",
			args:   []string{"create", "-f", "testdata/apply/web.yaml", "--dry-run"},
			stderr: "error: --dry-run=client is not supported: kctl leaves validation to the server (use --dry-run=server)\nSee 'kctl create -h' for help and examples\n",
			code:   1,
		},
		{
			name:   "bad validate",
			args:   []string{"create", "-f", "testdata/apply/web.yaml", "--validate=sometimes"},
			stderr: "error: invalid - validate option \"sometimes\"; must be one of: strict (or true), warn, ignore (or false)\n",
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

	// generateName: the printed name is the one the server made.
	got := e.kctl(t, "", "create", "-f", "testdata/apply/generate-name.yaml")
	name, ok := strings.CutPrefix(strings.TrimSuffix(got.stdout, " created\n"), "configmap/job-")
	if got.code != 0 || !ok || len(name) != 5 {
		t.Fatalf("create with generateName: %s", got)
	}
	list, err := e.res(t, "ConfigMap", "default").List(t.Context(), client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, u := range list.Items {
		found = found || u.Name() == "job-"+name && unstructured.NestedString(u.Object, "data", "a") == "1"
	}
	if !found {
		t.Errorf("no config map job-%s on the server", name)
	}
}
