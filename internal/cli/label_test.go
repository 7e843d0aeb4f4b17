package cli_test

import (
	"maps"
	"testing"
)

const labelFixtures = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: web
  labels: {app: web, tier: frontend}
  annotations: {owner: alice}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: api
  labels: {app: api}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: kube-public
  labels: {app: web}
`

// TestLabelAndAnnotate runs label and annotate commands in sequence; each
// step checks the output and the labels and annotations of the config maps
// afterwards.
func TestLabelAndAnnotate(t *testing.T) {
	e := newCmdEnv(t)
	e.load(t, "labelFixtures", []byte(labelFixtures))
	type want map[string]string
	meta := func(field, ns, name string, w want) func(t *testing.T) {
		return func(t *testing.T) {
			t.Helper()
			u, err := e.get(t, "ConfigMap", ns, name)
			if err != nil {
				t.Fatal(err)
			}
			got := u.Labels()
			if field == "annotations" {
				got = u.Annotations()
			}
			if len(got) == 0 {
				got = nil
			}
			if len(w) == 0 {
				w = nil
			}
			if !maps.Equal(got, map[string]string(w)) {
				t.Errorf("%s of %s/%s: %v, want %v", field, ns, name, got, w)
			}
		}
	}
	labels := func(name string, w want) func(t *testing.T) { return meta("labels", "default", name, w) }
	annotations := func(name string, w want) func(t *testing.T) { return meta("annotations", "default", name, w) }

	steps := []struct {
		name           string
		args           []string
		stdout, stderr string
		code           int
		check          func(t *testing.T)
	}{
		{
			name:   "add",
			args:   []string{"label", "cm", "web", "env=prod"},
			stdout: "configmap/web labeled\n",
			check:  labels("web", want{"app": "web", "tier": "frontend", "env": "prod"}),
		},
		{
			name:   "same value again",
			args:   []string{"label", "cm", "web", "env=prod"},
			stdout: "configmap/web not labeled\n",
		},
		{
			name:   "another value without --overwrite",
			args:   []string{"label", "cm", "web", "env=dev", "tier=backend"},
			stderr: "error: 'env' already has a value (prod), and --overwrite is false; 'tier' already has a value (frontend), and --overwrite is false\n",
			code:   1,
			check:  labels("web", want{"app": "web", "tier": "frontend", "env": "prod"}),
		},
		{
			name:   "overwrite",
			args:   []string{"label", "configmap/web", "env=dev", "--overwrite"},
			stdout: "configmap/web labeled\n",
			check:  labels("web", want{"app": "web", "tier": "frontend", "env": "dev"}),
		},
		{
			name:   "server dry run",
			args:   []string{"label", "cm", "web", "extra=1", "--dry-run=server"},
			stdout: "configmap/web labeled (server dry run)\n",
			check:  labels("web", want{"app": "web", "tier": "frontend", "env": "dev"}),
		},
		{
			name:   "remove",
			args:   []string{"label", "cm", "web", "env-", "nope-"},
			stdout: "configmap/web unlabeled\n",
			stderr: "label \"nope\" not found.\n",
			check:  labels("web", want{"app": "web", "tier": "frontend"}),
		},
		{
			name:   "selector",
			args:   []string{"label", "cm", "-l", "app", "scope=all"},
			stdout: "configmap/api labeled\nconfigmap/web labeled\n",
			check: func(t *testing.T) {
				labels("api", want{"app": "api", "scope": "all"})(t)
				meta("labels", "kube-public", "web-config", want{"app": "web"})(t)
			},
		},
		{
			name:   "all namespaces",
			args:   []string{"label", "cm", "-l", "app=web", "-A", "tier-"},
			stdout: "configmap/web unlabeled\nconfigmap/web-config not labeled\n",
			stderr: "label \"tier\" not found.\n",
			check:  labels("web", want{"app": "web", "scope": "all"}),
		},
		{
			name:   "all",
			args:   []string{"label", "cm", "--all", "scope=every", "--overwrite"},
			stdout: "configmap/api labeled\nconfigmap/web labeled\n",
			check:  labels("api", want{"app": "api", "scope": "every"}),
		},
		{
			name:   "stale resource version",
			args:   []string{"label", "cm", "api", "x=1", "--resource-version=1"},
			stderr: `Error from server (Conflict): Operation cannot be fulfilled on configmaps "api": the object has been modified; please apply your changes to the latest version and try again` + "\n",
			code:   1,
			check:  labels("api", want{"app": "api", "scope": "every"}),
		},
		{
			name:   "not found",
			args:   []string{"label", "cm", "nope", "web", "x=1"},
			stdout: "configmap/web labeled\n",
			stderr: `Error from server (NotFound): configmaps "nope" not found` + "\n",
			code:   1,
		},
		{
			name:   "from a file",
			args:   []string{"label", "-f", "testdata/apply/dir/sub/c.yaml", "from=file"},
			stderr: `Error from server (NotFound): configmaps "dir-c" not found` + "\n",
			code:   1,
		},
		{
			name:   "no change given",
			args:   []string{"label", "cm", "web"},
			stderr: "error: at least one label update is required\n",
			code:   1,
		},
		{
			name:   "modify and remove",
			args:   []string{"label", "cm", "web", "a=b", "a-"},
			stderr: "error: can not both modify and remove a label in the same command\n",
			code:   1,
		},
		{
			name:   "no resource",
			args:   []string{"label", "a=b"},
			stderr: "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n",
			code:   1,
		},
		{
			name:   "nothing at all",
			args:   []string{"label"},
			stderr: "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n",
			code:   1,
		},
		{
			name:   "all and a selector",
			args:   []string{"label", "cm", "--all", "-l", "app=web", "a=b"},
			stderr: "error: cannot set --all and --selector at the same time\n",
			code:   1,
		},
		{
			name:   "invalid label",
			args:   []string{"label", "cm", "api", "bad key=1"},
			stderr: `The ConfigMap "api" is invalid: metadata.labels: Invalid value: "bad key": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character` + "\n",
			code:   1,
		},

		{
			name:   "annotate",
			args:   []string{"annotate", "cm", "web", "note=hello world", "owner=alice"},
			stdout: "configmap/web annotated\n",
			check:  annotations("web", want{"owner": "alice", "note": "hello world"}),
		},
		{
			name:   "annotate without --overwrite",
			args:   []string{"annotate", "cm", "web", "owner=bob", "note=bye"},
			stderr: "error: --overwrite is false but found the following declared annotation(s): 'note' already has a value (hello world); 'owner' already has a value (alice)\n",
			code:   1,
			check:  annotations("web", want{"owner": "alice", "note": "hello world"}),
		},
		{
			name:   "annotate overwrite and remove",
			args:   []string{"annotate", "cm", "web", "owner=bob", "note-", "--overwrite"},
			stdout: "configmap/web annotated\n",
			check:  annotations("web", want{"owner": "bob"}),
		},
		{
			name:   "annotate nothing to change",
			args:   []string{"annotate", "cm", "web", "missing-"},
			stdout: "configmap/web annotated\n",
		},
		{
			name:   "annotate modify and remove",
			args:   []string{"annotate", "cm", "web", "a=1", "a-", "b=2", "b-"},
			stderr: "error: can not both modify and remove the following annotation(s) in the same command: a, b\n",
			code:   1,
		},
		{
			name:   "annotate no change given",
			args:   []string{"annotate", "cm", "web"},
			stderr: "error: at least one annotation update is required\n",
			code:   1,
		},
	}
	for _, st := range steps {
		got := e.kctl(t, "", st.args...)
		cmdCheck(t, st.name, got, st.stdout, st.stderr, st.code)
		if st.check != nil {
			st.check(t)
		}
	}
}
