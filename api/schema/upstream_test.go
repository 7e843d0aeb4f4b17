package schema

// This test holds the Go types of api/ to the real API: testdata/upstream.json
// is a trimmed snapshot of the Kubernetes v1.32 OpenAPI definitions of every
// type reachable from our kinds, and every property and list/map/patch marker
// upstream declares there must be in our schema too. A field missing here would
// make fieldValidation=Strict reject a body a real v1.32 server accepts, and a
// missing marker would make strategic merge patch or server-side apply merge a
// list or map differently from a real server.
//
// How the snapshot was made (the script is not kept): the Go sources of
// k8s.io/api and k8s.io/apimachinery/pkg/apis/meta/v1 were parsed (go/ast);
// for each struct reachable from the roots below, every JSON field was written
// out the way the Kubernetes OpenAPI generator renders it (inline structs
// flattened; struct fields as "$ref"; slices as "items"; maps as
// "additionalProperties"; Quantity, IntOrString, Time, MicroTime and FieldsV1
// as the leaf definitions the generator gives them), with the markers of its
// +listType, +listMapKey, +mapType and +structType comments and its
// patchStrategy and patchMergeKey tags. Fields added after v1.32 were dropped
// by protobuf field number, the last number of each changed message having
// been read from the v1.32 sources (k8s.io/api v0.32, apimachinery v0.32),
// whose markers were checked against the generated ones as well. Descriptions,
// defaults and required lists are left out: only names, types and markers
// matter here.
//
// The test only asks that upstream's fields be a subset of ours: our types may
// carry more (fields from later releases, which are harmless for a v1.32
// client).

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"kctl.dev/kctl/api/appsv1"
	"kctl.dev/kctl/api/coordinationv1"
	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/rbacv1"
)

// upstreamSchema is one definition or property of the snapshot.
type upstreamSchema struct {
	Ref                  string                     `json:"$ref"`
	Type                 string                     `json:"type"`
	Format               string                     `json:"format"`
	Properties           map[string]*upstreamSchema `json:"properties"`
	Items                *upstreamSchema            `json:"items"`
	AdditionalProperties *upstreamSchema            `json:"additionalProperties"`
	ListType             string                     `json:"x-kubernetes-list-type"`
	ListMapKeys          []string                   `json:"x-kubernetes-list-map-keys"`
	PatchStrategy        string                     `json:"x-kubernetes-patch-strategy"`
	PatchMergeKey        string                     `json:"x-kubernetes-patch-merge-key"`
	MapType              string                     `json:"x-kubernetes-map-type"`
}

type upstreamSnapshot struct {
	KubernetesVersion string                     `json:"kubernetesVersion"`
	Definitions       map[string]*upstreamSchema `json:"definitions"`
}

// upstreamRoots are the schemas our server serves: every kind with its list,
// and the meta types the OpenAPI documents define on their own.
func upstreamRoots() []*Schema {
	return []*Schema{
		Of[corev1.Namespace](), Of[corev1.NamespaceList](),
		Of[corev1.Pod](), Of[corev1.PodList](),
		Of[corev1.Node](), Of[corev1.NodeList](),
		Of[corev1.Service](), Of[corev1.ServiceList](),
		Of[corev1.ConfigMap](), Of[corev1.ConfigMapList](),
		Of[corev1.Secret](), Of[corev1.SecretList](),
		Of[corev1.Event](), Of[corev1.EventList](),
		Of[corev1.Binding](),
		Of[coordinationv1.Lease](), Of[coordinationv1.LeaseList](),
		Of[appsv1.Deployment](), Of[appsv1.DeploymentList](),
		Of[rbacv1.Role](), Of[rbacv1.RoleList](),
		Of[rbacv1.ClusterRole](), Of[rbacv1.ClusterRoleList](),
		Of[rbacv1.RoleBinding](), Of[rbacv1.RoleBindingList](),
		Of[rbacv1.ClusterRoleBinding](), Of[rbacv1.ClusterRoleBindingList](),
		Of[meta.ObjectMeta](), Of[meta.ListMeta](), Of[meta.Status](), Of[meta.DeleteOptions](),
	}
}

// renamedTypes maps upstream definition names to the names of our Go types
// where the two differ on purpose.
var renamedTypes = map[string]string{
	// meta.ManagedFields predates this test and is used throughout the server;
	// its fields and JSON are those of upstream's ManagedFieldsEntry.
	"io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry": "io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFields",
}

// freeFormProperties are the upstream properties ("Definition.property") that
// our types deliberately model as free-form JSON (json.RawMessage or
// meta.RawJSON, schema.Any: any value, unknown fields kept), with the reason.
// Everything below such a property is accepted as is, so the definitions only
// reachable through it are not compared.
//
// It is empty: every v1.32 subtree of our kinds is modelled field for field,
// rare volume sources and ephemeral volume claim templates included. (FieldsV1,
// metadata.managedFields[].fieldsV1, is free-form upstream as well, a leaf
// "type: object" definition, so it needs no entry.)
var freeFormProperties = map[string]string{}

func loadUpstream(t *testing.T) *upstreamSnapshot {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "upstream.json"))
	if err != nil {
		t.Fatal(err)
	}
	var snap upstreamSnapshot
	if err := json.Unmarshal(b, &snap); err != nil {
		t.Fatal(err)
	}
	if snap.KubernetesVersion != "v1.32" || len(snap.Definitions) == 0 {
		t.Fatalf("snapshot: version %q, %d definitions", snap.KubernetesVersion, len(snap.Definitions))
	}
	return &snap
}

// isLeaf reports a definition without properties: a scalar with a schema of its
// own (Quantity, Time, IntOrString) or a free-form object (FieldsV1).
func isLeaf(d *upstreamSchema) bool { return len(d.Properties) == 0 }

func TestUpstreamDefinitions(t *testing.T) {
	snap := loadUpstream(t)

	// Our named schemas, by name.
	ours := map[string]*Schema{}
	for _, root := range upstreamRoots() {
		Walk(root, func(s *Schema) {
			if s.Name != "" {
				ours[s.Name] = s
			}
		})
	}

	c := &upstreamChecker{t: t, defs: snap.Definitions, usedFreeForm: map[string]bool{}}

	// Definitions only reachable below a free-form property are not compared.
	skipped := c.onlyBelowFreeForm()

	names := make([]string, 0, len(snap.Definitions))
	for name := range snap.Definitions {
		names = append(names, name)
	}
	sort.Strings(names)
	checked := 0
	for _, name := range names {
		def := snap.Definitions[name]
		if isLeaf(def) || skipped[name] {
			continue
		}
		our := ours[ourName(name)]
		if our == nil {
			t.Errorf("%s: no Go type has this schema name (reachable from the kinds)", name)
			continue
		}
		c.checkDefinition(name, def, our)
		checked++
	}
	for prop := range freeFormProperties {
		if !c.usedFreeForm[prop] {
			t.Errorf("allow-list entry %s: no such upstream property, or not free-form in our schema", prop)
		}
	}
	if checked < 150 {
		t.Errorf("only %d definitions compared", checked)
	}
	t.Logf("compared %d upstream %s definitions, skipped %d below free-form properties",
		checked, snap.KubernetesVersion, len(skipped))
}

func ourName(upstream string) string {
	if n, ok := renamedTypes[upstream]; ok {
		return n
	}
	return upstream
}

type upstreamChecker struct {
	t            *testing.T
	defs         map[string]*upstreamSchema
	usedFreeForm map[string]bool
}

// onlyBelowFreeForm returns the definitions that cannot be reached from the
// roots without passing through an allow-listed free-form property.
func (c *upstreamChecker) onlyBelowFreeForm() map[string]bool {
	reached := map[string]bool{}
	var visitDef func(name string)
	var visit func(owner string, s *upstreamSchema)
	visit = func(owner string, s *upstreamSchema) {
		if s == nil {
			return
		}
		if s.Ref != "" {
			visitDef(s.Ref)
		}
		visit(owner, s.Items)
		visit(owner, s.AdditionalProperties)
	}
	visitDef = func(name string) {
		if reached[name] {
			return
		}
		reached[name] = true
		d := c.defs[name]
		if d == nil {
			c.t.Errorf("snapshot: $ref to missing definition %s", name)
			return
		}
		for p, s := range d.Properties {
			if _, free := freeFormProperties[name+"."+p]; free {
				continue
			}
			visit(name, s)
		}
	}
	for _, root := range upstreamRoots() {
		for up, our := range renamedTypes {
			if our == root.Name {
				visitDef(up)
			}
		}
		if c.defs[root.Name] != nil {
			visitDef(root.Name)
		}
	}
	skipped := map[string]bool{}
	for name := range c.defs {
		if !reached[name] {
			skipped[name] = true
		}
	}
	return skipped
}

func (c *upstreamChecker) checkDefinition(name string, def *upstreamSchema, our *Schema) {
	t := c.t
	if our.Type != Object {
		t.Errorf("%s: our schema is %s, upstream an object", name, our.Type)
		return
	}
	if def.MapType != our.MapType {
		t.Errorf("%s: x-kubernetes-map-type upstream %q, ours %q (typeMarkers)", name, def.MapType, our.MapType)
	}
	props := make([]string, 0, len(def.Properties))
	for p := range def.Properties {
		props = append(props, p)
	}
	sort.Strings(props)
	for _, p := range props {
		up := def.Properties[p]
		field := name + "." + p
		ourProp, ok := our.Properties[p]
		if !ok {
			t.Errorf("%s: missing field (upstream %s)", field, describe(up))
			continue
		}
		if _, free := freeFormProperties[field]; free {
			if ourProp.Type != Any {
				t.Errorf("%s: allow-listed as free-form but our schema is %s", field, ourProp.Type)
			}
			c.usedFreeForm[field] = true
			continue
		}
		c.compare(field, up, ourProp)
		c.compareMarkers(field, up, ourProp)
	}
}

// compare checks that our schema has the JSON type upstream has at path.
func (c *upstreamChecker) compare(path string, up *upstreamSchema, our *Schema) {
	t := c.t
	if our == nil {
		t.Errorf("%s: no schema", path)
		return
	}
	if up.Ref != "" {
		def := c.defs[up.Ref]
		if def == nil {
			return // reported by onlyBelowFreeForm
		}
		if isLeaf(def) {
			c.compare(path, def, our)
			return
		}
		if our.Type != Object || our.Name != ourName(up.Ref) {
			t.Errorf("%s: upstream %s, ours %s %s", path, up.Ref, our.Type, our.Name)
		}
		return // the definition itself is compared on its own
	}
	switch up.Type {
	case "array":
		if our.Type != Array {
			t.Errorf("%s: upstream array, ours %s", path, our.Type)
			return
		}
		c.compare(path+"[]", up.Items, our.Items)
	case "object":
		switch {
		case up.AdditionalProperties != nil:
			if our.Type != Map {
				t.Errorf("%s: upstream map, ours %s", path, our.Type)
				return
			}
			c.compare(path+"{}", up.AdditionalProperties, our.Items)
		case len(up.Properties) == 0:
			if our.Type != Any {
				t.Errorf("%s: upstream free-form object, ours %s", path, our.Type)
			}
		default:
			t.Errorf("%s: inline object schema in the snapshot", path)
		}
	case "string":
		switch {
		case up.Format == "int-or-string":
			if our.Type != IntOrString {
				t.Errorf("%s: upstream int-or-string, ours %s", path, our.Type)
			}
		case our.Type != String:
			t.Errorf("%s: upstream string, ours %s", path, our.Type)
		case up.Format != our.Format:
			t.Errorf("%s: upstream string format %q, ours %q", path, up.Format, our.Format)
		}
	case "integer", "number", "boolean":
		if string(our.Type) != up.Type {
			t.Errorf("%s: upstream %s, ours %s", path, up.Type, our.Type)
		} else if up.Format != our.Format {
			t.Errorf("%s: upstream %s format %q, ours %q", path, up.Type, up.Format, our.Format)
		}
	default:
		t.Errorf("%s: snapshot type %q not understood", path, up.Type)
	}
}

// compareMarkers checks the list, map and patch markers of one field.
func (c *upstreamChecker) compareMarkers(path string, up *upstreamSchema, our *Schema) {
	t := c.t
	mapType := up.MapType
	if up.Ref != "" && c.defs[up.Ref] != nil {
		// A struct's map type is declared on its definition, and our field
		// schema is that of the struct itself.
		mapType = c.defs[up.Ref].MapType
	}
	want := fmt.Sprintf("listType=%q listMapKeys=%q patchStrategy=%q patchMergeKey=%q mapType=%q",
		up.ListType, up.ListMapKeys, up.PatchStrategy, up.PatchMergeKey, mapType)
	got := fmt.Sprintf("listType=%q listMapKeys=%q patchStrategy=%q patchMergeKey=%q mapType=%q",
		our.ListType, our.ListMapKeys, our.PatchStrategy, our.PatchMergeKey, our.MapType)
	if want != got {
		t.Errorf("%s: markers\nupstream %s\n    ours %s", path, want, got)
	}
}

func describe(s *upstreamSchema) string {
	switch {
	case s.Ref != "":
		return s.Ref
	case s.Items != nil:
		return "[]" + describe(s.Items)
	case s.AdditionalProperties != nil:
		return "map[string]" + describe(s.AdditionalProperties)
	case s.Format != "":
		return s.Type + "/" + s.Format
	}
	return s.Type
}

// TestUpstreamSnapshotShape guards the snapshot itself: only the keys the test
// reads, no descriptions.
func TestUpstreamSnapshotShape(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "upstream.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Definitions map[string]json.RawMessage `json:"definitions"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	known := []string{}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[upstreamSchema]()) {
		known = append(known, strings.Split(f.Tag.Get("json"), ",")[0])
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		for k, sub := range m {
			if !slices.Contains(known, k) {
				t.Errorf("%s: unexpected key %q in the snapshot", path, k)
			}
			switch k {
			case "properties":
				props, _ := sub.(map[string]any)
				for p, ps := range props {
					walk(path+"."+p, ps)
				}
			case "items", "additionalProperties":
				walk(path+"."+k, sub)
			}
		}
	}
	for name, d := range raw.Definitions {
		var v any
		if err := json.Unmarshal(d, &v); err != nil {
			t.Fatal(err)
		}
		walk(name, v)
	}
}

// Walk calls fn for s and every schema reachable from it, each named schema
// once, in a stable order.
func Walk(s *Schema, fn func(*Schema)) {
	seen := map[*Schema]bool{}
	var walk func(*Schema)
	walk = func(s *Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		fn(s)
		names := append([]string(nil), s.Order...)
		sort.Strings(names)
		for _, n := range names {
			walk(s.Properties[n])
		}
		walk(s.Items)
	}
	walk(s)
}
