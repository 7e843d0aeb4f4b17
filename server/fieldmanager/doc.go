// Package fieldmanager implements server-side apply and managed-fields
// tracking as a Kubernetes API server does them.
//
// Every write records which field manager set which fields in the object's
// metadata.managedFields: one entry per manager, operation ("Apply" or
// "Update"), subresource and (for Update entries) apiVersion, each holding a
// set of field paths in the FieldsV1 encoding: f:<field>, k:{<list-map key>},
// v:<set member>, and "." for the path itself when it has children.
//
// The entries this package writes hold their fieldsV1 as a json.RawMessage:
// the JSON of the set exactly as encoding/json writes its object form (keys
// sorted, "." first), so an object encodes byte for byte as with nested
// maps, without building and encoding a map per path. An unchanged entry
// read from an object keeps the form it had; reading takes either form.
//
// Apply merges an applied configuration into the live object (the PATCH with
// Content-Type application/apply-patch+yaml that `kubectl apply
// --server-side` sends): structs and maps merge field by field, lists by
// their list type (list maps by key, sets by value, other lists whole). A
// field owned by another manager that the configuration would change is a
// conflict unless the request forces it; fields the manager applied before
// and no longer applies are removed when nobody else owns them. Update
// records an ordinary write (create, update, patch) as an "Update"
// operation: the fields it changed become its own and are taken from the
// other managers.
//
// The semantics are those of sigs.k8s.io/structured-merge-diff and
// k8s.io/apimachinery/pkg/util/managedfields (the chain a real server runs:
// stripping the object's identity fields, before-first-apply, capping Update
// entries at ten, the client-side apply annotation of kubectl), implemented
// on decoded JSON (map[string]any with json.Number numbers) and the schemas
// of package api/schema. Lists are classified as the OpenAPI-to-SMD
// conversion does: x-kubernetes-list-type first, else a patch strategy
// "merge" makes a list map by its patch merge key (a set without one), else
// the list is atomic.
//
// # Where this differs from Kubernetes
//
//   - One version per kind: entries recorded at another apiVersion are
//     compared as they are (no conversion), and field sets are not
//     reconciled after schema changes.
//   - Unknown fields of a typed kind are tracked as free-form values instead
//     of failing the apply ("field not declared in schema"), and scalar types
//     are not checked: field validation is the REST layer's.
//   - A list-map key missing from an element takes its Kubernetes default,
//     which our schemas do not record: "protocol" defaults to "TCP".
//   - Apply leaves the fields the strategy resets (Request.ResetFields) at
//     their live values itself; Kubernetes merges them and lets the strategy
//     reset them.
//   - Nulls the configuration sets, and maps and lists pruning empties, are
//     dropped from the result, as the round trip through a Go type drops
//     them on a real server.
//   - A configuration without metadata.name is an error (the REST layer of a
//     real server finds it, comparing with the name in the URL).
package fieldmanager
