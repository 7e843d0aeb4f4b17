package fieldmanager

import (
	"slices"
	"strings"
)

// fieldSet is a set of field paths kept as a tree: a node stands for the path
// from the root to it, member says whether that path is in the set, children
// lead to longer paths. The root's path is empty and never a member.
//
// Sets are immutable once built: operations return new nodes and share the
// subtrees they leave unchanged. nil is the empty set, and no node keeps an
// empty child.
type fieldSet struct {
	member   bool
	children []child // ordered by elemLess
}

// child is a subtree under one path element.
type child struct {
	pe  pathElement
	set *fieldSet
}

// elemLess is the order children are kept in (not Kubernetes' order, which
// only encoding and iteration need).
func elemLess(a, b pathElement) int {
	if a.kind != b.kind {
		return int(a.kind) - int(b.kind)
	}
	return strings.Compare(a.text, b.text)
}

// leaf is the set holding just the node's own path.
var leaf = &fieldSet{member: true}

func (s *fieldSet) empty() bool {
	return s == nil || (!s.member && len(s.children) == 0)
}

// child returns the subtree under pe (nil when there is none).
func (s *fieldSet) child(pe pathElement) *fieldSet {
	if s == nil {
		return nil
	}
	if len(s.children) <= 8 {
		for _, c := range s.children {
			if c.pe == pe {
				return c.set
			}
		}
		return nil
	}
	if i, ok := slices.BinarySearchFunc(s.children, pe, func(c child, pe pathElement) int { return elemLess(c.pe, pe) }); ok {
		return s.children[i].set
	}
	return nil
}

// has reports whether path is a member.
func (s *fieldSet) has(path []pathElement) bool {
	for _, pe := range path {
		s = s.child(pe)
		if s == nil {
			return false
		}
	}
	return s != nil && s.member
}

// builder collects the children of a node under construction, in any order.
type builder struct {
	member   bool
	children []child
}

func (b *builder) add(pe pathElement, c *fieldSet) {
	if !c.empty() {
		b.children = append(b.children, child{pe, c})
	}
}

// set returns the node built, nil when it is empty.
func (b *builder) set() *fieldSet {
	switch {
	case len(b.children) == 0 && !b.member:
		return nil
	case len(b.children) == 0:
		return leaf
	}
	slices.SortFunc(b.children, func(x, y child) int { return elemLess(x.pe, y.pe) })
	// Two spellings of one element (a key written with 80 and with 80.0)
	// become one child.
	out := b.children[:1]
	for _, c := range b.children[1:] {
		if last := &out[len(out)-1]; last.pe == c.pe {
			last.set = union(last.set, c.set)
		} else {
			out = append(out, c)
		}
	}
	return &fieldSet{member: b.member, children: out}
}

// equalSets reports whether a and b hold the same paths.
func equalSets(a, b *fieldSet) bool {
	if a == b {
		return true
	}
	if a.empty() || b.empty() {
		return a.empty() && b.empty()
	}
	if a.member != b.member || len(a.children) != len(b.children) {
		return false
	}
	for i, c := range a.children {
		if c.pe != b.children[i].pe || !equalSets(c.set, b.children[i].set) {
			return false
		}
	}
	return true
}

// withMember returns s with its own path added.
func withMember(s *fieldSet) *fieldSet {
	if s == nil {
		return leaf
	}
	if s.member {
		return s
	}
	return &fieldSet{member: true, children: s.children}
}

// join walks the children of a and b in order, calling fn with each element
// and its subtrees in a and in b (either nil).
func join(a, b *fieldSet, fn func(pe pathElement, ac, bc *fieldSet)) {
	var ach, bch []child
	if a != nil {
		ach = a.children
	}
	if b != nil {
		bch = b.children
	}
	i, j := 0, 0
	for i < len(ach) || j < len(bch) {
		switch {
		case j == len(bch) || (i < len(ach) && elemLess(ach[i].pe, bch[j].pe) < 0):
			fn(ach[i].pe, ach[i].set, nil)
			i++
		case i == len(ach) || elemLess(ach[i].pe, bch[j].pe) > 0:
			fn(bch[j].pe, nil, bch[j].set)
			j++
		default:
			fn(ach[i].pe, ach[i].set, bch[j].set)
			i++
			j++
		}
	}
}

// union is the set of paths in a or b.
func union(a, b *fieldSet) *fieldSet {
	switch {
	case a.empty():
		return b
	case b.empty() || a == b:
		return a
	}
	out := &fieldSet{member: a.member || b.member, children: make([]child, 0, max(len(a.children), len(b.children)))}
	join(a, b, func(pe pathElement, ac, bc *fieldSet) {
		out.children = append(out.children, child{pe, union(ac, bc)})
	})
	return out
}

// intersect is the set of paths in both a and b.
func intersect(a, b *fieldSet) *fieldSet {
	if a.empty() || b.empty() {
		return nil
	}
	if a == b {
		return a
	}
	out := builder{member: a.member && b.member}
	join(a, b, func(pe pathElement, ac, bc *fieldSet) {
		if ac != nil && bc != nil {
			out.add(pe, intersect(ac, bc))
		}
	})
	return out.sorted()
}

// sorted returns the node built from children already in order.
func (b *builder) sorted() *fieldSet {
	if len(b.children) == 0 {
		if b.member {
			return leaf
		}
		return nil
	}
	return &fieldSet{member: b.member, children: b.children}
}

// difference is the set of paths in a and not in b. It returns a itself
// when nothing is taken away.
func difference(a, b *fieldSet) *fieldSet {
	if a.empty() || b.empty() {
		return a
	}
	changed := a.member && b.member
	out := builder{member: a.member && !b.member}
	join(a, b, func(pe pathElement, ac, bc *fieldSet) {
		if ac == nil {
			return
		}
		d := ac
		if bc != nil {
			d = difference(ac, bc)
		}
		if d != ac {
			changed = true
		}
		out.add(pe, d)
	})
	if !changed {
		return a
	}
	return out.sorted()
}

// sortedChildren returns the children in Kubernetes' order.
func (s *fieldSet) sortedChildren() []child {
	cs := slices.Clone(s.children)
	slices.SortFunc(cs, func(x, y child) int { return compareElements(x.pe, y.pe) })
	return cs
}

// iterate calls fn with every member path in structured-merge-diff's order:
// at each level the members first, then the subtrees of the children, each
// in element order. fn must not keep path.
func (s *fieldSet) iterate(fn func(path []pathElement)) {
	if s == nil {
		return
	}
	s.iteratePrefix(nil, fn)
}

func (s *fieldSet) iteratePrefix(prefix []pathElement, fn func([]pathElement)) {
	cs := s.sortedChildren()
	for _, c := range cs {
		if c.set.member {
			fn(append(prefix, c.pe))
		}
	}
	for _, c := range cs {
		if len(c.set.children) > 0 {
			c.set.iteratePrefix(append(prefix, c.pe), fn)
		}
	}
}
