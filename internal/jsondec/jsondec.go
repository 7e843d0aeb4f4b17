// Package jsondec decodes a JSON object into map[string]any the lossless way
// api/unstructured keeps objects: numbers as json.Number holding their exact
// text, strings, bools, nil, []any and map[string]any. It is the decoder behind
// unstructured.DecodeMap, and the sibling of internal/jsonenc, which writes
// JSON the way encoding/json does.
//
// Object gives the same value that encoding/json's Decoder with UseNumber
// gives when decoding into a map[string]any, for every input encoding/json
// accepts: the same replacement of invalid UTF-8 and unpaired surrogates by
// U+FFFD, the last of duplicate keys winning, the same nesting limit. It
// rejects every input encoding/json rejects, but its errors are its own:
// callers that must report encoding/json's exact error (DecodeMap does) decode
// again with encoding/json when Object fails, which is rare.
//
// It is faster than encoding/json because it reads the input once, without
// reflection, converts strings without escapes directly, sizes every map and
// slice exactly, and takes the keys and short values Kubernetes objects
// repeat (apiVersion, metadata, "f:spec", ".", "v1", "TCP", small numbers, …)
// from a table instead of allocating them (see intern.go). On a stored pod
// with managed fields it takes about a third of encoding/json's time and
// fewer than half its allocations (BenchmarkObject).
package jsondec

import (
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth is the deepest nesting of objects and arrays accepted, as in
// encoding/json, whose scanner rejects the 10001st level. Decoding recurses
// once a level, so this also bounds the stack it uses, to a few MB.
const maxDepth = 10000

// Error is a syntax error, or a top-level value that is not an object.
type Error struct {
	Offset int // of the byte where decoding stopped
	Msg    string
}

func (e *Error) Error() string {
	return "jsondec: " + e.Msg + " at offset " + strconv.Itoa(e.Offset)
}

// Object decodes data, one JSON object with optional white space around it.
// null, any other kind of value, and anything but white space after the
// object are errors.
func Object(data []byte) (map[string]any, error) {
	buildTablesOnce.Do(buildTables)
	d := decoders.Get().(*decoder)
	d.data = data
	i := skipSpace(data, 0)
	var m map[string]any
	switch {
	case i >= len(data):
		d.fail(i, "unexpected end of input, expected an object")
	case data[i] != '{':
		d.fail(i, "expected an object, found "+quoteByte(data[i]))
	default:
		m, i = d.object(i + 1)
		if i >= 0 {
			if i = skipSpace(data, i); i < len(data) {
				d.fail(i, "unexpected "+quoteByte(data[i])+" after the object")
			}
		}
	}
	err := d.err
	d.reset()
	decoders.Put(d)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// decoder holds one decoding's state and what it reuses from one decoding to
// the next: space for the elements and members of the arrays and objects
// being read that do not fit on the stack, innermost last; a buffer for
// unescaping strings; the block strings are carved from. Decoders are
// pooled.
type decoder struct {
	data  []byte
	depth int
	err   *Error
	elems []any
	mems  []member
	buf   []byte
	arena strings.Builder
}

// str returns b as a string, copied into d.arena: short strings are carved
// from blocks of arenaSize bytes instead of allocated one by one (strings are
// immutable, so they can share memory). A block holds the strings of one
// decoded object only (reset starts a new one), so a string kept after the
// rest of its object is dropped keeps at most that object's strings alive,
// never another object's.
func (d *decoder) str(b []byte) string {
	if len(b) > arenaSize/4 {
		return string(b)
	}
	if d.arena.Cap()-d.arena.Len() < len(b) {
		d.arena = strings.Builder{}
		d.arena.Grow(arenaSize)
	}
	n := d.arena.Len()
	d.arena.Write(b)
	return d.arena.String()[n:]
}

const arenaSize = 1024

type member struct {
	key string
	val any
}

var decoders = sync.Pool{New: func() any { return new(decoder) }}

// reset readies d for the pool: it drops the input and the values scratch
// space still refers to (after an error), and scratch space grown too large.
func (d *decoder) reset() {
	d.data, d.depth, d.err = nil, 0, nil
	d.arena = strings.Builder{}
	clear(d.elems[:cap(d.elems)])
	clear(d.mems[:cap(d.mems)])
	d.elems, d.mems, d.buf = d.elems[:0], d.mems[:0], d.buf[:0]
	if cap(d.elems) > 1<<12 {
		d.elems = nil
	}
	if cap(d.mems) > 1<<12 {
		d.mems = nil
	}
	if cap(d.buf) > 1<<16 {
		d.buf = nil
	}
}

// fail records the error and returns -1, the position decoding functions
// return on error. Only the first error is kept.
func (d *decoder) fail(i int, msg string) int {
	if d.err == nil {
		d.err = &Error{Offset: i, Msg: msg}
	}
	return -1
}

func quoteByte(c byte) string {
	return strconv.QuoteRune(rune(c))
}

// skipSpace returns the position of the first byte at or after i that is not
// JSON white space.
func skipSpace(data []byte, i int) int {
	for ; i < len(data); i++ {
		if c := data[i]; c > ' ' || (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
			break
		}
	}
	return i
}

// value decodes the value starting at data[i] and returns it with the
// position after it, or -1 after an error.
func (d *decoder) value(i int) (any, int) {
	data := d.data
	if i >= len(data) {
		return nil, d.fail(i, "unexpected end of input, expected a value")
	}
	switch c := data[i]; c {
	case '"':
		j := skipPlain(data, i+1)
		if j < len(data) && data[j] == '"' {
			b := data[i+1 : j]
			if len(b) <= maxValueLen {
				if e, ok := lookup(b); ok {
					return e.v, j + 1
				}
			}
			return d.str(b), j + 1
		}
		return d.stringValue(i+1, j)
	case '{':
		return d.object(i + 1)
	case '[':
		return d.array(i + 1)
	case 't':
		if len(data)-i >= 4 && string(data[i:i+4]) == "true" {
			return true, i + 4
		}
	case 'f':
		if len(data)-i >= 5 && string(data[i:i+5]) == "false" {
			return false, i + 5
		}
	case 'n':
		if len(data)-i >= 4 && string(data[i:i+4]) == "null" {
			return nil, i + 4
		}
	default:
		if c == '-' || c-'0' < 10 {
			return d.number(i)
		}
	}
	return nil, d.fail(i, "invalid character "+quoteByte(data[i])+" looking for a value")
}

// object decodes the members of an object whose '{' is at i-1. The members
// are gathered first so that the map is made at its final size: the first
// few in an array on the stack (storing into which needs no write barrier,
// unlike into d.mems), the rest after them in d.mems.
func (d *decoder) object(i int) (map[string]any, int) {
	if d.depth++; d.depth > maxDepth {
		return nil, d.fail(i-1, "exceeded max depth")
	}
	data := d.data
	i = skipSpace(data, i)
	if i < len(data) && data[i] == '}' {
		d.depth--
		return map[string]any{}, i + 1
	}
	var first [stackMembers]member
	n := 0
	base := len(d.mems)
	for {
		if i >= len(data) || data[i] != '"' {
			return nil, d.expected(i, "a string key")
		}
		// The key, inline: most are plain and interned.
		var key string
		j := skipPlain(data, i+1)
		if j < len(data) && data[j] == '"' {
			b := data[i+1 : j]
			if e, ok := lookup(b); ok {
				key = e.s
			} else {
				key = d.str(b)
			}
			i = j + 1
		} else if key, i = d.key(i+1, j); i < 0 {
			return nil, i
		}
		if i = skipSpace(data, i); i >= len(data) || data[i] != ':' {
			return nil, d.expected(i, "':' after a key")
		}
		// The value: empty objects (most values in FieldsV1) and plain
		// strings inline, the rest by value.
		var v any
		i = skipSpace(data, i+1)
		if len(data)-i >= 2 && data[i] == '{' && data[i+1] == '}' && d.depth < maxDepth {
			v, i = map[string]any{}, i+2
		} else if v, i = d.value(i); i < 0 {
			return nil, i
		}
		if n < len(first) {
			first[n] = member{key, v}
		} else {
			d.mems = append(d.mems, member{key, v})
		}
		n++
		if i = skipSpace(data, i); i < len(data) {
			if data[i] == ',' {
				i = skipSpace(data, i+1)
				continue
			}
			if data[i] == '}' {
				i++
				break
			}
		}
		return nil, d.expected(i, "',' or '}' after an object member")
	}
	m := make(map[string]any, n)
	// A later duplicate replaces an earlier one.
	for _, e := range first[:min(n, len(first))] {
		m[e.key] = e.val
	}
	if n > len(first) {
		for _, e := range d.mems[base:] {
			m[e.key] = e.val
		}
		d.mems = d.mems[:base]
	}
	d.depth--
	return m, i
}

// stackMembers is how many members of an object are gathered on the stack.
const stackMembers = 8

// array decodes the elements of an array whose '[' is at i-1, gathered first
// as object gathers members so that the slice is made at its final size.
func (d *decoder) array(i int) ([]any, int) {
	if d.depth++; d.depth > maxDepth {
		return nil, d.fail(i-1, "exceeded max depth")
	}
	data := d.data
	i = skipSpace(data, i)
	if i < len(data) && data[i] == ']' {
		d.depth--
		return []any{}, i + 1
	}
	var first [stackElems]any
	n := 0
	base := len(d.elems)
	for {
		var v any
		if v, i = d.value(i); i < 0 {
			return nil, i
		}
		if n < len(first) {
			first[n] = v
		} else {
			d.elems = append(d.elems, v)
		}
		n++
		if i = skipSpace(data, i); i < len(data) {
			if data[i] == ',' {
				i = skipSpace(data, i+1)
				continue
			}
			if data[i] == ']' {
				i++
				break
			}
		}
		return nil, d.expected(i, "',' or ']' after an array element")
	}
	a := make([]any, n)
	copy(a, first[:min(n, len(first))])
	if n > len(first) {
		copy(a[len(first):], d.elems[base:])
		d.elems = d.elems[:base]
	}
	d.depth--
	return a, i
}

// stackElems is how many elements of an array are gathered on the stack.
const stackElems = 8

func (d *decoder) expected(i int, what string) int {
	if i >= len(d.data) {
		return d.fail(i, "unexpected end of input, expected "+what)
	}
	return d.fail(i, "invalid character "+quoteByte(d.data[i])+", expected "+what)
}

// number decodes the number starting at data[i], checking it against JSON's
// grammar: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
// What follows it is for the caller to check.
func (d *decoder) number(i int) (any, int) {
	data := d.data
	start := i
	if data[i] == '-' {
		i++
	}
	switch {
	case i >= len(data):
		return nil, d.fail(i, "unexpected end of input in a number")
	case data[i] == '0':
		i++
	case data[i]-'1' < 9:
		i = skipDigits(data, i+1)
	default:
		return nil, d.fail(i, "invalid character "+quoteByte(data[i])+" in a number")
	}
	simple := true // digits only
	if i < len(data) && data[i] == '.' {
		simple = false
		i++
		if i >= len(data) || data[i]-'0' >= 10 {
			return nil, d.expected(i, "a digit after the decimal point")
		}
		i = skipDigits(data, i+1)
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		simple = false
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) || data[i]-'0' >= 10 {
			return nil, d.expected(i, "a digit in the exponent")
		}
		i = skipDigits(data, i+1)
	}
	text := data[start:i]
	if simple && len(text) <= smallIntDigits && text[0] != '-' {
		n := 0
		for _, c := range text {
			n = n*10 + int(c-'0')
		}
		return smallInts[n], i
	}
	return json.Number(text), i
}

func skipDigits(data []byte, i int) int {
	for i < len(data) && data[i]-'0' < 10 {
		i++
	}
	return i
}

// plain marks the bytes a string can hold as they are: printable ASCII other
// than '"' and '\\'.
var plain = func() (t [256]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// stringValue decodes a string value whose contents start at data[start]
// and are plain before data[j].
func (d *decoder) stringValue(start, j int) (any, int) {
	b, i := d.stringBytes(start, j)
	if i < 0 {
		return nil, i
	}
	if len(b) <= maxValueLen {
		if e, ok := lookup(b); ok {
			return e.v, i
		}
	}
	return d.str(b), i
}

// key decodes an object key whose contents start at data[start] and are
// plain before data[j].
func (d *decoder) key(start, j int) (string, int) {
	b, i := d.stringBytes(start, j)
	if i < 0 {
		return "", i
	}
	if e, ok := lookup(b); ok {
		return e.s, i
	}
	return d.str(b), i
}

// stringBytes returns the contents of the string that start at data[start],
// plain before data[j], and the position after its closing quote. The
// contents are the input's own bytes when they are valid UTF-8 without
// escapes, else unescaped into d.buf, valid until the next call.
func (d *decoder) stringBytes(start, j int) ([]byte, int) {
	data := d.data
	for j < len(data) {
		c := data[j]
		if plain[c] {
			j++
			continue
		}
		if c == '"' {
			return data[start:j], j + 1
		}
		if c < utf8.RuneSelf { // '\\' or a control character
			break
		}
		r, size := utf8.DecodeRune(data[j:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		j += size
	}
	return d.unquote(start, j)
}

// skipPlain returns the position of the first byte at or after i that is not
// plain, reading eight bytes at a time while it can.
func skipPlain(data []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; len(data)-i >= 8; i += 8 {
		w := binary.LittleEndian.Uint64(data[i:])
		// The high bit of a byte of special is set if the byte is not
		// ASCII (w), a control character (w - ' ' wraps), '"' or '\\'
		// (a zero byte in q or bs wraps when one is subtracted). A
		// wrap may also set the bits of the bytes after it, but the
		// first bit set is right.
		q := w ^ ('"' * ones)
		bs := w ^ ('\\' * ones)
		special := (w - ' '*ones) | (q-ones)&^q | (bs-ones)&^bs | w
		if special &= highs; special != 0 {
			return i + bits.TrailingZeros64(special)/8
		}
	}
	for i < len(data) && plain[data[i]] {
		i++
	}
	return i
}

// unquote unescapes the string whose contents start at data[start] into
// d.buf; before data[i] they need no unescaping. Escapes are
// decoded; invalid UTF-8 becomes U+FFFD, one per invalid byte; so does a
// \u escape of a surrogate that is not the first of a valid pair written as
// two escapes. These are encoding/json's rules.
func (d *decoder) unquote(start, i int) ([]byte, int) {
	data := d.data
	buf := append(d.buf[:0], data[start:i]...)
	for {
		if i >= len(data) {
			d.buf = buf
			return nil, d.fail(i, "unexpected end of input in a string")
		}
		c := data[i]
		switch {
		case plain[c]:
			j := i + 1
			for j < len(data) && plain[data[j]] {
				j++
			}
			buf = append(buf, data[i:j]...)
			i = j
		case c == '"':
			d.buf = buf
			return buf, i + 1
		case c == '\\':
			if i+1 >= len(data) {
				d.buf = buf
				return nil, d.fail(i+1, "unexpected end of input in a string escape")
			}
			switch e := data[i+1]; e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r := hex4(data, i+2)
				if r < 0 {
					d.buf = buf
					return nil, d.fail(i, "invalid \\u escape in a string")
				}
				i += 6
				if utf16.IsSurrogate(r) {
					// Only a surrogate followed by the escape of its
					// other half makes a character: both are used up.
					// Otherwise it alone becomes U+FFFD, and what
					// follows it is read on its own.
					r2 := rune(-1)
					if len(data)-i >= 6 && data[i] == '\\' && data[i+1] == 'u' {
						r2 = hex4(data, i+2)
					}
					if p := utf16.DecodeRune(r, r2); p != utf8.RuneError {
						r = p
						i += 6
					} else {
						r = utf8.RuneError
					}
				}
				buf = utf8.AppendRune(buf, r)
				continue
			default:
				d.buf = buf
				return nil, d.fail(i, "invalid escape "+quoteByte(e)+" in a string")
			}
			i += 2
		case c < ' ':
			d.buf = buf
			return nil, d.fail(i, "invalid control character "+quoteByte(c)+" in a string")
		default: // c >= utf8.RuneSelf
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				buf = utf8.AppendRune(buf, utf8.RuneError)
			} else {
				buf = append(buf, data[i:i+size]...)
			}
			i += size
		}
	}
}

// hex4 returns the value of the four hex digits at data[i:], or -1.
func hex4(data []byte, i int) rune {
	if len(data)-i < 4 {
		return -1
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case c-'0' < 10:
			c -= '0'
		case c-'a' < 6:
			c -= 'a' - 10
		case c-'A' < 6:
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}
