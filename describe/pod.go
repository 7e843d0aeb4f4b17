package describe

import (
	"fmt"
	"math/big"
	"net"
	"net/url"
	"slices"
	"strings"

	"kctl.dev/kctl/api/corev1"
)

// pod writes a pod's description.
func (s *sheet) pod(p *corev1.Pod) {
	s.put(0, "Name:\t%s\n", p.Name)
	s.put(0, "Namespace:\t%s\n", p.Namespace)
	if p.Spec.Priority != nil {
		s.put(0, "Priority:\t%d\n", *p.Spec.Priority)
	}
	if p.Spec.PriorityClassName != "" {
		s.put(0, "Priority Class Name:\t%s\n", p.Spec.PriorityClassName)
	}
	if rc := p.Spec.RuntimeClassName; rc != nil && *rc != "" {
		s.put(0, "Runtime Class Name:\t%s\n", *rc)
	}
	if p.Spec.ServiceAccountName != "" {
		s.put(0, "Service Account:\t%s\n", p.Spec.ServiceAccountName)
	}
	if p.Spec.NodeName == "" {
		s.put(0, "Node:\t<none>\n")
	} else {
		s.put(0, "Node:\t%s/%s\n", p.Spec.NodeName, p.Status.HostIP)
	}
	if p.Status.StartTime != nil && !p.Status.StartTime.IsZero() {
		s.put(0, "Start Time:\t%s\n", s.when(p.Status.StartTime.Time))
	}
	s.labelLines("", "Labels", p.Labels)
	s.annotationLines("", "Annotations", p.Annotations)
	if p.DeletionTimestamp != nil && !p.DeletionTimestamp.IsZero() {
		s.put(0, "Status:\tTerminating (lasts %s)\n", s.since(p.DeletionTimestamp.Time))
		if p.DeletionGracePeriodSeconds != nil {
			s.put(0, "Termination Grace Period:\t%ds\n", *p.DeletionGracePeriodSeconds)
		}
	} else {
		s.put(0, "Status:\t%s\n", p.Status.Phase)
	}
	if p.Status.Reason != "" {
		s.put(0, "Reason:\t%s\n", p.Status.Reason)
	}
	if p.Status.Message != "" {
		s.put(0, "Message:\t%s\n", p.Status.Message)
	}
	if sc := p.Spec.SecurityContext; sc != nil && sc.SeccompProfile != nil {
		s.put(0, "SeccompProfile:\t%s\n", sc.SeccompProfile.Type)
		if sc.SeccompProfile.LocalhostProfile != nil {
			s.put(0, "LocalhostProfile:\t%s\n", *sc.SeccompProfile.LocalhostProfile)
		}
	}
	s.put(0, "IP:\t%s\n", p.Status.PodIP)
	if len(p.Status.PodIPs) == 0 {
		s.put(0, "IPs:\t<none>\n")
	} else {
		s.put(0, "IPs:\n")
		for _, ip := range p.Status.PodIPs {
			s.put(1, "IP:\t%s\n", ip.IP)
		}
	}
	if c := controllerOf(&p.ObjectMeta); c != "" {
		s.put(0, "Controlled By:\t%s\n", c)
	}
	if p.Status.NominatedNodeName != "" {
		s.put(0, "NominatedNodeName:\t%s\n", p.Status.NominatedNodeName)
	}
	if len(p.Spec.InitContainers) > 0 {
		s.containers("", "Init Containers", p.Spec.InitContainers, p.Status.InitContainerStatuses, p)
	}
	s.containers("", "Containers", p.Spec.Containers, p.Status.ContainerStatuses, p)
	if len(p.Spec.EphemeralContainers) > 0 {
		eph := make([]corev1.Container, len(p.Spec.EphemeralContainers))
		for i, e := range p.Spec.EphemeralContainers {
			eph[i] = e.Container
		}
		s.containers("", "Ephemeral Containers", eph, p.Status.EphemeralContainerStatuses, p)
	}
	if len(p.Spec.ReadinessGates) > 0 {
		s.put(0, "Readiness Gates:\n")
		s.put(1, "Type\tStatus\n")
		for _, g := range p.Spec.ReadinessGates {
			status := "<none>"
			if c := p.Status.Condition(g.ConditionType); c != nil {
				status = c.Status
			}
			s.put(1, "%s \t%s \n", g.ConditionType, status)
		}
	}
	if len(p.Status.Conditions) > 0 {
		s.put(0, "Conditions:\n")
		s.put(1, "Type\tStatus\n")
		for _, c := range p.Status.Conditions {
			s.put(1, "%s \t%s \n", c.Type, c.Status)
		}
	}
	s.volumes("", p.Spec.Volumes)
	qos := p.Status.QOSClass
	if qos == "" {
		qos = qosClass(&p.Spec)
	}
	s.put(0, "QoS Class:\t%s\n", qos)
	s.labelLines("", "Node-Selectors", p.Spec.NodeSelector)
	s.tolerations("", p.Spec.Tolerations)
	s.spreadConstraints(p.Spec.TopologySpreadConstraints)
}

// containers writes a section of containers. prefix is "" for a pod and
// "  " for a pod template, whose container names also get one more space.
func (s *sheet) containers(prefix, title string, containers []corev1.Container, statuses []corev1.ContainerStatus, p *corev1.Pod) {
	s.raw(prefix + title + ":\n")
	nameIndent := ""
	if prefix != "" {
		nameIndent = " "
	}
	for i := range containers {
		c := &containers[i]
		var st *corev1.ContainerStatus
		for j := range statuses {
			if statuses[j].Name == c.Name {
				st = &statuses[j]
				break
			}
		}
		s.put(1, "%s%s:\n", nameIndent, c.Name)
		if st != nil {
			s.put(2, "Container ID:\t%s\n", st.ContainerID)
		}
		s.put(2, "Image:\t%s\n", c.Image)
		if st != nil {
			s.put(2, "Image ID:\t%s\n", st.ImageID)
		}
		ports, hostPorts := containerPorts(c.Ports)
		if len(c.Ports) > 1 {
			s.put(2, "Ports:\t%s\n", ports)
			s.put(2, "Host Ports:\t%s\n", hostPorts)
		} else {
			s.put(2, "Port:\t%s\n", orNone(ports))
			s.put(2, "Host Port:\t%s\n", orNone(hostPorts))
		}
		if sc := c.SecurityContext; sc != nil && sc.SeccompProfile != nil {
			s.put(2, "SeccompProfile:\t%s\n", sc.SeccompProfile.Type)
		}
		s.words("Command", c.Command)
		s.words("Args", c.Args)
		if st != nil {
			s.containerState("State", st.State)
			if st.LastTerminationState.Terminated != nil {
				s.containerState("Last State", st.LastTerminationState)
			}
			s.put(2, "Ready:\t%s\n", boolWord(st.Ready))
			s.put(2, "Restart Count:\t%d\n", st.RestartCount)
		}
		s.resourceList("Limits", c.Resources.Limits)
		s.resourceList("Requests", c.Resources.Requests)
		for _, pr := range []struct {
			name  string
			probe *corev1.Probe
		}{{"Liveness", c.LivenessProbe}, {"Readiness", c.ReadinessProbe}, {"Startup", c.StartupProbe}} {
			if pr.probe != nil {
				s.put(2, "%s:\t%s\n", pr.name, probeText(pr.probe))
			}
		}
		s.envFrom(c.EnvFrom)
		s.env(c, p)
		s.mounts(c)
	}
}

// containerPorts returns "8080/TCP, 9090/UDP" and the host ports alike.
func containerPorts(ports []corev1.ContainerPort) (string, string) {
	var cs, hs []string
	for _, p := range ports {
		cs = append(cs, fmt.Sprintf("%d/%s", p.ContainerPort, p.Protocol))
		hs = append(hs, fmt.Sprintf("%d/%s", p.HostPort, p.Protocol))
	}
	return strings.Join(cs, ", "), strings.Join(hs, ", ")
}

// words writes a command or its arguments, one per line.
func (s *sheet) words(title string, words []string) {
	if len(words) == 0 {
		return
	}
	s.put(2, "%s:\n", title)
	for _, w := range words {
		for _, line := range strings.Split(w, "\n") {
			s.put(3, "%s\n", line)
		}
	}
}

// containerState writes State or Last State.
func (s *sheet) containerState(title string, st corev1.ContainerState) {
	switch {
	case st.Running != nil:
		s.put(2, "%s:\tRunning\n", title)
		s.put(3, "Started:\t%s\n", s.when(st.Running.StartedAt.Time))
	case st.Terminated != nil:
		t := st.Terminated
		s.put(2, "%s:\tTerminated\n", title)
		if t.Reason != "" {
			s.put(3, "Reason:\t%s\n", t.Reason)
		}
		if t.Message != "" {
			s.put(3, "Message:\t%s\n", t.Message)
		}
		s.put(3, "Exit Code:\t%d\n", t.ExitCode)
		if t.Signal > 0 {
			s.put(3, "Signal:\t%d\n", t.Signal)
		}
		s.put(3, "Started:\t%s\n", s.when(t.StartedAt.Time))
		s.put(3, "Finished:\t%s\n", s.when(t.FinishedAt.Time))
	default:
		s.put(2, "%s:\tWaiting\n", title)
		if st.Waiting != nil && st.Waiting.Reason != "" {
			s.put(3, "Reason:\t%s\n", st.Waiting.Reason)
		}
	}
}

// resourceList writes Limits or Requests, sorted by resource name.
func (s *sheet) resourceList(title string, rl corev1.ResourceList) {
	if len(rl) == 0 {
		return
	}
	s.put(2, "%s:\n", title)
	for _, name := range sortedKeys(rl) {
		s.put(3, "%s:\t%s\n", name, canonicalQuantity(rl[name]))
	}
}

// probeText is a probe on one line: "http-get http://:8080/healthz delay=10s
// timeout=1s period=20s #success=1 #failure=3".
func probeText(p *corev1.Probe) string {
	attrs := fmt.Sprintf("delay=%ds timeout=%ds period=%ds #success=%d #failure=%d",
		p.InitialDelaySeconds, p.TimeoutSeconds, p.PeriodSeconds, p.SuccessThreshold, p.FailureThreshold)
	switch {
	case p.Exec != nil:
		return fmt.Sprintf("exec [%s] %s", strings.Join(p.Exec.Command, " "), attrs)
	case p.HTTPGet != nil:
		u := url.URL{Scheme: strings.ToLower(p.HTTPGet.Scheme), Host: p.HTTPGet.Host, Path: p.HTTPGet.Path}
		if port := p.HTTPGet.Port.String(); port != "" {
			u.Host = net.JoinHostPort(p.HTTPGet.Host, port)
		}
		return fmt.Sprintf("http-get %s %s", u.String(), attrs)
	case p.TCPSocket != nil:
		return fmt.Sprintf("tcp-socket %s:%s %s", p.TCPSocket.Host, p.TCPSocket.Port.String(), attrs)
	case p.GRPC != nil:
		service := ""
		if p.GRPC.Service != nil {
			service = *p.GRPC.Service
		}
		return fmt.Sprintf("grpc <pod>:%d %s %s", p.GRPC.Port, service, attrs)
	}
	return "unknown " + attrs
}

// envFrom writes "Environment Variables from:".
func (s *sheet) envFrom(sources []corev1.EnvFromSource) {
	if len(sources) == 0 {
		return
	}
	s.put(2, "Environment Variables from:\n")
	for _, e := range sources {
		var name, from string
		var optional *bool
		switch {
		case e.ConfigMapRef != nil:
			name, from, optional = e.ConfigMapRef.Name, "ConfigMap", e.ConfigMapRef.Optional
		case e.SecretRef != nil:
			name, from, optional = e.SecretRef.Name, "Secret", e.SecretRef.Optional
		}
		if e.Prefix != "" {
			from += " with prefix '" + e.Prefix + "'"
		}
		s.put(3, "%s\t%s\tOptional: %t\n", name, from, isTrue(optional))
	}
}

func isTrue(b *bool) bool { return b != nil && *b }

// env writes "Environment:", resolving field references against p (nil for
// a pod template, whose references resolve to nothing).
func (s *sheet) env(c *corev1.Container, p *corev1.Pod) {
	if len(c.Env) == 0 {
		s.put(2, "Environment:\t<none>\n")
		return
	}
	s.put(2, "Environment:\n")
	for _, e := range c.Env {
		from := e.ValueFrom
		switch {
		case from == nil:
			for i, line := range strings.Split(e.Value, "\n") {
				if i == 0 {
					s.put(3, "%s:\t%s\n", e.Name, line)
				} else {
					s.put(3, "\t%s\n", line)
				}
			}
		case from.FieldRef != nil:
			s.put(3, "%s:\t%s (%s:%s)\n", e.Name, podField(p, from.FieldRef.FieldPath), from.FieldRef.APIVersion, from.FieldRef.FieldPath)
		case from.ResourceFieldRef != nil:
			s.put(3, "%s:\t%s (%s)\n", e.Name, containerResource(c, from.ResourceFieldRef), from.ResourceFieldRef.Resource)
		case from.SecretKeyRef != nil:
			r := from.SecretKeyRef
			s.put(3, "%s:\t<set to the key '%s' in secret '%s'>\tOptional: %t\n", e.Name, r.Key, r.Name, isTrue(r.Optional))
		case from.ConfigMapKeyRef != nil:
			r := from.ConfigMapKeyRef
			s.put(3, "%s:\t<set to the key '%s' of config map '%s'>\tOptional: %t\n", e.Name, r.Key, r.Name, isTrue(r.Optional))
		default:
			s.put(3, "%s:\t\n", e.Name)
		}
	}
}

// podField resolves a downward API field path of p ("" when p is nil or the
// path is not one the downward API offers).
func podField(p *corev1.Pod, path string) string {
	if p == nil {
		return ""
	}
	if key, ok := subscript(path, "metadata.labels"); ok {
		return p.Labels[key]
	}
	if key, ok := subscript(path, "metadata.annotations"); ok {
		return p.Annotations[key]
	}
	switch path {
	case "metadata.name":
		return p.Name
	case "metadata.namespace":
		return p.Namespace
	case "metadata.uid":
		return p.UID
	case "spec.nodeName":
		return p.Spec.NodeName
	case "spec.serviceAccountName":
		return p.Spec.ServiceAccountName
	case "status.hostIP":
		return p.Status.HostIP
	case "status.podIP":
		return p.Status.PodIP
	case "status.podIPs":
		var ips []string
		for _, ip := range p.Status.PodIPs {
			ips = append(ips, ip.IP)
		}
		return strings.Join(ips, ",")
	case "status.hostIPs":
		var ips []string
		for _, ip := range p.Status.HostIPs {
			ips = append(ips, ip.IP)
		}
		return strings.Join(ips, ",")
	}
	return ""
}

// subscript reads "base['key']".
func subscript(path, base string) (string, bool) {
	rest, ok := strings.CutPrefix(path, base+"['")
	if !ok {
		return "", false
	}
	return strings.CutSuffix(rest, "']")
}

// containerResource is the value a resourceFieldRef gives: the container's
// limit or request in units of the divisor, rounded up ("0" when unset).
func containerResource(c *corev1.Container, ref *corev1.ResourceFieldSelector) string {
	kind, name, ok := strings.Cut(ref.Resource, ".")
	if !ok {
		return ""
	}
	var rl corev1.ResourceList
	switch kind {
	case "limits":
		rl = c.Resources.Limits
	case "requests":
		rl = c.Resources.Requests
	default:
		return ""
	}
	v := zeroQuantity()
	if q, ok := parseQuantity(rl[name]); ok {
		v = q
	}
	divisor := big.NewRat(1, 1)
	if d, ok := parseQuantity(ref.Divisor); ok && d.v.Sign() > 0 {
		divisor = d.v
	}
	return fmt.Sprint(ceilInt(new(big.Rat).Quo(v.v, divisor)))
}

// mounts writes the container's volume mounts, by mount path, and devices.
func (s *sheet) mounts(c *corev1.Container) {
	if len(c.VolumeMounts) == 0 {
		s.put(2, "Mounts:\t<none>\n")
	} else {
		s.put(2, "Mounts:\n")
		ms := slices.Clone(c.VolumeMounts)
		slices.SortStableFunc(ms, func(a, b corev1.VolumeMount) int { return strings.Compare(a.MountPath, b.MountPath) })
		for _, m := range ms {
			flags := []string{"rw"}
			if m.ReadOnly {
				flags[0] = "ro"
			}
			if m.SubPath != "" {
				flags = append(flags, fmt.Sprintf("path=%q", m.SubPath))
			}
			s.put(3, "%s from %s (%s)\n", m.MountPath, m.Name, strings.Join(flags, ","))
		}
	}
	if len(c.VolumeDevices) > 0 {
		s.put(2, "Devices:\n")
		for _, d := range c.VolumeDevices {
			s.put(3, "%s from %s\n", d.DevicePath, d.Name)
		}
	}
}

// tolerations writes "Tolerations:", sorted by key.
func (s *sheet) tolerations(prefix string, ts []corev1.Toleration) {
	s.raw(prefix + "Tolerations:\t")
	if len(ts) == 0 {
		s.raw("<none>\n")
		return
	}
	sorted := slices.Clone(ts)
	slices.SortStableFunc(sorted, func(a, b corev1.Toleration) int { return strings.Compare(a.Key, b.Key) })
	for i, t := range sorted {
		if i > 0 {
			s.raw(prefix + "\t")
		}
		var b strings.Builder
		b.WriteString(t.Key)
		if t.Value != "" {
			b.WriteString("=" + t.Value)
		}
		if t.Effect != "" {
			b.WriteString(":" + t.Effect)
		}
		if t.Operator == "Exists" && t.Value == "" {
			if b.Len() > 0 {
				b.WriteString(" ")
			}
			b.WriteString("op=Exists")
		}
		if t.TolerationSeconds != nil {
			fmt.Fprintf(&b, " for %ds", *t.TolerationSeconds)
		}
		s.raw(b.String() + "\n")
	}
}

// spreadConstraints writes "Topology Spread Constraints:" when there are any.
func (s *sheet) spreadConstraints(cs []corev1.TopologySpreadConstraint) {
	if len(cs) == 0 {
		return
	}
	s.raw("Topology Spread Constraints:\t")
	sorted := slices.Clone(cs)
	slices.SortStableFunc(sorted, func(a, b corev1.TopologySpreadConstraint) int {
		return strings.Compare(a.TopologyKey, b.TopologyKey)
	})
	for i, c := range sorted {
		if i > 0 {
			s.raw("\t")
		}
		s.raw(fmt.Sprintf("%s:%s when max skew %d is exceeded for selector %s\n",
			c.TopologyKey, c.WhenUnsatisfiable, c.MaxSkew, selectorText(c.LabelSelector)))
	}
}

// qosClass computes a pod's quality of service class from its containers'
// cpu and memory requests and limits: Guaranteed when every container has
// both limits and requests equal to them, BestEffort when none has any,
// Burstable otherwise.
func qosClass(spec *corev1.PodSpec) string {
	all := append(slices.Clone(spec.InitContainers), spec.Containers...)
	any, guaranteed := false, true
	for _, c := range all {
		for _, name := range []string{"cpu", "memory"} {
			req, hasReq := c.Resources.Requests[name]
			lim, hasLim := c.Resources.Limits[name]
			if hasReq || hasLim {
				any = true
			}
			if !hasLim || hasReq && canonicalQuantity(req) != canonicalQuantity(lim) {
				guaranteed = false
			}
		}
	}
	switch {
	case !any:
		return "BestEffort"
	case guaranteed:
		return "Guaranteed"
	}
	return "Burstable"
}
