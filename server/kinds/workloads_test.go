package kinds

import (
	"fmt"
	"testing"

	"kctl.dev/kctl/api/unstructured"
)

func TestDeploymentCells(t *testing.T) {
	d := load(t, "deployment.json")
	want := "[web 2/3 3 2 120m nginx,sidecar nginx:1.27,busybox app=web,tier in (api,frontend)]"
	if got := fmt.Sprint(deploymentCells(d, now)); got != want {
		t.Errorf("cells\n got %s\nwant %s", got, want)
	}
}

func TestDeploymentDefault(t *testing.T) {
	d := load(t, "deployment.json")
	unstructured.RemoveNested(d.Object, "spec", "replicas")
	defaultDeployment(d)
	spec := unstructured.NestedMap(d.Object, "spec")
	got := fmt.Sprint(num(spec, "replicas"), " ", str(spec, "strategy", "type"), " ",
		str(spec, "strategy", "rollingUpdate", "maxUnavailable"), " ", str(spec, "strategy", "rollingUpdate", "maxSurge"), " ",
		num(spec, "revisionHistoryLimit"), " ", num(spec, "progressDeadlineSeconds"))
	if got != "1 RollingUpdate 25% 25% 10 600" {
		t.Errorf("defaults: %s", got)
	}
	tspec := unstructured.NestedMap(spec, "template", "spec")
	if str(tspec, "restartPolicy") != "Always" || str(tspec, "schedulerName") != "default-scheduler" || num(tspec, "terminationGracePeriodSeconds") != 30 {
		t.Errorf("template spec defaults: %v", tspec)
	}
	if has(tspec, "enableServiceLinks") {
		t.Error("templates do not get enableServiceLinks")
	}
	c := objects(tspec, "containers")
	if str(c[0], "imagePullPolicy") != "IfNotPresent" || str(c[1], "imagePullPolicy") != "Always" || str(objects(c[0], "ports")[0], "protocol") != "TCP" {
		t.Errorf("container defaults: %v", c)
	}

	recreate := decode(t, `{"kind":"Deployment","metadata":{"name":"d"},"spec":{"strategy":{"type":"Recreate"}}}`)
	defaultDeployment(recreate)
	if has(recreate.Object, "spec", "strategy", "rollingUpdate") {
		t.Error("Recreate got a rollingUpdate")
	}
}

func TestDeploymentValidate(t *testing.T) {
	cases := []struct {
		name string
		edit func(d *unstructured.Unstructured)
		want []string
	}{
		{"valid", func(*unstructured.Unstructured) {}, nil},
		{"no selector", func(d *unstructured.Unstructured) { unstructured.RemoveNested(d.Object, "spec", "selector") },
			[]string{"FieldValueRequired spec.selector"}},
		{"empty selector", func(d *unstructured.Unstructured) { set(d, "spec.selector", map[string]any{}) },
			[]string{"FieldValueInvalid spec.selector"}},
		{"selector mismatch", func(d *unstructured.Unstructured) {
			set(d, "spec.template.metadata.labels", map[string]any{"app": "other", "tier": "api"})
		},
			[]string{"FieldValueInvalid spec.template.metadata.labels"}},
		{"negative replicas", func(d *unstructured.Unstructured) { set(d, "spec.replicas", number(-1)) },
			[]string{"FieldValueInvalid spec.replicas"}},
		{"template pod spec", func(d *unstructured.Unstructured) { set(d, "spec.template.spec.containers", []any{}) },
			[]string{"FieldValueRequired spec.template.spec.containers"}},
		{"template image may be empty", func(d *unstructured.Unstructured) {
			objects(d.Object, "spec", "template", "spec", "containers")[0]["image"] = ""
		}, nil},
		{"template restart policy", func(d *unstructured.Unstructured) { set(d, "spec.template.spec.restartPolicy", "Never") },
			[]string{"FieldValueNotSupported spec.template.spec.restartPolicy"}},
		{"both zero", func(d *unstructured.Unstructured) {
			set(d, "spec.strategy.rollingUpdate", map[string]any{"maxSurge": number(0), "maxUnavailable": "0%"})
		}, []string{"FieldValueInvalid spec.strategy.rollingUpdate.maxUnavailable"}},
		{"bad percent", func(d *unstructured.Unstructured) { set(d, "spec.strategy.rollingUpdate.maxSurge", "lots") },
			[]string{"FieldValueInvalid spec.strategy.rollingUpdate.maxSurge"}},
		{"recreate with rolling update", func(d *unstructured.Unstructured) { set(d, "spec.strategy.type", "Recreate") },
			[]string{"FieldValueForbidden spec.strategy.rollingUpdate"}},
		{"progress deadline", func(d *unstructured.Unstructured) { set(d, "spec.minReadySeconds", number(600)) },
			[]string{"FieldValueInvalid spec.progressDeadlineSeconds"}},
	}
	for _, c := range cases {
		d := load(t, "deployment.json")
		defaultDeployment(d)
		c.edit(d)
		checkErrs(t, c.name, validateDeployment(d), c.want...)
	}
}

func TestDeploymentUpdate(t *testing.T) {
	old := load(t, "deployment.json")
	defaultDeployment(old)
	scaled := old.DeepCopy()
	set(scaled, "spec.replicas", number(5))
	checkErrs(t, "scale", validateDeploymentUpdate(scaled, old))
	reselect := old.DeepCopy()
	set(reselect, "spec.selector", map[string]any{"matchLabels": map[string]any{"app": "web"}})
	checkErrs(t, "selector", validateDeploymentUpdate(reselect, old), "FieldValueInvalid spec.selector")
	k := kind(t, "deployments")
	k.PrepareForCreate(old)
	if fmt.Sprint(old.Object["status"]) != "map[]" {
		t.Errorf("status after PrepareForCreate: %v", old.Object["status"])
	}
}

func TestLease(t *testing.T) {
	k := kind(t, "leases")
	lease := func(spec string) *unstructured.Unstructured {
		return decode(t, `{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"l","creationTimestamp":"`+created+`"},"spec":`+spec+`}`)
	}
	if got := fmt.Sprint(k.Cells(lease(`{"holderIdentity":"node-1"}`), now)); got != "[l node-1 120m]" {
		t.Errorf("cells %s", got)
	}
	checkErrs(t, "valid", k.Validate(lease(`{"holderIdentity":"a","leaseDurationSeconds":15}`)))
	checkErrs(t, "unset", k.Validate(lease(`{}`)))
	checkErrs(t, "zero", k.Validate(lease(`{"leaseDurationSeconds":0,"leaseTransitions":-1}`)),
		"FieldValueInvalid spec.leaseDurationSeconds", "FieldValueInvalid spec.leaseTransitions")
	if k.SpecFields == nil || len(k.SpecFields) != 0 || k.Default != nil {
		t.Error("leases track no generation and have no defaults")
	}
}
