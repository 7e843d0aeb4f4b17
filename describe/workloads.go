package describe

import (
	"fmt"

	"kctl.dev/kctl/api/appsv1"
	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/labels"
)

// deployment writes a deployment's description.
func (s *sheet) deployment(d *appsv1.Deployment) {
	s.put(0, "Name:\t%s\n", d.Name)
	s.put(0, "Namespace:\t%s\n", d.Namespace)
	s.put(0, "CreationTimestamp:\t%s\n", s.when(d.CreationTimestamp.Time))
	s.labelLines("", "Labels", d.Labels)
	s.annotationLines("", "Annotations", d.Annotations)
	s.put(0, "Selector:\t%s\n", selectorText(d.Spec.Selector))
	replicas := int32(1)
	if d.Spec.Replicas != nil {
		replicas = *d.Spec.Replicas
	}
	st := d.Status
	s.put(0, "Replicas:\t%d desired | %d updated | %d total | %d available | %d unavailable\n",
		replicas, st.UpdatedReplicas, st.Replicas, st.AvailableReplicas, st.UnavailableReplicas)
	s.put(0, "StrategyType:\t%s\n", d.Spec.Strategy.Type)
	s.put(0, "MinReadySeconds:\t%d\n", d.Spec.MinReadySeconds)
	if ru := d.Spec.Strategy.RollingUpdate; ru != nil {
		s.put(0, "RollingUpdateStrategy:\t%s max unavailable, %s max surge\n", intOrPercent(ru.MaxUnavailable), intOrPercent(ru.MaxSurge))
	}
	s.podTemplate(&d.Spec.Template)
	if len(st.Conditions) > 0 {
		s.put(0, "Conditions:\n")
		s.put(1, "Type\tStatus\tReason\n")
		s.put(1, "----\t------\t------\n")
		for _, c := range st.Conditions {
			s.put(1, "%s \t%s\t%s\n", c.Type, c.Status, c.Reason)
		}
	}
}

func intOrPercent(v *corev1.IntOrString) string {
	if v == nil {
		return "<nil>"
	}
	return v.String()
}

// podTemplate writes "Pod Template:" and the template, indented.
func (s *sheet) podTemplate(t *corev1.PodTemplateSpec) {
	const prefix = "  "
	s.put(0, "Pod Template:\n")
	s.labelLines(prefix, "Labels", t.Labels)
	if len(t.Annotations) > 0 {
		s.annotationLines(prefix, "Annotations", t.Annotations)
	}
	if t.Spec.ServiceAccountName != "" {
		s.put(1, "Service Account:\t%s\n", t.Spec.ServiceAccountName)
	}
	if len(t.Spec.InitContainers) > 0 {
		s.containers(prefix, "Init Containers", t.Spec.InitContainers, nil, nil)
	}
	s.containers(prefix, "Containers", t.Spec.Containers, nil, nil)
	s.volumes(prefix, t.Spec.Volumes)
	if t.Spec.PriorityClassName != "" {
		s.put(1, "Priority Class Name:\t%s\n", t.Spec.PriorityClassName)
	}
	s.labelLines(prefix, "Node-Selectors", t.Spec.NodeSelector)
	s.tolerations(prefix, t.Spec.Tolerations)
}

// selectorText writes a label selector as kubectl does: requirements sorted
// by key ("app=api,tier in (backend,cache)"), <none> when there is none.
func selectorText(ls *meta.LabelSelector) string {
	if ls == nil {
		return "<none>"
	}
	sel, err := labels.FromLabelSelector(ls)
	if err != nil {
		return fmt.Sprintf("<error: %v>", err)
	}
	if str := sel.String(); str != "" {
		return str
	}
	return "<none>"
}
