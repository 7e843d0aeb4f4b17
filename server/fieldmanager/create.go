package fieldmanager

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"kctl.dev/kctl/internal/jsonenc"
)

// The fast path of Update for a create (no old object, no managed fields to
// keep): the manager's entry holds the fields compare(empty, obj) finds added
// or modified, and nothing else is recorded. gain computes those fields in a
// single walk into a small tree, written out as FieldsV1 JSON at once,
// without the comparison's three sets, their unions and the object form.
// Whatever the walk does not handle as compare does (duplicate list
// elements, lists in the empty object) sends the write to the general path.

// createEntry records the create of obj by op's manager when the fast path
// can: it sets obj's managed fields and reports true.
func (op *operation) createEntry(base, obj map[string]any) bool {
	t := gainTrees.Get().(*gainTree)
	defer t.release()
	first, _, ok := t.gain(base, obj, true, true, op.root(op.rules))
	if !ok {
		return false
	}
	md := metadataOf(obj)
	if first < 0 { // nothing gained: no entry
		if md != nil {
			delete(md, "managedFields")
		}
		return true
	}
	if md == nil {
		md = map[string]any{}
		obj["metadata"] = md
	}
	id := op.updateID(op.req.Manager)
	m := make(map[string]any, 7)
	m["manager"] = id.manager // never "": updateID names it "unknown"
	m["operation"] = id.operation
	m["apiVersion"] = op.req.APIVersion
	if op.now != "" {
		m["time"] = op.now
	}
	m["fieldsType"] = "FieldsV1"
	m["fieldsV1"] = json.RawMessage(t.write(make([]byte, 0, t.size(first)), first, false))
	if id.subresource != "" {
		m["subresource"] = id.subresource
	}
	md["managedFields"] = []any{m}
	return true
}

// gainTree holds a field set as gain builds it: nodes linked to their first
// child and next sibling, in no order.
type gainTree struct {
	nodes   []gainNode
	scratch []int32 // children being written
}

type gainNode struct {
	pe     pathElement
	member bool  // the path itself is in the set
	first  int32 // the first child, -1 for none
	next   int32 // the next sibling, -1 for none
}

var gainTrees = sync.Pool{New: func() any { return &gainTree{nodes: make([]gainNode, 0, 256)} }}

// release empties t (keeping none of the object's strings) and puts it
// back in the pool.
func (t *gainTree) release() {
	clear(t.nodes)
	t.nodes, t.scratch = t.nodes[:0], t.scratch[:0]
	gainTrees.Put(t)
}

// size is about the length of the JSON of the list at first: at least that,
// unless keys need escaping.
func (t *gainTree) size(first int32) int {
	n := 2
	for i := first; i >= 0; i = t.nodes[i].next {
		node := &t.nodes[i]
		n += len(node.pe.text) + 6 + t.size(node.first) // "f:":{},
		if node.member {
			n += 7 // ".":{},
		}
	}
	return n
}

// add links a child holding the paths (first, member) under pe into the list
// at head; a child holding none is left out.
func (t *gainTree) add(head *int32, pe pathElement, first int32, member bool) {
	if first < 0 && !member {
		return
	}
	t.nodes = append(t.nodes, gainNode{pe: pe, member: member, first: first, next: *head})
	*head = int32(len(t.nodes) - 1)
}

// gain adds to t what compare(l, r, lok, rok, p) finds added or modified
// (the union of the two) and returns it: the list of the path's children (-1
// for none) and whether the path itself is in the set. ok is false when the
// general path must decide.
func (t *gainTree) gain(l, r any, lok, rok bool, p place) (first int32, member, ok bool) {
	if p.inEmpty {
		if !lok {
			l, lok = p.empty, true
		}
		if !rok {
			r, rok = p.empty, true
		}
	}
	first = -1
	sh := shapeOf(p.s)
	switch {
	case granular(sh):
		lm, lIsMap := l.(map[string]any)
		rm, rIsMap := r.(map[string]any)
		if (l != nil && !lIsMap) || (r != nil && !rIsMap) || (len(lm) == 0 && len(rm) == 0) {
			return -1, gainedLeaf(l, r, lok, rok), true
		}
		for k, lv := range lm {
			if p.rule.child(k).skip() {
				continue
			}
			rv, rHas := rm[k]
			c, m, ok := t.gain(lv, rv, true, rHas, p.field(k))
			if !ok {
				return -1, false, false
			}
			t.add(&first, field(k), c, m)
		}
		emptyMap, _ := p.empty.(map[string]any)
		for k, rv := range rm {
			if _, inL := lm[k]; inL || p.rule.child(k).skip() {
				continue
			}
			switch rv.(type) {
			case map[string]any, []any:
			default:
				// A scalar or null only here, whatever its schema: an
				// added leaf (unless the empty object has it).
				if _, inEmpty := emptyMap[k]; !inEmpty {
					t.add(&first, field(k), -1, true)
					continue
				}
			}
			c, m, ok := t.gain(nil, rv, false, true, p.field(k))
			if !ok {
				return -1, false, false
			}
			t.add(&first, field(k), c, m)
		}
	case associative(sh):
		ll, lIsList := l.([]any)
		rl, rIsList := r.([]any)
		if (l != nil && !lIsList) || (r != nil && !rIsList) || (len(ll) == 0 && len(rl) == 0) {
			return -1, gainedLeaf(l, r, lok, rok), true
		}
		if len(ll) > 0 {
			return -1, false, false // a list on both sides: compared element by element
		}
		var buf [8]pathElement
		pes := buf[:0]
		for _, item := range rl {
			pe, err := elementOf(p.s, sh, item)
			if err != nil {
				return -1, gainedLeaf(l, r, lok, rok), true // compared whole
			}
			if slices.Contains(pes, pe) {
				return -1, false, false // duplicates
			}
			pes = append(pes, pe)
		}
		elem := place{s: elemSchema(p.s)}
		for i, item := range rl {
			c, m, ok := t.gain(nil, item, false, true, elem)
			if !ok {
				return -1, false, false
			}
			t.add(&first, pes[i], c, m)
		}
	default:
		return -1, gainedLeaf(l, r, lok, rok), true
	}
	if p.rule == nil || !p.rule.noMember {
		member = !lok
	}
	return first, member, true
}

// gainedLeaf is whether compareLeaf finds the value added or modified.
func gainedLeaf(l, r any, lok, rok bool) bool {
	switch {
	case !rok:
		return false // absent, or removed
	case !lok:
		return true
	}
	return !equalValues(l, r)
}

// write appends the FieldsV1 JSON of a path with children first and
// membership member, as encoding/json writes its object form (keys sorted,
// "." first): the bytes objects are stored with.
func (t *gainTree) write(b []byte, first int32, member bool) []byte {
	start := len(t.scratch)
	for i := first; i >= 0; i = t.nodes[i].next {
		t.scratch = append(t.scratch, i)
	}
	kids := t.scratch[start:]
	if len(kids) > 1 {
		slices.SortFunc(kids, func(i, j int32) int { return compareKeys(t.nodes[i].pe, t.nodes[j].pe) })
	}
	b = append(b, '{')
	if member && len(kids) > 0 {
		b = append(b, `".":{}`...)
	}
	for n, i := range kids {
		if n > 0 || member {
			b = append(b, ',')
		}
		node := t.nodes[i]
		b = appendKey(b, node.pe)
		b = append(b, ':')
		b = t.write(b, node.first, node.member)
	}
	t.scratch = t.scratch[:start]
	return append(b, '}')
}

// compareKeys orders path elements as their FieldsV1 keys sort.
func compareKeys(a, b pathElement) int {
	if a.kind != b.kind {
		return int(elemPrefixes[a.kind][0]) - int(elemPrefixes[b.kind][0])
	}
	return strings.Compare(a.text, b.text)
}

// appendKey appends pe's FieldsV1 key as a JSON string: jsonenc.AppendQuoted(b,
// pe.encode()) without building the key.
func appendKey(b []byte, pe pathElement) []byte {
	b = append(b, '"')
	b = append(b, elemPrefixes[pe.kind]...)
	b = jsonenc.AppendEscaped(b, pe.text)
	return append(b, '"')
}
