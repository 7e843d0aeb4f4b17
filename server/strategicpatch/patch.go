package strategicpatch

import (
	"slices"
	"strings"

	"kctl.dev/kctl/api/schema"
	"kctl.dev/kctl/api/unstructured"
)

// Directives.
const (
	patchKey      = "$patch"
	retainKeysKey = "$retainKeys"
	setOrderKey   = "$setElementOrder"         // "$setElementOrder/<list>"
	deleteFromKey = "$deleteFromPrimitiveList" // "$deleteFromPrimitiveList/<list>"
)

// Values of $patch.
const (
	replaceDirective = "replace"
	deleteDirective  = "delete"
	mergeDirective   = "merge"
)

// Apply returns original with the strategic merge patch applied. original and
// patch are decoded JSON objects (map[string]any; numbers are json.Number;
// values may be nested map[string]any / []any / string / bool / nil). s
// describes original's kind (schema.FreeForm() for kinds without a schema:
// then lists are replaced and maps merged, like a JSON merge patch, but
// directives still honoured). Neither original nor patch is modified, and the
// result shares no map or list with them. A patch that is malformed or does
// not fit the schema fails with an *Error.
func Apply(original, patch map[string]any, s *schema.Schema) (map[string]any, error) {
	if s == nil {
		s = schema.FreeForm()
	}
	out, keep, err := mergeObject(unstructured.DeepCopyMap(original), patch, s, nil)
	if err != nil {
		return nil, err
	}
	if !keep {
		return nil, &Error{Message: "$patch: delete cannot delete the whole object"}
	}
	return out, nil
}

// mergeObject merges patch into orig, an object described by s, and returns
// the result, or keep false when the patch deletes the object. orig belongs to
// the merge (it is changed and returned); nil is an absent object. patch is
// only read.
func mergeObject(orig, patch map[string]any, s *schema.Schema, p *path) (out map[string]any, keep bool, err error) {
	switch d, ok := patch[patchKey]; {
	case !ok || d == mergeDirective:
	case d == replaceDirective:
		orig = nil // the rest of the patch merged into nothing
	case d == deleteDirective:
		return nil, false, nil
	default:
		return nil, false, badDirective(p, d)
	}
	if orig == nil {
		orig = map[string]any{}
	}
	keys := make([]string, 0, len(patch))
	for k := range patch {
		keys = append(keys, k)
	}
	slices.Sort(keys) // for stable error messages; the outcome does not depend on it
	if err := retainKeys(orig, patch, keys, p); err != nil {
		return nil, false, err
	}

	// $setElementOrder first: it merges the list it orders.
	ordered := map[string]bool{}
	for _, k := range keys {
		if list, ok := directiveField(k, setOrderKey); ok {
			if err := setElementOrder(orig, patch, list, patch[k], s, p); err != nil {
				return nil, false, err
			}
			ordered[list] = true
		}
	}
	for _, k := range keys {
		if isDirective(k) {
			if err := checkDirectiveKey(k, p); err != nil {
				return nil, false, err
			}
			continue
		}
		if ordered[k] {
			continue
		}
		v, keep, err := mergeValue(orig[k], patch[k], property(s, k), p.field(k, s.Type == schema.Map))
		if err != nil {
			return nil, false, err
		}
		if keep {
			orig[k] = v
		} else {
			delete(orig, k)
		}
	}
	// $deleteFromPrimitiveList last, from the merged lists.
	for _, k := range keys {
		if list, ok := directiveField(k, deleteFromKey); ok {
			if err := deleteFromList(orig, list, patch[k], p.field(k, false)); err != nil {
				return nil, false, err
			}
		}
	}
	return orig, true, nil
}

// mergeValue merges the patch value pv into orig (nil when absent), a value
// described by s. keep is false when the value is to be removed.
func mergeValue(orig, pv any, s *schema.Schema, p *path) (v any, keep bool, err error) {
	switch pv := pv.(type) {
	case nil:
		return nil, false, nil
	case map[string]any:
		if s.Type != schema.Object && s.Type != schema.Map && s.Type != schema.Any {
			return nil, false, errorf(p, "expected %s, got an object", expected(s))
		}
		om, _ := orig.(map[string]any) // anything else is replaced
		if s.HasStrategy(replaceDirective) {
			om = nil
		}
		m, keep, err := mergeObject(om, pv, s, p)
		if err != nil || !keep {
			return nil, false, err
		}
		return m, true, nil
	case []any:
		if s.Type != schema.Array && s.Type != schema.Any {
			return nil, false, errorf(p, "expected %s, got a list", expected(s))
		}
		ol, _ := orig.([]any)
		l, err := mergeList(ol, pv, s, p)
		return l, err == nil, err
	}
	switch s.Type {
	case schema.Object, schema.Map, schema.Array:
		return nil, false, errorf(p, "expected %s, got %s", expected(s), describe(pv))
	}
	return pv, true, nil
}

// retainKeys applies the object's $retainKeys directive, if any: the fields of
// orig it does not list are cleared. Every field the patch sets must be listed.
// Kubernetes honours the directive in any object, whether or not the schema
// gives the field the retainKeys strategy (which only tells clients to send it).
func retainKeys(orig, patch map[string]any, keys []string, p *path) error {
	v, ok := patch[retainKeysKey]
	if !ok {
		return nil
	}
	dp := p.field(retainKeysKey, false)
	list, ok := v.([]any)
	if !ok {
		return errorf(dp, "expected a list of field names, got %s", describe(v))
	}
	retain := make(map[string]bool, len(list))
	for i, e := range list {
		name, ok := e.(string)
		if !ok {
			return errorf(dp.elem(i), "expected a field name, got %s", describe(e))
		}
		retain[name] = true
	}
	for _, k := range keys {
		if patch[k] != nil && !isDirective(k) && !retain[k] {
			return errorf(dp, "the patch sets field %q, which the list does not retain", k)
		}
	}
	for k := range orig {
		if !retain[k] {
			delete(orig, k)
		}
	}
	return nil
}

// setElementOrder merges the patch's list field name into orig (if the patch
// has it) and orders the result by order, the value of $setElementOrder/name.
func setElementOrder(orig, patch map[string]any, name string, order any, s *schema.Schema, p *path) error {
	op := p.field(setOrderKey+"/"+name, false)
	orderList, ok := order.([]any)
	if !ok {
		return errorf(op, "expected a list, got %s", describe(order))
	}
	ls := property(s, name)
	lp := p.field(name, s.Type == schema.Map)
	ol, inOrig := orig[name].([]any)
	pv, inPatch := patch[name]
	var pl []any
	if inPatch {
		if pl, ok = pv.([]any); !ok {
			return errorf(lp, "expected a list (the patch has %s for it), got %s", op.name, describe(pv))
		}
	}
	var merged []any
	var err error
	switch {
	case inPatch:
		merged, err = mergeOrderedList(ol, pl, ls, orderList, op, lp)
	case inOrig:
		merged, err = reorder(ol, ls, orderList, op)
	default:
		return nil
	}
	if err != nil {
		return err
	}
	orig[name] = merged
	return nil
}

// deleteFromList applies $deleteFromPrimitiveList/name: the values listed are
// removed from orig's list name, whatever the list's strategy.
func deleteFromList(orig map[string]any, name string, v any, p *path) error {
	list, ok := v.([]any)
	if !ok {
		return errorf(p, "expected a list of values, got %s", describe(v))
	}
	drop := make(map[any]bool, len(list))
	for i, e := range list {
		id, ok := scalarID(e)
		if !ok {
			return errorf(p.elem(i), "expected a primitive value, got %s", describe(e))
		}
		drop[id] = true
	}
	cur, ok := orig[name].([]any)
	if !ok {
		return nil // nothing to delete from
	}
	orig[name] = slices.DeleteFunc(cur, func(e any) bool {
		id, ok := scalarID(e)
		return ok && drop[id]
	})
	return nil
}

// isDirective reports whether k is a directive key rather than a field.
func isDirective(k string) bool {
	return k == patchKey || k == retainKeysKey ||
		strings.HasPrefix(k, setOrderKey) || strings.HasPrefix(k, deleteFromKey)
}

// directiveField returns the list a "<prefix>/<list>" directive key is about.
func directiveField(k, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(k, prefix+"/")
	return rest, ok && rest != ""
}

// checkDirectiveKey rejects a malformed "$setElementOrder..." or
// "$deleteFromPrimitiveList..." key.
func checkDirectiveKey(k string, p *path) error {
	for _, prefix := range []string{setOrderKey, deleteFromKey} {
		if strings.HasPrefix(k, prefix) {
			if _, ok := directiveField(k, prefix); !ok {
				return errorf(p.field(k, false), "malformed directive: want %s/<list field>", prefix)
			}
		}
	}
	return nil
}

// property returns the schema of field k of an object described by s: free-form
// for a field the schema does not know (an object stored with fields our types
// do not model), merged like a JSON merge patch.
func property(s *schema.Schema, k string) *schema.Schema {
	if ps, ok := s.Property(k); ok && ps != nil {
		return ps
	}
	return schema.FreeForm()
}

// expected describes what a schema wants, for a message.
func expected(s *schema.Schema) string {
	switch s.Type {
	case schema.Object, schema.Map:
		return "an object"
	case schema.Array:
		return "a list"
	case schema.Integer, schema.Number:
		return "a number"
	case schema.Boolean:
		return "a boolean"
	case schema.IntOrString:
		return "a number or a string"
	}
	return "a " + string(s.Type)
}
