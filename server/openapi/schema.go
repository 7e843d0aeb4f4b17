package openapi

import (
	"encoding/json"
	"reflect"
	"strings"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/meta"
)

// object is one JSON object of a document. Documents are built from maps so that
// encoding/json writes keys sorted: the same registry always gives the same bytes,
// and so the same hash.
type object = map[string]any

// Schema names of the apimachinery types every document refers to.
const (
	objectMetaName    = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
	listMetaName      = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"
	statusName        = "io.k8s.apimachinery.pkg.apis.meta.v1.Status"
	deleteOptionsName = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"
	patchName         = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"
	watchEventName    = "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent"
)

// packagePrefixes maps the Go packages of our API types to the schema name
// prefixes Kubernetes uses for the same types.
var packagePrefixes = map[string]string{
	"kctl.dev/kctl/api/corev1":         "io.k8s.api.core.v1",
	"kctl.dev/kctl/api/appsv1":         "io.k8s.api.apps.v1",
	"kctl.dev/kctl/api/coordinationv1": "io.k8s.api.coordination.v1",
	"kctl.dev/kctl/api/rbacv1":         "io.k8s.api.rbac.v1",
	"kctl.dev/kctl/api/meta":           "io.k8s.apimachinery.pkg.apis.meta.v1",
}

// schemaName is the Kubernetes-style name of a named Go type.
func schemaName(t reflect.Type) string {
	prefix, ok := packagePrefixes[t.PkgPath()]
	if !ok {
		// A type from elsewhere (a test, a runtime kind): reverse the path's
		// host part and keep the rest, as Kubernetes names its own.
		p := t.PkgPath()
		host, rest, _ := strings.Cut(p, "/")
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

// marker is the list and patch metadata of one field, as Kubernetes declares it
// with +listType, +listMapKey, +patchStrategy and +patchMergeKey.
type marker struct {
	listType      string   // "map", "set" or "atomic"
	listMapKeys   []string // for listType map
	patchStrategy string   // "merge", "merge,retainKeys"
	patchMergeKey string
}

// fieldKey names a field: its struct type and Go field name.
type fieldKey struct {
	typ   reflect.Type
	field string
}

func key[T any](field string) fieldKey {
	return fieldKey{reflect.TypeFor[T](), field}
}

// markers is every list marker the schemas carry, copied from the Kubernetes types.
var markers = map[fieldKey]marker{
	key[corev1.PodSpec]("Containers"):         {"map", []string{"name"}, "merge", "name"},
	key[corev1.PodSpec]("InitContainers"):     {"map", []string{"name"}, "merge", "name"},
	key[corev1.PodSpec]("Volumes"):            {"map", []string{"name"}, "merge,retainKeys", "name"},
	key[corev1.PodSpec]("ImagePullSecrets"):   {"map", []string{"name"}, "merge", "name"},
	key[corev1.PodSpec]("HostAliases"):        {"map", []string{"ip"}, "merge", "ip"},
	key[corev1.PodSpec]("Tolerations"):        {listType: "atomic"},
	key[corev1.Container]("Ports"):            {"map", []string{"containerPort", "protocol"}, "merge", "containerPort"},
	key[corev1.Container]("Env"):              {"map", []string{"name"}, "merge", "name"},
	key[corev1.Container]("EnvFrom"):          {listType: "atomic"},
	key[corev1.Container]("VolumeMounts"):     {"map", []string{"mountPath"}, "merge", "mountPath"},
	key[corev1.PodStatus]("Conditions"):       {"map", []string{"type"}, "merge", "type"},
	key[corev1.ServiceSpec]("Ports"):          {"map", []string{"port", "protocol"}, "merge", "port"},
	key[corev1.NodeSpec]("Taints"):            {listType: "atomic"},
	key[corev1.NodeStatus]("Conditions"):      {"", nil, "merge", "type"},
	key[corev1.NodeStatus]("Addresses"):       {"", nil, "merge", "type"},
	key[corev1.NamespaceStatus]("Conditions"): {"", nil, "merge", "type"},
	key[meta.ObjectMeta]("Finalizers"):        {"set", nil, "merge", ""},
	key[meta.ObjectMeta]("OwnerReferences"):   {"map", []string{"uid"}, "merge", "uid"},
	key[meta.ObjectMeta]("ManagedFields"):     {listType: "atomic"},
}

// apply adds m's extensions to a property schema.
func (m marker) apply(s object) {
	if m.listType != "" {
		s["x-kubernetes-list-type"] = m.listType
	}
	if len(m.listMapKeys) > 0 {
		s["x-kubernetes-list-map-keys"] = append([]string(nil), m.listMapKeys...)
	}
	if m.patchStrategy != "" {
		s["x-kubernetes-patch-strategy"] = m.patchStrategy
	}
	if m.patchMergeKey != "" {
		s["x-kubernetes-patch-merge-key"] = m.patchMergeKey
	}
}

// Types with a JSON form of their own.
var (
	timeType      = reflect.TypeFor[meta.Time]()
	microTimeType = reflect.TypeFor[meta.MicroTime]()
	intOrString   = reflect.TypeFor[corev1.IntOrString]()
	rawMessage    = reflect.TypeFor[json.RawMessage]()
	rawJSON       = reflect.TypeFor[meta.RawJSON]()
)

// schemas generates schemas by reflection into defs, referring to named struct
// types as refPrefix+name ("#/components/schemas/" or "#/definitions/").
type schemas struct {
	refPrefix string
	defs      object
	names     map[reflect.Type]string
}

func newSchemas(refPrefix string) *schemas {
	return &schemas{refPrefix: refPrefix, defs: object{}, names: map[reflect.Type]string{}}
}

func (g *schemas) ref(name string) object { return object{"$ref": g.refPrefix + name} }

// define makes sure t (a named struct type) has a definition and returns its name.
func (g *schemas) define(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if name, ok := g.names[t]; ok {
		return name
	}
	name := schemaName(t)
	g.names[t] = name
	g.defs[name] = object{} // placeholder: t may refer to itself
	g.defs[name] = g.structSchema(t)
	return name
}

// schemaFor returns the schema of a value of type t.
func (g *schemas) schemaFor(t reflect.Type) object {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case timeType:
		return object{"type": "string", "format": "date-time"}
	case microTimeType:
		return object{"type": "string", "format": "date-time"}
	case intOrString:
		return object{"type": "string", "format": "int-or-string", "x-kubernetes-int-or-string": true}
	case rawMessage, rawJSON:
		return object{"type": "object", "x-kubernetes-preserve-unknown-fields": true}
	}
	switch t.Kind() {
	case reflect.String:
		return object{"type": "string"}
	case reflect.Bool:
		return object{"type": "boolean"}
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint8, reflect.Uint16:
		return object{"type": "integer", "format": "int32"}
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return object{"type": "integer", "format": "int64"}
	case reflect.Float32, reflect.Float64:
		return object{"type": "number", "format": "double"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return object{"type": "string", "format": "byte"}
		}
		return object{"type": "array", "items": g.schemaFor(t.Elem())}
	case reflect.Map:
		return object{"type": "object", "additionalProperties": g.schemaFor(t.Elem())}
	case reflect.Struct:
		if t.Name() == "" {
			return g.structSchema(t)
		}
		return g.ref(g.define(t))
	}
	// interfaces and anything else: any JSON value.
	return object{"x-kubernetes-preserve-unknown-fields": true}
}

// structSchema is the object schema of a struct type: one property per JSON
// field, embedded structs without a JSON name flattened in.
func (g *schemas) structSchema(t reflect.Type) object {
	props := object{}
	g.addFields(t, props)
	s := object{"type": "object"}
	if len(props) > 0 {
		s["properties"] = props
	}
	return s
}

func (g *schemas) addFields(t reflect.Type, props object) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				g.addFields(ft, props)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s := g.schemaFor(f.Type)
		if m, ok := markers[fieldKey{t, f.Name}]; ok {
			m.apply(s)
		}
		props[name] = s
	}
}

// kindSchema defines the schema of a top-level kind and tags it with its GVK.
func (g *schemas) kindSchema(t reflect.Type, group, version, kind string) string {
	name := g.define(t)
	g.defs[name].(object)["x-kubernetes-group-version-kind"] = []object{gvk(group, version, kind)}
	return name
}

// listSchema defines the list kind of a kind whose item schema is itemName.
func (g *schemas) listSchema(itemName, group, version, listKind string) string {
	name := itemName + "List"
	if _, ok := g.defs[name]; ok {
		return name
	}
	g.define(reflect.TypeFor[meta.ListMeta]())
	g.defs[name] = object{
		"type":        "object",
		"description": listKind + " is a list of " + strings.TrimSuffix(listKind, "List") + " objects.",
		"required":    []string{"items"},
		"properties": object{
			"apiVersion": object{"type": "string"},
			"kind":       object{"type": "string"},
			"metadata":   g.ref(listMetaName),
			"items":      object{"type": "array", "items": g.ref(itemName)},
		},
		"x-kubernetes-group-version-kind": []object{gvk(group, version, listKind)},
	}
	return name
}

// common defines the apimachinery schemas that operations refer to.
func (g *schemas) common() {
	g.define(reflect.TypeFor[meta.ObjectMeta]())
	g.define(reflect.TypeFor[meta.Status]())
	g.define(reflect.TypeFor[meta.DeleteOptions]())
	g.defs[patchName] = object{"type": "object", "description": "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body."}
	g.defs[watchEventName] = object{
		"type":     "object",
		"required": []string{"type", "object"},
		"properties": object{
			"type":   object{"type": "string"},
			"object": object{"type": "object", "x-kubernetes-preserve-unknown-fields": true},
		},
	}
}

func gvk(group, version, kind string) object {
	return object{"group": group, "version": version, "kind": kind}
}
