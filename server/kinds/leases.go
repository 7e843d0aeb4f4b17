package kinds

import (
	"time"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/api/validation"
	"kctl.dev/kctl/server/registry"
)

func leases() *registry.Kind {
	return &registry.Kind{
		Group:      "coordination.k8s.io",
		Version:    "v1",
		Resource:   "leases",
		Kind:       "Lease",
		Namespaced: true,
		Columns: []meta.TableColumnDefinition{
			nameColumn(),
			column("Holder", "string", 0, "holderIdentity contains the identity of the holder of a current lease."),
			ageColumn(),
		},
		Cells: func(obj *unstructured.Unstructured, now time.Time) []any {
			return []any{obj.Name(), str(obj.Object, "spec", "holderIdentity"), age(obj, now)}
		},
		Validate:   validateLease,
		SpecFields: []string{},
	}
}

func validateLease(obj *unstructured.Unstructured) validation.ErrorList {
	var errs validation.ErrorList
	spec := unstructured.NestedMap(obj.Object, "spec")
	if has(spec, "leaseDurationSeconds") {
		if d := num(spec, "leaseDurationSeconds"); d <= 0 {
			errs = append(errs, validation.Invalid("spec.leaseDurationSeconds", d, "must be greater than 0"))
		}
	}
	if has(spec, "leaseTransitions") {
		if t := num(spec, "leaseTransitions"); t < 0 {
			errs = append(errs, validation.Invalid("spec.leaseTransitions", t, "must be greater than or equal to 0"))
		}
	}
	return errs
}
