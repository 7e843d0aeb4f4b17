package fieldmanager

import (
	"encoding/json"
	"maps"
	"strconv"
)

// deepCopy copies the maps and lists of a decoded JSON value; scalars are
// immutable and shared.
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return copyMap(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

func copyMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := maps.Clone(m) // copies the scalars in bulk
	for k, e := range out {
		switch e.(type) {
		case map[string]any, []any:
			out[k] = deepCopy(e)
		}
	}
	return out
}

// equalValues reports whether two decoded JSON values are equal, numbers by
// value (1 equals 1.0), as structured-merge-diff compares them.
func equalValues(a, b any) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case string:
		bs, ok := b.(string)
		return ok && a == bs
	case bool:
		bb, ok := b.(bool)
		return ok && a == bb
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(a) != len(bm) {
			return false
		}
		for k, av := range a {
			bv, ok := bm[k]
			if !ok || !equalValues(av, bv) {
				return false
			}
		}
		return true
	case []any:
		bl, ok := b.([]any)
		if !ok || len(a) != len(bl) {
			return false
		}
		for i := range a {
			if !equalValues(a[i], bl[i]) {
				return false
			}
		}
		return true
	case json.Number:
		if bn, ok := b.(json.Number); ok && a == bn {
			return true
		}
	}
	if valueRank(a) != 0 || valueRank(b) != 0 {
		return false
	}
	return equalNumbers(a, b)
}

func equalNumbers(a, b any) bool {
	if ia, ok := intOf(a); ok {
		if ib, ok := intOf(b); ok {
			return ia == ib
		}
	}
	return toFloat(a) == toFloat(b)
}

func intOf(v any) (int64, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := strconv.ParseInt(string(n), 10, 64)
		return i, err == nil
	case int64:
		return n, true
	case int:
		return int64(n), true
	}
	return 0, false
}

// isEmptyMap reports whether v is a map without keys.
func isEmptyMap(v any) bool {
	m, ok := v.(map[string]any)
	return ok && len(m) == 0
}

// skippedEqual reports whether two objects agree on the fields compare
// skips (those rule marks untracked or reset), metadata.managedFields aside:
// with an empty comparison, whether they are equal.
func skippedEqual(a, b map[string]any, rule *ignoreRule) bool {
	if rule == nil {
		return true
	}
	for name, r := range rule.children {
		if name == "managedFields" {
			continue
		}
		av, aok := a[name]
		bv, bok := b[name]
		if r.skip() {
			if aok != bok || (aok && !equalValues(av, bv)) {
				return false
			}
			continue
		}
		am, _ := av.(map[string]any)
		bm, _ := bv.(map[string]any)
		if !skippedEqual(am, bm, r) {
			return false
		}
	}
	return true
}

// metadataOf returns the metadata map of an object (nil when it has none).
func metadataOf(obj map[string]any) map[string]any {
	m, _ := obj["metadata"].(map[string]any)
	return m
}
