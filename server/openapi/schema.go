package openapi

import (
	"strings"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/schema"
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
	intOrStringName   = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
)

// schemas renders schema.Schema values into defs, referring to named struct
// types as refPrefix+name ("#/components/schemas/" or "#/definitions/").
type schemas struct {
	refPrefix string
	defs      object
}

func newSchemas(refPrefix string) *schemas {
	return &schemas{refPrefix: refPrefix, defs: object{}}
}

func (g *schemas) ref(name string) object { return object{"$ref": g.refPrefix + name} }

// define makes sure the named schema s has a definition and returns its name.
func (g *schemas) define(s *schema.Schema) string {
	if _, ok := g.defs[s.Name]; !ok {
		g.defs[s.Name] = object{} // placeholder: s may refer to itself
		g.defs[s.Name] = g.objectSchema(s)
	}
	return s.Name
}

// render returns the OpenAPI schema of a value described by s.
func (g *schemas) render(s *schema.Schema) object {
	var o object
	switch s.Type {
	case schema.Object:
		if s.Name == "" {
			o = g.objectSchema(s)
			break
		}
		o = g.ref(g.define(s))
		if s.ListType != "" || s.PatchStrategy != "" || s.MapType != "" {
			// Extensions next to a $ref are ignored: wrap the reference.
			o = object{"allOf": []object{o}}
		}
	case schema.Map:
		o = object{"type": "object", "additionalProperties": g.render(s.Items)}
	case schema.Array:
		o = object{"type": "array", "items": g.render(s.Items)}
	case schema.IntOrString:
		// A named definition, as Kubernetes has it.
		if _, ok := g.defs[intOrStringName]; !ok {
			g.defs[intOrStringName] = object{"type": "string", "format": "int-or-string", "x-kubernetes-int-or-string": true}
		}
		o = g.ref(intOrStringName)
	case schema.Any:
		return object{"type": "object", "x-kubernetes-preserve-unknown-fields": true}
	default:
		o = object{"type": string(s.Type)}
		if s.Format != "" {
			o["format"] = s.Format
		}
	}
	if s.ListType != "" {
		o["x-kubernetes-list-type"] = s.ListType
	}
	if len(s.ListMapKeys) > 0 {
		o["x-kubernetes-list-map-keys"] = append([]string(nil), s.ListMapKeys...)
	}
	if s.PatchStrategy != "" {
		o["x-kubernetes-patch-strategy"] = s.PatchStrategy
	}
	if s.PatchMergeKey != "" {
		o["x-kubernetes-patch-merge-key"] = s.PatchMergeKey
	}
	if s.MapType != "" && s.Name == "" {
		o["x-kubernetes-map-type"] = s.MapType
	}
	return o
}

// objectSchema is the OpenAPI schema of an Object: one property per field.
func (g *schemas) objectSchema(s *schema.Schema) object {
	o := object{"type": "object"}
	if len(s.Properties) > 0 {
		props := object{}
		for name, p := range s.Properties {
			props[name] = g.render(p)
		}
		o["properties"] = props
	}
	if s.Name != "" && s.MapType != "" {
		o["x-kubernetes-map-type"] = s.MapType
	}
	return o
}

// kindSchema defines the schema of a top-level kind and tags it with its GVK.
func (g *schemas) kindSchema(s *schema.Schema, group, version, kind string) string {
	name := g.define(s)
	g.defs[name].(object)["x-kubernetes-group-version-kind"] = []object{gvk(group, version, kind)}
	return name
}

// listSchema defines the list kind of a kind whose item schema is itemName.
func (g *schemas) listSchema(itemName, group, version, listKind string) string {
	name := itemName + "List"
	if _, ok := g.defs[name]; ok {
		return name
	}
	g.define(schema.Of[meta.ListMeta]())
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
	g.define(schema.Of[meta.ObjectMeta]())
	g.define(schema.Of[meta.Status]())
	g.define(schema.Of[meta.DeleteOptions]())
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
