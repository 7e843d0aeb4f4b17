package describe

import (
	"fmt"
	"strings"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/labels"
)

// Endpoints is the part of a core/v1 Endpoints object a service's
// description shows.
type Endpoints struct {
	Subsets []EndpointSubset `json:"subsets,omitempty"`
}

// EndpointSubset is a set of addresses serving a set of ports.
type EndpointSubset struct {
	Addresses []struct {
		IP string `json:"ip"`
	} `json:"addresses,omitempty"`
	Ports []struct {
		Name string `json:"name,omitempty"`
		Port int32  `json:"port"`
	} `json:"ports,omitempty"`
}

// maxEndpoints is how many addresses a port's Endpoints line shows.
const maxEndpoints = 3

// service writes a service's description.
func (s *sheet) service(svc *corev1.Service, ep *Endpoints) {
	sp := &svc.Spec
	s.header(&svc.ObjectMeta, true)
	sel := "<none>"
	if len(sp.Selector) > 0 {
		sel = labels.SelectorFromSet(sp.Selector).String()
	}
	s.put(0, "Selector:\t%s\n", sel)
	s.put(0, "Type:\t%s\n", sp.Type)
	if sp.IPFamilyPolicy != nil {
		s.put(0, "IP Family Policy:\t%s\n", *sp.IPFamilyPolicy)
	}
	s.put(0, "IP Families:\t%s\n", orNone(strings.Join(sp.IPFamilies, ",")))
	s.put(0, "IP:\t%s\n", sp.ClusterIP)
	s.put(0, "IPs:\t%s\n", orNone(strings.Join(sp.ClusterIPs, ",")))
	if len(sp.ExternalIPs) > 0 {
		s.put(0, "External IPs:\t%s\n", strings.Join(sp.ExternalIPs, ","))
	}
	if sp.LoadBalancerIP != "" {
		s.put(0, "LoadBalancer IP:\t%s\n", sp.LoadBalancerIP)
	}
	if sp.ExternalName != "" {
		s.put(0, "External Name:\t%s\n", sp.ExternalName)
	}
	if ing := svc.Status.LoadBalancer.Ingress; len(ing) > 0 {
		var list []string
		for _, i := range ing {
			addr := i.IP
			if addr == "" {
				addr = i.Hostname
			}
			if i.IPMode != nil {
				addr += " (" + *i.IPMode + ")"
			}
			list = append(list, addr)
		}
		s.put(0, "LoadBalancer Ingress:\t%s\n", strings.Join(list, ", "))
	}
	for _, p := range sp.Ports {
		name := p.Name
		if name == "" {
			name = "<unset>"
		}
		s.put(0, "Port:\t%s\t%d/%s\n", name, p.Port, p.Protocol)
		s.put(0, "TargetPort:\t%s/%s\n", p.TargetPort.String(), p.Protocol)
		if p.NodePort != 0 {
			s.put(0, "NodePort:\t%s\t%d/%s\n", name, p.NodePort, p.Protocol)
		}
		s.put(0, "Endpoints:\t%s\n", endpointsFor(ep, p.Name))
	}
	s.put(0, "Session Affinity:\t%s\n", sp.SessionAffinity)
	if sp.ExternalTrafficPolicy != "" {
		s.put(0, "External Traffic Policy:\t%s\n", sp.ExternalTrafficPolicy)
	}
	if sp.InternalTrafficPolicy != nil {
		s.put(0, "Internal Traffic Policy:\t%s\n", *sp.InternalTrafficPolicy)
	}
	if sp.HealthCheckNodePort != 0 {
		s.put(0, "HealthCheck NodePort:\t%d\n", sp.HealthCheckNodePort)
	}
	if len(sp.LoadBalancerSourceRanges) > 0 {
		s.put(0, "LoadBalancer Source Ranges:\t%s\n", strings.Join(sp.LoadBalancerSourceRanges, ","))
	}
}

// endpointsFor lists "ip:port" for the service port named portName, the
// first few followed by "+ N more...", or <none>.
func endpointsFor(ep *Endpoints, portName string) string {
	if ep == nil {
		return "<none>"
	}
	var list []string
	for _, ss := range ep.Subsets {
		for _, p := range ss.Ports {
			if p.Name != portName {
				continue
			}
			for _, a := range ss.Addresses {
				list = append(list, fmt.Sprintf("%s:%d", a.IP, p.Port))
			}
		}
	}
	switch {
	case len(list) == 0:
		return "<none>"
	case len(list) > maxEndpoints:
		return strings.Join(list[:maxEndpoints], ",") + fmt.Sprintf(" + %d more...", len(list)-maxEndpoints)
	}
	return strings.Join(list, ",")
}

// namespace writes a namespace's description.
func (s *sheet) namespace(ns *corev1.Namespace) {
	s.header(&ns.ObjectMeta, false)
	s.put(0, "Status:\t%s\n", ns.Status.Phase)
}

// configMap writes a config map's description: its data in full, the sizes
// of its binary data.
func (s *sheet) configMap(cm *corev1.ConfigMap) {
	s.header(&cm.ObjectMeta, true)
	s.raw("\nData\n====\n")
	for _, k := range sortedKeys(cm.Data) {
		s.raw(k + ":\n----\n")
		s.raw(cm.Data[k] + "\n")
		s.raw("\n")
	}
	s.raw("\nBinaryData\n====\n")
	for _, k := range sortedKeys(cm.BinaryData) {
		s.raw(fmt.Sprintf("%s: %d bytes\n", k, len(cm.BinaryData[k])))
	}
	s.raw("\n")
}

// secret writes a secret's description: the sizes of its values, never the
// values.
func (s *sheet) secret(sec *corev1.Secret) {
	s.header(&sec.ObjectMeta, true)
	s.raw("\n")
	s.put(0, "Type:\t%s\n", sec.Type)
	s.raw("\nData\n====\n")
	for _, k := range sortedKeys(sec.Data) {
		s.put(0, "%s:\t%d bytes\n", k, len(sec.Data[k]))
	}
	s.blankBeforeEvents = true
}
