package fieldmanager

import "kctl.dev/kctl/api/schema"

// merger merges an applied configuration into a live object.
type merger struct {
	// nulls is set when the result holds a null the live object did not:
	// one the configuration set, or a container prune emptied.
	nulls bool
}

// merge returns the live value l merged with the configuration's r (lok and
// rok say whether each exists), as structured-merge-diff's Merge: the
// configuration's leaves win, maps merge key by key, associative lists
// element by element (live elements the configuration lacks keep their
// place, the configuration's come in its order, new ones before the next
// shared one). A null in the configuration replaces an empty or missing map
// or list but leaves a non-empty one as it is. Fields the strategy resets
// keep their live value. The result shares nothing with l or r.
func (mg *merger) merge(l, r any, lok, rok bool, s *schema.Schema, rule *ignoreRule, root bool) (any, bool) {
	if !rok || (rule != nil && rule.reset) {
		return deepCopy(l), lok
	}
	if !lok {
		l = nil
	}
	sh := shapeOf(s)
	switch {
	case granular(sh):
		rm, rIsMap := r.(map[string]any)
		lm, lIsMap := l.(map[string]any)
		if r != nil && !rIsMap {
			break // a leaf here
		}
		if r == nil {
			if len(lm) > 0 {
				return copyMap(lm), true
			}
			break
		}
		if l != nil && !lIsMap {
			lm = nil // the live value is not a map: the configuration's replaces it
		}
		if len(lm) == 0 && len(rm) == 0 {
			break
		}
		out := make(map[string]any, len(lm)+len(rm))
		for k, lv := range lm {
			rv, ok := rm[k]
			if !ok {
				out[k] = deepCopy(lv)
				continue
			}
			cs, _ := fieldSchema(s, k, root)
			if v, ok := mg.merge(lv, rv, true, true, cs, rule.child(k), false); ok {
				out[k] = v
			}
		}
		for k, rv := range rm {
			if _, ok := lm[k]; ok {
				continue
			}
			cr := rule.child(k)
			if cr != nil && cr.reset {
				continue // a reset field the live object does not have
			}
			cs, _ := fieldSchema(s, k, root)
			if v, ok := mg.merge(nil, rv, false, true, cs, cr, false); ok {
				out[k] = v
			}
		}
		return out, true
	case associative(sh):
		rl, rIsList := r.([]any)
		ll, lIsList := l.([]any)
		if r != nil && !rIsList {
			break
		}
		if r == nil {
			if len(ll) > 0 {
				return deepCopy(ll), true
			}
			break
		}
		if l != nil && !lIsList {
			ll = nil
		}
		if len(ll) == 0 && len(rl) == 0 {
			break
		}
		if out, ok := mg.mergeList(ll, rl, s, sh); ok {
			return out, true
		}
		// Live elements without a key: the configuration's list replaces it.
	}
	if r == nil {
		mg.nulls = true
	}
	return deepCopy(r), true
}

// mergeList merges the elements of two associative lists; ok is false when
// a live element has no path element. The configuration's elements are
// unique (fieldsOf checked them); live duplicates the configuration names
// are replaced by its element.
func (mg *merger) mergeList(ll, rl []any, s *schema.Schema, sh shape) ([]any, bool) {
	lpes := make([]pathElement, len(ll))
	var lIndex peIndex // first position; -1 for duplicates
	for i, item := range ll {
		pe, err := elementOf(s, sh, item)
		if err != nil {
			return nil, false
		}
		lpes[i] = pe
		if _, dup := lIndex.get(pe); dup {
			lIndex.set(pe, -1)
		} else {
			lIndex.set(pe, i)
		}
	}
	rpes := make([]pathElement, len(rl))
	var rIndex peIndex       // 1 once merged
	var shared []pathElement // the configuration's elements the live list has, in its order
	for i, item := range rl {
		pe, _ := elementOf(s, sh, item)
		rpes[i] = pe
		rIndex.set(pe, 0)
		if _, ok := lIndex.get(pe); ok {
			shared = append(shared, pe)
		}
	}
	es := elemSchema(s)
	out := make([]any, 0, max(len(ll), len(rl)))
	// liveItem is the live element to merge with pe: null for duplicates.
	liveItem := func(pe pathElement) (any, bool) {
		i, ok := lIndex.get(pe)
		if !ok {
			return nil, false
		}
		if i < 0 {
			return nil, true
		}
		return ll[i], true
	}
	emit := func(l, r any, lok, rok bool) {
		if v, ok := mg.merge(l, r, lok, rok, es, nil, false); ok {
			out = append(out, v)
		}
	}
	next := 0 // index in shared of the next shared element to merge
	li, ri := 0, 0
	for li < len(ll) || ri < len(rl) {
		if li < len(ll) && ri < len(rl) {
			pe := lpes[li]
			if pe == rpes[ri] {
				lv, lok := liveItem(pe)
				emit(lv, rl[ri], lok, true)
				rIndex.set(pe, 1)
				li++
				ri++
				next++
				continue
			}
			if _, inR := rIndex.get(pe); inR && next < len(shared) && shared[next] != pe {
				li++ // a shared element whose turn has not come: merged later
				continue
			}
		}
		if li < len(ll) {
			pe := lpes[li]
			if done, inR := rIndex.get(pe); !inR {
				emit(ll[li], nil, true, false) // only live: kept in place
				li++
				continue
			} else if done == 1 {
				li++
			}
		}
		if ri < len(rl) {
			pe := rpes[ri]
			rIndex.set(pe, 1)
			lv, lok := liveItem(pe)
			emit(lv, rl[ri], lok, true)
			ri++
			if next < len(shared) && shared[next] == pe {
				next++
			}
		}
	}
	return out, true
}
