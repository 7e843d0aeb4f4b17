// Package unstructured is the schema-free object form: a JSON object decoded into
// map[string]any with numbers kept as json.Number, so that an object read and
// written again comes back exactly as sent. The server stores and serves objects in
// this form (lossless for fields it does not model); the dynamic client uses it for
// kinds it has no Go type for.
package unstructured

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/internal/jsondec"
	"kctl.dev/kctl/internal/jsonenc"
)

// Unstructured is one object.
type Unstructured struct {
	Object map[string]any

	// encoded, when set, is a JSON encoding of Object (see WithJSON).
	encoded []byte
}

// WithJSON returns a read-only view of u whose Into decodes data, an encoding of
// u.Object the caller already has, instead of encoding the map again. data may
// leave out fields the view's readers never decode (the server's validation
// view has no managedFields). The view shares u's map: it is valid only while
// neither is changed.
func (u *Unstructured) WithJSON(data []byte) *Unstructured {
	return &Unstructured{Object: u.Object, encoded: data}
}

// Decode parses data (a JSON object) losslessly.
func Decode(data []byte) (*Unstructured, error) {
	m, err := DecodeMap(data)
	if err != nil {
		return nil, err
	}
	return &Unstructured{Object: m}, nil
}

// DecodeMap parses a JSON object into a map, numbers as json.Number.
func DecodeMap(data []byte) (map[string]any, error) {
	// jsondec gives what encoding/json gives below for every input it
	// accepts, several times faster. It rejects whatever encoding/json
	// rejects, but with errors of its own; the input is then decoded again
	// below, rarely, for the errors (and the leniency about a stray ']' or
	// '}' after the object) DecodeMap has always had.
	if m, err := jsondec.Object(data); err == nil {
		return m, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("expected a JSON object, got null")
	}
	if dec.More() {
		return nil, fmt.Errorf("unexpected data after the JSON object")
	}
	// Anything after the object other than white space is an error.
	if _, err := dec.Token(); err == nil {
		return nil, fmt.Errorf("unexpected data after the JSON object")
	}
	return m, nil
}

// MarshalJSON encodes the object.
func (u *Unstructured) MarshalJSON() ([]byte, error) { return jsonenc.Marshal(u.Object) }

// UnmarshalJSON decodes losslessly.
func (u *Unstructured) UnmarshalJSON(b []byte) error {
	m, err := DecodeMap(b)
	if err != nil {
		return err
	}
	u.Object = m
	return nil
}

// DeepCopy returns an independent copy.
func (u *Unstructured) DeepCopy() *Unstructured {
	if u == nil {
		return nil
	}
	return &Unstructured{Object: DeepCopyMap(u.Object)}
}

// DeepCopyMap copies a JSON map.
func DeepCopyMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = DeepCopyValue(v)
	}
	return out
}

// DeepCopyValue copies a JSON value.
func DeepCopyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return DeepCopyMap(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = DeepCopyValue(e)
		}
		return out
	default:
		return x
	}
}

// Into converts the object into a typed value through JSON.
func (u *Unstructured) Into(out any) error {
	if u.encoded != nil {
		return json.Unmarshal(u.encoded, out)
	}
	b, err := jsonenc.Marshal(u.Object)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// APIVersion returns .apiVersion.
func (u *Unstructured) APIVersion() string { return u.str("apiVersion") }

// Kind returns .kind.
func (u *Unstructured) Kind() string { return u.str("kind") }

// SetAPIVersion sets .apiVersion.
func (u *Unstructured) SetAPIVersion(v string) { u.Object["apiVersion"] = v }

// SetKind sets .kind.
func (u *Unstructured) SetKind(v string) { u.Object["kind"] = v }

func (u *Unstructured) str(k string) string {
	s, _ := u.Object[k].(string)
	return s
}

// Metadata returns .metadata, creating it when absent.
func (u *Unstructured) Metadata() map[string]any {
	m, ok := u.Object["metadata"].(map[string]any)
	if !ok {
		m = map[string]any{}
		u.Object["metadata"] = m
	}
	return m
}

// meta returns .metadata for reading: nil when absent, never created, so that
// getters never write (objects in caches are read concurrently).
func (u *Unstructured) meta() map[string]any {
	m, _ := u.Object["metadata"].(map[string]any)
	return m
}

func (u *Unstructured) metaStr(k string) string {
	s, _ := u.meta()[k].(string)
	return s
}

func (u *Unstructured) setMetaStr(k, v string) {
	if v == "" {
		delete(u.Metadata(), k)
		return
	}
	u.Metadata()[k] = v
}

// Name returns metadata.name.
func (u *Unstructured) Name() string { return u.metaStr("name") }

// SetName sets metadata.name.
func (u *Unstructured) SetName(v string) { u.setMetaStr("name", v) }

// GenerateName returns metadata.generateName.
func (u *Unstructured) GenerateName() string { return u.metaStr("generateName") }

// Namespace returns metadata.namespace.
func (u *Unstructured) Namespace() string { return u.metaStr("namespace") }

// SetNamespace sets metadata.namespace (removes it when empty).
func (u *Unstructured) SetNamespace(v string) { u.setMetaStr("namespace", v) }

// UID returns metadata.uid.
func (u *Unstructured) UID() string { return u.metaStr("uid") }

// SetUID sets metadata.uid.
func (u *Unstructured) SetUID(v string) { u.setMetaStr("uid", v) }

// ResourceVersion returns metadata.resourceVersion.
func (u *Unstructured) ResourceVersion() string { return u.metaStr("resourceVersion") }

// SetResourceVersion sets metadata.resourceVersion (removes it when empty).
func (u *Unstructured) SetResourceVersion(v string) { u.setMetaStr("resourceVersion", v) }

// CreationTimestamp returns metadata.creationTimestamp as sent.
func (u *Unstructured) CreationTimestamp() string { return u.metaStr("creationTimestamp") }

// DeletionTimestamp returns metadata.deletionTimestamp as sent, or "".
func (u *Unstructured) DeletionTimestamp() string { return u.metaStr("deletionTimestamp") }

// SetTimestamp sets a metadata time field ("creationTimestamp", "deletionTimestamp").
func (u *Unstructured) SetTimestamp(field string, t meta.Time) {
	b, _ := t.MarshalJSON()
	var s any
	_ = json.Unmarshal(b, &s)
	if s == nil {
		delete(u.Metadata(), field)
		return
	}
	u.Metadata()[field] = s
}

// Generation returns metadata.generation.
func (u *Unstructured) Generation() int64 { return Int64(u.meta()["generation"]) }

// SetGeneration sets metadata.generation.
func (u *Unstructured) SetGeneration(g int64) {
	u.Metadata()["generation"] = json.Number(strconv.FormatInt(g, 10))
}

// Labels returns metadata.labels (string values only).
func (u *Unstructured) Labels() map[string]string { return stringMap(u.meta()["labels"]) }

// Annotations returns metadata.annotations (string values only).
func (u *Unstructured) Annotations() map[string]string {
	return stringMap(u.meta()["annotations"])
}

// SetLabels replaces metadata.labels.
func (u *Unstructured) SetLabels(l map[string]string) { u.setStringMap("labels", l) }

// SetAnnotations replaces metadata.annotations.
func (u *Unstructured) SetAnnotations(a map[string]string) { u.setStringMap("annotations", a) }

func (u *Unstructured) setStringMap(k string, v map[string]string) {
	if len(v) == 0 {
		delete(u.Metadata(), k)
		return
	}
	m := make(map[string]any, len(v))
	for kk, vv := range v {
		m[kk] = vv
	}
	u.Metadata()[k] = m
}

// Finalizers returns metadata.finalizers.
func (u *Unstructured) Finalizers() []string {
	l, _ := u.meta()["finalizers"].([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// SetFinalizers replaces metadata.finalizers.
func (u *Unstructured) SetFinalizers(f []string) {
	if len(f) == 0 {
		delete(u.Metadata(), "finalizers")
		return
	}
	l := make([]any, len(f))
	for i, s := range f {
		l[i] = s
	}
	u.Metadata()["finalizers"] = l
}

func stringMap(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, e := range m {
		if s, ok := e.(string); ok {
			out[k] = s
		}
	}
	return out
}

// Int64 reads a JSON number (json.Number, float64 or an int type) as int64; 0 when
// it is none.
func Int64(v any) int64 {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return int64(f)
	case float64:
		return int64(x)
	case int64:
		return x
	case int:
		return int64(x)
	case int32:
		return int64(x)
	}
	return 0
}

// Nested returns the value at path and whether it exists.
func Nested(obj map[string]any, path ...string) (any, bool) {
	var cur any = obj
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = m[p]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}

// NestedString returns the string at path, or "".
func NestedString(obj map[string]any, path ...string) string {
	v, _ := Nested(obj, path...)
	s, _ := v.(string)
	return s
}

// NestedMap returns the object at path, or nil.
func NestedMap(obj map[string]any, path ...string) map[string]any {
	v, _ := Nested(obj, path...)
	m, _ := v.(map[string]any)
	return m
}

// NestedSlice returns the array at path, or nil.
func NestedSlice(obj map[string]any, path ...string) []any {
	v, _ := Nested(obj, path...)
	s, _ := v.([]any)
	return s
}

// SetNested sets the value at path, creating intermediate objects.
func SetNested(obj map[string]any, value any, path ...string) {
	cur := obj
	for _, p := range path[:len(path)-1] {
		next, ok := cur[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[p] = next
		}
		cur = next
	}
	cur[path[len(path)-1]] = value
}

// RemoveNested deletes the value at path if present.
func RemoveNested(obj map[string]any, path ...string) {
	cur := obj
	for _, p := range path[:len(path)-1] {
		next, ok := cur[p].(map[string]any)
		if !ok {
			return
		}
		cur = next
	}
	delete(cur, path[len(path)-1])
}

// The meta.Object accessors, so that caches and informers hold typed and
// unstructured objects alike.

// GetName returns metadata.name.
func (u *Unstructured) GetName() string { return u.Name() }

// GetNamespace returns metadata.namespace.
func (u *Unstructured) GetNamespace() string { return u.Namespace() }

// GetUID returns metadata.uid.
func (u *Unstructured) GetUID() string { return u.UID() }

// GetResourceVersion returns metadata.resourceVersion.
func (u *Unstructured) GetResourceVersion() string { return u.ResourceVersion() }

// GetLabels returns metadata.labels.
func (u *Unstructured) GetLabels() map[string]string { return u.Labels() }

// GetAnnotations returns metadata.annotations.
func (u *Unstructured) GetAnnotations() map[string]string { return u.Annotations() }

// GetDeletionTimestamp returns metadata.deletionTimestamp, or nil.
func (u *Unstructured) GetDeletionTimestamp() *meta.Time {
	s := u.DeletionTimestamp()
	if s == "" {
		return nil
	}
	var t meta.Time
	if err := t.UnmarshalJSON([]byte(`"` + s + `"`)); err != nil {
		return nil
	}
	return &t
}

var _ meta.Object = (*Unstructured)(nil)
