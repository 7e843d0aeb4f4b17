package fieldmanager

import (
	"fmt"

	"kctl.dev/kctl/api/schema"
)

// pathError is a problem at a path of a value.
type pathError struct {
	path []pathElement // outermost first
	msg  string
}

func (e *pathError) Error() string {
	if len(e.path) == 0 {
		return e.msg
	}
	return pathString(e.path) + ": " + e.msg
}

// prefixed returns err with pe in front of its path.
func prefixed(pe pathElement, err error) error {
	e, ok := err.(*pathError)
	if !ok {
		return &pathError{path: []pathElement{pe}, msg: err.Error()}
	}
	e.path = append([]pathElement{pe}, e.path...)
	return e
}

func typeError(want string, got any) error {
	return &pathError{msg: fmt.Sprintf("expected %s, got %s", want, appendJSON(nil, got))}
}

// fieldsOf returns the set of fields v sets, relative to v's path: the
// leaves, the elements of associative lists, the keys of maps, empty maps and
// nulls (structured-merge-diff's ToFieldSet), without the fields rule
// ignores. It fails on what an applied configuration may not hold: lists
// whose elements have no key, duplicate elements, maps where the schema wants
// a list or the reverse.
func fieldsOf(v any, s *schema.Schema, rule *ignoreRule, root bool) (*fieldSet, error) {
	sh := shapeOf(s)
	switch {
	case granular(sh):
		m, ok := v.(map[string]any)
		if !ok {
			if v == nil || sh == freeShape {
				return leafIfNotNull(v), nil
			}
			return nil, typeError("map", v)
		}
		var b builder
		for k, cv := range m {
			cr := rule.child(k)
			if cr.skip() {
				continue
			}
			cs, declared := fieldSchema(s, k, root)
			c, err := fieldsOf(cv, cs, cr, false)
			if err != nil {
				return nil, prefixed(field(k), err)
			}
			if (cv == nil || isEmptyMap(cv) || !declared) && (cr == nil || !cr.noMember) {
				c = withMember(c)
			}
			b.add(field(k), c)
		}
		return b.set(), nil
	case associative(sh):
		l, ok := v.([]any)
		if !ok {
			if v == nil {
				return nil, nil
			}
			return nil, typeError("list", v)
		}
		es := elemSchema(s)
		pes := make([]pathElement, len(l))
		var seen peIndex
		for i, item := range l {
			pe, err := elementOf(s, sh, item)
			if err != nil {
				return nil, &pathError{msg: fmt.Sprintf("element %d: %v", i, err)}
			}
			if _, dup := seen.get(pe); dup {
				return nil, &pathError{msg: "duplicate entries for key " + pe.String()}
			}
			seen.set(pe, i)
			pes[i] = pe
		}
		var b builder
		for i, item := range l {
			c, err := fieldsOf(item, es, nil, false)
			if err != nil {
				return nil, prefixed(pes[i], err)
			}
			b.add(pes[i], withMember(c))
		}
		return b.set(), nil
	}
	return leaf, nil
}

func leafIfNotNull(v any) *fieldSet {
	if v == nil {
		return nil
	}
	return leaf
}
