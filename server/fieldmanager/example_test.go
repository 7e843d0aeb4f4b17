package fieldmanager_test

import (
	"encoding/json"
	"fmt"
	"time"

	"kctl.dev/kctl/api/appsv1"
	"kctl.dev/kctl/api/schema"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/server/fieldmanager"
)

func ExampleApply() {
	s := schema.Of[appsv1.Deployment]()
	decode := func(s string) map[string]any {
		m, err := unstructured.DecodeMap([]byte(s))
		if err != nil {
			panic(err)
		}
		return m
	}
	at := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)

	// kubectl apply --server-side creates the Deployment.
	config := decode(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
		"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
		"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}`)
	live, err := fieldmanager.Apply(nil, config, s, fieldmanager.Request{Manager: "kubectl", APIVersion: "apps/v1", Time: at}, false)
	if err != nil {
		panic(err)
	}
	entry := unstructured.NestedMap(live, "metadata")["managedFields"].([]any)[0].(map[string]any)
	fields, _ := json.Marshal(entry["fieldsV1"])
	fmt.Println(entry["manager"], entry["operation"], entry["time"])
	fmt.Println(string(fields))

	// An autoscaler applies other replicas: the field is kubectl's.
	scale := decode(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":5}}`)
	_, err = fieldmanager.Apply(live, scale, s, fieldmanager.Request{Manager: "autoscaler", APIVersion: "apps/v1", Time: at}, false)
	fmt.Println(err)

	// Forced, the autoscaler takes the field over.
	live, _ = fieldmanager.Apply(live, scale, s, fieldmanager.Request{Manager: "autoscaler", APIVersion: "apps/v1", Time: at}, true)
	fmt.Println(unstructured.NestedMap(live, "spec")["replicas"])
	// Output:
	// kubectl Apply 2025-01-01T12:00:00Z
	// {"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:name":{}}}}}}}
	// Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas
	// 5
}
