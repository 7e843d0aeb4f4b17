package fieldmanager

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/schema"
)

// shape is how server-side apply treats a value of a schema.
type shape uint8

const (
	leafShape    shape = iota // a scalar, or a list, map or struct replaced whole
	structShape               // a struct: declared fields, merged one by one
	mapShape                  // a map: every key its own field
	freeShape                 // free-form: maps merge by key, anything else is a leaf
	setShape                  // a list of unique scalars, merged by value
	listMapShape              // a list of objects, merged by key
)

var (
	anySchema        = schema.FreeForm()
	objectMetaSchema = schema.Of[meta.ObjectMeta]()
	stringSchema     = &schema.Schema{Type: schema.String}
)

// shapeOf classifies s as Kubernetes' OpenAPI-to-SMD conversion does: list
// and map types from x-kubernetes-list-type / x-kubernetes-map-type; a list
// without a list type is a list map by its patch merge key when its patch
// strategy merges (a set when it has no key), atomic otherwise.
func shapeOf(s *schema.Schema) shape {
	if s == nil {
		return freeShape
	}
	switch s.Type {
	case schema.Object:
		if s.MapType == "atomic" {
			return leafShape
		}
		return structShape
	case schema.Map:
		if s.MapType == "atomic" {
			return leafShape
		}
		return mapShape
	case schema.Array:
		switch s.ListType {
		case schema.ListAtomic:
			return leafShape
		case schema.ListSet:
			return setShape
		case schema.ListMap:
			if len(s.ListMapKeys) > 0 || s.PatchMergeKey != "" {
				return listMapShape
			}
			return leafShape
		case "":
			if s.PatchStrategy == "merge" || s.PatchStrategy == "merge,retainKeys" {
				if s.PatchMergeKey != "" {
					return listMapShape
				}
				return setShape
			}
		}
		return leafShape
	case schema.Any, "":
		return freeShape
	}
	return leafShape
}

// granular reports whether shape merges the keys of a map one by one.
func granular(sh shape) bool { return sh == structShape || sh == mapShape || sh == freeShape }

// associative reports whether shape merges a list element by element.
func associative(sh shape) bool { return sh == setShape || sh == listMapShape }

// fieldSchema returns the schema of field name of a map-like value of
// schema s, and whether it is a declared field of a struct (undeclared keys,
// those of maps and free-form values, are members of field sets in their own
// right). At the root of a free-form kind, apiVersion, kind and metadata are
// declared, metadata with the ObjectMeta schema, as for custom resources.
func fieldSchema(s *schema.Schema, name string, root bool) (*schema.Schema, bool) {
	if s == nil {
		return anySchema, false
	}
	switch s.Type {
	case schema.Object:
		if p, ok := s.Properties[name]; ok {
			return p, true
		}
		return anySchema, false // unknown field: tracked as free-form
	case schema.Map:
		if s.Items != nil {
			return s.Items, false
		}
		return anySchema, false
	}
	if root {
		switch name {
		case "metadata":
			return objectMetaSchema, true
		case "apiVersion", "kind":
			return stringSchema, true
		}
	}
	return anySchema, false
}

// elemSchema is the schema of the elements of a list of schema s.
func elemSchema(s *schema.Schema) *schema.Schema {
	if s == nil {
		return anySchema
	}
	return s.Elem()
}

// listKeys returns the key fields of a list map.
func listKeys(s *schema.Schema) []string {
	if s.ListType == schema.ListMap && len(s.ListMapKeys) > 0 {
		return s.ListMapKeys
	}
	return []string{s.PatchMergeKey}
}

// keyDefaults are defaults of list-map key fields Kubernetes' OpenAPI
// declares and our schemas do not: every port list is keyed by a protocol
// that defaults to TCP.
var keyDefaults = map[string]any{"protocol": "TCP"}

// elementOf returns the path element of an element of an associative list
// of schema s and shape sh.
func elementOf(s *schema.Schema, sh shape, item any) (pathElement, error) {
	if sh == setShape {
		switch item.(type) {
		case map[string]any:
			return pathElement{}, errors.New("associative list without keys has an element that's a map type")
		case []any:
			return pathElement{}, errors.New("not supported: associative list with lists as elements")
		case nil:
			return pathElement{}, errors.New("associative list without keys has an element that's an explicit null")
		}
		return pathElement{valueElem, string(appendJSON(nil, item))}, nil
	}
	m, ok := item.(map[string]any)
	if !ok {
		if item == nil {
			return pathElement{}, errors.New("associative list with keys may not have a null element")
		}
		return pathElement{}, errors.New("associative list with keys may not have non-map elements")
	}
	keys := listKeys(s)
	var buf [2]keyField
	fields := buf[:0]
	for _, k := range keys {
		if v, ok := m[k]; ok {
			fields = append(fields, keyField{k, v})
		} else if d, ok := keyDefaults[k]; ok {
			fields = append(fields, keyField{k, d})
		}
	}
	if len(fields) == 0 {
		return pathElement{}, fmt.Errorf("associative list with keys has an element that omits all key fields %q (and doesn't have default values for any key fields)", keys)
	}
	return pathElement{keyElem, encodeKey(fields)}, nil
}

// ignoreRule is what the field manager knows of one path independently of
// the schema: fields never tracked (the object's identity and what the
// server sets), fields the strategy resets.
type ignoreRule struct {
	untracked bool // never tracked: not in any field set, never compared
	reset     bool // reset by the strategy: untracked, and Apply keeps the live value
	noMember  bool // the path itself is not tracked; its children are (metadata)
	children  map[string]*ignoreRule
}

// child returns the rule of field name under r (nil when there is none).
func (r *ignoreRule) child(name string) *ignoreRule {
	if r == nil {
		return nil
	}
	return r.children[name]
}

// skip reports whether the path is neither tracked nor compared.
func (r *ignoreRule) skip() bool { return r != nil && (r.untracked || r.reset) }

// untrackedFields are the fields Kubernetes strips from every field set,
// plus those only the server sets when deleting.
var untrackedFields = []string{
	"apiVersion", "kind",
	"metadata.name", "metadata.namespace", "metadata.uid", "metadata.resourceVersion",
	"metadata.generation", "metadata.creationTimestamp", "metadata.deletionTimestamp",
	"metadata.deletionGracePeriodSeconds", "metadata.managedFields", "metadata.selfLink",
	"metadata.clusterName",
}

// ignoreRulesCache holds the rules built, by kind of rule (untracked) and
// reset fields: a server has a handful.
var ignoreRulesCache [2]sync.Map // strings.Join(reset, "\x00") -> *ignoreRule

func cachedIgnoreRules(reset []string, untracked bool) *ignoreRule {
	var key string
	switch len(reset) {
	case 0:
	case 1:
		key = reset[0] // what Join gives, without building it
	default:
		key = strings.Join(reset, "\x00")
	}
	cache := &ignoreRulesCache[0]
	if untracked {
		cache = &ignoreRulesCache[1]
	}
	if r, ok := cache.Load(key); ok {
		return r.(*ignoreRule)
	}
	r := ignoreRules(reset, untracked)
	cache.Store(key, r)
	return r
}

// ignoreRules builds the rules of a request: with untracked, the fields
// never tracked and those the strategy resets; without, only the latter (nil
// when there are none).
func ignoreRules(reset []string, untracked bool) *ignoreRule {
	root := &ignoreRule{}
	add := func(path string) *ignoreRule {
		r := root
		for _, name := range strings.Split(path, ".") {
			if r.children == nil {
				r.children = map[string]*ignoreRule{}
			}
			c, ok := r.children[name]
			if !ok {
				c = &ignoreRule{}
				r.children[name] = c
			}
			r = c
		}
		return r
	}
	if untracked {
		for _, p := range untrackedFields {
			add(p).untracked = true
		}
		add("metadata").noMember = true
	}
	for _, p := range reset {
		if p = strings.Trim(p, "."); p != "" {
			add(p).reset = true
		}
	}
	if root.children == nil {
		return nil
	}
	return root
}

// stripSet holds the paths Kubernetes strips from the set of the manager of
// a write after computing it (stripping "metadata" itself leaves its
// children).
var stripSet = func() *fieldSet {
	var b builder
	meta := builder{member: true}
	for _, p := range untrackedFields {
		name, sub, nested := strings.Cut(p, ".")
		if nested {
			meta.add(field(sub), leaf)
		} else {
			b.add(field(name), leaf)
		}
	}
	b.add(field("metadata"), meta.set())
	return b.set()
}()
