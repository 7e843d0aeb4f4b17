package kinds

import (
	"fmt"
	"math"
	"strings"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/api/validation"
)

// podUpdateForbidden is the message of a pod update that changes an immutable
// part of the spec, word for word as Kubernetes says it.
const podUpdateForbidden = "pod updates may not change fields other than `spec.containers[*].image`," +
	"`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations)," +
	"`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"

func validatePod(obj *unstructured.Unstructured) validation.ErrorList {
	var pod corev1.Pod
	if errs := into(obj, &pod); errs != nil {
		return errs
	}
	return validatePodSpec(&pod.Spec, "spec", true)
}

// validatePodSpec checks a pod spec at path. A pod (isPod) needs an image in
// every container; a pod template does not.
func validatePodSpec(spec *corev1.PodSpec, path string, isPod bool) validation.ErrorList {
	errs, volumes := validateVolumes(spec.Volumes, path+".volumes")
	if len(spec.Containers) == 0 {
		errs = append(errs, validation.Required(path+".containers", ""))
	}
	names := map[string]bool{}
	errs = append(errs, validateContainers(spec.InitContainers, path+".initContainers", volumes, names, isPod, true, spec.HostNetwork)...)
	errs = append(errs, validateContainers(spec.Containers, path+".containers", volumes, names, isPod, false, spec.HostNetwork)...)
	errs = checkEnum(errs, path+".restartPolicy", spec.RestartPolicy,
		corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever)
	errs = checkEnum(errs, path+".dnsPolicy", spec.DNSPolicy,
		corev1.DNSClusterFirstWithHostNet, corev1.DNSClusterFirst, corev1.DNSDefault, corev1.DNSNone)
	if g := spec.TerminationGracePeriodSeconds; g != nil && *g < 0 {
		errs = append(errs, validation.Invalid(path+".terminationGracePeriodSeconds", *g, "must be greater than or equal to 0"))
	}
	if d := spec.ActiveDeadlineSeconds; d != nil && (*d < 1 || *d > math.MaxInt32) {
		errs = append(errs, validation.Invalid(path+".activeDeadlineSeconds", *d, "must be between 1 and 2147483647, inclusive"))
	}
	errs = append(errs, validation.ValidateLabels(spec.NodeSelector, path+".nodeSelector")...)
	if spec.ServiceAccountName != "" {
		errs = checkName(errs, path+".serviceAccountName", spec.ServiceAccountName, validation.IsDNS1123Subdomain)
	}
	if spec.NodeName != "" {
		errs = checkName(errs, path+".nodeName", spec.NodeName, validation.IsDNS1123Subdomain)
	}
	for i, t := range spec.Tolerations {
		p := validation.Index(path+".tolerations", i)
		switch t.Operator {
		case "", "Equal":
			if t.Key == "" {
				errs = append(errs, validation.Invalid(p+".operator", t.Operator, "operator must be Exists when `key` is empty, which means \"match all values and all keys\""))
			}
		case "Exists":
			if t.Value != "" {
				errs = append(errs, validation.Invalid(p+".operator", t.Value, "value must be empty when `operator` is 'Exists'"))
			}
		default:
			errs = append(errs, validation.NotSupported(p+".operator", t.Operator, []string{"Equal", "Exists"}))
		}
		if t.Effect != "" {
			errs = checkEnum(errs, p+".effect", t.Effect,
				corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute)
		}
	}
	for i, g := range spec.ReadinessGates {
		errs = checkName(errs, validation.Index(path+".readinessGates", i)+".conditionType", g.ConditionType, validation.IsQualifiedName)
	}
	return errs
}

// validateVolumes checks names and sources and returns the volume names.
func validateVolumes(volumes []corev1.Volume, path string) (validation.ErrorList, map[string]bool) {
	var errs validation.ErrorList
	names := map[string]bool{}
	for i, v := range volumes {
		p := validation.Index(path, i)
		switch {
		case v.Name == "":
			errs = append(errs, validation.Required(p+".name", ""))
		case names[v.Name]:
			errs = append(errs, validation.Duplicate(p+".name", v.Name))
		default:
			errs = checkName(errs, p+".name", v.Name, validation.IsDNS1123Label)
		}
		names[v.Name] = true
		s := v.VolumeSource
		sources := 0
		for _, set := range []bool{s.HostPath != nil, s.EmptyDir != nil, s.Secret != nil,
			s.PersistentVolumeClaim != nil, s.DownwardAPI != nil, s.ConfigMap != nil, s.Projected != nil} {
			if set {
				sources++
			}
		}
		if sources > 1 {
			errs = append(errs, validation.Forbidden(p, "may not specify more than 1 volume type"))
		}
		switch {
		case s.HostPath != nil && s.HostPath.Path == "":
			errs = append(errs, validation.Required(p+".hostPath.path", ""))
		case s.PersistentVolumeClaim != nil && s.PersistentVolumeClaim.ClaimName == "":
			errs = append(errs, validation.Required(p+".persistentVolumeClaim.claimName", ""))
		case s.ConfigMap != nil && s.ConfigMap.Name == "":
			errs = append(errs, validation.Required(p+".configMap.name", ""))
		case s.Secret != nil && s.Secret.SecretName == "":
			errs = append(errs, validation.Required(p+".secret.secretName", ""))
		}
	}
	return errs, names
}

// validateContainers checks one list of containers. names collects container
// names across the init and regular lists, which must be unique together.
func validateContainers(cs []corev1.Container, path string, volumes, names map[string]bool, isPod, isInit, hostNetwork bool) validation.ErrorList {
	var errs validation.ErrorList
	for i := range cs {
		c := &cs[i]
		p := validation.Index(path, i)
		switch {
		case c.Name == "":
			errs = append(errs, validation.Required(p+".name", ""))
		case names[c.Name]:
			errs = append(errs, validation.Duplicate(p+".name", c.Name))
		default:
			errs = checkName(errs, p+".name", c.Name, validation.IsDNS1123Label)
		}
		names[c.Name] = true
		switch {
		case c.Image == "" && isPod:
			errs = append(errs, validation.Required(p+".image", ""))
		case c.Image != strings.TrimSpace(c.Image):
			errs = append(errs, validation.Invalid(p+".image", c.Image, "must not have leading or trailing whitespace"))
		}
		errs = checkEnum(errs, p+".imagePullPolicy", c.ImagePullPolicy,
			corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever)
		errs = checkEnum(errs, p+".terminationMessagePolicy", c.TerminationMessagePolicy,
			corev1.TerminationMessageReadFile, corev1.TerminationMessageFallbackToLogsOnError)
		if isInit && c.RestartPolicy != nil && *c.RestartPolicy != corev1.RestartPolicyAlways {
			errs = append(errs, validation.NotSupported(p+".restartPolicy", *c.RestartPolicy, []string{corev1.RestartPolicyAlways}))
		}
		errs = append(errs, validatePorts(c.Ports, p+".ports", hostNetwork)...)
		for j, e := range c.Env {
			ep := validation.Index(p+".env", j)
			if e.Name == "" {
				errs = append(errs, validation.Required(ep+".name", ""))
			} else if strings.Contains(e.Name, "=") {
				errs = append(errs, validation.Invalid(ep+".name", e.Name, "a valid environment variable name must consist only of printable ASCII characters other than '='"))
			}
		}
		for j, m := range c.VolumeMounts {
			mp := validation.Index(p+".volumeMounts", j)
			if m.Name == "" {
				errs = append(errs, validation.Required(mp+".name", ""))
			} else if !volumes[m.Name] {
				errs = append(errs, notFound(mp+".name", m.Name))
			}
			if m.MountPath == "" {
				errs = append(errs, validation.Required(mp+".mountPath", ""))
			}
		}
		errs = append(errs, validateResources(c.Resources, p+".resources")...)
	}
	return errs
}

func validatePorts(ports []corev1.ContainerPort, path string, hostNetwork bool) validation.ErrorList {
	var errs validation.ErrorList
	names := map[string]bool{}
	for i, port := range ports {
		p := validation.Index(path, i)
		if port.Name != "" {
			errs = checkName(errs, p+".name", port.Name, isPortName)
			if names[port.Name] {
				errs = append(errs, validation.Duplicate(p+".name", port.Name))
			}
			names[port.Name] = true
		}
		if !validPort(int64(port.ContainerPort)) {
			errs = append(errs, validation.Invalid(p+".containerPort", port.ContainerPort, portRangeMsg))
		}
		if port.HostPort != 0 && !validPort(int64(port.HostPort)) {
			errs = append(errs, validation.Invalid(p+".hostPort", port.HostPort, portRangeMsg))
		}
		if hostNetwork && port.HostPort != 0 && port.HostPort != port.ContainerPort {
			errs = append(errs, validation.Invalid(p+".containerPort", port.ContainerPort, "must match `hostPort` when `hostNetwork` is true"))
		}
		errs = checkEnum(errs, p+".protocol", port.Protocol, corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP)
	}
	return errs
}

// validateResources checks that quantities parse and requests fit in limits.
func validateResources(r corev1.ResourceRequirements, path string) validation.ErrorList {
	var errs validation.ErrorList
	check := func(l corev1.ResourceList, p string) {
		for name, q := range l {
			if _, ok := parseQuantity(q); !ok {
				errs = append(errs, validation.Invalid(validation.Key(p, name), q, "must be a valid quantity"))
			}
		}
	}
	check(r.Limits, path+".limits")
	check(r.Requests, path+".requests")
	for name, q := range r.Requests {
		lq, ok := r.Limits[name]
		if !ok {
			continue
		}
		req, ok1 := parseQuantity(q)
		lim, ok2 := parseQuantity(lq)
		if ok1 && ok2 && req.Cmp(lim) > 0 {
			errs = append(errs, validation.Invalid(validation.Key(path+".requests", name), q,
				fmt.Sprintf("must be less than or equal to %s limit of %s", name, lq)))
		}
	}
	return errs
}

// validatePodUpdate allows only the mutable parts of a pod's spec to change:
// container images, a lower (or new) activeDeadlineSeconds, added tolerations,
// terminationGracePeriodSeconds from negative to 1, and nodeName while unset.
func validatePodUpdate(obj, old *unstructured.Unstructured) validation.ErrorList {
	newSpec := unstructured.DeepCopyMap(unstructured.NestedMap(obj.Object, "spec"))
	oldSpec := unstructured.DeepCopyMap(unstructured.NestedMap(old.Object, "spec"))
	if newSpec == nil {
		newSpec = map[string]any{}
	}
	if oldSpec == nil {
		oldSpec = map[string]any{}
	}
	const deadline = "spec.activeDeadlineSeconds"
	if has(newSpec, "activeDeadlineSeconds") {
		nv := num(newSpec, "activeDeadlineSeconds")
		if nv < 0 || nv > math.MaxInt32 {
			return validation.ErrorList{validation.Invalid(deadline, nv, "must be between 0 and 2147483647, inclusive")}
		}
		if has(oldSpec, "activeDeadlineSeconds") && num(oldSpec, "activeDeadlineSeconds") < nv {
			return validation.ErrorList{validation.Invalid(deadline, nv, "must be less than or equal to previous value")}
		}
	} else if has(oldSpec, "activeDeadlineSeconds") {
		return validation.ErrorList{validation.Invalid(deadline, nil, "must not update from a positive integer to nil value")}
	}
	copyField(oldSpec, newSpec, "activeDeadlineSeconds")

	if !tolerationsKept(objects(oldSpec, "tolerations"), objects(newSpec, "tolerations")) {
		return validation.ErrorList{validation.Forbidden("spec.tolerations", "existing toleration can not be modified except its tolerationSeconds")}
	}
	copyField(oldSpec, newSpec, "tolerations")

	for _, list := range []string{"containers", "initContainers"} {
		oldCs, newCs := objects(oldSpec, list), objects(newSpec, list)
		if len(oldCs) != len(newCs) {
			continue
		}
		for i := range oldCs {
			copyField(oldCs[i], newCs[i], "image")
		}
	}
	if str(oldSpec, "nodeName") == "" {
		copyField(oldSpec, newSpec, "nodeName")
	}
	if has(oldSpec, "terminationGracePeriodSeconds") && num(oldSpec, "terminationGracePeriodSeconds") < 0 &&
		num(newSpec, "terminationGracePeriodSeconds") == 1 {
		copyField(oldSpec, newSpec, "terminationGracePeriodSeconds")
	}
	if !sameJSON(oldSpec, newSpec) {
		return validation.ErrorList{validation.Forbidden("spec", podUpdateForbidden)}
	}
	return nil
}

// copyField makes dst[key] what src[key] is (absent included).
func copyField(dst, src map[string]any, key string) {
	if v, ok := src[key]; ok {
		dst[key] = v
	} else {
		delete(dst, key)
	}
}

// tolerationsKept reports whether every old toleration is still in the new list,
// its tolerationSeconds aside.
func tolerationsKept(old, updated []map[string]any) bool {
	for _, o := range old {
		found := false
		for _, n := range updated {
			clone := unstructured.DeepCopyMap(o)
			copyField(clone, n, "tolerationSeconds")
			if sameJSON(clone, n) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
