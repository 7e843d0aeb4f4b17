package fieldmanager

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"kctl.dev/kctl/api/unstructured"
)

// Request describes one write.
type Request struct {
	// Manager is the field manager (the fieldManager query parameter, else the
	// client's user agent up to its first "/"). Required for Apply; Update
	// records an empty one as "unknown".
	Manager string
	// APIVersion is the version of the request ("v1", "apps/v1"), recorded in
	// the entries it writes. For Apply it must match the configuration's.
	APIVersion string
	// Kind, when set, must match the kind of an applied configuration.
	Kind string
	// Subresource is "" for the main resource, else the subresource written
	// ("status"). Entries are kept per subresource.
	Subresource string
	// Time is recorded (RFC 3339, seconds, UTC) in the entries the write
	// changes. Zero means now.
	Time time.Time
	// ResetFields are the fields the kind's strategy resets on this
	// (sub)resource, as dotted field paths: ["status"] for the main resource of
	// a kind with a status subresource, ["spec", "metadata.labels"] (for
	// example) for its status. They are neither tracked nor conflict, and
	// Apply keeps their live values.
	ResetFields []string
	// Empty is the kind's empty object, the JSON form of its zero Go value
	// ({"metadata":{},"spec":{"containers":null},"status":{}} for a Pod; see
	// EmptyOf). A real server compares Go values, which always hold their
	// non-pointer structs: a create is recorded as the change from the empty
	// object, and a field it has that an object lacks (status) counts as
	// that empty value. This decides which fields get a "." of their own in
	// Update entries (f:spec never does, f:strategy.f:rollingUpdate does).
	// nil means {}: every map a create adds gets one. Never modified.
	Empty map[string]any
}

// Manager names Kubernetes gives special meaning.
const (
	// BeforeFirstApply owns the fields of an object without managed fields
	// when it is first applied to.
	BeforeFirstApply = "before-first-apply"
	// AncientChanges collects the oldest Update entries past ten.
	AncientChanges = "ancient-changes"
	// KubectlManager is the manager of kubectl apply --server-side; its
	// applies honour and update the client-side apply annotation.
	KubectlManager = "kubectl"
	// LastAppliedAnnotation is the annotation client-side apply keeps.
	LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"
)

// Operations of managed-fields entries.
const (
	OperationApply  = "Apply"
	OperationUpdate = "Update"
)

// maxUpdateManagers is how many Update entries an object keeps before the
// oldest are merged into AncientChanges.
const maxUpdateManagers = 10

// Error is an invalid request (an applied configuration Kubernetes would
// reject with 400 BadRequest) or managed fields that cannot be read.
type Error struct {
	Message string
}

func (e *Error) Error() string { return e.Message }

func errorf(format string, args ...any) *Error {
	return &Error{Message: fmt.Sprintf(format, args...)}
}

// Conflicts is the error of an apply that would change fields other managers
// own; Kubernetes answers it with 409 Conflict, one cause per item (type
// "FieldManagerConflict", message Item.Message(), field Item.Field).
type Conflicts struct {
	Items []Conflict
}

// Conflict is one field another manager owns.
type Conflict struct {
	Manager     string // the other manager's name
	Operation   string // its operation: "Apply" or "Update"
	APIVersion  string // the version of its entry (printed for Update entries)
	Subresource string // the subresource of its entry
	Field       string // the path of the field: ".spec.replicas", `.spec.containers[name="nginx"].image`

	path []pathElement
}

// Owner describes the manager as Kubernetes prints it:
// `"kubectl"`, `"kubectl-client-side-apply" using apps/v1`,
// `"kubelet" with subresource "status" using v1`.
func (c Conflict) Owner() string {
	s := fmt.Sprintf("%q", c.Manager)
	if c.Subresource != "" {
		s += fmt.Sprintf(" with subresource %q", c.Subresource)
	}
	if c.Operation == OperationUpdate {
		s += " using " + c.APIVersion
	}
	return s
}

// Message is the message of the conflict's status cause: `conflict with "kubectl"`.
func (c Conflict) Message() string { return "conflict with " + c.Owner() }

// identifier is the manager's key as Kubernetes builds it (a JSON object);
// conflicts are grouped and ordered by it.
func (c Conflict) identifier() string {
	id := managerID{manager: c.Manager, operation: c.Operation, subresource: c.Subresource}
	if c.Operation == OperationUpdate {
		id.apiVersion = c.APIVersion
	}
	return id.String()
}

// Error reads as Kubernetes':
//
//	Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas
//
// and, for several, one line per field under its manager:
//
//	Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:
//	- .spec.replicas
//	- .spec.template.spec.containers[name="nginx"].image
func (c *Conflicts) Error() string {
	if len(c.Items) == 1 {
		it := c.Items[0]
		return fmt.Sprintf("Apply failed with 1 conflict: conflict with %s: %s", it.Owner(), it.Field)
	}
	byManager := map[string][]Conflict{}
	var ids []string
	for _, it := range c.Items {
		id := it.identifier()
		if _, ok := byManager[id]; !ok {
			ids = append(ids, id)
		}
		byManager[id] = append(byManager[id], it)
	}
	sort.Strings(ids)
	var lines []string
	for _, id := range ids {
		items := byManager[id]
		lines = append(lines, fmt.Sprintf("conflicts with %s:", items[0].Owner()))
		for _, it := range items {
			lines = append(lines, "- "+it.Field)
		}
	}
	return fmt.Sprintf("Apply failed with %d conflicts: %s", len(c.Items), strings.Join(lines, "\n"))
}

// managerID identifies a managed-fields entry: Kubernetes keeps one per
// manager, operation and subresource, and for Update entries per apiVersion.
type managerID struct {
	manager     string
	operation   string
	apiVersion  string // "" for Apply entries
	subresource string
}

// String is the identifier as Kubernetes encodes it, a JSON object in the
// field order of ManagedFieldsEntry; it orders managers where Kubernetes does.
func (id managerID) String() string {
	b, _ := json.Marshal(struct {
		Manager     string `json:"manager,omitempty"`
		Operation   string `json:"operation,omitempty"`
		APIVersion  string `json:"apiVersion,omitempty"`
		Subresource string `json:"subresource,omitempty"`
	}{id.manager, id.operation, id.apiVersion, id.subresource})
	return string(b)
}

// formatTime is how entries record time: RFC 3339 with seconds, in UTC.
func formatTime(t time.Time) string {
	if t.IsZero() {
		t = time.Now()
	}
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}

// EmptyOf returns the empty object of a kind with Go type T, the JSON form of
// its zero value, for Request.Empty.
func EmptyOf[T any]() map[string]any {
	var zero T
	data, err := json.Marshal(zero)
	if err != nil {
		return nil
	}
	m, err := unstructured.DecodeMap(data)
	if err != nil {
		return nil
	}
	return m
}
