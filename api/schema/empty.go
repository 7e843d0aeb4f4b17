package schema

import (
	"encoding/json"
	"strconv"
)

// DropEmpty removes from obj (a decoded JSON object of the kind s describes)
// the fields marked OmitEmpty that hold a zero value, at every depth: what a
// real server's round trip through its Go types leaves out. A patch that
// removes the last label leaves no "labels": {} behind, as on a real cluster.
func DropEmpty(s *Schema, obj map[string]any) {
	dropEmptyObject(s, obj)
}

// dropEmptyValue drops the empty fields of v, of schema s. Only objects and
// lists have fields below them: scalars are not looked at (nor is s).
func dropEmptyValue(s *Schema, v any) {
	switch x := v.(type) {
	case map[string]any:
		switch s.Type {
		case Object:
			dropEmptyObject(s, x)
		case Map:
			for _, e := range x {
				dropEmptyValue(s.Items, e)
			}
		}
	case []any:
		if s.Type == Array {
			for _, e := range x {
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
		switch x := v.(type) {
		case map[string]any:
			if len(x) == 0 {
				if p.OmitEmpty {
					delete(m, k)
				}
				continue
			}
			dropEmptyValue(p, v)
		case []any:
			if len(x) == 0 {
				if p.OmitEmpty {
					delete(m, k)
				}
				continue
			}
			dropEmptyValue(p, v)
		default:
			if isZero(v) && p.OmitEmpty {
				delete(m, k)
			}
		}
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
		return zeroNumber(string(x))
	case float64:
		return x == 0
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}

// zeroNumber reports whether a number parses (as json.Number.Float64 does)
// to zero. Short plain decimals, what objects hold, are read digit by digit:
// zero when every digit is 0. Anything else (exponents, long numbers that
// could underflow to zero, malformed ones) is parsed.
func zeroNumber(n string) bool {
	if len(n) > 20 {
		f, err := strconv.ParseFloat(n, 64)
		return err == nil && f == 0
	}
	i := 0
	if i < len(n) && n[i] == '-' {
		i++
	}
	digits, dot, zero := 0, false, true
	for ; i < len(n); i++ {
		switch c := n[i]; {
		case c >= '0' && c <= '9':
			digits++
			zero = zero && c == '0'
		case c == '.' && !dot && digits > 0 && i+1 < len(n):
			dot = true
		default:
			f, err := strconv.ParseFloat(n, 64)
			return err == nil && f == 0
		}
	}
	if digits == 0 {
		return false // "" or "-": not a number
	}
	return zero
}
