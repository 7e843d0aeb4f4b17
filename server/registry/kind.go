package registry

import (
	"strings"
	"time"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/schema"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/api/validation"
)

// Kind is the registration of one kind: how it is addressed, listed, printed,
// validated and defaulted. Routing, discovery, tables and field selectors are all
// driven by it, so adding a kind is one Kind value. Hooks that are nil are skipped.
//
// Every hook receives objects in unstructured form, so that fields the server does
// not model are kept as sent.
type Kind struct {
	Group        string // "" for the core group
	Version      string // "v1"
	Resource     string // plural, lower case: "pods"
	Kind         string // "Pod"
	ListKind     string // defaults to Kind+"List"
	SingularName string // defaults to lower-cased Kind
	Namespaced   bool
	ShortNames   []string
	Categories   []string

	// Schema describes the kind's objects: OpenAPI, field validation, strategic
	// merge patch and server-side apply follow it. Nil means free-form (every
	// field kept as sent, lists replaced as a whole).
	Schema *schema.Schema
	// Empty is the JSON form of the kind's zero object (the Go zero value
	// encoded): field ownership records a create as the change from it.
	Empty map[string]any
	// ResetFields are, per subresource ("" for the main resource), the fields
	// a write there leaves as they are (status on the main resource of a kind
	// with a status subresource), as dotted paths. Server-side apply neither
	// applies nor claims them.
	ResetFields map[string][]string

	// Subresources served besides the main resource, e.g. "status", "binding".
	Subresources []Subresource

	// Fields are the selectable fields beyond metadata.name and metadata.namespace
	// (which every kind has), each with the function that reads it from an object.
	Fields map[string]FieldFunc

	// Columns are the Table columns in order, NAME included where the kind shows
	// it (events do not lead with it); kubectl adds NAMESPACE itself for -A.
	// Cells returns one cell per column (strings, int64 for integer columns).
	// When Columns is empty the table has Name and Created At, as a real server
	// does for kinds without a printer.
	Columns []meta.TableColumnDefinition
	Cells   func(obj *unstructured.Unstructured, now time.Time) []any

	// ValidateName checks metadata.name; defaults to validation.IsDNS1123Subdomain.
	ValidateName validation.NameFunc

	// Default fills unset fields on create and on update (before validation).
	Default func(obj *unstructured.Unstructured)
	// PrepareForCreate sets server-owned fields on create (e.g. a namespace's
	// phase); it runs after Default and before Validate.
	PrepareForCreate func(obj *unstructured.Unstructured)
	// Validate checks an object about to be created (metadata is already checked).
	Validate func(obj *unstructured.Unstructured) validation.ErrorList
	// PrepareForUpdate carries fields the server owns from old to obj on a main
	// update (a service's allocated clusterIP); it runs before Default.
	PrepareForUpdate func(obj, old *unstructured.Unstructured)
	// ValidateUpdate checks an update of old to obj (Validate runs too).
	ValidateUpdate func(obj, old *unstructured.Unstructured) validation.ErrorList

	// GracefulDelete decides whether deleting obj only marks it: it returns the
	// grace period to record and true, or false to delete at once. requested is
	// the caller's gracePeriodSeconds (nil when unset). Nil means never graceful.
	GracefulDelete func(obj *unstructured.Unstructured, requested *int64) (int64, bool)

	// PrepareForDelete changes an object being marked for deletion (a namespace's
	// phase becomes Terminating).
	PrepareForDelete func(obj *unstructured.Unstructured)

	// Status marks a kind whose .status is a subresource: the main update keeps
	// the stored status, and a status update changes only .status.
	Status bool

	// SpecFields are the top-level fields whose change bumps metadata.generation;
	// nil means every top-level field except apiVersion, kind, metadata and status.
	SpecFields []string
}

// FieldFunc reads a selectable field's value from an object.
type FieldFunc func(obj *unstructured.Unstructured) string

// Subresource is a path below an object, e.g. pods/status.
type Subresource struct {
	Name string // "status"
	Kind string // kind in discovery: "Pod" for status, "Binding" for binding
	// Verbs in discovery: "get","patch","update" for status; "create" for binding.
	Verbs []string
	// Schema describes the subresource's body when its Kind is not the kind's
	// own (Binding); nil means free-form.
	Schema *schema.Schema
	// Create handles POST on the subresource (pods/binding); nil when the
	// subresource is not created through.
	Create SubresourceCreate
}

// ObjectSchema returns the kind's schema, free-form when it has none.
func (k *Kind) ObjectSchema() *schema.Schema {
	if k.Schema == nil {
		return schema.FreeForm()
	}
	return k.Schema
}

// ResetFieldsOf returns the fields a write to subresource ("" for the main
// resource) leaves as they are: the kind's ResetFields entry, else, for a
// kind with a status subresource, status on the main resource and everything
// but status and metadata on the status subresource.
func (k *Kind) ResetFieldsOf(subresource string) []string {
	if f, ok := k.ResetFields[subresource]; ok {
		return f
	}
	switch {
	case subresource == "status":
		var out []string
		for _, f := range k.ObjectSchema().Order {
			if f != "status" && f != "metadata" && f != "apiVersion" && f != "kind" {
				out = append(out, f)
			}
		}
		return out
	case subresource == "" && k.Status:
		return []string{"status"}
	}
	return nil
}

// GroupVersion returns "v1" or "group/v1".
func (k *Kind) GroupVersion() string {
	if k.Group == "" {
		return k.Version
	}
	return k.Group + "/" + k.Version
}

// ListKindName returns the list kind.
func (k *Kind) ListKindName() string {
	if k.ListKind != "" {
		return k.ListKind
	}
	return k.Kind + "List"
}

// Singular returns the singular name.
func (k *Kind) Singular() string {
	if k.SingularName != "" {
		return k.SingularName
	}
	return strings.ToLower(k.Kind)
}

// Subresource returns the named subresource, or nil.
func (k *Kind) Subresource(name string) *Subresource {
	for i := range k.Subresources {
		if k.Subresources[i].Name == name {
			return &k.Subresources[i]
		}
	}
	return nil
}

// Verbs returns the verbs of the main resource for discovery.
func (k *Kind) Verbs() []string {
	return []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}
}

// GroupResource returns "pods" or "deployments.apps", as messages name resources.
func (k *Kind) GroupResource() string {
	if k.Group == "" {
		return k.Resource
	}
	return k.Resource + "." + k.Group
}

// SubresourceCreate applies a POST to a subresource (pods/binding) to the stored
// object: it changes current in place from body, or returns a Status error
// (409 when a pod is already bound).
type SubresourceCreate func(current, body *unstructured.Unstructured) error
