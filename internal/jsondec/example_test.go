package jsondec_test

import (
	"fmt"

	"kctl.dev/kctl/internal/jsondec"
)

func Example() {
	m, err := jsondec.Object([]byte(`{
		"apiVersion": "v1",
		"kind": "Pod",
		"metadata": {"name": "web", "labels": {}},
		"spec": {"containers": [{"name": "app", "ports": [{"containerPort": 8080}]}]},
		"cpu": 0.50,
		"note": "caf\u00e9 \ud800"
	}`))
	if err != nil {
		panic(err)
	}
	port := m["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)["ports"].([]any)[0].(map[string]any)["containerPort"]
	fmt.Printf("%s %s %T %v\n", m["kind"], m["metadata"].(map[string]any)["name"], port, port)
	fmt.Printf("%T %v\n", m["cpu"], m["cpu"]) // the number's text, as sent
	fmt.Printf("%q\n", m["note"])             // an unpaired surrogate becomes U+FFFD

	_, err = jsondec.Object([]byte(`{"a": 01}`))
	fmt.Println(err)
	// Output:
	// Pod web json.Number 8080
	// json.Number 0.50
	// "café �"
	// jsondec: invalid character '1', expected ',' or '}' after an object member at offset 7
}
