package kinds

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kctl.dev/kctl/api/appsv1"
	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/api/validation"
	"kctl.dev/kctl/labels"
	"kctl.dev/kctl/server/registry"
)

func deployments() *registry.Kind {
	return &registry.Kind{
		Group:        "apps",
		Version:      "v1",
		Resource:     "deployments",
		Kind:         "Deployment",
		Namespaced:   true,
		ShortNames:   []string{"deploy"},
		Categories:   []string{"all"},
		Subresources: []registry.Subresource{statusSubresource("Deployment")},
		Columns: []meta.TableColumnDefinition{
			nameColumn(),
			column("Ready", "string", 0, "Number of the pod with ready state"),
			column("Up-to-date", "integer", 0, "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
			column("Available", "integer", 0, "Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment."),
			ageColumn(),
			column("Containers", "string", 1, "Names of each container in the template."),
			column("Images", "string", 1, "Images referenced by each container in the template."),
			column("Selector", "string", 1, "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment."),
		},
		Cells:            deploymentCells,
		Default:          defaultDeployment,
		PrepareForCreate: func(obj *unstructured.Unstructured) { obj.Object["status"] = map[string]any{} },
		Validate:         validateDeployment,
		ValidateUpdate:   validateDeploymentUpdate,
		Status:           true,
	}
}

func deploymentCells(obj *unstructured.Unstructured, now time.Time) []any {
	o := obj.Object
	names, images := containerCells(objects(o, "spec", "template", "spec", "containers"))
	return []any{
		obj.Name(),
		fmt.Sprintf("%d/%d", num(o, "status", "readyReplicas"), num(o, "spec", "replicas")),
		num(o, "status", "updatedReplicas"),
		num(o, "status", "availableReplicas"),
		age(obj, now),
		names,
		images,
		selectorString(unstructured.NestedMap(o, "spec", "selector")),
	}
}

// containerCells joins the names and the images of containers with commas.
func containerCells(cs []map[string]any) (string, string) {
	names := make([]string, len(cs))
	images := make([]string, len(cs))
	for i, c := range cs {
		names[i], images[i] = str(c, "name"), str(c, "image")
	}
	return strings.Join(names, ","), strings.Join(images, ",")
}

// selectorString prints a structured label selector in selector syntax;
// "<invalid>" when it does not convert.
func selectorString(m map[string]any) string {
	ls, err := labelSelector(m)
	if err != nil {
		return "<invalid>"
	}
	if ls == nil {
		return "<none>"
	}
	sel, err := labels.FromLabelSelector(ls)
	if err != nil {
		return "<invalid>"
	}
	return sel.String()
}

func labelSelector(m map[string]any) (*meta.LabelSelector, error) {
	if m == nil {
		return nil, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	var ls meta.LabelSelector
	if err := json.Unmarshal(b, &ls); err != nil {
		return nil, err
	}
	return &ls, nil
}

func defaultDeployment(obj *unstructured.Unstructured) {
	spec := child(obj.Object, "spec")
	setDefault(spec, "replicas", number(1))
	strategy := child(spec, "strategy")
	setDefaultString(strategy, "type", appsv1.RollingUpdateDeploymentStrategyType)
	if str(strategy, "type") == appsv1.RollingUpdateDeploymentStrategyType {
		ru := child(strategy, "rollingUpdate")
		setDefault(ru, "maxUnavailable", "25%")
		setDefault(ru, "maxSurge", "25%")
	}
	setDefault(spec, "revisionHistoryLimit", number(10))
	setDefault(spec, "progressDeadlineSeconds", number(600))
	defaultPodSpec(child(child(spec, "template"), "spec"), false)
}

func validateDeployment(obj *unstructured.Unstructured) validation.ErrorList {
	var d appsv1.Deployment
	if errs := into(obj, &d); errs != nil {
		return errs
	}
	s := &d.Spec
	var errs validation.ErrorList
	if s.Replicas != nil && *s.Replicas < 0 {
		errs = append(errs, validation.Invalid("spec.replicas", *s.Replicas, "must be greater than or equal to 0"))
	}
	tmplLabels := s.Template.Labels
	if s.Selector == nil {
		errs = append(errs, validation.Required("spec.selector", ""))
	} else if sel, err := labels.FromLabelSelector(s.Selector); err != nil {
		errs = append(errs, validation.Invalid("spec.selector", canonical(s.Selector), err.Error()))
	} else if sel.Empty() {
		errs = append(errs, validation.Invalid("spec.selector", canonical(s.Selector), "empty selector is invalid for deployment"))
	} else if !sel.Matches(labels.Set(tmplLabels)) {
		errs = append(errs, validation.Invalid("spec.template.metadata.labels", formatLabels(tmplLabels), "`selector` does not match template `labels`"))
	}
	errs = append(errs, validation.ValidateLabels(tmplLabels, "spec.template.metadata.labels")...)
	errs = append(errs, validation.ValidateAnnotations(s.Template.Annotations, "spec.template.metadata.annotations")...)
	errs = append(errs, validatePodSpec(&s.Template.Spec, "spec.template.spec", false)...)
	if rp := s.Template.Spec.RestartPolicy; rp != "" && rp != corev1.RestartPolicyAlways {
		errs = append(errs, validation.NotSupported("spec.template.spec.restartPolicy", rp, []string{corev1.RestartPolicyAlways}))
	}
	if s.Template.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, validation.Forbidden("spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in ReplicaSet is not Supported"))
	}
	errs = append(errs, validateStrategy(&s.Strategy)...)
	if s.MinReadySeconds < 0 {
		errs = append(errs, validation.Invalid("spec.minReadySeconds", s.MinReadySeconds, "must be greater than or equal to 0"))
	}
	if l := s.RevisionHistoryLimit; l != nil && *l < 0 {
		errs = append(errs, validation.Invalid("spec.revisionHistoryLimit", *l, "must be greater than or equal to 0"))
	}
	if p := s.ProgressDeadlineSeconds; p != nil {
		if *p < 0 {
			errs = append(errs, validation.Invalid("spec.progressDeadlineSeconds", *p, "must be greater than or equal to 0"))
		} else if *p <= s.MinReadySeconds {
			errs = append(errs, validation.Invalid("spec.progressDeadlineSeconds", *p, "must be greater than minReadySeconds"))
		}
	}
	return errs
}

func validateStrategy(st *appsv1.DeploymentStrategy) validation.ErrorList {
	var errs validation.ErrorList
	errs = checkEnum(errs, "spec.strategy.type", st.Type,
		appsv1.RecreateDeploymentStrategyType, appsv1.RollingUpdateDeploymentStrategyType)
	ru := st.RollingUpdate
	if st.Type == appsv1.RecreateDeploymentStrategyType && ru != nil {
		errs = append(errs, validation.Forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'"))
	}
	if st.Type != appsv1.RollingUpdateDeploymentStrategyType || ru == nil {
		return errs
	}
	const path = "spec.strategy.rollingUpdate"
	unavailable, err1 := intOrPercent(ru.MaxUnavailable, path+".maxUnavailable")
	surge, err2 := intOrPercent(ru.MaxSurge, path+".maxSurge")
	errs = append(errs, err1...)
	errs = append(errs, err2...)
	if len(err1)+len(err2) == 0 {
		if ru.MaxUnavailable != nil && ru.MaxUnavailable.IsString && unavailable > 100 {
			errs = append(errs, validation.Invalid(path+".maxUnavailable", ru.MaxUnavailable.String(), "must not be greater than 100%"))
		}
		if unavailable == 0 && surge == 0 {
			errs = append(errs, validation.Invalid(path+".maxUnavailable", ru.MaxUnavailable.String(), "may not be 0 when `maxSurge` is 0"))
		}
	}
	return errs
}

// intOrPercent reads a count or a percentage ("25%"), which must not be negative.
func intOrPercent(v *corev1.IntOrString, path string) (int64, validation.ErrorList) {
	if v == nil {
		return 0, nil
	}
	if !v.IsString {
		if v.IntVal < 0 {
			return 0, validation.ErrorList{validation.Invalid(path, v.IntVal, "must be greater than or equal to 0")}
		}
		return int64(v.IntVal), nil
	}
	n, err := strconv.ParseInt(strings.TrimSuffix(v.StrVal, "%"), 10, 32)
	if !strings.HasSuffix(v.StrVal, "%") || err != nil {
		return 0, validation.ErrorList{validation.Invalid(path, v.StrVal, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")}
	}
	if n < 0 {
		return 0, validation.ErrorList{validation.Invalid(path, v.StrVal, "must be greater than or equal to 0")}
	}
	return n, nil
}

func validateDeploymentUpdate(obj, old *unstructured.Unstructured) validation.ErrorList {
	sel, oldSel := obj.Object["spec"], old.Object["spec"]
	newS, _ := unstructured.Nested(toMap(sel), "selector")
	oldS, _ := unstructured.Nested(toMap(oldSel), "selector")
	if !sameJSON(newS, oldS) {
		return validation.ErrorList{validation.Invalid("spec.selector", canonical(newS), "field is immutable")}
	}
	return nil
}

func toMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
