package manifest_test

import (
	"fmt"
	"os"
	"strings"

	"kctl.dev/kctl/manifest"
)

func ExampleRead() {
	// kctl apply -f testdata/multi.yaml -f testdata/dir -f -
	stdin := strings.NewReader(`{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "piped"}}`)
	objs, err := manifest.Read([]string{"testdata/multi.yaml", "testdata/dir", "-"}, false, stdin)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range objs {
		fmt.Printf("%s %s/%s from %s (document %d)\n", o.APIVersion(), o.Kind(), o.Name(), o.Source, o.Document)
	}
	// Output:
	// v1 Namespace/shop from testdata/multi.yaml (document 1)
	// apps/v1 Deployment/web from testdata/multi.yaml (document 2)
	// v1 Service/web from testdata/multi.yaml (document 4)
	// v1 ConfigMap/a from testdata/dir/a.yaml (document 1)
	// v1 ConfigMap/b from testdata/dir/b.json (document 1)
	// v1 ConfigMap/c from testdata/dir/c.yml (document 1)
	// v1 ConfigMap/piped from STDIN (document 1)
}

func ExampleRead_errors() {
	_, err := manifest.Read([]string{"testdata/bad/syntax.yaml"}, false, os.Stdin)
	fmt.Println(err)
	_, err = manifest.Read([]string{"testdata/bad/nokind.yaml"}, false, os.Stdin)
	fmt.Println(err)
	_, err = manifest.Read([]string{"missing.yaml"}, false, os.Stdin)
	fmt.Println(err)
	// Output:
	// error parsing testdata/bad/syntax.yaml (document 2, line 6): error converting YAML to JSON: yaml: line 10: mapping values are not allowed in this context
	// error validating "testdata/bad/nokind.yaml": error validating data: [apiVersion not set, kind not set]
	// the path "missing.yaml" does not exist
}

func ExampleParse() {
	objs, err := manifest.Parse("inline", []byte(`
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: one}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: two}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range objs {
		fmt.Println(o.Kind(), o.Name(), "item", o.Item)
	}
	// Output:
	// ConfigMap one item 1
	// Deployment two item 2
}
