package kinds

import (
	"fmt"
	"strconv"
	"time"

	"kctl.dev/kctl/api/corev1"
	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/schema"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/api/validation"
	"kctl.dev/kctl/server/registry"
)

func pods() *registry.Kind {
	return &registry.Kind{
		Version:    "v1",
		Resource:   "pods",
		Kind:       "Pod",
		Namespaced: true,
		ShortNames: []string{"po"},
		Categories: []string{"all"},
		Subresources: []registry.Subresource{
			statusSubresource("Pod"),
			{Name: "binding", Kind: "Binding", Verbs: []string{"create"}, Create: bindPod, Schema: schema.Of[corev1.Binding]()},
		},
		Fields: map[string]registry.FieldFunc{
			"spec.nodeName":           field("spec", "nodeName"),
			"spec.restartPolicy":      field("spec", "restartPolicy"),
			"spec.schedulerName":      field("spec", "schedulerName"),
			"spec.serviceAccountName": field("spec", "serviceAccountName"),
			"spec.hostNetwork": func(o *unstructured.Unstructured) string {
				v, _ := unstructured.Nested(o.Object, "spec", "hostNetwork")
				b, _ := v.(bool)
				return strconv.FormatBool(b)
			},
			"status.phase":             field("status", "phase"),
			"status.podIP":             podIP,
			"status.nominatedNodeName": field("status", "nominatedNodeName"),
		},
		Columns: []meta.TableColumnDefinition{
			nameColumn(),
			column("Ready", "string", 0, "The aggregate readiness state of this pod for accepting traffic."),
			column("Status", "string", 0, "The aggregate status of the containers in this pod."),
			column("Restarts", "string", 0, "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
			ageColumn(),
			column("IP", "string", 1, "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."),
			column("Node", "string", 1, "NodeName is the node the pod is bound to; empty until it is scheduled."),
			column("Nominated Node", "string", 1, "NominatedNodeName is the node the scheduler nominated for this pod after preempting others."),
			column("Readiness Gates", "string", 1, "The number of readiness gates of the pod whose condition is True, out of all of them."),
		},
		Cells:            podCells,
		Default:          defaultPod,
		PrepareForCreate: preparePodForCreate,
		Validate:         validatePod,
		ValidateUpdate:   validatePodUpdate,
		GracefulDelete:   podGracefulDelete,
		Status:           true,
	}
}

// field reads the string at path as a selectable field.
func field(path ...string) registry.FieldFunc {
	return func(o *unstructured.Unstructured) string { return str(o.Object, path...) }
}

// podIP is the pod's primary IP: the first of status.podIPs, else status.podIP.
func podIP(o *unstructured.Unstructured) string {
	for _, ip := range objects(o.Object, "status", "podIPs") {
		if s := str(ip, "ip"); s != "" {
			return s
		}
	}
	return str(o.Object, "status", "podIP")
}

// podCells computes a pod's row as kubectl's printer does.
func podCells(obj *unstructured.Unstructured, now time.Time) []any {
	o := obj.Object
	spec := unstructured.NestedMap(o, "spec")
	status := unstructured.NestedMap(o, "status")
	phase := str(status, "phase")
	reason := phase
	if r := str(status, "reason"); r != "" {
		reason = r
	}
	conditions := objects(status, "conditions")
	for _, c := range conditions {
		if str(c, "type") == corev1.PodScheduled && str(c, "reason") == "SchedulingGated" {
			reason = "SchedulingGated"
		}
	}

	initSpecs := objects(spec, "initContainers")
	sidecar := map[string]bool{}
	for _, c := range initSpecs {
		if str(c, "restartPolicy") == corev1.RestartPolicyAlways {
			sidecar[str(c, "name")] = true
		}
	}
	total := len(objects(spec, "containers")) + len(sidecar)
	ready := 0
	var restarts, sidecarRestarts int64
	var lastRestart, lastSidecarRestart time.Time

	initializing := false
	for i, cs := range objects(status, "initContainerStatuses") {
		name := str(cs, "name")
		restarts += num(cs, "restartCount")
		finished := lastTerminated(cs)
		lastRestart = later(lastRestart, finished)
		if sidecar[name] {
			sidecarRestarts += num(cs, "restartCount")
			lastSidecarRestart = later(lastSidecarRestart, finished)
		}
		term := unstructured.NestedMap(cs, "state", "terminated")
		waiting := str(cs, "state", "waiting", "reason")
		switch {
		case term != nil && num(term, "exitCode") == 0:
			continue
		case sidecar[name] && isTrue(cs, "started"):
			if isTrue(cs, "ready") {
				ready++
			}
			continue
		case term != nil:
			reason = "Init:" + terminatedReason(term)
		case waiting != "" && waiting != "PodInitializing":
			reason = "Init:" + waiting
		default:
			reason = fmt.Sprintf("Init:%d/%d", i, len(initSpecs))
		}
		initializing = true
		break
	}

	if !initializing || conditionTrue(conditions, corev1.PodInitialized) {
		restarts, lastRestart = sidecarRestarts, lastSidecarRestart
		hasRunning := false
		statuses := objects(status, "containerStatuses")
		for i := len(statuses) - 1; i >= 0; i-- {
			cs := statuses[i]
			restarts += num(cs, "restartCount")
			lastRestart = later(lastRestart, lastTerminated(cs))
			term := unstructured.NestedMap(cs, "state", "terminated")
			if w := str(cs, "state", "waiting", "reason"); w != "" {
				reason = w
			} else if term != nil {
				reason = terminatedReason(term)
			} else if isTrue(cs, "ready") && has(cs, "state", "running") {
				hasRunning = true
				ready++
			}
		}
		// A pod whose last container completed but another still runs is up.
		if reason == "Completed" && hasRunning {
			if conditionTrue(conditions, corev1.PodReady) {
				reason = "Running"
			} else {
				reason = "NotReady"
			}
		}
	}

	if obj.DeletionTimestamp() != "" {
		if str(status, "reason") == "NodeLost" {
			reason = "Unknown"
		} else if phase != corev1.PodSucceeded && phase != corev1.PodFailed {
			reason = "Terminating"
		}
	}

	var restartCell any = restarts
	if restarts != 0 && !lastRestart.IsZero() {
		restartCell = fmt.Sprintf("%d (%s ago)", restarts, HumanDuration(now.Sub(lastRestart)))
	}

	gates := "<none>"
	if rg := objects(spec, "readinessGates"); len(rg) > 0 {
		n := 0
		for _, g := range rg {
			if conditionTrue(conditions, str(g, "conditionType")) {
				n++
			}
		}
		gates = fmt.Sprintf("%d/%d", n, len(rg))
	}
	return []any{
		obj.Name(),
		fmt.Sprintf("%d/%d", ready, total),
		reason,
		restartCell,
		age(obj, now),
		orNone(podIP(obj)),
		orNone(str(spec, "nodeName")),
		orNone(str(status, "nominatedNodeName")),
		gates,
	}
}

// terminatedReason names a terminated state: its reason, else the signal or
// exit code.
func terminatedReason(term map[string]any) string {
	if r := str(term, "reason"); r != "" {
		return r
	}
	if sig := num(term, "signal"); sig != 0 {
		return fmt.Sprintf("Signal:%d", sig)
	}
	return fmt.Sprintf("ExitCode:%d", num(term, "exitCode"))
}

// lastTerminated is when the container's previous run ended, or zero.
func lastTerminated(cs map[string]any) time.Time {
	t, _ := parseTime(str(cs, "lastState", "terminated", "finishedAt"))
	return t
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func isTrue(m map[string]any, key string) bool {
	b, _ := m[key].(bool)
	return b
}

// conditionTrue reports whether the condition of type t has status True.
func conditionTrue(conditions []map[string]any, t string) bool {
	for _, c := range conditions {
		if str(c, "type") == t {
			return str(c, "status") == corev1.ConditionTrue
		}
	}
	return false
}

func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

// podGracefulDelete: a pod on a node is given its grace period to stop; an
// unscheduled or finished pod, or a delete asking for 0 seconds, goes at once.
func podGracefulDelete(obj *unstructured.Unstructured, requested *int64) (int64, bool) {
	if str(obj.Object, "spec", "nodeName") == "" {
		return 0, false
	}
	if p := str(obj.Object, "status", "phase"); p == corev1.PodSucceeded || p == corev1.PodFailed {
		return 0, false
	}
	grace := int64(defaultGracePeriod)
	switch {
	case requested != nil:
		grace = *requested
	case has(obj.Object, "spec", "terminationGracePeriodSeconds"):
		grace = num(obj.Object, "spec", "terminationGracePeriodSeconds")
	}
	if grace == 0 {
		return 0, false
	}
	if grace < 0 {
		grace = 1 // as upstream: a negative period means "as soon as possible"
	}
	return grace, true
}

// bindPod applies a Binding (POST pods/NAME/binding) to the stored pod: it sets
// spec.nodeName, merges the binding's annotations and marks the pod scheduled.
func bindPod(current, body *unstructured.Unstructured) error {
	name := current.Name()
	if bn := body.Name(); bn != "" && bn != name {
		return apierrors.NewBadRequest("name in URL does not match name in Binding object")
	}
	var errs validation.ErrorList
	target := unstructured.NestedMap(body.Object, "target")
	if k := str(target, "kind"); k != "" && k != "Node" {
		errs = append(errs, validation.NotSupported("target.kind", k, []string{"Node", "<empty>"}))
	}
	node := str(target, "name")
	if node == "" {
		errs = append(errs, validation.Required("target.name", ""))
	}
	if len(errs) > 0 {
		return apierrors.NewInvalid("", "Binding", name, errs)
	}
	conflict := func(why string) error { return apierrors.NewConflict("", "pods/binding", name, why) }
	if uid := body.UID(); uid != "" && uid != current.UID() {
		return conflict(fmt.Sprintf("Precondition failed: UID in precondition: %s, UID in object meta: %s", uid, current.UID()))
	}
	if current.DeletionTimestamp() != "" {
		return conflict(fmt.Sprintf("pod %s is being deleted, cannot be assigned to a host", name))
	}
	if cur := str(current.Object, "spec", "nodeName"); cur != "" {
		return conflict(fmt.Sprintf("pod %s is already assigned to node %q", name, cur))
	}
	if len(objects(current.Object, "spec", "schedulingGates")) > 0 {
		return conflict(fmt.Sprintf("pod %s has non-empty .spec.schedulingGates", name))
	}
	child(current.Object, "spec")["nodeName"] = node
	if a := body.Annotations(); len(a) > 0 {
		merged := current.Annotations()
		if merged == nil {
			merged = map[string]string{}
		}
		for k, v := range a {
			merged[k] = v
		}
		current.SetAnnotations(merged)
	}
	setPodCondition(current, corev1.PodScheduled, corev1.ConditionTrue, time.Now())
	return nil
}

// setPodCondition sets a condition of the pod's status, keeping its transition
// time when the status does not change.
func setPodCondition(pod *unstructured.Unstructured, typ, status string, now time.Time) {
	st := child(pod.Object, "status")
	conds, _ := st["conditions"].([]any)
	cond := map[string]any{
		"type":               typ,
		"status":             status,
		"lastProbeTime":      nil,
		"lastTransitionTime": now.UTC().Truncate(time.Second).Format(time.RFC3339),
	}
	for i, c := range conds {
		old, ok := c.(map[string]any)
		if !ok || str(old, "type") != typ {
			continue
		}
		if str(old, "status") == status {
			if t, ok := old["lastTransitionTime"]; ok {
				cond["lastTransitionTime"] = t
			}
		}
		conds[i] = cond
		return
	}
	st["conditions"] = append(conds, cond)
}
