package fake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// These tests drive the real kubectl's write commands (create, apply, apply
// --server-side, patch, replace, edit, diff, dry runs) with its default flags
// against fake.Start, and read the object back to check what the server made
// of each request. They are written to what a real v1.32 cluster does.

// fixture is the path of a manifest in testdata/write.
func fixture(name string) string { return filepath.Join("testdata", "write", name) }

// object is a Kubernetes object as kubectl prints it with -o json; a nil
// object is one that does not exist.
type object map[string]any

// get returns the value at path, or nil; a number in path indexes a list.
func (o object) get(path ...string) any {
	var v any = map[string]any(o)
	for _, p := range path {
		switch c := v.(type) {
		case map[string]any:
			v = c[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			v = c[i]
		default:
			return nil
		}
	}
	return v
}

// str returns the value at path printed (2 for the number 2), or "" when
// there is none.
func (o object) str(path ...string) string {
	v := o.get(path...)
	if v == nil {
		return ""
	}
	if _, scalar := v.(map[string]any); !scalar {
		if _, list := v.([]any); !list {
			return fmt.Sprint(v)
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// labels returns metadata.labels.
func (o object) labels() map[string]string {
	m, _ := o.get("metadata", "labels").(map[string]any)
	labels := make(map[string]string, len(m))
	for k, v := range m {
		labels[k] = fmt.Sprint(v)
	}
	return labels
}

// containers returns the containers of a pod, or of a workload's pod template.
func (o object) containers() []object {
	path := []string{"spec", "template", "spec", "containers"}
	if o.str("kind") == "Pod" {
		path = []string{"spec", "containers"}
	}
	list, _ := o.get(path...).([]any)
	var cs []object
	for _, c := range list {
		m, _ := c.(map[string]any)
		cs = append(cs, object(m))
	}
	return cs
}

// container returns the container named name, or nil.
func (o object) container(name string) object {
	for _, c := range o.containers() {
		if c.str("name") == name {
			return c
		}
	}
	return nil
}

// managed returns the metadata.managedFields entry of manager for operation
// (Apply or Update), or nil.
func (o object) managed(manager, operation string) object {
	list, _ := o.get("metadata", "managedFields").([]any)
	for _, e := range list {
		m, _ := e.(map[string]any)
		if m["manager"] == manager && m["operation"] == operation {
			return object(m)
		}
	}
	return nil
}

// managers lists the managedFields entries as manager/operation.
func (o object) managers() []string {
	list, _ := o.get("metadata", "managedFields").([]any)
	var out []string
	for _, e := range list {
		m, _ := e.(map[string]any)
		out = append(out, fmt.Sprintf("%v/%v", m["manager"], m["operation"]))
	}
	return out
}

// execEnv is exec with env added to kubectl's environment, and TMPDIR set to
// a temporary directory (kubectl edit and diff write their files there).
func (k *kubectl) execEnv(t *testing.T, env []string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), commandGuard)
	defer cancel()
	cmd := exec.CommandContext(ctx, k.path, append([]string{"--cache-dir", k.cacheDir}, args...)...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+k.kubeconfig, "TMPDIR="+t.TempDir())
	cmd.Env = append(cmd.Env, env...)
	cmd.WaitDelay = time.Second
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// lookup returns the object named by resource ("deployment/web") with its
// managed fields, or nil when the server answers NotFound.
func (k *kubectl) lookup(t *testing.T, resource string) object {
	t.Helper()
	out, errOut, err := k.exec(t, "get", resource, "-o", "json", "--show-managed-fields")
	if err != nil {
		if strings.Contains(errOut, "(NotFound)") {
			return nil
		}
		t.Fatalf("kubectl get %s: %v\n%s", resource, err, errOut)
	}
	var o object
	if err := json.Unmarshal([]byte(out), &o); err != nil {
		t.Fatalf("kubectl get %s -o json: %v\n%s", resource, err, out)
	}
	return o
}

// exitCode is the exit code of a command that ended with err; -1 when it did
// not run to an exit.
func exitCode(err error) int {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	return -1
}

// anyRequest and writeRequest match a request, and a write request, in
// kubectl's -v=6 log ("round_trippers.go:560] GET http://... 200 OK").
var (
	anyRequest   = regexp.MustCompile(`\] (GET|POST|PUT|PATCH|DELETE) http`)
	writeRequest = regexp.MustCompile(`\] (POST|PUT|PATCH|DELETE) http\S+`)
)

// A check looks at an object before and after a kubectl command.
type check func(t *testing.T, before, after object)

// step is one kubectl command and what it must do.
type step struct {
	name     string
	args     []string
	env      []string // added to kubectl's environment
	resource string   // the object to check, when not the sequence's
	code     int      // the exit code
	stdout   string   // all kubectl prints on stdout, trimmed; unless match is set
	match    []string // regular expressions stdout must match
	stderr   []string // what stderr must contain; nil: nothing
	// noWrite: kubectl sends no write request (seen in its -v=6 log) and the
	// object keeps its resourceVersion.
	noWrite bool
	check   check
}

// runSteps runs steps in order against k, each as a subtest, checking the
// object resource unless a step names another.
func runSteps(t *testing.T, k *kubectl, resource string, steps []step) {
	t.Helper()
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			t.Helper()
			k.runStep(t, resource, s)
		})
	}
}

// runStep runs one step, checking the object resource unless s names another.
func (k *kubectl) runStep(t *testing.T, resource string, s step) {
	t.Helper()
	if s.resource != "" {
		resource = s.resource
	}
	before := k.lookup(t, resource)
	args := s.args
	if s.noWrite {
		args = append(slices.Clip(args), "-v=6")
	}
	out, errOut, err := k.execEnv(t, s.env, args...)
	cmd := "kubectl " + strings.Join(args, " ")
	if code := exitCode(err); code != s.code {
		// The output is of no interest beyond this.
		t.Errorf("%s: exit code %d (%v), want %d\nstdout:\n%s\nstderr:\n%s", cmd, code, err, s.code, out, errOut)
	} else {
		checkOutput(t, cmd, s, out, errOut)
	}
	after := k.lookup(t, resource)
	if s.noWrite {
		wantSameVersion()(t, before, after)
	}
	if s.check != nil {
		s.check(t, before, after)
	}
}

// checkOutput checks what kubectl printed against s.
func checkOutput(t *testing.T, cmd string, s step, out, errOut string) {
	t.Helper()
	if s.match != nil {
		for _, re := range s.match {
			if !regexp.MustCompile(re).MatchString(out) {
				t.Errorf("%s: stdout does not match %s:\n%s", cmd, re, out)
			}
		}
	} else if got := strings.TrimSpace(out); got != s.stdout {
		t.Errorf("%s: stdout %q, want %q", cmd, got, s.stdout)
	}
	switch {
	case s.noWrite:
		if !anyRequest.MatchString(errOut) {
			t.Errorf("%s: no requests in the -v=6 log, so no telling what was sent:\n%s", cmd, errOut)
		}
		if w := writeRequest.FindAllString(errOut, -1); len(w) > 0 {
			t.Errorf("%s: sent write requests %q, want none", cmd, w)
		}
	case s.stderr == nil && errOut != "":
		t.Errorf("%s: stderr %q, want nothing", cmd, errOut)
	}
	for _, want := range s.stderr {
		if !strings.Contains(errOut, want) {
			t.Errorf("%s: stderr lacks %q:\n%s", cmd, want, errOut)
		}
	}
}

func allOf(checks ...check) check {
	return func(t *testing.T, before, after object) {
		t.Helper()
		for _, c := range checks {
			c(t, before, after)
		}
	}
}

// wantField checks the value at path, printed ("" for none).
func wantField(want string, path ...string) check {
	return func(t *testing.T, _, after object) {
		t.Helper()
		if got := after.str(path...); got != want {
			t.Errorf("%s = %q, want %q", strings.Join(path, "."), got, want)
		}
	}
}

// wantImage checks the image of a container.
func wantImage(container, want string) check {
	return func(t *testing.T, _, after object) {
		t.Helper()
		c := after.container(container)
		if c == nil {
			t.Errorf("no container %s; want one with image %s", container, want)
			return
		}
		if got := c.str("image"); got != want {
			t.Errorf("container %s: image %q, want %q", container, got, want)
		}
	}
}

// wantContainers checks the names of the containers, in order.
func wantContainers(names ...string) check {
	return func(t *testing.T, _, after object) {
		t.Helper()
		var got []string
		for _, c := range after.containers() {
			got = append(got, c.str("name"))
		}
		if !slices.Equal(got, names) {
			t.Errorf("containers %q, want %q", got, names)
		}
	}
}

// wantLabels checks the whole set of labels, given as key, value, ...
func wantLabels(kv ...string) check {
	want := make(map[string]string)
	for i := 0; i+1 < len(kv); i += 2 {
		want[kv[i]] = kv[i+1]
	}
	return func(t *testing.T, _, after object) {
		t.Helper()
		if got := after.labels(); !reflect.DeepEqual(got, want) {
			t.Errorf("labels %v, want %v", got, want)
		}
	}
}

// wantAbsent checks that the object does not exist.
func wantAbsent() check {
	return func(t *testing.T, _, after object) {
		t.Helper()
		if after != nil {
			t.Errorf("the object exists (resourceVersion %s), want none", after.str("metadata", "resourceVersion"))
		}
	}
}

// wantUnchanged checks that the object is as it was: still there and equal
// in every field, or still absent.
func wantUnchanged() check {
	return func(t *testing.T, before, after object) {
		t.Helper()
		if !reflect.DeepEqual(before, after) {
			b, _ := json.MarshalIndent(before, "", "  ")
			a, _ := json.MarshalIndent(after, "", "  ")
			t.Errorf("the object changed; before:\n%s\nafter:\n%s", b, a)
		}
	}
}

// wantSameVersion checks that the object exists and kept its resourceVersion.
func wantSameVersion() check {
	return func(t *testing.T, before, after object) {
		t.Helper()
		b, a := before.str("metadata", "resourceVersion"), after.str("metadata", "resourceVersion")
		if after == nil || a != b {
			t.Errorf("resourceVersion %q, then %q; want it unchanged", b, a)
		}
	}
}

// wantOwner checks that the managedFields entry of manager for operation
// owns the field at path (in fieldsV1 form: "f:spec", "f:replicas").
func wantOwner(manager, operation string, path ...string) check {
	return func(t *testing.T, _, after object) {
		t.Helper()
		e := after.managed(manager, operation)
		if e == nil {
			t.Errorf("no managedFields entry for manager %q, operation %s; entries: %q", manager, operation, after.managers())
			return
		}
		if got, want := e.str("apiVersion"), after.str("apiVersion"); got != want {
			t.Errorf("managedFields %s/%s: apiVersion %q, want %q", manager, operation, got, want)
		}
		if got := e.str("fieldsType"); got != "FieldsV1" {
			t.Errorf("managedFields %s/%s: fieldsType %q, want FieldsV1", manager, operation, got)
		}
		if e.get(append([]string{"fieldsV1"}, path...)...) == nil {
			t.Errorf("manager %s (%s) does not own %s; its fieldsV1: %s", manager, operation, strings.Join(path, "."), e.str("fieldsV1"))
		}
	}
}

// wantNotOwner checks that no managedFields entry of manager for operation
// owns the field at path.
func wantNotOwner(manager, operation string, path ...string) check {
	return func(t *testing.T, _, after object) {
		t.Helper()
		if e := after.managed(manager, operation); e.get(append([]string{"fieldsV1"}, path...)...) != nil {
			t.Errorf("manager %s (%s) still owns %s; its fieldsV1: %s", manager, operation, strings.Join(path, "."), e.str("fieldsV1"))
		}
	}
}

// wantNoField checks that there is no value at path.
func wantNoField(path ...string) check {
	return func(t *testing.T, _, after object) {
		t.Helper()
		if v := after.get(path...); v != nil {
			t.Errorf("%s = %s, want none", strings.Join(path, "."), after.str(path...))
		}
	}
}

// lastApplied is the annotation client-side apply keeps its configuration in.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// wantLastApplied checks that the last-applied annotation holds a
// configuration whose value at path is want.
func wantLastApplied(want string, path ...string) check {
	return func(t *testing.T, _, after object) {
		t.Helper()
		s, ok := after.get("metadata", "annotations", lastApplied).(string)
		if !ok {
			t.Errorf("no annotation %s", lastApplied)
			return
		}
		var cfg object
		if err := json.Unmarshal([]byte(s), &cfg); err != nil {
			t.Errorf("annotation %s: %v\n%s", lastApplied, err, s)
			return
		}
		if got := cfg.str(path...); got != want {
			t.Errorf("annotation %s: %s = %q, want %q", lastApplied, strings.Join(path, "."), got, want)
		}
	}
}

func TestKubectlWriteCreate(t *testing.T) {
	k := newKubectl(t)
	runSteps(t, k, "", []step{
		{
			name:     "deployment",
			args:     []string{"create", "-f", fixture("deployment.yaml")},
			resource: "deployment/web",
			stdout:   "deployment.apps/web created",
			check: allOf(
				wantField("apps/v1", "apiVersion"),
				wantField("Deployment", "kind"),
				wantField("1", "metadata", "generation"),
				wantLabels("app", "web", "tier", "frontend"),
				wantField("2", "spec", "replicas"),
				wantField(`{"matchLabels":{"app":"web"}}`, "spec", "selector"),
				wantField("RollingUpdate", "spec", "strategy", "type"), // defaulted
				wantContainers("nginx", "sidecar"),
				wantImage("nginx", "nginx:1.27"),
				wantImage("sidecar", "busybox:1.36"),
			),
		},
		{
			name:     "pod",
			args:     []string{"create", "-f", fixture("pod.yaml")},
			resource: "pod/cache",
			stdout:   "pod/cache created",
			check: allOf(
				wantLabels("app", "cache", "tier", "backend"),
				wantContainers("redis"),
				wantImage("redis", "redis:7"),
				wantField("Always", "spec", "restartPolicy"), // defaulted
				wantField("Pending", "status", "phase"),
			),
		},
	})
}

// TestKubectlWriteCreateValidation checks kubectl's default validation, which
// is the server's: kubectl sends fieldValidation=Strict (or Warn, or Ignore
// with --validate=warn and --validate=ignore).
func TestKubectlWriteCreateValidation(t *testing.T) {
	const unknown = `unknown field "spec.containers[0].imagePullPolicyy"`
	strictError := `Error from server (BadRequest): error when creating "` + fixture("unknown-field.yaml") +
		`": Pod in version "v1" cannot be handled as a Pod: strict decoding error: ` + unknown
	dropped := allOf(
		wantImage("app", "busybox:1.36"),
		func(t *testing.T, _, after object) {
			t.Helper()
			if c := after.container("app"); c != nil && c.get("imagePullPolicyy") != nil {
				t.Errorf("the unknown field was kept: container %s", c.str())
			}
		},
	)
	tests := []step{
		{
			name:   "default",
			args:   []string{"create", "-f", fixture("unknown-field.yaml")},
			code:   1,
			stderr: []string{strictError},
			check:  wantAbsent(),
		},
		{
			name:   "strict",
			args:   []string{"create", "-f", fixture("unknown-field.yaml"), "--validate=strict"},
			code:   1,
			stderr: []string{strictError},
			check:  wantAbsent(),
		},
		{
			name:   "apply",
			args:   []string{"apply", "-f", fixture("unknown-field.yaml")},
			code:   1,
			stderr: []string{strictError},
			check:  wantAbsent(),
		},
		{
			name:   "warn",
			args:   []string{"create", "-f", fixture("unknown-field.yaml"), "--validate=warn"},
			stdout: "pod/odd created",
			stderr: []string{"Warning: " + unknown + "\n"},
			check:  dropped,
		},
		{
			name:   "ignore",
			args:   []string{"create", "-f", fixture("unknown-field.yaml"), "--validate=ignore"},
			stdout: "pod/odd created",
			check:  dropped,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			newKubectl(t).runStep(t, "pod/odd", tt)
		})
	}
}

// TestKubectlWriteApply checks client-side apply: kubectl computes a
// three-way strategic merge patch from the last-applied configuration, the
// file and the live object.
func TestKubectlWriteApply(t *testing.T) {
	tests := []struct {
		name     string
		resource string
		steps    []step
	}{
		{
			name:     "deployment",
			resource: "deployment/web",
			steps: []step{
				{
					name:   "created",
					args:   []string{"apply", "-f", fixture("deployment.yaml")},
					stdout: "deployment.apps/web created",
					check: allOf(
						wantContainers("nginx", "sidecar"),
						wantImage("nginx", "nginx:1.27"),
						wantLastApplied("2", "spec", "replicas"),
						wantLastApplied(`{"app":"web","tier":"frontend"}`, "metadata", "labels"),
					),
				},
				{
					name:    "unchanged",
					args:    []string{"apply", "-f", fixture("deployment.yaml")},
					stdout:  "deployment.apps/web unchanged",
					noWrite: true,
				},
				{
					name:   "image changed",
					args:   []string{"apply", "-f", fixture("deployment-image.yaml")},
					stdout: "deployment.apps/web configured",
					check: allOf(
						wantContainers("nginx", "sidecar"),
						wantImage("nginx", "nginx:1.28"),
						wantImage("sidecar", "busybox:1.36"),
						wantField("2", "metadata", "generation"),
					),
				},
				{
					name:   "label added out of band",
					args:   []string{"label", "deployment", "web", "owner=ops"},
					stdout: "deployment.apps/web labeled",
					check:  wantLabels("app", "web", "tier", "frontend", "owner", "ops"),
				},
				{
					name:   "container removed",
					args:   []string{"apply", "-f", fixture("deployment-no-sidecar.yaml")},
					stdout: "deployment.apps/web configured",
					check: allOf(
						wantContainers("nginx"),
						wantImage("nginx", "nginx:1.28"),
						wantLabels("app", "web", "tier", "frontend", "owner", "ops"),
					),
				},
				{
					name:   "label removed",
					args:   []string{"apply", "-f", fixture("deployment-no-tier.yaml")},
					stdout: "deployment.apps/web configured",
					check: allOf(
						wantLabels("app", "web", "owner", "ops"),
						wantContainers("nginx"),
						wantField("2", "spec", "replicas"),
					),
				},
				{
					name:    "unchanged again",
					args:    []string{"apply", "-f", fixture("deployment-no-tier.yaml")},
					stdout:  "deployment.apps/web unchanged",
					noWrite: true,
				},
			},
		},
		{
			name:     "pod",
			resource: "pod/cache",
			steps: []step{
				{
					name:   "created",
					args:   []string{"apply", "-f", fixture("pod.yaml")},
					stdout: "pod/cache created",
					check: allOf(
						wantImage("redis", "redis:7"),
						wantLabels("app", "cache", "tier", "backend"),
						wantLastApplied(`{"app":"cache","tier":"backend"}`, "metadata", "labels"),
					),
				},
				{
					name:    "unchanged",
					args:    []string{"apply", "-f", fixture("pod.yaml")},
					stdout:  "pod/cache unchanged",
					noWrite: true,
				},
				{
					name:   "label added out of band",
					args:   []string{"label", "pod", "cache", "owner=ops"},
					stdout: "pod/cache labeled",
					check:  wantLabels("app", "cache", "tier", "backend", "owner", "ops"),
				},
				{
					name:   "image changed and label removed",
					args:   []string{"apply", "-f", fixture("pod-image.yaml")},
					stdout: "pod/cache configured",
					check: allOf(
						wantContainers("redis"),
						wantImage("redis", "redis:7.2"),
						wantLabels("app", "cache", "owner", "ops"),
						wantLastApplied(`{"app":"cache"}`, "metadata", "labels"),
					),
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			runSteps(t, newKubectl(t), tt.resource, tt.steps)
		})
	}
}

// TestKubectlWriteApplyServerSide checks server-side apply: field ownership
// in managedFields, conflicts between managers, forcing, and the removal of
// fields a manager stops applying.
func TestKubectlWriteApplyServerSide(t *testing.T) {
	k := newKubectl(t)
	replicas := []string{"f:spec", "f:replicas"}
	nginxImage := []string{"f:spec", "f:template", "f:spec", "f:containers", `k:{"name":"nginx"}`, "f:image"}
	sidecar := []string{"f:spec", "f:template", "f:spec", "f:containers", `k:{"name":"sidecar"}`}
	tier := []string{"f:metadata", "f:labels", "f:tier"}
	runSteps(t, k, "deployment/web", []step{
		{
			name:   "created",
			args:   []string{"apply", "--server-side", "-f", fixture("deployment.yaml")},
			stdout: "deployment.apps/web serverside-applied",
			check: allOf(
				wantLabels("app", "web", "tier", "frontend"),
				wantField("2", "spec", "replicas"),
				wantContainers("nginx", "sidecar"),
				wantImage("nginx", "nginx:1.27"),
				wantNoField("metadata", "annotations", lastApplied),
				wantOwner("kubectl", "Apply", replicas...),
				wantOwner("kubectl", "Apply", nginxImage...),
				wantOwner("kubectl", "Apply", sidecar...),
				wantOwner("kubectl", "Apply", tier...),
			),
		},
		{
			name:   "applied again",
			args:   []string{"apply", "--server-side", "-f", fixture("deployment.yaml")},
			stdout: "deployment.apps/web serverside-applied",
			check:  allOf(wantSameVersion(), wantField("1", "metadata", "generation")),
		},
		{
			name: "conflict",
			args: []string{"apply", "--server-side", "--field-manager=other", "-f", fixture("ssa-other-replicas.yaml")},
			code: 1,
			stderr: []string{
				`error: Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas`,
				// kubectl's advice, given only for a 409 with reason Conflict.
				"Please review the fields above--they currently have other managers.",
			},
			check: wantUnchanged(),
		},
		{
			name:   "forced",
			args:   []string{"apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", fixture("ssa-other-replicas.yaml")},
			stdout: "deployment.apps/web serverside-applied",
			check: allOf(
				wantField("3", "spec", "replicas"),
				wantOwner("other", "Apply", replicas...),
				wantNotOwner("kubectl", "Apply", replicas...),
				wantOwner("kubectl", "Apply", nginxImage...),
				wantContainers("nginx", "sidecar"),
			),
		},
		{
			name:   "fields dropped",
			args:   []string{"apply", "--server-side", "-f", fixture("ssa-trimmed.yaml")},
			stdout: "deployment.apps/web serverside-applied",
			check: allOf(
				wantLabels("app", "web"),
				wantContainers("nginx"),
				wantImage("nginx", "nginx:1.27"),
				wantField("3", "spec", "replicas"), // owned by other, not dropped
				wantNotOwner("kubectl", "Apply", tier...),
				wantNotOwner("kubectl", "Apply", sidecar...),
				wantOwner("other", "Apply", replicas...),
			),
		},
		{
			name:   "dry run",
			args:   []string{"apply", "--server-side", "--dry-run=server", "-f", fixture("ssa-trimmed-image.yaml")},
			stdout: "deployment.apps/web serverside-applied (server dry run)",
			check:  wantUnchanged(),
		},
		{
			name: "dry run answers the result",
			args: []string{"apply", "--server-side", "--dry-run=server", "-f", fixture("ssa-trimmed-image.yaml"),
				"-o", "jsonpath={.spec.template.spec.containers[*].image} {.spec.replicas}"},
			stdout: "nginx:1.28 3",
			check:  wantUnchanged(),
		},
	})
}

// TestKubectlWriteApplyServerSideAfterClientSide checks the upgrade from
// client-side to server-side apply: the manager "kubectl" may take over,
// without a conflict, the fields that the last-applied-configuration
// annotation lists, although kubectl-client-side-apply owns them (the
// apiserver's lastAppliedManager); and the annotation follows the applied
// configuration (its lastAppliedUpdater).
func TestKubectlWriteApplyServerSideAfterClientSide(t *testing.T) {
	k := newKubectl(t)
	k.run(t, "apply", "-f", fixture("deployment.yaml"))
	nginxImage := []string{"f:spec", "f:template", "f:spec", "f:containers", `k:{"name":"nginx"}`, "f:image"}
	runSteps(t, k, "deployment/web", []step{
		{
			name:   "image changed",
			args:   []string{"apply", "--server-side", "-f", fixture("deployment-image.yaml")},
			stdout: "deployment.apps/web serverside-applied",
			check: allOf(
				wantImage("nginx", "nginx:1.28"),
				wantContainers("nginx", "sidecar"),
				wantOwner("kubectl", "Apply", nginxImage...),
				wantNotOwner("kubectl-client-side-apply", "Update", nginxImage...),
				// The server keeps the annotation in step with what the
				// manager "kubectl" applies, for a later client-side apply.
				wantLastApplied("nginx:1.28", "spec", "template", "spec", "containers", "0", "image"),
			),
		},
	})
}

// TestKubectlWritePatch checks kubectl patch with each patch type, on the
// Deployment of deployment.yaml.
func TestKubectlWritePatch(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		check check
	}{
		{
			name: "strategic adds an env var to a container by name",
			args: []string{"--type=strategic", "-p", `{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"MODE","value":"production"}]}]}}}}`},
			check: allOf(
				wantContainers("nginx", "sidecar"),
				wantImage("nginx", "nginx:1.27"),
				wantImage("sidecar", "busybox:1.36"),
				func(t *testing.T, _, after object) {
					t.Helper()
					if got, want := after.container("nginx").str("env"), `[{"name":"MODE","value":"production"}]`; got != want {
						t.Errorf("container nginx: env %s, want %s", got, want)
					}
				},
				wantField("2", "metadata", "generation"),
			),
		},
		{
			name:  "strategic is the default",
			args:  []string{"-p", `{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.37"}]}}}}`},
			check: allOf(wantContainers("nginx", "sidecar"), wantImage("nginx", "nginx:1.27"), wantImage("sidecar", "busybox:1.37")),
		},
		{
			name:  "strategic deletes a container",
			args:  []string{"--type=strategic", "-p", `{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}`},
			check: allOf(wantContainers("nginx"), wantImage("nginx", "nginx:1.27")),
		},
		{
			name: "strategic merges labels and deletes one with null",
			args: []string{"--type=strategic", "-p", `{"metadata":{"labels":{"tier":null,"team":"web"}}}`},
			check: allOf(wantLabels("app", "web", "team", "web"), wantContainers("nginx", "sidecar"),
				wantField("1", "metadata", "generation")), // metadata only: no new generation
		},
		{
			name:  "merge",
			args:  []string{"--type=merge", "-p", `{"metadata":{"labels":{"tier":null,"team":"web"}},"spec":{"replicas":4}}`},
			check: allOf(wantLabels("app", "web", "team", "web"), wantField("4", "spec", "replicas"), wantContainers("nginx", "sidecar")),
		},
		{
			name: "merge replaces a list whole",
			args: []string{"--type=merge", "-p", `{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}`},
			check: allOf(wantContainers("nginx"), wantImage("nginx", "nginx:1.28"),
				wantField("", "spec", "template", "spec", "containers", "0", "ports")), // not kept
		},
		{
			name: "json",
			args: []string{"--type=json", "-p", `[{"op":"replace","path":"/spec/template/spec/containers/1/image","value":"busybox:1.37"},{"op":"add","path":"/metadata/labels/team","value":"web"},{"op":"remove","path":"/metadata/labels/tier"}]`},
			check: allOf(wantImage("sidecar", "busybox:1.37"), wantImage("nginx", "nginx:1.27"),
				wantLabels("app", "web", "team", "web")),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k := newKubectl(t)
			k.run(t, "create", "-f", fixture("deployment.yaml"))
			k.runStep(t, "deployment/web", step{
				args:   append([]string{"patch", "deployment", "web"}, tt.args...),
				stdout: "deployment.apps/web patched",
				check:  tt.check,
			})
		})
	}
}

// TestKubectlWriteReplace checks kubectl replace: a PUT of the whole object,
// conditional on the resourceVersion the file carries.
func TestKubectlWriteReplace(t *testing.T) {
	k := newKubectl(t)
	k.run(t, "create", "-f", fixture("deployment.yaml"))

	// The object as read now, with 7 replicas: stale once anything changes it.
	var stale object
	if err := json.Unmarshal([]byte(k.run(t, "get", "deployment", "web", "-o", "json")), &stale); err != nil {
		t.Fatal(err)
	}
	stale["spec"].(map[string]any)["replicas"] = 7
	staleFile := filepath.Join(t.TempDir(), "stale.json")
	b, err := json.Marshal(stale)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(staleFile, b, 0o600); err != nil {
		t.Fatal(err)
	}

	runSteps(t, k, "deployment/web", []step{
		{
			name:   "replicas changed",
			args:   []string{"replace", "-f", fixture("deployment-replicas.yaml")},
			stdout: "deployment.apps/web replaced",
			check: allOf(
				wantField("5", "spec", "replicas"),
				wantField("2", "metadata", "generation"),
				wantContainers("nginx", "sidecar"),
				func(t *testing.T, before, after object) {
					t.Helper()
					if b, a := before.str("metadata", "uid"), after.str("metadata", "uid"); a != b {
						t.Errorf("uid %s, then %s: want the same object", b, a)
					}
				},
			),
		},
		{
			name: "stale resourceVersion",
			args: []string{"replace", "-f", staleFile},
			code: 1,
			stderr: []string{`Error from server (Conflict): error when replacing "` + staleFile + `": ` +
				`Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again`},
			check: allOf(wantUnchanged(), wantField("5", "spec", "replicas")),
		},
	})
}

// TestKubectlWriteEdit drives kubectl edit with a scripted editor: kubectl
// runs $KUBE_EDITOR on a YAML file and patches the object with the change.
func TestKubectlWriteEdit(t *testing.T) {
	tests := []struct {
		name   string
		script string // the editor's body, run as: sh script FILE
		stdout string
		stderr []string
		check  check
	}{
		{
			name:   "image",
			script: `sed -i -e 's/image: nginx:1.27/image: nginx:1.28/' "$1"`,
			stdout: "deployment.apps/web edited",
			check: allOf(wantContainers("nginx", "sidecar"), wantImage("nginx", "nginx:1.28"),
				wantImage("sidecar", "busybox:1.36"), wantField("2", "metadata", "generation")),
		},
		{
			name:   "label",
			script: `sed -i -e 's/tier: frontend/tier: backend/' "$1"`,
			stdout: "deployment.apps/web edited",
			check:  allOf(wantLabels("app", "web", "tier", "backend"), wantContainers("nginx", "sidecar")),
		},
		{
			name:   "no change",
			script: `exit 0`,
			stderr: []string{"Edit cancelled, no changes made.\n"},
			check:  wantUnchanged(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k := newKubectl(t)
			k.run(t, "create", "-f", fixture("deployment.yaml"))
			editor := filepath.Join(t.TempDir(), "editor.sh")
			if err := os.WriteFile(editor, []byte("#!/bin/sh\n"+tt.script+"\n"), 0o700); err != nil {
				t.Fatal(err)
			}
			k.runStep(t, "deployment/web", step{
				args:   []string{"edit", "deployment", "web"},
				env:    []string{"KUBE_EDITOR=" + editor, "EDITOR=" + editor},
				stdout: tt.stdout,
				stderr: tt.stderr,
				check:  tt.check,
			})
		})
	}
}

// TestKubectlWriteExplain checks that kubectl explain, which reads the
// server's OpenAPI v3 documents, prints a field and its fields.
func TestKubectlWriteExplain(t *testing.T) {
	k := newKubectl(t)
	tests := []struct {
		field string
		want  []string // regular expressions
	}{
		{
			field: "pod.spec.containers",
			want: []string{
				`(?m)^KIND:\s+Pod$`,
				`(?m)^VERSION:\s+v1$`,
				`(?m)^FIELD: containers <\[\]Container>$`,
				`(?m)^FIELDS:$`,
				`(?m)^  name\t<string>`,
				`(?m)^  image\t<string>`,
				`(?m)^  command\t<\[\]string>`,
				`(?m)^  env\t<\[\]EnvVar>`,
				`(?m)^  ports\t<\[\]ContainerPort>`,
				`(?m)^  resources\t<ResourceRequirements>`,
			},
		},
		{
			field: "deployment.spec.strategy",
			want: []string{
				`(?m)^GROUP:\s+apps$`,
				`(?m)^KIND:\s+Deployment$`,
				`(?m)^VERSION:\s+v1$`,
				`(?m)^FIELD: strategy <DeploymentStrategy>$`,
				`(?m)^FIELDS:$`,
				`(?m)^  rollingUpdate\t<RollingUpdateDeployment>`,
				`(?m)^  type\t<string>`,
			},
		},
		{
			field: "deployment.spec.strategy.rollingUpdate",
			want: []string{
				`(?m)^FIELD: rollingUpdate <RollingUpdateDeployment>$`,
				// A real v1.32 server shows <IntOrString> here; kubectl
				// prints our int-or-string fields as <string> (noted in
				// docs/architecture.md as a known difference).
				`(?m)^  maxSurge\t<(IntOrString|string)>`,
				`(?m)^  maxUnavailable\t<(IntOrString|string)>`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			t.Parallel()
			out := k.run(t, "explain", tt.field)
			for _, re := range tt.want {
				if !regexp.MustCompile(re).MatchString(out) {
					t.Errorf("explain %s does not match %s:\n%s", tt.field, re, out)
				}
			}
		})
	}
}

// TestKubectlWriteDiff checks kubectl diff, which asks the server for the
// would-be object with a dry-run patch (a strategic merge patch, or an apply
// patch with --server-side) and diffs it with the live one: exit code 0 for
// no differences, 1 for some.
func TestKubectlWriteDiff(t *testing.T) {
	diffEnv := []string{"KUBECTL_EXTERNAL_DIFF="} // kubectl's default: diff -u -N
	changed := []string{
		`(?m)^diff -u -N \S+/apps\.v1\.Deployment\.default\.web \S+/apps\.v1\.Deployment\.default\.web$`,
		`(?m)^-\s+(- )?image: nginx:1\.27$`,
		`(?m)^\+\s+(- )?image: nginx:1\.28$`,
		`(?m)^-  generation: 1$`,
		`(?m)^\+  generation: 2$`,
	}
	tests := []struct {
		name  string
		apply []string // how the live object is made, and how diff is run
		// noWrite: nothing to send when nothing changed (client-side apply
		// computes an empty patch); server-side apply always asks.
		noWrite bool
	}{
		{name: "client side", apply: []string{"apply"}, noWrite: true},
		{name: "server side", apply: []string{"apply", "--server-side"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k := newKubectl(t)
			k.run(t, append(slices.Clip(tt.apply), "-f", fixture("deployment.yaml"))...)
			flags := tt.apply[1:]
			runSteps(t, k, "deployment/web", []step{
				{
					name:    "unchanged",
					args:    append([]string{"diff", "-f", fixture("deployment.yaml")}, flags...),
					env:     diffEnv,
					noWrite: tt.noWrite,
					check:   wantUnchanged(),
				},
				{
					name:  "image changed",
					args:  append([]string{"diff", "-f", fixture("deployment-image.yaml")}, flags...),
					env:   diffEnv,
					code:  1,
					match: changed,
					check: wantUnchanged(),
				},
			})
		})
	}
}

// TestKubectlWriteDryRun checks that --dry-run=server writes nothing, while
// the server answers the object the write would have made.
func TestKubectlWriteDryRun(t *testing.T) {
	k := newKubectl(t)
	k.run(t, "apply", "-f", fixture("deployment.yaml"))
	k.run(t, "create", "-f", fixture("pod.yaml"))
	tests := []step{
		{
			name:     "create",
			args:     []string{"create", "--dry-run=server", "-f", fixture("configmap.yaml")},
			resource: "configmap/settings",
			stdout:   "configmap/settings created (server dry run)",
		},
		{
			name:     "create answers the object",
			args:     []string{"create", "--dry-run=server", "-f", fixture("configmap.yaml"), "-o", "jsonpath={.kind} {.metadata.name} {.data.mode}"},
			resource: "configmap/settings",
			stdout:   "ConfigMap settings production",
		},
		{
			name:     "delete pod",
			args:     []string{"delete", "pod", "cache", "--dry-run=server"},
			resource: "pod/cache",
			stdout:   `pod "cache" deleted (server dry run)`,
		},
		{
			name:     "label",
			args:     []string{"label", "pod", "cache", "env=prod", "--dry-run=server"},
			resource: "pod/cache",
			stdout:   "pod/cache labeled (server dry run)",
		},
		{
			name:     "label answers the object",
			args:     []string{"label", "pod", "cache", "env=prod", "--dry-run=server", "-o", "jsonpath={.metadata.labels.env}"},
			resource: "pod/cache",
			stdout:   "prod",
		},
		{
			name:     "merge patch",
			args:     []string{"patch", "deployment", "web", "--type=merge", "-p", `{"spec":{"replicas":5}}`, "--dry-run=server", "-o", "jsonpath={.spec.replicas}"},
			resource: "deployment/web",
			stdout:   "5",
		},
		{
			name:     "strategic patch",
			args:     []string{"patch", "deployment", "web", "-p", `{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}`, "--dry-run=server"},
			resource: "deployment/web",
			// kubectl patch sets its printer's operation after the dry-run
			// suffix was added, so the suffix is lost.
			stdout: "deployment.apps/web patched",
		},
		{
			name:     "apply",
			args:     []string{"apply", "-f", fixture("deployment-image.yaml"), "--dry-run=server"},
			resource: "deployment/web",
			stdout:   "deployment.apps/web configured (server dry run)",
		},
		{
			name:     "apply answers the object",
			args:     []string{"apply", "-f", fixture("deployment-image.yaml"), "--dry-run=server", "-o", "jsonpath={.spec.template.spec.containers[*].image}"},
			resource: "deployment/web",
			stdout:   "nginx:1.28 busybox:1.36",
		},
		{
			name:     "replace",
			args:     []string{"replace", "-f", fixture("deployment-replicas.yaml"), "--dry-run=server"},
			resource: "deployment/web",
			stdout:   "deployment.apps/web replaced (server dry run)",
		},
		{
			name:     "delete deployment",
			args:     []string{"delete", "deployment", "web", "--dry-run=server"},
			resource: "deployment/web",
			stdout:   `deployment.apps "web" deleted (server dry run)`,
		},
	}
	for i := range tests {
		tests[i].check = wantUnchanged()
	}
	runSteps(t, k, "", tests)
	// Nothing was created or deleted along the way.
	for resource, want := range map[string]bool{"configmap/settings": false, "pod/cache": true, "deployment/web": true} {
		if got := k.lookup(t, resource) != nil; got != want {
			t.Errorf("%s exists: %v, want %v", resource, got, want)
		}
	}
}

// TestKubectlWriteManagedFieldsOfUpdates checks the managedFields entries
// (operation Update) that the field manager of each kubectl write command
// leaves: the fields a write changes move to its manager.
func TestKubectlWriteManagedFieldsOfUpdates(t *testing.T) {
	k := newKubectl(t)
	replicas := []string{"f:spec", "f:replicas"}
	editor := filepath.Join(t.TempDir(), "editor.sh")
	if err := os.WriteFile(editor, []byte("#!/bin/sh\nsed -i -e 's/image: nginx:1.27/image: nginx:1.28/' \"$1\"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	runSteps(t, k, "deployment/web", []step{
		{
			name:   "create",
			args:   []string{"create", "-f", fixture("deployment.yaml")},
			stdout: "deployment.apps/web created",
			check: allOf(
				wantOwner("kubectl-create", "Update", replicas...),
				wantOwner("kubectl-create", "Update", "f:metadata", "f:labels", "f:tier"),
				wantOwner("kubectl-create", "Update", "f:spec", "f:template", "f:spec", "f:containers", `k:{"name":"sidecar"}`, "f:image"),
			),
		},
		{
			name:   "patch",
			args:   []string{"patch", "deployment", "web", "--type=merge", "-p", `{"spec":{"replicas":4}}`},
			stdout: "deployment.apps/web patched",
			check: allOf(
				wantOwner("kubectl-patch", "Update", replicas...),
				wantNotOwner("kubectl-create", "Update", replicas...),
				wantOwner("kubectl-create", "Update", "f:metadata", "f:labels", "f:tier"),
			),
		},
		{
			name:   "label",
			args:   []string{"label", "deployment", "web", "env=prod"},
			stdout: "deployment.apps/web labeled",
			check:  wantOwner("kubectl-label", "Update", "f:metadata", "f:labels", "f:env"),
		},
		{
			name:   "replace",
			args:   []string{"replace", "-f", fixture("deployment-replicas.yaml")},
			stdout: "deployment.apps/web replaced",
			check: allOf(
				wantOwner("kubectl-replace", "Update", replicas...),
				wantNotOwner("kubectl-patch", "Update", replicas...),
			),
		},
		{
			name:   "edit",
			args:   []string{"edit", "deployment", "web"},
			env:    []string{"KUBE_EDITOR=" + editor},
			stdout: "deployment.apps/web edited",
			check:  wantOwner("kubectl-edit", "Update", "f:spec", "f:template", "f:spec", "f:containers", `k:{"name":"nginx"}`, "f:image"),
		},
		{
			name:     "client-side apply",
			args:     []string{"apply", "-f", fixture("pod.yaml")},
			resource: "pod/cache",
			stdout:   "pod/cache created",
			check:    wantOwner("kubectl-client-side-apply", "Update", "f:metadata", "f:annotations", "f:"+lastApplied),
		},
	})
}
