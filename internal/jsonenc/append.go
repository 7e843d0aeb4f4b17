package jsonenc

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// maxDepth is how deep Append follows maps and slices itself. Deeper values
// are handed to encoding/json whole, which is also what stops a map or slice
// that contains itself: encoding/json reports the cycle as an error.
const maxDepth = 200

// encoder holds the scratch space of one Append call: members is a stack of
// the sorted members of the large maps being written (small ones sort on the
// goroutine's stack), one frame per open map; buf is Marshal's.
type encoder struct {
	members []member
	buf     []byte
}

var encoders = sync.Pool{New: func() any { return new(encoder) }}

// Append appends the JSON encoding of v to dst, byte for byte what
// json.Marshal(v) returns, and returns the extended slice.
//
// The values of a decoded JSON document (map[string]any, []any, string,
// json.Number, bool, nil, float64) and Go's other numbers, []string,
// map[string]string and compact json.RawMessage are written without
// reflection; any other value is handed to json.Marshal and its encoding
// appended, so Append accepts all that json.Marshal accepts. On error (what
// json.Marshal would refuse: a NaN, an invalid json.Number, a cycle, a
// failing Marshaler...) Append returns dst unchanged, with json.Marshal's
// error for the value it could not encode.
func Append(dst []byte, v any) ([]byte, error) {
	e := encoders.Get().(*encoder)
	n := len(dst)
	out, err := e.value(dst, v, 0)
	if cap(e.members) <= 1<<12 {
		encoders.Put(e)
	}
	if err != nil {
		return dst[:n], err
	}
	return out, nil
}

// Marshal returns Append(nil, v) in a slice of its own length, as
// json.Marshal does: it is encoded in a pooled buffer and copied once, which
// is cheaper than growing a new slice to size.
func Marshal(v any) ([]byte, error) {
	e := encoders.Get().(*encoder)
	out, err := e.value(e.buf[:0], v, 0)
	var b []byte
	if err == nil {
		b = slices.Clone(out)
	}
	if cap(out) <= 1<<16 {
		e.buf = out[:0]
	}
	if cap(e.members) <= 1<<12 {
		encoders.Put(e)
	}
	return b, err
}

func (e *encoder) value(dst []byte, v any, depth int) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return AppendQuoted(dst, v), nil
	case map[string]any:
		if v == nil {
			return append(dst, "null"...), nil
		}
		if depth >= maxDepth {
			return marshal(dst, v)
		}
		return e.object(dst, v, depth+1)
	case []any:
		if v == nil {
			return append(dst, "null"...), nil
		}
		if depth >= maxDepth {
			return marshal(dst, v)
		}
		dst = append(dst, '[')
		for i, x := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = e.value(dst, x, depth+1); err != nil {
				return dst, err
			}
		}
		return append(dst, ']'), nil
	case json.Number:
		if v == "" {
			// encoding/json writes the zero Number as 0.
			return append(dst, '0'), nil
		}
		if !validNumber(string(v)) {
			return marshal(dst, v) // for its error
		}
		return append(dst, v...), nil
	case bool:
		if v {
			return append(dst, "true"...), nil
		}
		return append(dst, "false"...), nil
	case float64:
		return appendFloat(dst, v, 64)
	case float32:
		return appendFloat(dst, float64(v), 32)
	case int:
		return strconv.AppendInt(dst, int64(v), 10), nil
	case int64:
		return strconv.AppendInt(dst, v, 10), nil
	case int32:
		return strconv.AppendInt(dst, int64(v), 10), nil
	case int16:
		return strconv.AppendInt(dst, int64(v), 10), nil
	case int8:
		return strconv.AppendInt(dst, int64(v), 10), nil
	case uint:
		return strconv.AppendUint(dst, uint64(v), 10), nil
	case uint64:
		return strconv.AppendUint(dst, v, 10), nil
	case uint32:
		return strconv.AppendUint(dst, uint64(v), 10), nil
	case uint16:
		return strconv.AppendUint(dst, uint64(v), 10), nil
	case uint8:
		return strconv.AppendUint(dst, uint64(v), 10), nil
	case []string:
		if v == nil {
			return append(dst, "null"...), nil
		}
		dst = append(dst, '[')
		for i, s := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendQuoted(dst, s)
		}
		return append(dst, ']'), nil
	case map[string]string:
		if v == nil {
			return append(dst, "null"...), nil
		}
		return e.stringObject(dst, v), nil
	case json.RawMessage:
		if v == nil {
			return append(dst, "null"...), nil
		}
		if plainJSON(v) {
			return append(dst, v...), nil
		}
	}
	return marshal(dst, v)
}

// marshal appends json.Marshal's encoding of v.
func marshal(dst []byte, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}

// object writes m, not nil, with its keys in encoding/json's order: sorted
// as byte strings.
func (e *encoder) object(dst []byte, m map[string]any, depth int) ([]byte, error) {
	var err error
	switch len(m) {
	case 0:
		return append(dst, '{', '}'), nil
	case 1:
		for k, x := range m {
			dst = append(dst, '{')
			dst = AppendQuoted(dst, k)
			dst = append(dst, ':')
			if dst, err = e.value(dst, x, depth); err != nil {
				return dst, err
			}
		}
		return append(dst, '}'), nil
	}
	if len(m) <= smallObject {
		return e.smallObject(dst, m, depth)
	}
	// The members are sorted with their values, which saves looking each
	// key up again.
	members := e.push(len(m))
	for k, x := range m {
		members = append(members, member{k, x})
	}
	sortMembers(members)
	dst = append(dst, '{')
	for i := range members {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendQuoted(dst, members[i].key)
		dst = append(dst, ':')
		// Nested maps push their members after this frame's: members stays
		// valid even when e.members grows into a new array.
		if dst, err = e.value(dst, members[i].value, depth); err != nil {
			break
		}
	}
	e.pop(members)
	if err != nil {
		return dst, err
	}
	return append(dst, '}'), nil
}

// smallObject is the most members an object has for them to be sorted on the
// stack.
const smallObject = 16

// smallObject is object for maps of up to smallObject members. They are held
// in an array on the stack, and sorted through an array of their indexes:
// stores to the stack need no write barriers, which cost while the GC runs.
func (e *encoder) smallObject(dst []byte, m map[string]any, depth int) ([]byte, error) {
	var members [smallObject]member
	var order [smallObject]uint8
	n := 0
	for k, x := range m {
		members[n] = member{k, x}
		order[n] = uint8(n)
		n++
	}
	// Insertion sort.
	for i := 1; i < n; i++ {
		o := order[i]
		key := members[o].key
		j := i
		for ; j > 0 && key < members[order[j-1]].key; j-- {
			order[j] = order[j-1]
		}
		order[j] = o
	}
	dst = append(dst, '{')
	for i, o := range order[:n] {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendQuoted(dst, members[o].key)
		dst = append(dst, ':')
		var err error
		if dst, err = e.value(dst, members[o].value, depth); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

func (e *encoder) stringObject(dst []byte, m map[string]string) []byte {
	if len(m) == 0 {
		return append(dst, '{', '}')
	}
	members := e.push(len(m))
	for k, x := range m {
		members = append(members, member{k, x})
	}
	sortMembers(members)
	dst = append(dst, '{')
	for i := range members {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendQuoted(dst, members[i].key)
		dst = append(dst, ':')
		dst = AppendQuoted(dst, members[i].value.(string))
	}
	e.pop(members)
	return append(dst, '}')
}

// member is one key and value of a map.
type member struct {
	key   string
	value any
}

// sortMembers sorts ms by key, as byte strings.
func sortMembers(ms []member) {
	if len(ms) > 12 {
		slices.SortFunc(ms, func(a, b member) int { return strings.Compare(a.key, b.key) })
		return
	}
	// Insertion sort: objects are mostly small.
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && ms[j].key < ms[j-1].key; j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}

// push reserves a frame of n members on the member stack and returns it,
// empty.
func (e *encoder) push(n int) []member {
	e.members = slices.Grow(e.members, n)
	base := len(e.members)
	e.members = e.members[:base+n]
	return e.members[base : base : base+n]
}

// pop releases the top frame, not keeping its keys and values alive. (When
// e.members grew during the frame, the array the frame was filled in is
// garbage.)
func (e *encoder) pop(frame []member) {
	base := len(e.members) - cap(frame)
	clear(e.members[base:])
	e.members = e.members[:base]
}

// appendFloat writes f as encoding/json does: the shortest decimal that reads
// back as the same float of the given size, in plain notation unless the
// magnitude is below 1e-6 or from 1e21 up, where it takes an exponent without
// a leading zero (1e-7, not 1e-07). NaN and the infinities are errors.
func appendFloat(dst []byte, f float64, bits int) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		if bits == 32 {
			return marshal(dst, float32(f))
		}
		return marshal(dst, f)
	}
	format := byte('f')
	if a := math.Abs(f); a != 0 {
		if bits == 32 {
			a32 := float32(a)
			if a32 < 1e-6 || a32 >= 1e21 {
				format = 'e'
			}
		} else if a < 1e-6 || a >= 1e21 {
			format = 'e'
		}
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, format, -1, bits)
	if format == 'e' {
		// strconv writes at least two exponent digits: e-07 becomes e-7.
		exp := dst[start:]
		if n := len(exp); n >= 4 && exp[n-4] == 'e' && exp[n-3] == '-' && exp[n-2] == '0' {
			exp[n-2] = exp[n-1]
			dst = dst[:len(dst)-1]
		}
	}
	return dst, nil
}

// validNumber reports whether s is a JSON number:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?
func validNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i == len(s):
		return false
	case s[i] == '0':
		i++
	case '1' <= s[i] && s[i] <= '9':
		i = digits(s, i+1)
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		j := digits(s, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(s, i)
		if j == i {
			return false
		}
		i = j
	}
	return i == len(s)
}

// digits returns the index of the first non-digit in s from i.
func digits(s string, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}
