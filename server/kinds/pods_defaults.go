package kinds

import (
	"math/big"
	"strings"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/unstructured"
)

// defaultGracePeriod is a pod's terminationGracePeriodSeconds when unset.
const defaultGracePeriod = 30

// defaultPod fills a pod's unset fields as the real server does.
func defaultPod(obj *unstructured.Unstructured) {
	defaultPodSpec(child(obj.Object, "spec"), true)
}

// defaultPodSpec defaults a pod spec; forPod adds what only pods get (not pod
// templates): requests copied from limits and enableServiceLinks.
func defaultPodSpec(spec map[string]any, forPod bool) {
	setDefaultString(spec, "dnsPolicy", corev1.DNSClusterFirst)
	setDefaultString(spec, "restartPolicy", corev1.RestartPolicyAlways)
	setDefault(spec, "terminationGracePeriodSeconds", number(defaultGracePeriod))
	setDefault(spec, "securityContext", map[string]any{})
	setDefaultString(spec, "schedulerName", "default-scheduler")
	if forPod {
		setDefault(spec, "enableServiceLinks", true)
	}
	hostNetwork, _ := spec["hostNetwork"].(bool)
	for _, list := range []string{"initContainers", "containers"} {
		for _, c := range objects(spec, list) {
			defaultContainer(c, hostNetwork, forPod)
		}
	}
	for _, v := range objects(spec, "volumes") {
		defaultVolume(v)
	}
}

func defaultContainer(c map[string]any, hostNetwork, forPod bool) {
	setDefaultString(c, "terminationMessagePath", "/dev/termination-log")
	setDefaultString(c, "terminationMessagePolicy", corev1.TerminationMessageReadFile)
	setDefaultString(c, "imagePullPolicy", pullPolicyFor(str(c, "image")))
	setDefault(c, "resources", map[string]any{}) // the real server always writes it
	for _, p := range objects(c, "ports") {
		setDefaultString(p, "protocol", corev1.ProtocolTCP)
		if hostNetwork && num(p, "hostPort") == 0 && has(p, "containerPort") {
			p["hostPort"] = p["containerPort"]
		}
	}
	for _, e := range objects(c, "env") {
		if ref := unstructured.NestedMap(e, "valueFrom", "fieldRef"); ref != nil {
			setDefaultString(ref, "apiVersion", "v1")
		}
	}
	for _, probe := range []string{"livenessProbe", "readinessProbe", "startupProbe"} {
		if p, ok := c[probe].(map[string]any); ok {
			setDefault(p, "timeoutSeconds", number(1))
			setDefault(p, "periodSeconds", number(10))
			setDefault(p, "successThreshold", number(1))
			setDefault(p, "failureThreshold", number(3))
			defaultHTTPGet(p)
		}
	}
	for _, hook := range []string{"postStart", "preStop"} {
		if h := unstructured.NestedMap(c, "lifecycle", hook); h != nil {
			defaultHTTPGet(h)
		}
	}
	if forPod {
		// Requests default to the limits they lack.
		res := unstructured.NestedMap(c, "resources")
		if limits := unstructured.NestedMap(res, "limits"); len(limits) > 0 {
			requests := child(res, "requests")
			for k, v := range limits {
				setDefault(requests, k, v)
			}
		}
	}
}

func defaultHTTPGet(handler map[string]any) {
	if g, ok := handler["httpGet"].(map[string]any); ok {
		setDefaultString(g, "path", "/")
		setDefaultString(g, "scheme", "HTTP")
	}
}

// defaultVolume gives a volume without a source an emptyDir, and file modes to
// the projecting sources.
func defaultVolume(v map[string]any) {
	sources := 0
	for k := range v {
		if k != "name" {
			sources++
		}
	}
	if sources == 0 {
		v["emptyDir"] = map[string]any{}
	}
	for _, src := range []string{"secret", "configMap", "downwardAPI", "projected"} {
		if m, ok := v[src].(map[string]any); ok {
			setDefault(m, "defaultMode", number(0o644))
		}
	}
	if hp, ok := v["hostPath"].(map[string]any); ok {
		setDefault(hp, "type", "")
	}
	for _, item := range objects(v, "downwardAPI", "items") {
		if ref, ok := item["fieldRef"].(map[string]any); ok {
			setDefaultString(ref, "apiVersion", "v1")
		}
	}
	for _, src := range objects(v, "projected", "sources") {
		if tok, ok := src["serviceAccountToken"].(map[string]any); ok {
			setDefault(tok, "expirationSeconds", number(3600))
		}
		for _, item := range objects(src, "downwardAPI", "items") {
			if ref, ok := item["fieldRef"].(map[string]any); ok {
				setDefaultString(ref, "apiVersion", "v1")
			}
		}
	}
}

// pullPolicyFor is Always for an image tagged latest or not tagged at all (and
// without a digest), else IfNotPresent.
func pullPolicyFor(image string) string {
	if image == "" || strings.Contains(image, "@") {
		return corev1.PullIfNotPresent
	}
	last := image[strings.LastIndex(image, "/")+1:]
	i := strings.LastIndex(last, ":")
	if i < 0 || last[i+1:] == "latest" {
		return corev1.PullAlways
	}
	return corev1.PullIfNotPresent
}

// preparePodForCreate resets the status of a new pod: Pending, with its QoS class.
func preparePodForCreate(obj *unstructured.Unstructured) {
	obj.Object["status"] = map[string]any{
		"phase":    corev1.PodPending,
		"qosClass": podQOS(unstructured.NestedMap(obj.Object, "spec")),
	}
}

// podQOS classifies a pod by the cpu and memory requests and limits of all its
// containers: BestEffort with none, Guaranteed when every container limits both
// and requests equal limits, else Burstable.
func podQOS(spec map[string]any) string {
	requests, limits := map[string]*big.Rat{}, map[string]*big.Rat{}
	guaranteed := true
	add := func(sum map[string]*big.Rat, name, q string) bool {
		r, ok := parseQuantity(q)
		if !ok || r.Sign() <= 0 {
			return false
		}
		if sum[name] == nil {
			sum[name] = new(big.Rat)
		}
		sum[name].Add(sum[name], r)
		return true
	}
	for _, list := range []string{"initContainers", "containers"} {
		for _, c := range objects(spec, list) {
			req := stringMap(c, "resources", "requests")
			lim := stringMap(c, "resources", "limits")
			limited := 0
			for _, name := range []string{corev1.ResourceCPU, corev1.ResourceMemory} {
				if q, ok := req[name]; ok {
					add(requests, name, q)
				}
				if q, ok := lim[name]; ok && add(limits, name, q) {
					limited++
				}
			}
			if limited < 2 {
				guaranteed = false
			}
		}
	}
	if len(requests) == 0 && len(limits) == 0 {
		return corev1.QOSBestEffort
	}
	if guaranteed {
		for name, r := range requests {
			if l, ok := limits[name]; !ok || l.Cmp(r) != 0 {
				guaranteed = false
			}
		}
	}
	if guaranteed && len(requests) == len(limits) {
		return corev1.QOSGuaranteed
	}
	return corev1.QOSBurstable
}
