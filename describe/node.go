package describe

import (
	"fmt"
	"slices"
	"strings"

	"kctl.dev/kctl/api/coordinationv1"
	"kctl.dev/kctl/api/corev1"
)

// nodeRoleLabel is the older label naming a node's role by value.
const nodeRoleLabel = "kubernetes.io/role"

// node writes a node's description. pods are its non-terminated pods.
func (s *sheet) node(n *corev1.Node, in *Input) {
	s.put(0, "Name:\t%s\n", n.Name)
	s.put(0, "Roles:\t%s\n", nodeRoles(n.Labels))
	s.labelLines("", "Labels", n.Labels)
	s.annotationLines("", "Annotations", n.Annotations)
	s.put(0, "CreationTimestamp:\t%s\n", s.when(n.CreationTimestamp.Time))
	s.taints(n.Spec.Taints)
	s.put(0, "Unschedulable:\t%t\n", n.Spec.Unschedulable)
	switch {
	case in.LeaseErr != nil:
		s.put(0, "Lease:\tFailed to get lease: %v\n", in.LeaseErr)
	case in.Lease != nil:
		s.lease(in.Lease)
	}
	if len(n.Status.Conditions) > 0 {
		s.put(0, "Conditions:\n")
		s.put(1, "Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
		s.put(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
		for _, c := range n.Status.Conditions {
			s.put(1, "%s \t%s \t%s \t%s \t%s \t%s\n", c.Type, c.Status,
				s.when(c.LastHeartbeatTime.Time), s.when(c.LastTransitionTime.Time), c.Reason, c.Message)
		}
	}
	s.put(0, "Addresses:\n")
	for _, a := range n.Status.Addresses {
		s.put(1, "%s:\t%s\n", a.Type, a.Address)
	}
	for _, rl := range []struct {
		title string
		list  corev1.ResourceList
	}{{"Capacity", n.Status.Capacity}, {"Allocatable", n.Status.Allocatable}} {
		if len(rl.list) == 0 {
			continue
		}
		s.put(0, "%s:\n", rl.title)
		for _, name := range sortedKeys(rl.list) {
			s.put(1, "%s:\t%s\n", name, canonicalQuantity(rl.list[name]))
		}
	}
	info := n.Status.NodeInfo
	s.put(0, "System Info:\n")
	for _, kv := range [][2]string{
		{"Machine ID", info.MachineID},
		{"System UUID", info.SystemUUID},
		{"Boot ID", info.BootID},
		{"Kernel Version", info.KernelVersion},
		{"OS Image", info.OSImage},
		{"Operating System", info.OperatingSystem},
		{"Architecture", info.Architecture},
		{"Container Runtime Version", info.ContainerRuntimeVersion},
		{"Kubelet Version", info.KubeletVersion},
		{"Kube-Proxy Version", info.KubeProxyVersion},
	} {
		s.put(1, "%s:\t%s\n", kv[0], kv[1])
	}
	if n.Spec.PodCIDR != "" {
		s.put(0, "PodCIDR:\t%s\n", n.Spec.PodCIDR)
	}
	if len(n.Spec.PodCIDRs) > 0 {
		s.put(0, "PodCIDRs:\t%s\n", strings.Join(n.Spec.PodCIDRs, ","))
	}
	if n.Spec.ProviderID != "" {
		s.put(0, "ProviderID:\t%s\n", n.Spec.ProviderID)
	}
	if in.NodePodsErr != nil {
		s.put(0, "Non-terminated Pods:\tFailed to list pods: %v\n", in.NodePodsErr)
		return
	}
	s.nodePods(n, in.NodePods)
}

// nodeRoles lists the roles the node's labels give it, sorted, or <none>.
func nodeRoles(labels map[string]string) string {
	var roles []string
	for k, v := range labels {
		switch {
		case strings.HasPrefix(k, corev1.LabelNodeRolePrefix):
			if r := strings.TrimPrefix(k, corev1.LabelNodeRolePrefix); r != "" {
				roles = append(roles, r)
			}
		case k == nodeRoleLabel && v != "":
			roles = append(roles, v)
		}
	}
	if len(roles) == 0 {
		return "<none>"
	}
	slices.Sort(roles)
	return strings.Join(slices.Compact(roles), ",")
}

// taints writes "Taints:", sorted by effect then key.
func (s *sheet) taints(ts []corev1.Taint) {
	s.raw("Taints:\t")
	if len(ts) == 0 {
		s.raw("<none>\n")
		return
	}
	sorted := slices.Clone(ts)
	slices.SortStableFunc(sorted, func(a, b corev1.Taint) int {
		return strings.Compare(a.Effect+","+a.Key, b.Effect+","+b.Key)
	})
	for i, t := range sorted {
		if i > 0 {
			s.raw("\t")
		}
		if t.Value != "" {
			s.raw(fmt.Sprintf("%s=%s:%s\n", t.Key, t.Value, t.Effect))
		} else {
			s.raw(fmt.Sprintf("%s:%s\n", t.Key, t.Effect))
		}
	}
}

// lease writes the node's heartbeat lease.
func (s *sheet) lease(l *coordinationv1.Lease) {
	s.put(0, "Lease:\n")
	holder := "<unset>"
	if l.Spec.HolderIdentity != nil {
		holder = *l.Spec.HolderIdentity
	}
	s.put(1, "HolderIdentity:\t%s\n", holder)
	acquire, renew := "<unset>", "<unset>"
	if l.Spec.AcquireTime != nil {
		acquire = s.when(l.Spec.AcquireTime.Time)
	}
	if l.Spec.RenewTime != nil {
		renew = s.when(l.Spec.RenewTime.Time)
	}
	s.put(1, "AcquireTime:\t%s\n", acquire)
	s.put(1, "RenewTime:\t%s\n", renew)
}

// nodePods writes the Non-terminated Pods table and the Allocated
// resources summary, percentages of the node's allocatable resources.
func (s *sheet) nodePods(n *corev1.Node, pods []corev1.Pod) {
	alloc := n.Status.Allocatable
	if len(alloc) == 0 {
		alloc = n.Status.Capacity
	}
	allocOf := func(name string) quantity {
		if q, ok := parseQuantity(alloc[name]); ok {
			return q
		}
		return zeroQuantity()
	}
	pct := func(q quantity, name string) int64 {
		total := allocOf(name).milli()
		if total == 0 {
			return 0
		}
		return int64(float64(q.milli()) / float64(total) * 100)
	}
	cell := func(q quantity, name string) string { return fmt.Sprintf("%s (%d%%)", q, pct(q, name)) }

	s.put(0, "Non-terminated Pods:\t(%d in total)\n", len(pods))
	s.put(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
	s.put(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
	totalReq, totalLim := map[string]quantity{}, map[string]quantity{}
	for i := range pods {
		p := &pods[i]
		req, lim := podResources(p)
		for k, v := range req {
			totalReq[k] = totalReq[k].add(v)
		}
		for k, v := range lim {
			totalLim[k] = totalLim[k].add(v)
		}
		s.put(1, "%s\t%s\t\t%s\t%s\t%s\t%s\t%s\n", p.Namespace, p.Name,
			cell(orZero(req["cpu"]), "cpu"), cell(orZero(lim["cpu"]), "cpu"),
			cell(orZero(req["memory"]), "memory"), cell(orZero(lim["memory"]), "memory"),
			s.since(p.CreationTimestamp.Time))
	}
	s.put(0, "Allocated resources:\n")
	s.put(1, "(Total limits may be over 100 percent, i.e., overcommitted.)\n")
	s.put(1, "Resource\tRequests\tLimits\n")
	s.put(1, "--------\t--------\t------\n")
	for _, name := range []string{"cpu", "memory", "ephemeral-storage"} {
		s.put(1, "%s\t%s\t%s\n", name, cell(orZero(totalReq[name]), name), cell(orZero(totalLim[name]), name))
	}
	// Extended resources (hugepages, devices) that the node offers.
	for _, name := range sortedKeys(alloc) {
		if name == "cpu" || name == "memory" || name == "ephemeral-storage" || name == "pods" || !isExtendedResource(name) {
			continue
		}
		s.put(1, "%s\t%s\t%s\n", name, orZero(totalReq[name]), orZero(totalLim[name]))
	}
}

// isExtendedResource reports the resources beyond cpu, memory and storage
// that describe lists: hugepages and vendor-domain resources.
func isExtendedResource(name string) bool {
	return strings.HasPrefix(name, "hugepages-") || strings.Contains(name, "/")
}

func orZero(q quantity) quantity {
	if q.v == nil {
		return zeroQuantity()
	}
	return q
}

// podResources returns a pod's effective requests and limits: the sum over
// its containers (with restartable init containers, sidecars), raised to the
// largest regular init container's where that is bigger, plus the pod
// overhead.
func podResources(p *corev1.Pod) (req, lim map[string]quantity) {
	sum := func(which func(*corev1.Container) corev1.ResourceList) map[string]quantity {
		out := map[string]quantity{}
		addAll := func(dst map[string]quantity, rl corev1.ResourceList) {
			for k, v := range rl {
				if q, ok := parseQuantity(v); ok {
					dst[k] = dst[k].add(q)
				}
			}
		}
		for i := range p.Spec.Containers {
			addAll(out, which(&p.Spec.Containers[i]))
		}
		sidecars := map[string]quantity{}
		for i := range p.Spec.InitContainers {
			c := &p.Spec.InitContainers[i]
			if c.RestartPolicy != nil && *c.RestartPolicy == "Always" {
				addAll(out, which(c))
				addAll(sidecars, which(c))
				continue
			}
			// A regular init container runs alone, after the sidecars
			// started before it.
			alone := map[string]quantity{}
			addAll(alone, which(c))
			for k, v := range sidecars {
				alone[k] = alone[k].add(v)
			}
			for k, v := range alone {
				if cur, ok := out[k]; !ok || v.v.Cmp(cur.v) > 0 {
					out[k] = v
				}
			}
		}
		for k, v := range p.Spec.Overhead {
			if q, ok := parseQuantity(v); ok {
				if _, ok := out[k]; ok {
					out[k] = out[k].add(q)
				}
			}
		}
		return out
	}
	return sum(func(c *corev1.Container) corev1.ResourceList { return c.Resources.Requests }),
		sum(func(c *corev1.Container) corev1.ResourceList { return c.Resources.Limits })
}
