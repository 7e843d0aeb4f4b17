package kinds

import (
	"fmt"
	"net/netip"
	"testing"

	"kctl.dev/kctl/api/unstructured"
)

func service(t *testing.T, spec string, status ...string) *unstructured.Unstructured {
	t.Helper()
	st := `{}`
	if len(status) > 0 {
		st = status[0]
	}
	return decode(t, `{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default","creationTimestamp":"`+created+`"},"spec":`+spec+`,"status":`+st+`}`)
}

func TestServiceCells(t *testing.T) {
	cases := []struct {
		name, spec, status string
		want               string
	}{
		{"cluster ip", `{"type":"ClusterIP","clusterIP":"10.96.0.10","clusterIPs":["10.96.0.10"],"selector":{"app":"web","tier":"fe"},
			"ports":[{"port":80,"protocol":"TCP"},{"port":443,"protocol":"TCP"}]}`, `{}`,
			"[web ClusterIP 10.96.0.10 <none> 80/TCP,443/TCP 120m app=web,tier=fe]"},
		{"headless", `{"type":"ClusterIP","clusterIP":"None","clusterIPs":["None"]}`, `{}`,
			"[web ClusterIP None <none> <none> 120m <none>]"},
		{"node port", `{"type":"NodePort","clusterIPs":["10.96.1.1"],"externalIPs":["1.2.3.4","5.6.7.8"],"ports":[{"port":80,"nodePort":30080,"protocol":"TCP"},{"port":53,"protocol":"UDP"}]}`, `{}`,
			"[web NodePort 10.96.1.1 1.2.3.4,5.6.7.8 80:30080/TCP,53/UDP 120m <none>]"},
		{"lb pending", `{"type":"LoadBalancer","clusterIPs":["10.96.1.1"],"ports":[{"port":80,"nodePort":31000,"protocol":"TCP"}]}`, `{"loadBalancer":{}}`,
			"[web LoadBalancer 10.96.1.1 <pending> 80:31000/TCP 120m <none>]"},
		{"lb ready", `{"type":"LoadBalancer","clusterIPs":["10.96.1.1"],"externalIPs":["9.9.9.9"],"ports":[{"port":80,"protocol":"TCP"}]}`,
			`{"loadBalancer":{"ingress":[{"ip":"1.1.1.1"},{"hostname":"lb.example.com"},{"ip":"1.1.1.1"}]}}`,
			"[web LoadBalancer 10.96.1.1 1.1.1.1,lb.example.com,9.9.9.9 80/TCP 120m <none>]"},
		{"external name", `{"type":"ExternalName","externalName":"db.example.com"}`, `{}`,
			"[web ExternalName <none> db.example.com <none> 120m <none>]"},
	}
	for _, c := range cases {
		if got := fmt.Sprint(serviceCells(service(t, c.spec, c.status), now)); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

func TestServiceDefaultAndAllocate(t *testing.T) {
	s := service(t, `{"ports":[{"port":80},{"port":443,"targetPort":"https","name":"https"},{"port":8080,"targetPort":0}],"selector":{"app":"web"}}`)
	defaultService(s)
	prepareServiceForCreate(s)
	spec := unstructured.NestedMap(s.Object, "spec")
	if str(spec, "type") != "ClusterIP" || str(spec, "sessionAffinity") != "None" || str(spec, "ipFamilyPolicy") != "SingleStack" ||
		fmt.Sprint(spec["ipFamilies"]) != "[IPv4]" || str(spec, "internalTrafficPolicy") != "Cluster" {
		t.Errorf("spec defaults: %v", spec)
	}
	ports := objects(spec, "ports")
	for i, want := range []string{"80", "https", "8080"} {
		if str(ports[i], "protocol") != "TCP" || fmt.Sprint(ports[i]["targetPort"]) != want {
			t.Errorf("port %d: %v", i, ports[i])
		}
		if _, ok := ports[i]["nodePort"]; ok {
			t.Errorf("ClusterIP port %d got a node port", i)
		}
	}
	ip := str(spec, "clusterIP")
	addr, err := netip.ParseAddr(ip)
	if err != nil || !serviceCIDR.Contains(addr) || fmt.Sprint(spec["clusterIPs"]) != "["+ip+"]" {
		t.Errorf("allocated clusterIP %q clusterIPs %v", ip, spec["clusterIPs"])
	}
	if fmt.Sprint(s.Object["status"]) != "map[loadBalancer:map[]]" {
		t.Errorf("status %v", s.Object["status"])
	}

	headless := service(t, `{"clusterIP":"None","selector":{"app":"web"}}`)
	defaultService(headless)
	prepareServiceForCreate(headless)
	if str(headless.Object, "spec", "clusterIP") != "None" || fmt.Sprint(unstructured.NestedSlice(headless.Object, "spec", "clusterIPs")) != "[None]" {
		t.Errorf("headless: %v", headless.Object["spec"])
	}

	external := service(t, `{"type":"ExternalName","externalName":"db.example.com"}`)
	defaultService(external)
	prepareServiceForCreate(external)
	if has(external.Object, "spec", "clusterIP") || has(external.Object, "spec", "ipFamilies") {
		t.Errorf("ExternalName got cluster networking: %v", external.Object["spec"])
	}

	np := service(t, `{"type":"NodePort","ports":[{"port":80},{"port":81,"nodePort":30001}]}`)
	defaultService(np)
	prepareServiceForCreate(np)
	ports = objects(np.Object, "spec", "ports")
	if n := num(ports[0], "nodePort"); n < nodePortMin || n > nodePortMax || n == 30001 {
		t.Errorf("allocated node port %d", n)
	}
	if num(ports[1], "nodePort") != 30001 || str(np.Object, "spec", "externalTrafficPolicy") != "Cluster" {
		t.Errorf("node port service: %v", np.Object["spec"])
	}
	for range 1000 {
		a, _ := netip.ParseAddr(randomServiceIP())
		if !serviceCIDR.Contains(a) || a.As4()[3] == 255 && a.As4()[2] == 255 && a.As4()[1] == 111 {
			t.Fatalf("random IP %v out of range", a)
		}
	}
}

func TestServiceValidate(t *testing.T) {
	cases := []struct {
		name, spec string
		want       []string
	}{
		{"valid", `{"ports":[{"port":80}],"selector":{"app":"web"}}`, nil},
		{"headless without ports", `{"clusterIP":"None"}`, nil},
		{"ports required", `{"selector":{"app":"web"}}`, []string{"FieldValueRequired spec.ports"}},
		{"external name", `{"type":"ExternalName","externalName":"db.example.com"}`, nil},
		{"external name required", `{"type":"ExternalName"}`, []string{"FieldValueRequired spec.externalName"}},
		{"bad type", `{"type":"Magic","ports":[{"port":80}]}`, []string{"FieldValueNotSupported spec.type"}},
		{"port range", `{"ports":[{"port":0,"name":"a"},{"port":65536,"name":"b","targetPort":70000}]}`,
			[]string{"FieldValueInvalid spec.ports[0].port", "FieldValueInvalid spec.ports[0].targetPort", "FieldValueInvalid spec.ports[1].port", "FieldValueInvalid spec.ports[1].targetPort"}},
		{"port names", `{"ports":[{"port":80},{"port":81,"name":"x"},{"port":82,"name":"x"}]}`,
			[]string{"FieldValueRequired spec.ports[0].name", "FieldValueDuplicate spec.ports[2].name"}},
		{"protocol", `{"ports":[{"port":80,"protocol":"HTTP"}]}`, []string{"FieldValueNotSupported spec.ports[0].protocol"}},
		{"named target", `{"ports":[{"port":80,"targetPort":"Not_OK"}]}`, []string{"FieldValueInvalid spec.ports[0].targetPort"}},
		{"selector", `{"ports":[{"port":80}],"selector":{"app":"not ok!"}}`, []string{"FieldValueInvalid spec.selector"}},
		{"cluster ip", `{"ports":[{"port":80}],"clusterIP":"10.300.0.1"}`, []string{"FieldValueInvalid spec.clusterIPs[0]"}},
		{"node port on ClusterIP", `{"ports":[{"port":80,"nodePort":30000}]}`, []string{"FieldValueForbidden spec.ports[0].nodePort"}},
	}
	for _, c := range cases {
		s := service(t, c.spec)
		defaultService(s)
		checkErrs(t, c.name, validateService(s), c.want...)
	}
}

func TestServiceValidateUpdate(t *testing.T) {
	old := service(t, `{"type":"NodePort","clusterIP":"10.96.5.5","clusterIPs":["10.96.5.5"],"ports":[{"port":80,"nodePort":30080}]}`)
	defaultService(old)

	// A PUT that leaves the allocations out keeps them.
	put := service(t, `{"type":"NodePort","ports":[{"port":80}]}`)
	prepareServiceUpdate(put, old)
	defaultService(put)
	checkErrs(t, "omitted", validateServiceUpdate(put, old))
	if str(put.Object, "spec", "clusterIP") != "10.96.5.5" || num(objects(put.Object, "spec", "ports")[0], "nodePort") != 30080 {
		t.Errorf("allocations not carried over: %v", put.Object["spec"])
	}

	changed := old.DeepCopy()
	set(changed, "spec.clusterIP", "10.96.6.6")
	checkErrs(t, "changed", validateServiceUpdate(changed, old), "FieldValueInvalid spec.clusterIPs[0]")

	toExternal := service(t, `{"type":"ExternalName","externalName":"x.example.com"}`)
	checkErrs(t, "to ExternalName", validateServiceUpdate(toExternal, old))
}
