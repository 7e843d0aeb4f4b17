package fields_test

import (
	"fmt"

	"kctl.dev/kctl/fields"
)

func ExampleParse() {
	sel, err := fields.Parse(`status.phase!=Running,metadata.name==web\,1`)
	if err != nil {
		panic(err)
	}
	fmt.Println(sel.String())
	fmt.Println(sel.Matches(fields.Set{"metadata.name": "web,1", "status.phase": "Pending"}))
	fmt.Println(sel.Matches(fields.Set{"metadata.name": "web,1", "status.phase": "Running"}))

	supported := func(f string) bool { return f == "metadata.name" || f == "metadata.namespace" }
	fmt.Println(fields.Validate(sel, supported))

	_, err = fields.Parse("metadata.name")
	fmt.Println(err)
	// Output:
	// metadata.name=web\,1,status.phase!=Running
	// true
	// false
	// field label not supported: status.phase
	// can't understand "metadata.name": expected field=value, field==value or field!=value
}
