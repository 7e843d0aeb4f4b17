package kinds

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/server/registry"
)

func nodes() *registry.Kind {
	return &registry.Kind{
		Version:      "v1",
		Resource:     "nodes",
		Kind:         "Node",
		ShortNames:   []string{"no"},
		Subresources: []registry.Subresource{statusSubresource("Node")},
		Fields: map[string]registry.FieldFunc{
			"spec.unschedulable": func(o *unstructured.Unstructured) string {
				v, _ := unstructured.Nested(o.Object, "spec", "unschedulable")
				b, _ := v.(bool)
				return strconv.FormatBool(b)
			},
		},
		Columns: []meta.TableColumnDefinition{
			nameColumn(),
			column("Status", "string", 0, "The status of the node"),
			column("Roles", "string", 0, "The roles of the node"),
			ageColumn(),
			column("Version", "string", 0, "Kubelet Version reported by the node."),
			column("Internal-IP", "string", 1, "List of addresses reachable to the node. Queried from cloud provider, if available."),
			column("External-IP", "string", 1, "List of addresses reachable to the node. Queried from cloud provider, if available."),
			column("OS-Image", "string", 1, "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
			column("Kernel-Version", "string", 1, "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
			column("Container-Runtime", "string", 1, "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2)."),
		},
		Cells:   nodeCells,
		Default: defaultNode,
		Status:  true,
	}
}

func nodeCells(obj *unstructured.Unstructured, now time.Time) []any {
	o := obj.Object
	status := "Unknown"
	for _, c := range objects(o, "status", "conditions") {
		if str(c, "type") != corev1.NodeReady {
			continue
		}
		if str(c, "status") == corev1.ConditionTrue {
			status = "Ready"
		} else {
			status = "NotReady"
		}
	}
	if v, _ := unstructured.Nested(o, "spec", "unschedulable"); v == true {
		status += ",SchedulingDisabled"
	}
	info := unstructured.NestedMap(o, "status", "nodeInfo")
	return []any{
		obj.Name(),
		status,
		nodeRoles(obj.Labels()),
		age(obj, now),
		str(info, "kubeletVersion"),
		nodeAddress(o, corev1.NodeInternalIP),
		nodeAddress(o, corev1.NodeExternalIP),
		orUnknown(str(info, "osImage")),
		orUnknown(str(info, "kernelVersion")),
		orUnknown(str(info, "containerRuntimeVersion")),
	}
}

// nodeRoles lists the roles named by node-role.kubernetes.io/ROLE labels and the
// kubernetes.io/role label, sorted, or "<none>".
func nodeRoles(labels map[string]string) string {
	set := map[string]bool{}
	for k, v := range labels {
		switch {
		case strings.HasPrefix(k, corev1.LabelNodeRolePrefix):
			if role := strings.TrimPrefix(k, corev1.LabelNodeRolePrefix); role != "" {
				set[role] = true
			}
		case k == "kubernetes.io/role" && v != "":
			set[v] = true
		}
	}
	if len(set) == 0 {
		return "<none>"
	}
	roles := make([]string, 0, len(set))
	for r := range set {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	return strings.Join(roles, ",")
}

// nodeAddress is the node's first address of type t, or "<none>".
func nodeAddress(o map[string]any, t string) string {
	for _, a := range objects(o, "status", "addresses") {
		if str(a, "type") == t {
			return str(a, "address")
		}
	}
	return "<none>"
}

func orUnknown(s string) string {
	if s == "" {
		return "<unknown>"
	}
	return s
}

// defaultNode makes allocatable the capacity when the node reports none.
func defaultNode(obj *unstructured.Unstructured) {
	status := unstructured.NestedMap(obj.Object, "status")
	if capacity, ok := status["capacity"].(map[string]any); ok && !has(status, "allocatable") {
		status["allocatable"] = unstructured.DeepCopyMap(capacity)
	}
}
