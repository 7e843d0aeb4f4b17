package kinds

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"kctl.dev/kctl/api/appsv1"
	"kctl.dev/kctl/api/coordinationv1"
	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/rbacv1"
	"kctl.dev/kctl/api/schema"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/api/validation"
	"kctl.dev/kctl/internal/jsonenc"
	"kctl.dev/kctl/server/fieldmanager"
	"kctl.dev/kctl/server/registry"
)

// Builtin returns a fresh registration of every built-in kind, core group first.
func Builtin() []*registry.Kind {
	ks := []*registry.Kind{
		namespaces(),
		pods(),
		nodes(),
		services(),
		configMaps(),
		secrets(),
		events(),
		leases(),
		deployments(),
		roles(),
		clusterRoles(),
		roleBindings(),
		clusterRoleBindings(),
	}
	for _, k := range ks {
		t := builtinTypes[k.Kind]
		k.Schema, k.Empty = t.schema, t.empty()
		k.ResetFields = resetFields[k.Kind]
	}
	return ks
}

// builtinType is what a built-in kind's Go type gives its registration.
type builtinType struct {
	schema *schema.Schema
	empty  func() map[string]any
}

func typeOf[T any]() builtinType {
	return builtinType{schema.Of[T](), fieldmanager.EmptyOf[T]}
}

// builtinTypes are the Go types of the built-in kinds.
var builtinTypes = map[string]builtinType{
	"Namespace":          typeOf[corev1.Namespace](),
	"Pod":                typeOf[corev1.Pod](),
	"Node":               typeOf[corev1.Node](),
	"Service":            typeOf[corev1.Service](),
	"ConfigMap":          typeOf[corev1.ConfigMap](),
	"Secret":             typeOf[corev1.Secret](),
	"Event":              typeOf[corev1.Event](),
	"Lease":              typeOf[coordinationv1.Lease](),
	"Deployment":         typeOf[appsv1.Deployment](),
	"Role":               typeOf[rbacv1.Role](),
	"ClusterRole":        typeOf[rbacv1.ClusterRole](),
	"RoleBinding":        typeOf[rbacv1.RoleBinding](),
	"ClusterRoleBinding": typeOf[rbacv1.ClusterRoleBinding](),
}

// resetFields are, per kind and subresource, the fields a write there does
// not change (Kubernetes' strategies reset them), as dotted paths.
var resetFields = map[string]map[string][]string{
	"Pod": {
		"":       {"status"},
		"status": {"spec", "metadata.deletionTimestamp", "metadata.ownerReferences"},
	},
	"Deployment": {"": {"status"}, "status": {"spec", "metadata.labels"}},
	"Node":       {"": {"status"}, "status": {"spec"}},
	"Service":    {"": {"status"}, "status": {"spec"}},
	"Namespace":  {"": {"status"}, "status": {"spec"}},
}

// Register adds every built-in kind to r. It panics when one is already there.
func Register(r *registry.Registry) { r.MustAdd(Builtin()...) }

// Column descriptions shared by most kinds.
const (
	nameDescription = "Name must be unique within a namespace. It is required when creating resources, " +
		"although some resources may allow a client to request the generation of an appropriate name automatically. " +
		"Cannot be updated."
	ageDescription = "CreationTimestamp is the server time when this object was created, in RFC 3339 form and UTC. " +
		"Populated by the system. Read-only."
)

// statusSubresource is the status subresource entry of a kind.
func statusSubresource(kind string) registry.Subresource {
	return registry.Subresource{Name: "status", Kind: kind, Verbs: []string{"get", "patch", "update"}}
}

func nameColumn() meta.TableColumnDefinition {
	return meta.TableColumnDefinition{Name: "Name", Type: "string", Format: "name", Description: nameDescription}
}

func ageColumn() meta.TableColumnDefinition {
	return meta.TableColumnDefinition{Name: "Age", Type: "string", Description: ageDescription}
}

// column is a non-name column; priority 1 shows only with -o wide.
func column(name, typ string, priority int32, description string) meta.TableColumnDefinition {
	return meta.TableColumnDefinition{Name: name, Type: typ, Priority: priority, Description: description}
}

// age is the AGE cell of obj at now.
func age(obj *unstructured.Unstructured, now time.Time) string {
	return since(obj.CreationTimestamp(), now)
}

// since renders the time elapsed from an RFC 3339 timestamp, "<unknown>" when
// it is missing or malformed.
func since(ts string, now time.Time) string {
	t, ok := parseTime(ts)
	if !ok {
		return "<unknown>"
	}
	return HumanDuration(now.Sub(t))
}

func parseTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// str reads the string at path, "" when absent.
func str(m map[string]any, path ...string) string { return unstructured.NestedString(m, path...) }

// num reads the number at path, 0 when absent.
func num(m map[string]any, path ...string) int64 {
	v, _ := unstructured.Nested(m, path...)
	return unstructured.Int64(v)
}

// has reports whether path is present and not null.
func has(m map[string]any, path ...string) bool {
	v, ok := unstructured.Nested(m, path...)
	return ok && v != nil
}

// number is i as the unstructured form keeps numbers, so that defaulted values
// compare equal to stored ones.
func number(i int64) json.Number { return json.Number(strconv.FormatInt(i, 10)) }

// child returns m[key] as an object, creating it when absent or not an object.
func child(m map[string]any, key string) map[string]any {
	c, ok := m[key].(map[string]any)
	if !ok {
		c = map[string]any{}
		m[key] = c
	}
	return c
}

// setDefault sets m[key] to v when it is absent or null.
func setDefault(m map[string]any, key string, v any) {
	if cur, ok := m[key]; !ok || cur == nil {
		m[key] = v
	}
}

// setDefaultString sets m[key] to v when it is absent, null or "".
func setDefaultString(m map[string]any, key, v string) {
	if s, _ := m[key].(string); s == "" {
		m[key] = v
	}
}

// objects returns the elements of the array at path that are objects.
func objects(m map[string]any, path ...string) []map[string]any {
	l := unstructured.NestedSlice(m, path...)
	out := make([]map[string]any, 0, len(l))
	for _, e := range l {
		if o, ok := e.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}

// stringList returns the string elements of the array at path.
func stringList(m map[string]any, path ...string) []string {
	l := unstructured.NestedSlice(m, path...)
	out := make([]string, 0, len(l))
	for _, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// stringMap returns the string values of the object at path.
func stringMap(m map[string]any, path ...string) map[string]string {
	o := unstructured.NestedMap(m, path...)
	if o == nil {
		return nil
	}
	out := make(map[string]string, len(o))
	for k, v := range o {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// formatLabels prints a label map as kubectl does: "k=v,k2=v2" sorted, or
// "<none>".
func formatLabels(l map[string]string) string {
	if len(l) == 0 {
		return "<none>"
	}
	keys := make([]string, 0, len(l))
	for k := range l {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + l[k]
	}
	return strings.Join(parts, ",")
}

// into reads obj into a typed value for validation. A value of the wrong JSON
// type becomes one Invalid error on the whole object.
func into(obj *unstructured.Unstructured, out any) validation.ErrorList {
	if err := obj.Into(out); err != nil {
		return validation.ErrorList{validation.Invalid("", "", "cannot decode object: "+err.Error())}
	}
	return nil
}

// canonical is v encoded with sorted keys, for comparing unstructured values
// regardless of how their numbers are held.
func canonical(v any) string {
	b, err := jsonenc.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// sameJSON reports whether two unstructured values encode the same.
func sameJSON(a, b any) bool { return canonical(a) == canonical(b) }
