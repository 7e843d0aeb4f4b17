package kinds

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"time"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/api/validation"
	"kctl.dev/kctl/server/registry"
)

// The service IP range (10.96.0.0/12, kubeadm's default) and node port range.
var serviceCIDR = netip.MustParsePrefix("10.96.0.0/12")

const (
	nodePortMin = 30000
	nodePortMax = 32767
)

func services() *registry.Kind {
	return &registry.Kind{
		Version:      "v1",
		Resource:     "services",
		Kind:         "Service",
		Namespaced:   true,
		ShortNames:   []string{"svc"},
		Categories:   []string{"all"},
		Subresources: []registry.Subresource{statusSubresource("Service")},
		Columns: []meta.TableColumnDefinition{
			nameColumn(),
			column("Type", "string", 0, "type determines how the Service is exposed. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer."),
			column("Cluster-IP", "string", 0, "clusterIP is the IP address of the service, usually assigned randomly; \"None\" for a headless service."),
			column("External-IP", "string", 0, "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
			column("Port(s)", "string", 0, "The list of ports that are exposed by this service."),
			ageColumn(),
			column("Selector", "string", 1, "Route service traffic to pods with label keys and values matching this selector."),
		},
		Cells:            serviceCells,
		ValidateName:     isDNS1035Label,
		Default:          defaultService,
		PrepareForCreate: prepareServiceForCreate,
		Validate:         validateService,
		PrepareForUpdate: prepareServiceUpdate,
		ValidateUpdate:   validateServiceUpdate,
		Status:           true,
	}
}

func serviceCells(obj *unstructured.Unstructured, now time.Time) []any {
	spec := unstructured.NestedMap(obj.Object, "spec")
	clusterIP := "<none>"
	if ips := stringList(spec, "clusterIPs"); len(ips) > 0 {
		clusterIP = ips[0]
	} else if ip := str(spec, "clusterIP"); ip != "" {
		clusterIP = ip
	}
	ports := servicePorts(spec)
	if ports == "" {
		ports = "<none>"
	}
	return []any{
		obj.Name(),
		str(spec, "type"),
		clusterIP,
		externalIP(obj.Object),
		ports,
		age(obj, now),
		formatLabels(stringMap(spec, "selector")),
	}
}

// servicePorts prints ports as "80/TCP,443:30443/TCP".
func servicePorts(spec map[string]any) string {
	var parts []string
	for _, p := range objects(spec, "ports") {
		s := fmt.Sprintf("%d/%s", num(p, "port"), str(p, "protocol"))
		if np := num(p, "nodePort"); np > 0 {
			s = fmt.Sprintf("%d:%d/%s", num(p, "port"), np, str(p, "protocol"))
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ",")
}

// externalIP is the EXTERNAL-IP cell: external IPs, load balancer ingress
// ("<pending>" while there is none) or the external name.
func externalIP(o map[string]any) string {
	spec := unstructured.NestedMap(o, "spec")
	external := stringList(spec, "externalIPs")
	switch str(spec, "type") {
	case corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort:
		if len(external) > 0 {
			return strings.Join(external, ",")
		}
		return "<none>"
	case corev1.ServiceTypeLoadBalancer:
		var ips []string
		seen := map[string]bool{}
		for _, ing := range objects(o, "status", "loadBalancer", "ingress") {
			v := str(ing, "ip")
			if v == "" {
				v = str(ing, "hostname")
			}
			if v != "" && !seen[v] {
				seen[v] = true
				ips = append(ips, v)
			}
		}
		ips = append(ips, external...)
		if len(ips) == 0 {
			return "<pending>"
		}
		return strings.Join(ips, ",")
	case corev1.ServiceTypeExternalName:
		return str(spec, "externalName")
	}
	return "<unknown>"
}

func defaultService(obj *unstructured.Unstructured) {
	spec := child(obj.Object, "spec")
	setDefaultString(spec, "type", corev1.ServiceTypeClusterIP)
	setDefaultString(spec, "sessionAffinity", corev1.ServiceAffinityNone)
	typ := str(spec, "type")
	if str(spec, "sessionAffinity") == corev1.ServiceAffinityClientIP {
		cfg := child(child(spec, "sessionAffinityConfig"), "clientIP")
		setDefault(cfg, "timeoutSeconds", number(10800))
	}
	for _, p := range objects(spec, "ports") {
		setDefaultString(p, "protocol", corev1.ProtocolTCP)
		if targetPortUnset(p["targetPort"]) {
			p["targetPort"] = p["port"]
		}
	}
	if typ == corev1.ServiceTypeExternalName {
		return
	}
	setDefault(spec, "ipFamilyPolicy", corev1.IPFamilyPolicySingleStack)
	setDefault(spec, "ipFamilies", []any{corev1.IPv4Protocol})
	setDefault(spec, "internalTrafficPolicy", corev1.ServiceTrafficPolicyCluster)
	if typ == corev1.ServiceTypeNodePort || typ == corev1.ServiceTypeLoadBalancer {
		setDefaultString(spec, "externalTrafficPolicy", corev1.ServiceTrafficPolicyCluster)
	}
	if typ == corev1.ServiceTypeLoadBalancer {
		setDefault(spec, "allocateLoadBalancerNodePorts", true)
	}
}

// targetPortUnset reports an absent, null, 0 or "" targetPort.
func targetPortUnset(v any) bool {
	switch tp := v.(type) {
	case nil:
		return true
	case string:
		return tp == ""
	}
	return unstructured.Int64(v) == 0
}

// prepareServiceForCreate allocates a cluster IP (and node ports) to a new
// service and resets its status.
func prepareServiceForCreate(obj *unstructured.Unstructured) {
	obj.Object["status"] = map[string]any{"loadBalancer": map[string]any{}}
	spec := child(obj.Object, "spec")
	typ := str(spec, "type")
	if typ == corev1.ServiceTypeExternalName {
		return
	}
	ip := str(spec, "clusterIP")
	if ips := stringList(spec, "clusterIPs"); ip == "" && len(ips) > 0 {
		ip = ips[0]
	}
	if ip == "" {
		ip = randomServiceIP()
	}
	spec["clusterIP"] = ip
	if len(stringList(spec, "clusterIPs")) == 0 {
		spec["clusterIPs"] = []any{ip}
	}
	if typ == corev1.ServiceTypeNodePort || (typ == corev1.ServiceTypeLoadBalancer && spec["allocateLoadBalancerNodePorts"] != false) {
		used := map[int64]bool{}
		for _, p := range objects(spec, "ports") {
			used[num(p, "nodePort")] = true
		}
		for _, p := range objects(spec, "ports") {
			if num(p, "nodePort") != 0 {
				continue
			}
			for {
				np := int64(nodePortMin + rand.IntN(nodePortMax-nodePortMin+1))
				if !used[np] {
					used[np] = true
					p["nodePort"] = number(np)
					break
				}
			}
		}
	}
}

// randomServiceIP picks an address of the service range, leaving out the
// network address, the first ten (the API server's and DNS's) and the broadcast.
func randomServiceIP() string {
	base := serviceCIDR.Addr().As4()
	n := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	size := uint32(1) << (32 - serviceCIDR.Bits())
	n += 11 + rand.Uint32N(size-12)
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}).String()
}

func validateService(obj *unstructured.Unstructured) validation.ErrorList {
	var svc corev1.Service
	if errs := into(obj, &svc); errs != nil {
		return errs
	}
	s := &svc.Spec
	var errs validation.ErrorList
	errs = checkEnum(errs, "spec.type", s.Type, corev1.ServiceTypeClusterIP, corev1.ServiceTypeExternalName,
		corev1.ServiceTypeLoadBalancer, corev1.ServiceTypeNodePort)
	errs = checkEnum(errs, "spec.sessionAffinity", s.SessionAffinity, corev1.ServiceAffinityClientIP, corev1.ServiceAffinityNone)
	headless := s.ClusterIP == corev1.ClusterIPNone
	switch {
	case s.Type == corev1.ServiceTypeExternalName:
		if s.ExternalName == "" {
			errs = append(errs, validation.Required("spec.externalName", ""))
		} else {
			errs = checkName(errs, "spec.externalName", strings.TrimSuffix(s.ExternalName, "."), validation.IsDNS1123Subdomain)
		}
		if s.ClusterIP != "" {
			errs = append(errs, validation.Forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
		}
	case len(s.Ports) == 0 && !headless:
		errs = append(errs, validation.Required("spec.ports", ""))
	}
	if s.ClusterIP != "" && !headless && !isIP(s.ClusterIP) {
		errs = append(errs, validation.Invalid("spec.clusterIPs[0]", s.ClusterIP, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"))
	}
	if headless && s.Type != corev1.ServiceTypeClusterIP && s.Type != corev1.ServiceTypeExternalName {
		errs = append(errs, validation.Invalid("spec.clusterIPs[0]", s.ClusterIP, "may not be set to 'None' for "+s.Type+" services"))
	}
	names := map[string]bool{}
	for i, p := range s.Ports {
		path := validation.Index("spec.ports", i)
		switch {
		case p.Name == "" && len(s.Ports) > 1:
			errs = append(errs, validation.Required(path+".name", ""))
		case p.Name != "":
			errs = checkName(errs, path+".name", p.Name, validation.IsDNS1123Label)
			if names[p.Name] {
				errs = append(errs, validation.Duplicate(path+".name", p.Name))
			}
			names[p.Name] = true
		}
		if !validPort(int64(p.Port)) {
			errs = append(errs, validation.Invalid(path+".port", p.Port, portRangeMsg))
		}
		errs = checkEnum(errs, path+".protocol", p.Protocol, corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP)
		if p.TargetPort.IsString {
			errs = checkName(errs, path+".targetPort", p.TargetPort.StrVal, isPortName)
		} else if !validPort(int64(p.TargetPort.IntVal)) {
			errs = append(errs, validation.Invalid(path+".targetPort", p.TargetPort.IntVal, portRangeMsg))
		}
		if p.NodePort != 0 {
			if s.Type != corev1.ServiceTypeNodePort && s.Type != corev1.ServiceTypeLoadBalancer {
				errs = append(errs, validation.Forbidden(path+".nodePort", "may not be used when `type` is '"+s.Type+"'"))
			} else if !validPort(int64(p.NodePort)) {
				errs = append(errs, validation.Invalid(path+".nodePort", p.NodePort, portRangeMsg))
			}
		}
	}
	errs = append(errs, validation.ValidateLabels(s.Selector, "spec.selector")...)
	for i, ip := range s.ExternalIPs {
		if !isIP(ip) {
			errs = append(errs, validation.Invalid(validation.Index("spec.externalIPs", i), ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"))
		}
	}
	if p := s.IPFamilyPolicy; p != nil {
		errs = checkEnum(errs, "spec.ipFamilyPolicy", *p, corev1.IPFamilyPolicySingleStack,
			corev1.IPFamilyPolicyPreferDualStack, corev1.IPFamilyPolicyRequireDualStack)
	}
	return errs
}

// prepareServiceUpdate keeps the allocated cluster IPs and node ports when an
// update leaves them out (as a PUT of a manifest does, and as the real server
// allows).
func prepareServiceUpdate(obj, old *unstructured.Unstructured) {
	spec := child(obj.Object, "spec")
	oldSpec := unstructured.NestedMap(old.Object, "spec")
	if str(spec, "type") == corev1.ServiceTypeExternalName || str(oldSpec, "type") == corev1.ServiceTypeExternalName {
		return
	}
	if str(spec, "clusterIP") == "" && len(stringList(spec, "clusterIPs")) == 0 {
		copyField(spec, oldSpec, "clusterIP")
		copyField(spec, oldSpec, "clusterIPs")
	}
	oldPorts := objects(oldSpec, "ports")
	for i, p := range objects(spec, "ports") {
		if i < len(oldPorts) && num(p, "nodePort") == 0 && num(p, "port") == num(oldPorts[i], "port") {
			copyField(p, oldPorts[i], "nodePort")
		}
	}
}

// validateServiceUpdate forbids changing an allocated cluster IP.
func validateServiceUpdate(obj, old *unstructured.Unstructured) validation.ErrorList {
	spec := unstructured.NestedMap(obj.Object, "spec")
	oldSpec := unstructured.NestedMap(old.Object, "spec")
	oldIP, newIP := str(oldSpec, "clusterIP"), str(spec, "clusterIP")
	if oldIP != "" && str(oldSpec, "type") != corev1.ServiceTypeExternalName &&
		str(spec, "type") != corev1.ServiceTypeExternalName && newIP != oldIP {
		return validation.ErrorList{validation.Invalid("spec.clusterIPs[0]", newIP, "may not change once set")}
	}
	return nil
}
