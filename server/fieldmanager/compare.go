package fieldmanager

import "kctl.dev/kctl/api/schema"

// comparison is what changed from an old value to a new one, as field sets
// relative to the values' path.
type comparison struct {
	added    *fieldSet // in the new value only
	modified *fieldSet // in both, different
	removed  *fieldSet // in the old value only
}

func (c comparison) empty() bool {
	return c.added.empty() && c.modified.empty() && c.removed.empty()
}

// changes collects the comparisons of the children of a path.
type changes struct {
	added, modified, removed builder
}

func (ch *changes) add(pe pathElement, c comparison) {
	ch.added.add(pe, c.added)
	ch.modified.add(pe, c.modified)
	ch.removed.add(pe, c.removed)
}

func (ch *changes) result() comparison {
	return comparison{ch.added.set(), ch.modified.set(), ch.removed.set()}
}

// place describes where a compared value is: its schema, the ignore rule
// there, whether it is the object itself, and the value the kind's empty
// object has there. A real server compares Go values, which always hold the
// fields of their non-pointer structs (and nil slices): such a field missing
// from an object is compared as the empty object's value.
type place struct {
	s       *schema.Schema
	rule    *ignoreRule
	root    bool
	empty   any
	inEmpty bool
}

// field returns the place of field k of a map at p.
func (p place) field(k string) place {
	cs, _ := fieldSchema(p.s, k, p.root)
	c := place{s: cs, rule: p.rule.child(k)}
	if m, ok := p.empty.(map[string]any); ok {
		c.empty, c.inEmpty = m[k]
	}
	return c
}

// compare compares an old value l with a new one r at p, lok and rok saying
// whether each exists (a null exists). Leaves (scalars, atomic values) are
// added, modified or removed as a whole; maps and associative lists are
// compared child by child, and a map or list that appears or disappears is
// itself added or removed, besides its children. Both empty counts as a leaf,
// to tell empty from null. This is structured-merge-diff's Compare.
func compare(l, r any, lok, rok bool, p place) comparison {
	if p.inEmpty {
		if !lok {
			l, lok = p.empty, true
		}
		if !rok {
			r, rok = p.empty, true
		}
	}
	sh := shapeOf(p.s)
	var ch changes
	switch {
	case granular(sh):
		lm, lIsMap := l.(map[string]any)
		rm, rIsMap := r.(map[string]any)
		if (l != nil && !lIsMap) || (r != nil && !rIsMap) || (len(lm) == 0 && len(rm) == 0) {
			return compareLeaf(l, r, lok, rok)
		}
		for k, lv := range lm {
			if p.rule.child(k).skip() {
				continue
			}
			rv, ok := rm[k]
			ch.add(field(k), compare(lv, rv, true, ok, p.field(k)))
		}
		for k, rv := range rm {
			if _, ok := lm[k]; ok || p.rule.child(k).skip() {
				continue
			}
			ch.add(field(k), compare(nil, rv, false, true, p.field(k)))
		}
	case associative(sh):
		ll, lIsList := l.([]any)
		rl, rIsList := r.([]any)
		if (l != nil && !lIsList) || (r != nil && !rIsList) || (len(ll) == 0 && len(rl) == 0) {
			return compareLeaf(l, r, lok, rok)
		}
		var lg, rg listElements
		if !lg.index(p.s, sh, ll) || !rg.index(p.s, sh, rl) {
			return compareLeaf(l, r, lok, rok) // elements without a key: compared whole
		}
		elem := place{s: elemSchema(p.s)}
		visit := func(pe pathElement, lgrp, rgrp elementGroup) {
			switch {
			case len(lgrp) <= 1 && len(rgrp) <= 1:
				ch.add(pe, compare(lgrp.first(), rgrp.first(), len(lgrp) == 1, len(rgrp) == 1, elem))
			case len(lgrp) >= 2 && len(rgrp) >= 2:
				// Duplicates before and after: compared as a whole.
				if !equalValues([]any(lgrp), []any(rgrp)) {
					ch.modified.add(pe, leaf)
				}
			case len(lgrp) >= 2:
				// No more duplicates: the one left is new, the duplicates gone.
				c := comparison{}
				if len(rgrp) == 1 {
					c = compare(nil, rgrp[0], false, true, elem)
				}
				c.removed = withMember(c.removed)
				ch.add(pe, c)
			default:
				// New duplicates: the one there was is gone, the duplicates new.
				c := comparison{}
				if len(lgrp) == 1 {
					c = compare(lgrp[0], nil, true, false, elem)
				}
				c.added = withMember(c.added)
				ch.add(pe, c)
			}
		}
		for i, pe := range lg.pes {
			if lg.isFirst(i) {
				visit(pe, lg.group(i), rg.groupOf(pe))
			}
		}
		for i, pe := range rg.pes {
			if _, inL := lg.first.get(pe); !inL && rg.isFirst(i) {
				visit(pe, nil, rg.group(i))
			}
		}
	default:
		return compareLeaf(l, r, lok, rok)
	}
	if p.rule == nil || !p.rule.noMember {
		if !lok {
			ch.added.member = true
		} else if !rok {
			ch.removed.member = true
		}
	}
	return ch.result()
}

func compareLeaf(l, r any, lok, rok bool) comparison {
	switch {
	case !lok && !rok:
		return comparison{}
	case !lok:
		return comparison{added: leaf}
	case !rok:
		return comparison{removed: leaf}
	case !equalValues(l, r):
		return comparison{modified: leaf}
	}
	return comparison{}
}

// elementGroup holds the elements of a list that share a path element: one,
// or duplicates.
type elementGroup []any

func (g elementGroup) first() any {
	if len(g) == 0 {
		return nil
	}
	return g[0]
}

// listElements are the elements of an associative list with their path
// elements.
type listElements struct {
	items []any
	pes   []pathElement
	first peIndex // the position of each element's first occurrence
	dups  bool    // whether some element occurs more than once
}

// index reads the path elements of l; false when an element has none.
func (e *listElements) index(s *schema.Schema, sh shape, l []any) bool {
	e.items, e.pes = l, make([]pathElement, len(l))
	for i, item := range l {
		pe, err := elementOf(s, sh, item)
		if err != nil {
			return false
		}
		e.pes[i] = pe
		if _, seen := e.first.get(pe); seen {
			e.dups = true
		} else {
			e.first.set(pe, i)
		}
	}
	return true
}

func (e *listElements) isFirst(i int) bool {
	f, _ := e.first.get(e.pes[i])
	return f == i
}

// group returns the elements sharing the path element of element i.
func (e *listElements) group(i int) elementGroup {
	if !e.dups {
		return e.items[i : i+1 : i+1]
	}
	var g elementGroup
	for j, pe := range e.pes {
		if pe == e.pes[i] {
			g = append(g, e.items[j])
		}
	}
	return g
}

// groupOf returns the elements with path element pe (none: nil).
func (e *listElements) groupOf(pe pathElement) elementGroup {
	i, ok := e.first.get(pe)
	if !ok {
		return nil
	}
	return e.group(i)
}
