package fieldmanager

import "kctl.dev/kctl/api/schema"

// Pruning: when a manager applies again, what it applied last time and no
// longer applies goes away, unless another manager (or its new
// configuration) owns it. structured-merge-diff's prune removes from the
// merged object the paths of the last applied set, adds back the items
// anybody owns, and then removes only what the last applied set held. Path
// by path that comes to: a path p of the last set goes, with everything
// under it, when p or one of its ancestors, itself under a path of the last
// set, is owned by nobody. Named struct fields count as owned (and as part of
// the last set) when something under them is.

// pruner removes disowned fields from a merged object, in place.
type pruner struct {
	mg *merger
}

// lineage is what prune knows of the ancestors of a value.
type lineage struct {
	underLast     bool // an ancestor (or the value) is in the last applied set
	underDisowned bool // one of those, or below, is owned by nobody
}

// judge decides about a child with last and owned its subtrees of the last
// applied and the owned sets (named: a declared struct field): whether it
// goes, and else its lineage.
func (l lineage) judge(last, owned *fieldSet, named bool) (goes bool, child lineage) {
	inLast := last.member || (named && len(last.children) > 0)
	isOwned := owned != nil && (owned.member || (named && len(owned.children) > 0))
	child.underLast = l.underLast || inLast
	child.underDisowned = l.underDisowned || (child.underLast && !isOwned)
	return inLast && child.underDisowned, child
}

// prune walks the merged value v of schema s along last, the last applied
// set at v's path, with owned the owned set there. It returns the value to
// keep: v, or null when pruning emptied it.
func (p *pruner) prune(v any, s *schema.Schema, last, owned *fieldSet, rule *ignoreRule, root bool, from lineage) any {
	sh := shapeOf(s)
	switch {
	case granular(sh):
		m, ok := v.(map[string]any)
		if !ok || len(m) == 0 {
			return v
		}
		removed := false
		for _, lc := range last.children {
			name := lc.pe.text
			cv, ok := m[name]
			if lc.pe.kind != fieldElem || !ok || rule.child(name).skip() {
				continue
			}
			cs, declared := fieldSchema(s, name, root)
			if declared && !tracked(cv, cs) {
				continue // not in the object's field set: never pruned
			}
			ownedChild := owned.child(lc.pe)
			goes, child := from.judge(lc.set, ownedChild, declared)
			switch {
			case goes:
				delete(m, name)
				removed = true
			case len(lc.set.children) > 0:
				m[name] = p.prune(cv, cs, lc.set, ownedChild, rule.child(name), false, child)
			}
		}
		if removed && len(m) == 0 {
			p.mg.nulls = true
			return nil
		}
		return v
	case associative(sh):
		l, ok := v.([]any)
		if !ok || len(l) == 0 {
			return v
		}
		es := elemSchema(s)
		var kept []any
		removed := false
		for _, item := range l {
			pe, err := elementOf(s, sh, item)
			lastChild := last.child(pe)
			if err != nil || lastChild == nil {
				kept = append(kept, item)
				continue
			}
			ownedChild := owned.child(pe)
			goes, child := from.judge(lastChild, ownedChild, false)
			switch {
			case goes:
				removed = true
				continue
			case len(lastChild.children) > 0:
				item = p.prune(item, es, lastChild, ownedChild, nil, false, child)
			}
			kept = append(kept, item)
		}
		if !removed {
			return v
		}
		if len(kept) == 0 {
			p.mg.nulls = true
			return nil
		}
		return kept
	}
	return v
}

// tracked reports whether a declared field with value v is in the object's
// field set: leaves, nulls and empty maps are; maps and lists are when
// something under them is.
func tracked(v any, s *schema.Schema) bool {
	if v == nil {
		return true
	}
	sh := shapeOf(s)
	switch {
	case granular(sh):
		m, ok := v.(map[string]any)
		if !ok || len(m) == 0 || sh != structShape {
			return true
		}
		for k, cv := range m {
			cs, declared := fieldSchema(s, k, false)
			if !declared || tracked(cv, cs) {
				return true
			}
		}
		return false
	case associative(sh):
		l, ok := v.([]any)
		return !ok || len(l) > 0
	}
	return true
}
