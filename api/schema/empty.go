package schema

import "encoding/json"

// DropEmpty removes from obj (a decoded JSON object of the kind s describes)
// the fields marked OmitEmpty that hold a zero value, at every depth: what a
// real server's round trip through its Go types leaves out. A patch that
// removes the last label leaves no "labels": {} behind, as on a real cluster.
func DropEmpty(s *Schema, obj map[string]any) {
	dropEmptyObject(s, obj)
}

func dropEmptyValue(s *Schema, v any) {
	switch s.Type {
	case Object:
		if m, ok := v.(map[string]any); ok {
			dropEmptyObject(s, m)
		}
	case Map:
		if m, ok := v.(map[string]any); ok {
			for _, e := range m {
				dropEmptyValue(s.Items, e)
			}
		}
	case Array:
		if l, ok := v.([]any); ok {
			for _, e := range l {
				dropEmptyValue(s.Items, e)
			}
		}
	}
}

func dropEmptyObject(s *Schema, m map[string]any) {
	if s.Type != Object {
		return
	}
	for k, v := range m {
		p, ok := s.Properties[k]
		if !ok {
			continue
		}
		if p.OmitEmpty && isZero(v) {
			delete(m, k)
			continue
		}
		dropEmptyValue(p, v)
	}
}

// isZero reports a JSON value that encoding/json's omitempty leaves out.
func isZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case bool:
		return !x
	case json.Number:
		f, err := x.Float64()
		return err == nil && f == 0
	case float64:
		return x == 0
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}
