package kinds

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"kctl.dev/kctl/api/corev1"
	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/unstructured"
)

// pod builds a pod with the given spec and status JSON bodies.
func pod(t *testing.T, spec, status string, meta ...string) *unstructured.Unstructured {
	t.Helper()
	m := `"name":"p","namespace":"default","creationTimestamp":"` + created + `"`
	if len(meta) > 0 && meta[0] != "" {
		m += "," + meta[0]
	}
	return decode(t, `{"apiVersion":"v1","kind":"Pod","metadata":{`+m+`},"spec":`+spec+`,"status":`+status+`}`)
}

const oneContainer = `{"containers":[{"name":"app","image":"nginx"}]}`

func TestPodCells(t *testing.T) {
	twoInit := `{"initContainers":[{"name":"i1","image":"x"},{"name":"i2","image":"x"}],"containers":[{"name":"app","image":"x"}]}`
	sidecar := `{"initContainers":[{"name":"log","image":"x","restartPolicy":"Always"}],"containers":[{"name":"app","image":"x"}]}`
	running := `{"running":{"startedAt":"` + ago(time.Hour) + `"}}`
	cases := []struct {
		name, spec, status string
		meta               string
		ready, state       string
		restarts           any
	}{
		{"pending", oneContainer, `{"phase":"Pending"}`, "", "0/1", "Pending", int64(0)},
		{"creating", oneContainer, `{"phase":"Pending","containerStatuses":[{"name":"app","ready":false,"restartCount":0,"state":{"waiting":{"reason":"ContainerCreating"}}}]}`, "", "0/1", "ContainerCreating", int64(0)},
		{"running", oneContainer, `{"phase":"Running","containerStatuses":[{"name":"app","ready":true,"restartCount":0,"state":` + running + `}]}`, "", "1/1", "Running", int64(0)},
		{"running not ready", oneContainer, `{"phase":"Running","containerStatuses":[{"name":"app","ready":false,"restartCount":0,"state":` + running + `}]}`, "", "0/1", "Running", int64(0)},
		{"crash loop", oneContainer, `{"phase":"Running","containerStatuses":[{"name":"app","ready":false,"restartCount":5,"state":{"waiting":{"reason":"CrashLoopBackOff"}},"lastState":{"terminated":{"exitCode":1,"reason":"Error","finishedAt":"` + ago(5*time.Minute) + `"}}}]}`, "", "0/1", "CrashLoopBackOff", "5 (5m ago)"},
		{"restarts without time", oneContainer, `{"phase":"Running","containerStatuses":[{"name":"app","ready":true,"restartCount":2,"state":` + running + `}]}`, "", "1/1", "Running", int64(2)},
		{"completed", oneContainer, `{"phase":"Succeeded","containerStatuses":[{"name":"app","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}`, "", "0/1", "Completed", int64(0)},
		{"error", oneContainer, `{"phase":"Failed","containerStatuses":[{"name":"app","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":1,"reason":"Error"}}}]}`, "", "0/1", "Error", int64(0)},
		{"exit code", oneContainer, `{"phase":"Failed","containerStatuses":[{"name":"app","state":{"terminated":{"exitCode":2}}}]}`, "", "0/1", "ExitCode:2", int64(0)},
		{"signal", oneContainer, `{"phase":"Failed","containerStatuses":[{"name":"app","state":{"terminated":{"exitCode":137,"signal":9}}}]}`, "", "0/1", "Signal:9", int64(0)},
		{"evicted", oneContainer, `{"phase":"Failed","reason":"Evicted"}`, "", "0/1", "Evicted", int64(0)},
		{"terminating", oneContainer, `{"phase":"Running","containerStatuses":[{"name":"app","ready":true,"state":` + running + `}]}`, `"deletionTimestamp":"` + ago(0) + `"`, "1/1", "Terminating", int64(0)},
		{"terminating but done", oneContainer, `{"phase":"Succeeded","containerStatuses":[{"name":"app","state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}`, `"deletionTimestamp":"` + ago(0) + `"`, "0/1", "Completed", int64(0)},
		{"node lost", oneContainer, `{"phase":"Running","reason":"NodeLost"}`, `"deletionTimestamp":"` + ago(0) + `"`, "0/1", "Unknown", int64(0)},
		{"scheduling gated", oneContainer, `{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"SchedulingGated"}]}`, "", "0/1", "SchedulingGated", int64(0)},
		{"init pending", twoInit, `{"phase":"Pending","initContainerStatuses":[{"name":"i1","state":{"waiting":{"reason":"PodInitializing"}}},{"name":"i2","state":{"waiting":{"reason":"PodInitializing"}}}]}`, "", "0/1", "Init:0/2", int64(0)},
		{"init second", twoInit, `{"phase":"Pending","initContainerStatuses":[{"name":"i1","state":{"terminated":{"exitCode":0,"reason":"Completed"}}},{"name":"i2","state":` + running + `}]}`, "", "0/1", "Init:1/2", int64(0)},
		{"init crash loop", twoInit, `{"phase":"Pending","initContainerStatuses":[{"name":"i1","restartCount":3,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}`, "", "0/1", "Init:CrashLoopBackOff", int64(3)},
		{"init error", twoInit, `{"phase":"Pending","initContainerStatuses":[{"name":"i1","state":{"terminated":{"exitCode":1,"reason":"Error"}}}]}`, "", "0/1", "Init:Error", int64(0)},
		{"init exit code", twoInit, `{"phase":"Pending","initContainerStatuses":[{"name":"i1","state":{"terminated":{"exitCode":3}}}]}`, "", "0/1", "Init:ExitCode:3", int64(0)},
		{"sidecar running", sidecar, `{"phase":"Running","conditions":[{"type":"Initialized","status":"True"}],"initContainerStatuses":[{"name":"log","ready":true,"started":true,"restartCount":1,"state":` + running + `}],"containerStatuses":[{"name":"app","ready":true,"restartCount":2,"state":` + running + `}]}`, "", "2/2", "Running", int64(3)},
		{"completed with running sibling, ready", `{"containers":[{"name":"a","image":"x"},{"name":"b","image":"x"}]}`, `{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],"containerStatuses":[{"name":"a","ready":true,"state":` + running + `},{"name":"b","state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}`, "", "1/2", "Running", int64(0)},
		{"completed with running sibling, not ready", `{"containers":[{"name":"a","image":"x"},{"name":"b","image":"x"}]}`, `{"phase":"Running","containerStatuses":[{"name":"a","ready":true,"state":` + running + `},{"name":"b","state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}`, "", "1/2", "NotReady", int64(0)},
	}
	for _, c := range cases {
		cells := podCells(pod(t, c.spec, c.status, c.meta), now)
		if cells[1] != c.ready || cells[2] != c.state || cells[3] != c.restarts {
			t.Errorf("%s: READY %v STATUS %v RESTARTS %#v, want %v %v %#v", c.name, cells[1], cells[2], cells[3], c.ready, c.state, c.restarts)
		}
	}
}

func TestPodCellsWide(t *testing.T) {
	p := pod(t, `{"nodeName":"node-1","readinessGates":[{"conditionType":"a"},{"conditionType":"b"}],"containers":[{"name":"app","image":"x"}]}`,
		`{"phase":"Running","podIPs":[{"ip":"10.244.0.5"}],"podIP":"10.244.0.5","nominatedNodeName":"node-2","conditions":[{"type":"a","status":"True"},{"type":"b","status":"False"}]}`)
	want := []any{"p", "0/1", "Running", int64(0), "120m", "10.244.0.5", "node-1", "node-2", "1/2"}
	if got := podCells(p, now); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("cells %v, want %v", got, want)
	}
	bare := podCells(pod(t, oneContainer, `{}`), now)
	if fmt.Sprint(bare[5:]) != "[<none> <none> <none> <none>]" {
		t.Errorf("wide cells of a bare pod: %v", bare[5:])
	}
}

func TestPodCellsFixture(t *testing.T) {
	cells := podCells(load(t, "pod-running.json"), now)
	want := []any{"web-7d4b9c6f8d-x2k4p", "2/2", "Running", "1 (119m ago)", "120m", "10.244.1.7", "node-1", "<none>", "1/1"}
	if fmt.Sprint(cells) != fmt.Sprint(want) {
		t.Errorf("cells\n got %v\nwant %v", cells, want)
	}
}

func TestPodFields(t *testing.T) {
	k := kind(t, "pods")
	p := load(t, "pod-running.json")
	want := map[string]string{
		"spec.nodeName": "node-1", "spec.restartPolicy": "Always", "spec.schedulerName": "default-scheduler",
		"spec.serviceAccountName": "default", "spec.hostNetwork": "false", "status.phase": "Running",
		"status.podIP": "10.244.1.7", "status.nominatedNodeName": "",
	}
	for f, v := range want {
		fn := k.Fields[f]
		if fn == nil {
			t.Errorf("field %s not selectable", f)
			continue
		}
		if got := fn(p); got != v {
			t.Errorf("%s = %q, want %q", f, got, v)
		}
	}
	if len(k.Fields) != len(want) {
		t.Errorf("pods have %d fields, want %d", len(k.Fields), len(want))
	}
}

func TestPodDefault(t *testing.T) {
	p := decode(t, `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{
		"hostNetwork":true,
		"containers":[
			{"name":"a","image":"nginx","ports":[{"containerPort":80}],"resources":{"limits":{"cpu":"1"}},
			 "readinessProbe":{"httpGet":{"port":80}},"env":[{"name":"N","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}]},
			{"name":"b","image":"nginx:latest"},
			{"name":"c","image":"nginx:1.27"},
			{"name":"d","image":"localhost:5000/nginx"},
			{"name":"e","image":"nginx@sha256:abc","imagePullPolicy":"Never"}],
		"volumes":[{"name":"scratch"},{"name":"cm","configMap":{"name":"x"}},{"name":"h","hostPath":{"path":"/x"}}]}}`)
	defaultPod(p)
	spec := unstructured.NestedMap(p.Object, "spec")
	checks := map[string]any{
		"restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler",
		"terminationGracePeriodSeconds": "30", "enableServiceLinks": true, "securityContext": map[string]any{},
	}
	for k, v := range checks {
		if got := spec[k]; fmt.Sprint(got) != fmt.Sprint(v) {
			t.Errorf("spec.%s = %#v, want %v", k, got, v)
		}
	}
	cs := objects(spec, "containers")
	for i, want := range []string{"Always", "Always", "IfNotPresent", "Always", "Never"} {
		if got := str(cs[i], "imagePullPolicy"); got != want {
			t.Errorf("container %d imagePullPolicy %q, want %q", i, got, want)
		}
		if str(cs[i], "terminationMessagePath") != "/dev/termination-log" || str(cs[i], "terminationMessagePolicy") != "File" {
			t.Errorf("container %d termination message defaults missing: %v", i, cs[i])
		}
	}
	a := cs[0]
	port := objects(a, "ports")[0]
	if str(port, "protocol") != "TCP" || num(port, "hostPort") != 80 {
		t.Errorf("port defaults: %v", port)
	}
	if str(a, "resources", "requests", "cpu") != "1" {
		t.Errorf("requests not defaulted from limits: %v", a["resources"])
	}
	probe := unstructured.NestedMap(a, "readinessProbe")
	if num(probe, "periodSeconds") != 10 || num(probe, "timeoutSeconds") != 1 || num(probe, "failureThreshold") != 3 ||
		num(probe, "successThreshold") != 1 || str(probe, "httpGet", "path") != "/" || str(probe, "httpGet", "scheme") != "HTTP" {
		t.Errorf("probe defaults: %v", probe)
	}
	if _, ok := cs[1]["resources"].(map[string]any); !ok {
		t.Errorf("resources not defaulted to {}: %v", cs[1])
	}
	if str(objects(a, "env")[0], "valueFrom", "fieldRef", "apiVersion") != "v1" {
		t.Error("fieldRef apiVersion not defaulted")
	}
	vols := objects(spec, "volumes")
	if _, ok := vols[0]["emptyDir"]; !ok {
		t.Errorf("volume without source: %v", vols[0])
	}
	if num(vols[1], "configMap", "defaultMode") != 420 {
		t.Errorf("configMap defaultMode: %v", vols[1])
	}
	if v, ok := unstructured.Nested(vols[2], "hostPath", "type"); !ok || v != "" {
		t.Errorf("hostPath type: %v", vols[2])
	}

	// Defaulting is idempotent and keeps numbers as the store holds them.
	before := canonical(p.Object)
	defaultPod(p)
	if canonical(p.Object) != before {
		t.Error("second Default changed the pod")
	}
	if _, ok := spec["terminationGracePeriodSeconds"].(json.Number); !ok {
		t.Errorf("terminationGracePeriodSeconds is %T, want json.Number", spec["terminationGracePeriodSeconds"])
	}
}

func TestPodPrepareForCreateQOS(t *testing.T) {
	cases := []struct{ spec, want string }{
		{`{"containers":[{"name":"a","image":"x"}]}`, "BestEffort"},
		{`{"containers":[{"name":"a","image":"x","resources":{"requests":{"cpu":"100m"}}}]}`, "Burstable"},
		{`{"containers":[{"name":"a","image":"x","resources":{"limits":{"cpu":"1","memory":"1Gi"}}}]}`, "Guaranteed"},
		{`{"containers":[{"name":"a","image":"x","resources":{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"1000m","memory":"1024Mi"}}}]}`, "Guaranteed"},
		{`{"containers":[{"name":"a","image":"x","resources":{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"500m","memory":"1Gi"}}}]}`, "Burstable"},
		{`{"containers":[{"name":"a","image":"x","resources":{"limits":{"cpu":"1","memory":"1Gi"}}},{"name":"b","image":"x"}]}`, "Burstable"},
		{`{"containers":[{"name":"a","image":"x","resources":{"limits":{"cpu":"1"}}}]}`, "Burstable"},
		{`{"containers":[{"name":"a","image":"x","resources":{"requests":{"cpu":"0"}}}]}`, "BestEffort"},
	}
	for _, c := range cases {
		p := pod(t, c.spec, `{"phase":"Running","podIP":"1.2.3.4"}`)
		defaultPod(p)
		preparePodForCreate(p)
		st := unstructured.NestedMap(p.Object, "status")
		if st["qosClass"] != c.want || st["phase"] != "Pending" || len(st) != 2 {
			t.Errorf("%s: status %v, want Pending %s", c.spec, st, c.want)
		}
	}
}

func TestPodValidate(t *testing.T) {
	good := `{"containers":[{"name":"a","image":"x","ports":[{"containerPort":80,"name":"http"}],"volumeMounts":[{"name":"v","mountPath":"/v"}]}],"volumes":[{"name":"v","emptyDir":{}}]}`
	cases := []struct {
		name, spec string
		want       []string
	}{
		{"valid", good, nil},
		{"no containers", `{"containers":[]}`, []string{"FieldValueRequired spec.containers"}},
		{"image required", `{"containers":[{"name":"a"}]}`, []string{"FieldValueRequired spec.containers[0].image"}},
		{"bad name", `{"containers":[{"name":"A_b","image":"x"}]}`, []string{"FieldValueInvalid spec.containers[0].name"}},
		{"name required", `{"containers":[{"image":"x"}]}`, []string{"FieldValueRequired spec.containers[0].name"}},
		{"duplicate names", `{"initContainers":[{"name":"a","image":"x"}],"containers":[{"name":"b","image":"x"},{"name":"a","image":"x"}]}`, []string{"FieldValueDuplicate spec.containers[1].name"}},
		{"restart policy", `{"restartPolicy":"Sometimes","containers":[{"name":"a","image":"x"}]}`, []string{"FieldValueNotSupported spec.restartPolicy"}},
		{"dns policy", `{"dnsPolicy":"Google","containers":[{"name":"a","image":"x"}]}`, []string{"FieldValueNotSupported spec.dnsPolicy"}},
		{"pull policy", `{"containers":[{"name":"a","image":"x","imagePullPolicy":"Maybe"}]}`, []string{"FieldValueNotSupported spec.containers[0].imagePullPolicy"}},
		{"ports", `{"containers":[{"name":"a","image":"x","ports":[{"containerPort":0},{"containerPort":70000,"hostPort":-1},{"containerPort":53,"protocol":"ICMP"}]}]}`,
			[]string{"FieldValueInvalid spec.containers[0].ports[0].containerPort", "FieldValueInvalid spec.containers[0].ports[1].containerPort",
				"FieldValueInvalid spec.containers[0].ports[1].hostPort", "FieldValueNotSupported spec.containers[0].ports[2].protocol"}},
		{"grace period", `{"terminationGracePeriodSeconds":-1,"containers":[{"name":"a","image":"x"}]}`, []string{"FieldValueInvalid spec.terminationGracePeriodSeconds"}},
		{"volume names", `{"containers":[{"name":"a","image":"x"}],"volumes":[{"name":"v","emptyDir":{}},{"name":"v","emptyDir":{}},{"name":"","emptyDir":{}}]}`,
			[]string{"FieldValueDuplicate spec.volumes[1].name", "FieldValueRequired spec.volumes[2].name"}},
		{"mount of unknown volume", `{"containers":[{"name":"a","image":"x","volumeMounts":[{"name":"nope","mountPath":"/x"}]}]}`, []string{"FieldValueNotFound spec.containers[0].volumeMounts[0].name"}},
		{"requests over limits", `{"containers":[{"name":"a","image":"x","resources":{"requests":{"cpu":"2"},"limits":{"cpu":"1"}}}]}`, []string{"FieldValueInvalid spec.containers[0].resources.requests[cpu]"}},
		{"bad quantity", `{"containers":[{"name":"a","image":"x","resources":{"limits":{"memory":"lots"}}}]}`, []string{"FieldValueInvalid spec.containers[0].resources.limits[memory]", "FieldValueInvalid spec.containers[0].resources.requests[memory]"}},
		{"init restart policy", `{"initContainers":[{"name":"i","image":"x","restartPolicy":"Never"}],"containers":[{"name":"a","image":"x"}]}`, []string{"FieldValueNotSupported spec.initContainers[0].restartPolicy"}},
		{"node selector", `{"nodeSelector":{"bad key!":"v"},"containers":[{"name":"a","image":"x"}]}`, []string{"FieldValueInvalid spec.nodeSelector"}},
		{"toleration", `{"tolerations":[{"key":"k","operator":"Maybe"},{"operator":"Exists","effect":"Sometimes"}],"containers":[{"name":"a","image":"x"}]}`,
			[]string{"FieldValueNotSupported spec.tolerations[0].operator", "FieldValueNotSupported spec.tolerations[1].effect"}},
		{"wrong JSON type", `{"containers":"nope"}`, []string{"FieldValueInvalid "}},
	}
	for _, c := range cases {
		p := pod(t, c.spec, `{}`)
		defaultPod(p)
		checkErrs(t, c.name, validatePod(p), c.want...)
	}
}

func TestPodValidateUpdate(t *testing.T) {
	base := func() *unstructured.Unstructured {
		p := pod(t, `{"activeDeadlineSeconds":100,"tolerations":[{"key":"k","operator":"Exists","effect":"NoExecute","tolerationSeconds":60}],
			"initContainers":[{"name":"i","image":"busybox:1"}],"containers":[{"name":"a","image":"nginx:1"}]}`, `{}`)
		defaultPod(p)
		return p
	}
	cases := []struct {
		name   string
		old    func() *unstructured.Unstructured
		change func(p *unstructured.Unstructured)
		want   []string
	}{
		{"nothing", base, func(*unstructured.Unstructured) {}, nil},
		{"images", base, func(p *unstructured.Unstructured) {
			objects(p.Object, "spec", "containers")[0]["image"] = "nginx:2"
			objects(p.Object, "spec", "initContainers")[0]["image"] = "busybox:2"
		}, nil},
		{"lower deadline", base, func(p *unstructured.Unstructured) { set(p, "spec.activeDeadlineSeconds", number(50)) }, nil},
		{"raise deadline", base, func(p *unstructured.Unstructured) { set(p, "spec.activeDeadlineSeconds", number(200)) },
			[]string{"FieldValueInvalid spec.activeDeadlineSeconds"}},
		{"drop deadline", base, func(p *unstructured.Unstructured) {
			unstructured.RemoveNested(p.Object, "spec", "activeDeadlineSeconds")
		},
			[]string{"FieldValueInvalid spec.activeDeadlineSeconds"}},
		{"add toleration", base, func(p *unstructured.Unstructured) {
			s := child(p.Object, "spec")
			s["tolerations"] = append(s["tolerations"].([]any), map[string]any{"key": "new", "operator": "Exists"})
		}, nil},
		{"change toleration seconds", base, func(p *unstructured.Unstructured) {
			objects(p.Object, "spec", "tolerations")[0]["tolerationSeconds"] = number(30)
		}, nil},
		{"remove toleration", base, func(p *unstructured.Unstructured) { set(p, "spec.tolerations", []any{}) },
			[]string{"FieldValueForbidden spec.tolerations"}},
		{"bind by update", base, func(p *unstructured.Unstructured) { set(p, "spec.nodeName", "node-1") }, nil},
		{"move to another node", func() *unstructured.Unstructured { return set(base(), "spec.nodeName", "node-1") },
			func(p *unstructured.Unstructured) { set(p, "spec.nodeName", "node-2") }, []string{"FieldValueForbidden spec"}},
		{"restart policy", base, func(p *unstructured.Unstructured) { set(p, "spec.restartPolicy", "Never") },
			[]string{"FieldValueForbidden spec"}},
		{"add container", base, func(p *unstructured.Unstructured) {
			s := child(p.Object, "spec")
			s["containers"] = append(s["containers"].([]any), map[string]any{"name": "b", "image": "x"})
		}, []string{"FieldValueForbidden spec"}},
	}
	for _, c := range cases {
		old := c.old()
		p := old.DeepCopy()
		c.change(p)
		errs := validatePodUpdate(p, old)
		checkErrs(t, c.name, errs, c.want...)
		if len(c.want) == 1 && c.want[0] == "FieldValueForbidden spec" && errs[0].Detail != podUpdateForbidden {
			t.Errorf("%s: detail %q", c.name, errs[0].Detail)
		}
	}
	if !strings.HasPrefix(podUpdateForbidden, "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,") {
		t.Error("message drifted")
	}
}

func TestPodGracefulDelete(t *testing.T) {
	i64 := func(v int64) *int64 { return &v }
	bound := `{"nodeName":"n","containers":[{"name":"a","image":"x"}]}`
	withGrace := `{"nodeName":"n","terminationGracePeriodSeconds":45,"containers":[{"name":"a","image":"x"}]}`
	cases := []struct {
		name, spec, status string
		requested          *int64
		grace              int64
		graceful           bool
	}{
		{"unscheduled", oneContainer, `{"phase":"Pending"}`, nil, 0, false},
		{"succeeded", bound, `{"phase":"Succeeded"}`, nil, 0, false},
		{"failed", bound, `{"phase":"Failed"}`, i64(10), 0, false},
		{"requested zero", withGrace, `{"phase":"Running"}`, i64(0), 0, false},
		{"requested", withGrace, `{"phase":"Running"}`, i64(5), 5, true},
		{"spec grace", withGrace, `{"phase":"Running"}`, nil, 45, true},
		{"default grace", bound, `{"phase":"Running"}`, nil, 30, true},
		{"negative", bound, `{"phase":"Running"}`, i64(-3), 1, true},
		{"spec zero", `{"nodeName":"n","terminationGracePeriodSeconds":0,"containers":[]}`, `{"phase":"Running"}`, nil, 0, false},
	}
	for _, c := range cases {
		grace, graceful := podGracefulDelete(pod(t, c.spec, c.status), c.requested)
		if grace != c.grace || graceful != c.graceful {
			t.Errorf("%s: (%d, %v), want (%d, %v)", c.name, grace, graceful, c.grace, c.graceful)
		}
	}
}

func TestPodBinding(t *testing.T) {
	sub := kind(t, "pods").Subresource("binding")
	if sub == nil || sub.Create == nil || sub.Kind != "Binding" {
		t.Fatalf("binding subresource: %+v", sub)
	}
	binding := func(target string) *unstructured.Unstructured {
		return decode(t, `{"apiVersion":"v1","kind":"Binding","metadata":{"name":"p","annotations":{"a":"b"}},"target":`+target+`}`)
	}
	p := pod(t, oneContainer, `{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"Unschedulable","lastProbeTime":null,"lastTransitionTime":"`+created+`"}]}`, `"uid":"u1"`)
	if err := sub.Create(p, binding(`{"kind":"Node","name":"node-1"}`)); err != nil {
		t.Fatal(err)
	}
	if got := str(p.Object, "spec", "nodeName"); got != "node-1" {
		t.Errorf("nodeName %q", got)
	}
	if p.Annotations()["a"] != "b" {
		t.Error("binding annotations not merged")
	}
	conds := objects(p.Object, "status", "conditions")
	if len(conds) != 1 || str(conds[0], "status") != "True" || str(conds[0], "reason") != "" || str(conds[0], "lastTransitionTime") == created {
		t.Errorf("PodScheduled condition: %v", conds)
	}
	var typed corev1.Pod
	if err := p.Into(&typed); err != nil || !typed.IsScheduled() {
		t.Errorf("bound pod does not decode as scheduled: %v", err)
	}

	err := sub.Create(p, binding(`{"name":"node-2"}`))
	if !apierrors.IsConflict(err) || !strings.Contains(err.Error(), `pod p is already assigned to node "node-1"`) {
		t.Errorf("second binding: %v", err)
	}
	fresh := pod(t, oneContainer, `{}`, `"uid":"u1"`)
	err = sub.Create(fresh, binding(`{"kind":"Node"}`))
	if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "target.name: Required value") {
		t.Errorf("binding without target.name: %v", err)
	}
	err = sub.Create(fresh, binding(`{"kind":"Pod","name":"x"}`))
	if !apierrors.IsInvalid(err) {
		t.Errorf("binding to a Pod: %v", err)
	}
	err = sub.Create(fresh, decode(t, `{"metadata":{"name":"p","uid":"other"},"target":{"name":"n"}}`))
	if !apierrors.IsConflict(err) {
		t.Errorf("binding with a stale uid: %v", err)
	}
	err = sub.Create(fresh, decode(t, `{"metadata":{"name":"q"},"target":{"name":"n"}}`))
	if !apierrors.IsBadRequest(err) {
		t.Errorf("binding of another name: %v", err)
	}
	gone := pod(t, oneContainer, `{}`, `"deletionTimestamp":"`+created+`"`)
	if err := sub.Create(gone, binding(`{"name":"n"}`)); !apierrors.IsConflict(err) {
		t.Errorf("binding a deleted pod: %v", err)
	}
	if str(fresh.Object, "spec", "nodeName") != "" {
		t.Error("failed bindings changed the pod")
	}
}
