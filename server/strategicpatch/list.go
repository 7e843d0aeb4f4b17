package strategicpatch

import (
	"cmp"
	"encoding/json"
	"math"
	"slices"

	"kctl.dev/kctl/api/schema"
)

// item is an element of a list being merged.
type item struct {
	v any
	// id identifies the element: the value of its merge key in a list of
	// objects, the (normalized) value itself in a list of primitives.
	id any
}

// opaque is the id of an element of the object's list that no patch can name
// (an object without the merge key, say): it stays where it is.
type opaque struct{ _ byte }

// merges reports whether lists described by s are merged rather than replaced.
func merges(s *schema.Schema) bool {
	return s.Type == schema.Array && s.HasStrategy(mergeDirective)
}

// mergeList merges the patch list pl into orig (nil when absent), a list
// described by s.
func mergeList(orig, pl []any, s *schema.Schema, p *path) ([]any, error) {
	if !merges(s) {
		return replaceList(pl, s.Elem(), p)
	}
	m, err := mergeElements(orig, pl, s, p)
	if err != nil {
		return nil, err
	}
	return arrange(m.items, m.patchIDs, m.serverIDs), nil
}

// mergeOrderedList merges the patch list pl into orig (nil when absent) like
// mergeList, then orders the result by order, the list's $setElementOrder (op).
func mergeOrderedList(orig, pl []any, s *schema.Schema, order []any, op, p *path) ([]any, error) {
	key := s.PatchMergeKey
	orderIDs, err := patchIDs(order, key, op)
	if err != nil {
		return nil, err
	}
	var items []item
	var named, server []any // the ids of the patch's elements, of the object's
	if merges(s) {
		m, err := mergeElements(orig, pl, s, p)
		if err != nil {
			return nil, err
		}
		items, named, server = m.items, m.patchIDs, m.window
	} else {
		out, err := replaceList(pl, s.Elem(), p)
		if err != nil || len(orderIDs) == 0 {
			return out, err
		}
		if named, err = patchIDs(out, key, p); err != nil {
			return nil, err
		}
		for i, v := range out {
			items = append(items, item{v, named[i]})
		}
		server = ids(serverItems(orig, key))
	}
	if err := checkOrder(named, orderIDs, op); err != nil {
		return nil, err
	}
	return arrange(items, orderIDs, server), nil
}

// reorder orders orig, a list described by s, by order, the list's
// $setElementOrder (op), when the patch does not change the list.
func reorder(orig []any, s *schema.Schema, order []any, op *path) ([]any, error) {
	orderIDs, err := patchIDs(order, s.PatchMergeKey, op)
	if err != nil {
		return nil, err
	}
	items := serverItems(orig, s.PatchMergeKey)
	return arrange(items, orderIDs, ids(items)), nil
}

// checkOrder checks that a $setElementOrder list (op) names the elements of
// the patch's list in the same order.
func checkOrder(named, order []any, op *path) error {
	if len(order) == 0 {
		return nil
	}
	j := 0
	for _, id := range named {
		for j < len(order) && order[j] != id {
			j++
		}
		if j == len(order) {
			return errorf(op, "must name every element of the patch's list, in the patch's order")
		}
		j++
	}
	return nil
}

// merged is the outcome of merging a patch list into a list, before ordering.
type merged struct {
	items     []item
	patchIDs  []any // the patch's elements, in the patch's order
	serverIDs []any // the object's elements after deletions, in order

	// window is what Kubernetes orders a list with a $setElementOrder by:
	// not the object's list as it was but its memory after the merge edited
	// it in place. Deleting an element shifts the later ones left, leaving
	// the last slot stale, and new elements are appended into the slots that
	// frees. In Kubernetes the effect is an accident of slice aliasing; it
	// decides where elements only the object has go (say env added by
	// another client, when an apply both removes and adds elements), so it
	// is replayed here on ids: the same deletions and appends on a slice of
	// the object's length. Lists of primitives are not edited in place: their
	// window is the object's list.
	window []any
}

// mergeElements merges the patch list pl into orig, a list with the merge
// strategy described by s.
func mergeElements(orig, pl []any, s *schema.Schema, p *path) (merged, error) {
	key := s.PatchMergeKey
	if key == "" {
		return mergePrimitives(orig, pl, p)
	}
	var m merged
	items := serverItems(orig, key)
	type entry struct {
		i int
		m map[string]any
	}
	var entries []entry
	replace := false
	m.window = ids(items) // len == cap: appends past it go elsewhere
	cur := m.window
	for i, v := range pl {
		ep := p.elem(i)
		el, ok := v.(map[string]any)
		if !ok {
			return m, errorf(ep, "expected an object, got %s", describe(v))
		}
		switch d, ok := el[patchKey]; {
		case !ok || d == mergeDirective:
			id, err := patchID(el, key, ep)
			if err != nil {
				return m, err
			}
			entries = append(entries, entry{i, el})
			m.patchIDs = append(m.patchIDs, id)
		case d == deleteDirective:
			id, err := patchID(el, key, ep)
			if err != nil {
				return m, err
			}
			items = slices.DeleteFunc(items, func(it item) bool { return it.id == id })
			for at := slices.Index(cur, id); at >= 0; at = slices.Index(cur, id) {
				cur = append(cur[:at], cur[at+1:]...) // not slices.Delete: it clears the stale slot
			}
		case d == replaceDirective:
			replace = true
		default:
			return m, badDirective(ep, d)
		}
	}
	if replace {
		items = nil // the list is the patch's other elements
	}
	m.serverIDs = ids(items)
	for n, e := range entries {
		id := m.patchIDs[n]
		j := slices.IndexFunc(items, func(it item) bool { return it.id == id })
		var base map[string]any
		if j >= 0 {
			base = items[j].v.(map[string]any) // identified by its merge key: an object
		}
		v, _, err := mergeObject(base, e.m, s.Elem(), p.elem(e.i))
		if err != nil {
			return m, err
		}
		if j >= 0 {
			items[j].v = v
		} else {
			items = append(items, item{v, id})
			if !replace {
				cur = append(cur, id)
			}
		}
	}
	m.items = items
	return m, nil
}

// mergePrimitives merges the patch list pl into orig as sets: values already
// in orig are not added again (and duplicates within orig are dropped).
func mergePrimitives(orig, pl []any, p *path) (merged, error) {
	var m merged
	all := serverItems(orig, "")
	m.serverIDs = ids(all)
	m.window = m.serverIDs
	seen := map[any]bool{}
	for _, it := range all {
		if !seen[it.id] {
			seen[it.id] = true
			m.items = append(m.items, it)
		}
	}
	var err error
	if m.patchIDs, err = patchIDs(pl, "", p); err != nil {
		return m, err
	}
	for i, id := range m.patchIDs {
		if !seen[id] {
			seen[id] = true
			m.items = append(m.items, item{pl[i], id})
		}
	}
	return m, nil
}

// replaceList returns the patch list pl as the new value of a list whose
// elements are described by elem: each element merged into nothing, so that
// it holds no directive and no null field. Elements that are list directives
// ({"$patch": "replace"}, {..., "$patch": "delete"}) mean nothing in a list
// that is replaced anyway and are dropped.
func replaceList(pl []any, elem *schema.Schema, p *path) ([]any, error) {
	out := make([]any, 0, len(pl))
	for i, v := range pl {
		ep := p.elem(i)
		if el, ok := v.(map[string]any); ok {
			switch d, ok := el[patchKey]; {
			case !ok || d == mergeDirective:
			case d == deleteDirective || d == replaceDirective:
				continue
			default:
				return nil, badDirective(ep, d)
			}
		}
		if v == nil {
			out = append(out, nil)
			continue
		}
		nv, keep, err := mergeValue(nil, v, elem, ep)
		if err != nil {
			return nil, err
		}
		if keep {
			out = append(out, nv)
		}
	}
	return out, nil
}

// arrange orders the elements of a merged list as Kubernetes does, given the
// ids named by the patch (its list, or its $setElementOrder) in the patch's
// order and the ids of the object's list (server) in the object's order:
//
//   - the elements the patch names come in the patch's order;
//   - the others (only in the object) keep their order in the object;
//   - the two sequences are interleaved: the next element of the object goes
//     first when the next named element is also in the object, behind it;
//     otherwise (the named element is new, or came first) the named one does.
//
// So a new element the patch lists without a $setElementOrder lands before the
// object's elements that follow the patch's previous element (at the front,
// when that is the first), and a $setElementOrder naming all elements (as
// kubectl apply sends) decides the order alone.
func arrange(items []item, named, server []any) []any {
	namedAt, serverAt := firstIndex(named), firstIndex(server)
	var fromPatch, others []item
	for _, it := range items {
		if _, ok := namedAt[it.id]; ok {
			fromPatch = append(fromPatch, it)
		} else {
			others = append(others, it)
		}
	}
	slices.SortStableFunc(fromPatch, func(a, b item) int { return namedAt[a.id] - namedAt[b.id] })
	position := func(id any) int {
		if i, ok := serverAt[id]; ok {
			return i
		}
		return math.MaxInt // not in the object: last (does not happen when merging)
	}
	slices.SortStableFunc(others, func(a, b item) int { return cmp.Compare(position(a.id), position(b.id)) })

	out := make([]any, 0, len(items))
	for len(fromPatch) > 0 || len(others) > 0 {
		takeOther := len(fromPatch) == 0
		if len(fromPatch) > 0 && len(others) > 0 {
			o, inO := serverAt[others[0].id]
			n, inN := serverAt[fromPatch[0].id]
			takeOther = inO && inN && o < n
		}
		if takeOther {
			out = append(out, others[0].v)
			others = others[1:]
		} else {
			out = append(out, fromPatch[0].v)
			fromPatch = fromPatch[1:]
		}
	}
	return out
}

// firstIndex maps each id to where it first appears in ids.
func firstIndex(ids []any) map[any]int {
	at := make(map[any]int, len(ids))
	for i, id := range ids {
		if _, ok := at[id]; !ok {
			at[id] = i
		}
	}
	return at
}

func ids(items []item) []any {
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = it.id
	}
	return out
}

// serverItems identifies the elements of the object's list orig, by merge key
// key or, without one, by value. An element that cannot be identified gets an
// id of its own.
func serverItems(orig []any, key string) []item {
	items := make([]item, len(orig))
	for i, v := range orig {
		id, ok := identify(v, key)
		if !ok {
			id = &opaque{}
		}
		items[i] = item{v, id}
	}
	return items
}

// patchIDs identifies the elements of a patch list (or $setElementOrder list)
// l, by merge key key or, without one, by value, failing for an element that
// cannot be identified.
func patchIDs(l []any, key string, p *path) ([]any, error) {
	out := make([]any, len(l))
	for i, v := range l {
		id, err := patchID(v, key, p.elem(i))
		if err != nil {
			return nil, err
		}
		out[i] = id
	}
	return out, nil
}

func patchID(v any, key string, p *path) (any, error) {
	if id, ok := identify(v, key); ok {
		return id, nil
	}
	el, isObject := v.(map[string]any)
	switch {
	case key == "" && isObject:
		return nil, errorf(p, "expected a primitive value, got an object (the list has no patch merge key)")
	case key == "":
		return nil, errorf(p, "expected a primitive value, got %s", describe(v))
	case !isObject:
		return nil, errorf(p, "expected an object, got %s", describe(v))
	}
	if kv, ok := el[key]; ok {
		return nil, errorf(p, "merge key %q must be a string, number or boolean, got %s", key, describe(kv))
	}
	return nil, errorf(p, "missing merge key %q", key)
}

// identify returns the id of a list element v: the value of its merge key key,
// or without one the value itself.
func identify(v any, key string) (any, bool) {
	if key == "" {
		return scalarID(v)
	}
	el, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	kv, ok := el[key]
	if !ok {
		return nil, false
	}
	return scalarID(kv)
}

// scalarID returns a comparable form of a JSON primitive, numbers normalized
// (80, 80.0 and json.Number("80") are the same); ok is false for objects and
// lists.
func scalarID(v any) (any, bool) {
	switch x := v.(type) {
	case nil, string, bool:
		return x, true
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i, true
		}
		f, err := x.Float64()
		if err != nil {
			return badNumber(x), true
		}
		return floatID(f), true
	case float64:
		return floatID(x), true
	case float32:
		return floatID(float64(x)), true
	case int:
		return int64(x), true
	case int64:
		return x, true
	case int32:
		return int64(x), true
	}
	return nil, false
}

// badNumber is the id of a json.Number that does not parse.
type badNumber string

func floatID(f float64) any {
	if f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64 {
		return int64(f)
	}
	return f
}
