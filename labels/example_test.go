package labels_test

import (
	"fmt"

	"kctl.dev/kctl/labels"
)

func ExampleParse() {
	sel, err := labels.Parse("tier!=db, env in (prod,dev), !canary")
	if err != nil {
		panic(err)
	}
	fmt.Println(sel.String())
	fmt.Println(sel.Matches(labels.Set{"env": "prod", "tier": "web"}))
	fmt.Println(sel.Matches(labels.Set{"env": "prod", "canary": "true"}))
	fmt.Println(sel.Matches(labels.Set{"env": "test"}))

	_, err = labels.Parse("env in (prod")
	fmt.Println(err)
	// Output:
	// !canary,env in (dev,prod),tier!=db
	// true
	// false
	// false
	// found end of string at offset 12, expected "," or ")"
}
