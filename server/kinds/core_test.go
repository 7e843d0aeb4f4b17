package kinds

import (
	"fmt"
	"testing"

	"kctl.dev/kctl/api/unstructured"
)

func TestNamespace(t *testing.T) {
	k := kind(t, "namespaces")
	ns := decode(t, `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a","creationTimestamp":"`+created+`"},"spec":{"finalizers":["example.com/x"]},"status":{"phase":"Terminating"}}`)
	k.Default(ns)
	k.PrepareForCreate(ns)
	if ns.Labels()["kubernetes.io/metadata.name"] != "team-a" {
		t.Errorf("labels %v", ns.Labels())
	}
	if got := fmt.Sprint(stringList(ns.Object, "spec", "finalizers")); got != "[example.com/x kubernetes]" {
		t.Errorf("finalizers %s", got)
	}
	if got := fmt.Sprint(k.Cells(ns, now)); got != "[team-a Active 120m]" {
		t.Errorf("cells %s", got)
	}
	if got := k.Fields["status.phase"](ns); got != "Active" {
		t.Errorf("status.phase %q", got)
	}
	k.PrepareForCreate(ns)
	if n := len(stringList(ns.Object, "spec", "finalizers")); n != 2 {
		t.Errorf("kubernetes finalizer added twice: %d", n)
	}
	checkErrs(t, "valid", k.Validate(ns))
	checkErrs(t, "bad finalizer", k.Validate(set(ns.DeepCopy(), "spec.finalizers", []any{"kubernetes", "not a name!"})), "FieldValueInvalid spec.finalizers[1]")

	k.PrepareForDelete(ns)
	if str(ns.Object, "status", "phase") != "Terminating" {
		t.Errorf("phase after PrepareForDelete: %v", ns.Object["status"])
	}
	ns.SetTimestamp("deletionTimestamp", metaTime(now))
	set(ns, "status.phase", "Active")
	if got := k.Cells(ns, now)[1]; got != "Terminating" {
		t.Errorf("STATUS of a namespace being deleted: %v", got)
	}
}

func TestEvents(t *testing.T) {
	k := kind(t, "events")
	ev := func(body string) *unstructured.Unstructured {
		return decode(t, `{"apiVersion":"v1","kind":"Event","metadata":{"name":"e","namespace":"default","creationTimestamp":"`+created+`"}`+body+`}`)
	}
	full := ev(`,"involvedObject":{"kind":"Pod","name":"web","namespace":"default","uid":"u1","apiVersion":"v1","resourceVersion":"7","fieldPath":"spec.containers{web}"},
		"reason":"Pulled","message":"  Pulled image  \n","type":"Normal","count":4,"source":{"component":"kubelet","host":"node-1"},
		"firstTimestamp":"` + ago(90*60e9) + `","lastTimestamp":"` + ago(30e9) + `","reportingComponent":"kubelet","reportingInstance":"node-1"}`)
	want := "[30s Normal Pulled pod/web spec.containers{web} kubelet, node-1 Pulled image 90m 4 e]"
	if got := fmt.Sprint(k.Cells(full, now)); got != want {
		t.Errorf("cells\n got %s\nwant %s", got, want)
	}
	series := ev(`,"involvedObject":{"kind":"Node","name":"n"},"eventTime":"` + ago(10*60e9) + `","series":{"count":7,"lastObservedTime":"` + ago(60e9) + `"},
		"reportingComponent":"node-controller","reportingInstance":"","type":"Warning","reason":"R"}`)
	want = "[60s Warning R node/n  node-controller  10m 7 e]"
	if got := fmt.Sprint(k.Cells(series, now)); got != want {
		t.Errorf("series cells\n got %s\nwant %s", got, want)
	}
	single := ev(`,"involvedObject":{"kind":"Node"},"eventTime":"` + ago(5e9) + `"`)
	if got := fmt.Sprint(k.Cells(single, now)); got != "[5s   node    5s 1 e]" {
		t.Errorf("singleton cells %q", got)
	}

	fields := map[string]string{
		"involvedObject.kind": "Pod", "involvedObject.name": "web", "involvedObject.namespace": "default",
		"involvedObject.uid": "u1", "involvedObject.apiVersion": "v1", "involvedObject.resourceVersion": "7",
		"involvedObject.fieldPath": "spec.containers{web}", "reason": "Pulled", "reportingComponent": "kubelet",
		"source": "kubelet", "type": "Normal",
	}
	for f, v := range fields {
		if got := k.Fields[f](full); got != v {
			t.Errorf("field %s = %q, want %q", f, got, v)
		}
	}
	if got := k.Fields["source"](series); got != "node-controller" {
		t.Errorf("source falls back to reportingComponent: %q", got)
	}

	checkErrs(t, "valid", k.Validate(full))
	checkErrs(t, "cluster object in default", k.Validate(series))
	checkErrs(t, "no involvedObject", k.Validate(ev(``)), "FieldValueRequired involvedObject")
	checkErrs(t, "namespace mismatch", k.Validate(ev(`,"involvedObject":{"kind":"Pod","name":"x","namespace":"other"}`)), "FieldValueInvalid involvedObject.namespace")
	other := ev(`,"involvedObject":{"kind":"Node","name":"n"}`)
	other.SetNamespace("kube-system")
	checkErrs(t, "cluster object elsewhere", k.Validate(other), "FieldValueInvalid involvedObject.namespace")
	if k.SpecFields == nil || len(k.SpecFields) != 0 {
		t.Error("events track no generation")
	}
}

func TestRBAC(t *testing.T) {
	role := func(kind, rules string) *unstructured.Unstructured {
		return decode(t, `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"`+kind+`","metadata":{"name":"r"},"rules":`+rules+`}`)
	}
	roles, clusterRoles := kind(t, "roles"), kind(t, "clusterroles")
	checkErrs(t, "valid role", roles.Validate(role("Role", `[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]`)))
	checkErrs(t, "no rules", roles.Validate(role("Role", `null`)))
	checkErrs(t, "rule parts", roles.Validate(role("Role", `[{"verbs":[]},{"nonResourceURLs":["/x"],"verbs":["get"]}]`)),
		"FieldValueRequired rules[0].verbs", "FieldValueRequired rules[0].apiGroups", "FieldValueRequired rules[0].resources",
		"FieldValueInvalid rules[1].nonResourceURLs")
	checkErrs(t, "cluster non-resource", clusterRoles.Validate(role("ClusterRole", `[{"nonResourceURLs":["/metrics"],"verbs":["get"]}]`)))
	checkErrs(t, "mixed", clusterRoles.Validate(role("ClusterRole", `[{"nonResourceURLs":["/metrics"],"resources":["pods"],"verbs":["get"]}]`)),
		"FieldValueInvalid rules[0].nonResourceURLs")
	agg := decode(t, `{"kind":"ClusterRole","metadata":{"name":"r"},"aggregationRule":{}}`)
	checkErrs(t, "aggregation", clusterRoles.Validate(agg), "FieldValueRequired aggregationRule.clusterRoleSelectors")
	for _, k := range []string{"roles", "clusterroles", "rolebindings", "clusterrolebindings"} {
		if kk := kind(t, k); kk.SpecFields == nil || len(kk.SpecFields) != 0 {
			t.Errorf("%s tracks a generation", k)
		}
	}
	if roles.Columns != nil || clusterRoles.Columns != nil {
		t.Error("roles print as Name, Created At: no columns of their own")
	}

	rb, crb := kind(t, "rolebindings"), kind(t, "clusterrolebindings")
	binding := func(kind, body string) *unstructured.Unstructured {
		return decode(t, `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"`+kind+`","metadata":{"name":"b","creationTimestamp":"`+created+`"},`+body+`}`)
	}
	good := binding("RoleBinding", `"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"pod-reader"},
		"subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"jane"},{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"joe"},
		{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"devs"},{"kind":"ServiceAccount","name":"builder","namespace":"ci"},{"kind":"ServiceAccount","name":"local"}]`)
	if got := fmt.Sprint(rb.Cells(good, now)); got != "[b Role/pod-reader 120m jane, joe devs ci/builder, local]" {
		t.Errorf("cells %s", got)
	}
	checkErrs(t, "valid binding", rb.Validate(good))
	checkErrs(t, "cluster binding to Role", crb.Validate(binding("ClusterRoleBinding", `"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"x"},
		"subjects":[{"kind":"ServiceAccount","name":"sa"}]`)), "FieldValueNotSupported roleRef.kind", "FieldValueRequired subjects[0].namespace")
	checkErrs(t, "bad binding", rb.Validate(binding("RoleBinding", `"roleRef":{"apiGroup":"example.com","kind":"Thing","name":""},
		"subjects":[{"kind":"Robot","name":"r"},{"kind":"User","name":""},{"kind":"ServiceAccount","apiGroup":"x","name":"sa"}]`)),
		"FieldValueNotSupported roleRef.apiGroup", "FieldValueNotSupported roleRef.kind", "FieldValueRequired roleRef.name",
		"FieldValueNotSupported subjects[0].kind", "FieldValueRequired subjects[1].name", "FieldValueNotSupported subjects[1].apiGroup",
		"FieldValueNotSupported subjects[2].apiGroup")

	moved := good.DeepCopy()
	set(moved, "roleRef.name", "other")
	checkErrs(t, "roleRef change", rb.ValidateUpdate(moved, good), "FieldValueInvalid roleRef")
	more := good.DeepCopy()
	more.Object["subjects"] = []any{}
	checkErrs(t, "subjects change", rb.ValidateUpdate(more, good))
	checkErrs(t, "cluster roleRef change", crb.ValidateUpdate(moved, good), "FieldValueInvalid roleRef")
}
