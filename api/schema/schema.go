// Package schema describes the structure of API kinds: which fields an object
// of a kind has, the type of each, and how lists and maps merge (the list and
// patch markers Kubernetes declares with +listType, +listMapKey, +patchStrategy
// and +patchMergeKey).
//
// One description serves every consumer on the server: the OpenAPI documents
// render it, field validation checks request bodies against it, strategic merge
// patch and server-side apply merge by it. Descriptions are derived by reflection
// from the Go types in api/ (For), with the markers from one table (markers.go).
package schema

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/meta"
)

// Type is the JSON type of a schema.
type Type string

// Schema types.
const (
	Object      Type = "object"        // a struct: named Properties
	Map         Type = "map"           // a map with string keys: values described by Items
	Array       Type = "array"         // a list: elements described by Items
	String      Type = "string"        //
	Integer     Type = "integer"       //
	Number      Type = "number"        //
	Boolean     Type = "boolean"       //
	IntOrString Type = "int-or-string" // an integer or a string (ports, percentages)
	Any         Type = "any"           // free-form: any JSON value, unknown fields kept
)

// List types (x-kubernetes-list-type).
const (
	ListAtomic = "atomic" // replaced as a whole
	ListSet    = "set"    // scalar elements, unique, merged as a set
	ListMap    = "map"    // object elements identified by ListMapKeys
)

// Schema describes one JSON value. Schemas of named struct types are shared:
// do not change a Schema returned by this package.
type Schema struct {
	Type   Type
	Format string // "int32", "int64", "double", "byte", "date-time"

	// Name is the Kubernetes name of a named struct type
	// ("io.k8s.api.core.v1.PodSpec"); empty for other schemas.
	Name string
	// Properties are the fields of an Object, by JSON name; Order lists them in
	// declaration order.
	Properties map[string]*Schema
	Order      []string
	// Items describes the elements of an Array or the values of a Map.
	Items *Schema

	// Markers of the field this schema is the value of.
	ListType      string   // "atomic", "set" or "map"; "" for lists without one
	ListMapKeys   []string // the keys of a "map" list
	PatchStrategy string   // "merge", "retainKeys", "merge,retainKeys", "replace"
	PatchMergeKey string   // the key strategic merge patch merges object lists by
	// MapType is "atomic" for structs and maps that are replaced as a whole
	// (x-kubernetes-map-type); "" means granular.
	MapType string

	// OmitEmpty marks a field that the Kubernetes encoding leaves out when it
	// holds its zero value: "", 0, false, null, an empty list or map (a
	// non-pointer Go field tagged omitempty). Never set on shared schemas.
	OmitEmpty bool
}

// Property returns the schema of the field name of an Object, the value schema
// of a Map, or a free-form schema for Any. ok is false when s has no such field.
func (s *Schema) Property(name string) (*Schema, bool) {
	switch s.Type {
	case Object:
		p, ok := s.Properties[name]
		return p, ok
	case Map:
		return s.Items, true
	case Any:
		return anySchema, true
	}
	return nil, false
}

// Elem returns the element schema of an Array, free-form for Any.
func (s *Schema) Elem() *Schema {
	if s.Type == Any || s.Items == nil {
		return anySchema
	}
	return s.Items
}

// HasStrategy reports whether the patch strategy includes one of its
// comma-separated parts ("merge", "retainKeys", "replace").
func (s *Schema) HasStrategy(part string) bool {
	for _, p := range strings.Split(s.PatchStrategy, ",") {
		if p == part {
			return true
		}
	}
	return false
}

// Keys returns the keys that identify elements of an object list: the
// list-map keys, else the patch merge key; nil for other lists.
func (s *Schema) Keys() []string {
	if s.ListType == ListMap && len(s.ListMapKeys) > 0 {
		return s.ListMapKeys
	}
	if s.PatchMergeKey != "" {
		return []string{s.PatchMergeKey}
	}
	return nil
}

// anySchema is the free-form schema.
var anySchema = &Schema{Type: Any}

// FreeForm returns the schema of a value that may be any JSON, with unknown
// fields kept (a kind registered without a Go type).
func FreeForm() *Schema { return anySchema }

// For returns the schema of Go type t (a kind's struct type). Results are cached.
func For(t reflect.Type) *Schema {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	return forType(t)
}

// Of returns the schema of T.
func Of[T any]() *Schema { return For(reflect.TypeFor[T]()) }

var (
	cacheMu sync.Mutex
	cache   = map[reflect.Type]*Schema{}
)

// Types with a JSON form of their own.
var (
	timeType      = reflect.TypeFor[meta.Time]()
	microTimeType = reflect.TypeFor[meta.MicroTime]()
	rawMessage    = reflect.TypeFor[json.RawMessage]()
	rawJSON       = reflect.TypeFor[meta.RawJSON]()
	intOrString   = reflect.TypeFor[corev1.IntOrString]()
)

func forType(t reflect.Type) *Schema {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType || t == microTimeType:
		return &Schema{Type: String, Format: "date-time"}
	case t == intOrString:
		return &Schema{Type: IntOrString, Format: "int-or-string"}
	case t == rawMessage || t == rawJSON:
		return anySchema
	}
	switch t.Kind() {
	case reflect.String:
		return &Schema{Type: String}
	case reflect.Bool:
		return &Schema{Type: Boolean}
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint8, reflect.Uint16:
		return &Schema{Type: Integer, Format: "int32"}
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return &Schema{Type: Integer, Format: "int64"}
	case reflect.Float32, reflect.Float64:
		return &Schema{Type: Number, Format: "double"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return &Schema{Type: String, Format: "byte"}
		}
		return &Schema{Type: Array, Items: forType(t.Elem())}
	case reflect.Map:
		return &Schema{Type: Map, Items: forType(t.Elem())}
	case reflect.Struct:
		if t.Name() == "" {
			return structSchema(t, &Schema{Type: Object})
		}
		if s, ok := cache[t]; ok {
			return s
		}
		s := &Schema{Type: Object, Name: schemaName(t)}
		cache[t] = s // before the fields: t may refer to itself
		structSchema(t, s)
		if m, ok := typeMarkers[t]; ok {
			s.MapType = m
		}
		return s
	}
	return anySchema
}

// structSchema fills s with the fields of struct type t, embedded structs
// without a JSON name flattened in.
func structSchema(t reflect.Type, s *Schema) *Schema {
	s.Properties = map[string]*Schema{}
	addFields(t, s)
	return s
}

func addFields(t reflect.Type, s *Schema) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				addFields(ft, s)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		p := forType(f.Type)
		if m, ok := fieldMarkers[fieldKey{t, f.Name}]; ok {
			c := *p // a copy: the value schema may be shared
			m.apply(&c)
			p = &c
		}
		if hasOption(opts, "omitempty") && f.Type.Kind() != reflect.Pointer && f.Type.Kind() != reflect.Struct && p != anySchema {
			// Not a named struct: p is this field's own schema.
			p.OmitEmpty = true
		}
		if _, dup := s.Properties[name]; !dup {
			s.Order = append(s.Order, name)
		}
		s.Properties[name] = p
	}
}

func hasOption(opts, want string) bool {
	for _, o := range strings.Split(opts, ",") {
		if o == want {
			return true
		}
	}
	return false
}

// packagePrefixes maps the Go packages of our API types to the schema name
// prefixes Kubernetes uses for the same types.
var packagePrefixes = map[string]string{
	"kctl.dev/kctl/api/corev1":         "io.k8s.api.core.v1",
	"kctl.dev/kctl/api/appsv1":         "io.k8s.api.apps.v1",
	"kctl.dev/kctl/api/coordinationv1": "io.k8s.api.coordination.v1",
	"kctl.dev/kctl/api/rbacv1":         "io.k8s.api.rbac.v1",
	"kctl.dev/kctl/api/meta":           "io.k8s.apimachinery.pkg.apis.meta.v1",
}

// schemaName is the Kubernetes-style name of a named Go type
// ("io.k8s.api.core.v1.Pod").
func schemaName(t reflect.Type) string {
	prefix, ok := packagePrefixes[t.PkgPath()]
	if !ok {
		// A type from elsewhere (a test, a run-time kind): reverse the path's
		// host part and keep the rest, as Kubernetes names its own.
		host, rest, _ := strings.Cut(t.PkgPath(), "/")
		parts := strings.Split(host, ".")
		for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
			parts[i], parts[j] = parts[j], parts[i]
		}
		prefix = strings.Join(parts, ".")
		if rest != "" {
			prefix += "." + strings.ReplaceAll(rest, "/", ".")
		}
	}
	return prefix + "." + t.Name()
}
