package fieldmanager

import "kctl.dev/kctl/api/schema"

// stripNulls removes from a merged value the nulls its live value l did not
// have at the same place: those the configuration set and the containers
// pruning emptied. A real server drops them when it turns the merged object
// into its Go type.
func stripNulls(v, l any, s *schema.Schema, root bool) {
	sh := shapeOf(s)
	switch {
	case granular(sh):
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		lm, _ := l.(map[string]any)
		for k, cv := range m {
			lv, inLive := lm[k]
			if cv == nil {
				if !inLive || lv != nil {
					delete(m, k)
				}
				continue
			}
			cs, _ := fieldSchema(s, k, root)
			stripNulls(cv, lv, cs, false)
		}
	case sh == listMapShape:
		list, ok := v.([]any)
		if !ok {
			return
		}
		ll, _ := l.([]any)
		es := elemSchema(s)
		for _, item := range list {
			pe, err := elementOf(s, sh, item)
			if err != nil {
				continue
			}
			var match any
			for _, li := range ll {
				if lpe, err := elementOf(s, sh, li); err == nil && lpe == pe {
					match = li
					break
				}
			}
			stripNulls(item, match, es, false)
		}
	}
}
