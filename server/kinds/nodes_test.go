package kinds

import (
	"fmt"
	"testing"
)

func TestNodeCells(t *testing.T) {
	node := func(meta, spec, status string) []any {
		return nodeCells(decode(t, `{"kind":"Node","metadata":{"name":"n","creationTimestamp":"`+created+`"`+meta+`},"spec":`+spec+`,"status":`+status+`}`), now)
	}
	ready := `{"conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}]}`
	cases := []struct {
		name, meta, spec, status string
		state, roles             string
	}{
		{"ready", "", `{}`, ready, "Ready", "<none>"},
		{"not ready", "", `{}`, `{"conditions":[{"type":"Ready","status":"False"}]}`, "NotReady", "<none>"},
		{"ready unknown", "", `{}`, `{"conditions":[{"type":"Ready","status":"Unknown"}]}`, "NotReady", "<none>"},
		{"no condition", "", `{}`, `{}`, "Unknown", "<none>"},
		{"cordoned", "", `{"unschedulable":true}`, ready, "Ready,SchedulingDisabled", "<none>"},
		{"cordoned unknown", "", `{"unschedulable":true}`, `{}`, "Unknown,SchedulingDisabled", "<none>"},
		{"roles", `,"labels":{"node-role.kubernetes.io/control-plane":"","node-role.kubernetes.io/etcd":"true","node-role.kubernetes.io/":"","kubernetes.io/role":"worker","other":"x"}`,
			`{}`, ready, "Ready", "control-plane,etcd,worker"},
	}
	for _, c := range cases {
		cells := node(c.meta, c.spec, c.status)
		if cells[1] != c.state || cells[2] != c.roles {
			t.Errorf("%s: STATUS %v ROLES %v, want %v %v", c.name, cells[1], cells[2], c.state, c.roles)
		}
	}
	wide := node("", `{}`, `{"addresses":[{"type":"Hostname","address":"n"},{"type":"InternalIP","address":"10.0.0.1"},{"type":"InternalIP","address":"10.0.0.2"}],
		"nodeInfo":{"kubeletVersion":"v1.32.2","osImage":"Debian","kernelVersion":"6.8","containerRuntimeVersion":"containerd://1.7"}}`)
	want := "[n Unknown <none> 120m v1.32.2 10.0.0.1 <none> Debian 6.8 containerd://1.7]"
	if fmt.Sprint(wide) != want {
		t.Errorf("wide cells %v, want %s", wide, want)
	}
	bare := node("", `{}`, `{}`)
	if fmt.Sprint(bare[7:]) != "[<unknown> <unknown> <unknown>]" {
		t.Errorf("bare node info cells %v", bare[7:])
	}
}

func TestNodeFieldsAndDefault(t *testing.T) {
	k := kind(t, "nodes")
	n := decode(t, `{"kind":"Node","metadata":{"name":"n"},"spec":{"unschedulable":true},"status":{"capacity":{"cpu":"4","pods":"110"}}}`)
	if got := k.Fields["spec.unschedulable"](n); got != "true" {
		t.Errorf("spec.unschedulable = %q", got)
	}
	if got := k.Fields["spec.unschedulable"](decode(t, `{"metadata":{"name":"n"}}`)); got != "false" {
		t.Errorf("spec.unschedulable of a bare node = %q", got)
	}
	k.Default(n)
	if str(n.Object, "status", "allocatable", "cpu") != "4" {
		t.Errorf("allocatable not defaulted: %v", n.Object["status"])
	}
	n.Object["status"].(map[string]any)["allocatable"] = map[string]any{"cpu": "3"}
	k.Default(n)
	if str(n.Object, "status", "allocatable", "cpu") != "3" {
		t.Error("reported allocatable overwritten")
	}
}
