package protobuf

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
)

// kind is how one field's value is read from the wire and written as JSON.
type kind uint8

const (
	kString       kind = iota + 1 // length-delimited UTF-8 -> string
	kBytes                        // length-delimited -> []byte (base64 in JSON)
	kBool                         // varint -> bool
	kInt32                        // varint -> number (two's complement int32)
	kInt64                        // varint -> number
	kMessage                      // length-delimited nested message -> object
	kTime                         // meta.Time {1: seconds, 2: nanos} -> RFC 3339, seconds precision
	kMicroTime                    // meta.MicroTime -> RFC 3339 with 6 fractional digits
	kQuantity                     // resource.Quantity {1: string} -> string
	kIntOrString                  // intstr.IntOrString {1: type, 2: intVal, 3: strVal} -> number or string
	kRawExtension                 // runtime.RawExtension {1: raw} -> embedded JSON (or nested protobuf object)
	kFieldsV1                     // meta.FieldsV1 {1: raw JSON} -> embedded JSON
	kExtraValue                   // authorization ExtraValue {1: repeated string} -> list of strings
)

var scalarKinds = map[string]kind{
	"string":       kString,
	"bytes":        kBytes,
	"bool":         kBool,
	"int32":        kInt32,
	"int64":        kInt64,
	"Time":         kTime,
	"MicroTime":    kMicroTime,
	"Quantity":     kQuantity,
	"IntOrString":  kIntOrString,
	"RawExtension": kRawExtension,
	"FieldsV1":     kFieldsV1,
	"ExtraValue":   kExtraValue,
}

// varintKind reports the kinds carried as varints on the wire.
func (k kind) varint() bool { return k == kBool || k == kInt32 || k == kInt64 }

// field is one entry of a message table.
type field struct {
	num  protowire.Number
	name string // JSON name
	kind kind
	msg  *message // kMessage only

	repeated bool // a list (or a protobuf map when isMap is set)
	isMap    bool // map<string, kind>: repeated entries {1: key, 2: value}
	pointer  bool // the Go field is a pointer: a value that was sent is kept even when zero
	keepZero bool // the JSON field has no omitempty and the zero value matters
	inline   bool // an embedded Go struct: its fields are written into the parent object
}

// message is the table of one protobuf message type.
type message struct {
	name   string // fully qualified protobuf name, for errors
	fields map[protowire.Number]*field
}

// group is the schema of one API group version: its messages in the
// line-oriented notation parsed by parseGroup, and the kinds that are top-level
// objects (each one's table is the message of the same name).
type group struct {
	prefix     string // short name used to refer to this group's messages from other groups: "core.Pod"
	protoPkg   string // protobuf package, for error messages
	apiVersion string // "" for groups that only define shared types
	kinds      []string
	src        string
}

// The notation of a group's src, one message per block:
//
//	MessageName
//	  <number> <jsonName> <type>
//
// where <type> is a scalar (string, bytes, bool, int32, int64), a special type
// (Time, MicroTime, Quantity, IntOrString, RawExtension, FieldsV1, ExtraValue)
// or a message name (unqualified within the group, "prefix.Name" across
// groups), optionally preceded by one modifier:
//
//	*T            pointer in Go: kept when sent, even when zero or empty
//	!T            no omitempty in JSON: a zero value is written
//	[]T           repeated
//	map[string]T  protobuf map
//	...T          embedded struct, inlined into the parent object
//
// Blank lines and text after '#' are ignored.

// registry holds every message table and the top-level kinds.
type registry struct {
	messages map[string]*message // "core.Pod"
	kinds    map[string]*message // "v1/Pod", "apps/v1/Deployment"
}

// groups lists every schema, shared types first.
func groups() []group {
	return []group{metaGroup, coreGroup, appsGroup, coordinationGroup, rbacGroup, authorizationGroup}
}

// schema is the registry built from groups() at package initialisation; the
// tables are static, so a failure to build is a programming error.
var schema = mustBuild(groups())

func mustBuild(gs []group) *registry {
	r, err := build(gs)
	if err != nil {
		panic("protobuf: invalid schema: " + err.Error())
	}
	return r
}

type pendingField struct {
	msg  *message
	typ  string
	f    *field
	line int
	grp  group
}

func build(gs []group) (*registry, error) {
	r := &registry{messages: map[string]*message{}, kinds: map[string]*message{}}
	var pending []pendingField
	for _, g := range gs {
		var cur *message
		for i, raw := range strings.Split(g.src, "\n") {
			line := raw
			if j := strings.IndexByte(line, '#'); j >= 0 {
				line = line[:j]
			}
			if strings.TrimSpace(line) == "" {
				continue
			}
			where := fmt.Sprintf("%s line %d", g.prefix, i+1)
			if line[0] != ' ' && line[0] != '\t' {
				name := strings.TrimSpace(line)
				key := g.prefix + "." + name
				if _, dup := r.messages[key]; dup {
					return nil, fmt.Errorf("%s: message %s defined twice", where, key)
				}
				cur = &message{name: g.protoPkg + "." + name, fields: map[protowire.Number]*field{}}
				r.messages[key] = cur
				continue
			}
			if cur == nil {
				return nil, fmt.Errorf("%s: field outside a message", where)
			}
			parts := strings.Fields(line)
			if len(parts) != 3 {
				return nil, fmt.Errorf("%s: want <number> <name> <type>, got %q", where, strings.TrimSpace(line))
			}
			n, err := strconv.Atoi(parts[0])
			if err != nil || !protowire.Number(n).IsValid() {
				return nil, fmt.Errorf("%s: bad field number %q", where, parts[0])
			}
			num := protowire.Number(n)
			if _, dup := cur.fields[num]; dup {
				return nil, fmt.Errorf("%s: field number %d repeated in %s", where, n, cur.name)
			}
			f := &field{num: num, name: parts[1]}
			cur.fields[num] = f
			pending = append(pending, pendingField{msg: cur, typ: parts[2], f: f, line: i + 1, grp: g})
		}
	}
	for _, p := range pending {
		if err := r.resolve(p); err != nil {
			return nil, fmt.Errorf("%s line %d (%s.%s): %w", p.grp.prefix, p.line, p.msg.name, p.f.name, err)
		}
	}
	for _, m := range r.messages {
		if err := checkNames(m); err != nil {
			return nil, err
		}
	}
	for _, g := range gs {
		for _, k := range g.kinds {
			m := r.messages[g.prefix+"."+k]
			if m == nil {
				return nil, fmt.Errorf("%s: kind %s has no message", g.prefix, k)
			}
			r.kinds[g.apiVersion+"/"+k] = m
		}
	}
	// DeleteOptions is accepted in every group version, as the API server does.
	del := r.messages["meta.DeleteOptions"]
	if del == nil {
		return nil, fmt.Errorf("meta.DeleteOptions is missing")
	}
	r.kinds["meta.k8s.io/v1/DeleteOptions"] = del
	for _, g := range gs {
		if g.apiVersion != "" {
			r.kinds[g.apiVersion+"/DeleteOptions"] = del
		}
	}
	return r, nil
}

func (r *registry) resolve(p pendingField) error {
	t, f := p.typ, p.f
	switch {
	case strings.HasPrefix(t, "*"):
		f.pointer, t = true, t[1:]
	case strings.HasPrefix(t, "!"):
		f.keepZero, t = true, t[1:]
	case strings.HasPrefix(t, "[]"):
		f.repeated, t = true, t[2:]
	case strings.HasPrefix(t, "map[string]"):
		f.repeated, f.isMap, t = true, true, t[len("map[string]"):]
	case strings.HasPrefix(t, "..."):
		f.inline, t = true, t[3:]
	}
	if k, ok := scalarKinds[t]; ok {
		if f.inline {
			return fmt.Errorf("only messages can be inlined, not %s", t)
		}
		f.kind = k
		return nil
	}
	key := t
	if !strings.Contains(t, ".") {
		key = p.grp.prefix + "." + t
	}
	m := r.messages[key]
	if m == nil {
		return fmt.Errorf("unknown type %q", t)
	}
	f.kind, f.msg = kMessage, m
	return nil
}

// checkNames rejects two fields of a message (inlined ones included) that would
// write the same JSON key.
func checkNames(m *message) error {
	seen := map[string]string{}
	var walk func(m *message) error
	walk = func(m *message) error {
		nums := make([]int, 0, len(m.fields))
		for n := range m.fields {
			nums = append(nums, int(n))
		}
		sort.Ints(nums)
		for _, n := range nums {
			f := m.fields[protowire.Number(n)]
			if f.inline {
				if err := walk(f.msg); err != nil {
					return err
				}
				continue
			}
			if prev, dup := seen[f.name]; dup {
				return fmt.Errorf("%s: JSON name %q used by %s and %s field %d", m.name, f.name, prev, m.name, n)
			}
			seen[f.name] = fmt.Sprintf("%s field %d", m.name, n)
		}
		return nil
	}
	return walk(m)
}
