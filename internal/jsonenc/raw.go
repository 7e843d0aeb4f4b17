package jsonenc

// json.Marshal writes a json.RawMessage (any json.Marshaler's output) after
// checking that it is one JSON value and compacting it, escaping <, >, &,
// U+2028 and U+2029 in its strings. Raw JSON written by encoding/json, or by
// code that writes as it does (FieldsV1), comes out of that unchanged: Append
// checks for that case itself and copies the bytes, and leaves every other
// case, including invalid JSON and its error, to json.Marshal.

// maxRawDepth is how deeply nested raw JSON may be for plainJSON to follow it.
const maxRawDepth = 1000

// plainJSON reports whether b is a single valid JSON value that
// encoding/json's compaction with HTML escaping leaves unchanged: no white
// space outside strings and no <, >, &, U+2028 or U+2029. When false, b may
// still be valid.
func plainJSON(b []byte) bool {
	p := rawParser{b: b}
	return p.value(0) && p.i == len(b)
}

// rawParser follows raw JSON from b[i], accepting only plain JSON.
type rawParser struct {
	b []byte
	i int
}

// value reads the value at p.i.
func (p *rawParser) value(depth int) bool {
	if p.i >= len(p.b) {
		return false
	}
	switch c := p.b[p.i]; {
	case c == '"':
		return p.str()
	case c == '{':
		if depth >= maxRawDepth {
			return false
		}
		p.i++
		if p.next('}') {
			return true
		}
		for {
			if p.i >= len(p.b) || p.b[p.i] != '"' || !p.str() || !p.next(':') || !p.value(depth+1) {
				return false
			}
			if p.next('}') {
				return true
			}
			if !p.next(',') {
				return false
			}
		}
	case c == '[':
		if depth >= maxRawDepth {
			return false
		}
		p.i++
		if p.next(']') {
			return true
		}
		for {
			if !p.value(depth + 1) {
				return false
			}
			if p.next(']') {
				return true
			}
			if !p.next(',') {
				return false
			}
		}
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	}
	return false
}

// next consumes the byte c if it is at p.i.
func (p *rawParser) next(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *rawParser) literal(word string) bool {
	if len(p.b)-p.i < len(word) || string(p.b[p.i:p.i+len(word)]) != word {
		return false
	}
	p.i += len(word)
	return true
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?. What follows
// it is the caller's to check.
func (p *rawParser) number() bool {
	b, i := p.b, p.i
	if b[i] == '-' {
		i++
	}
	switch {
	case i == len(b):
		return false
	case b[i] == '0':
		i++
	case '1' <= b[i] && b[i] <= '9':
		i = digitsAt(b, i+1)
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		j := digitsAt(b, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digitsAt(b, i)
		if j == i {
			return false
		}
		i = j
	}
	p.i = i
	return true
}

func digitsAt(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}

// str reads the string at p.i, its opening quote there.
func (p *rawParser) str() bool {
	b := p.b
	for i := p.i + 1; i < len(b); i++ {
		c := b[i]
		if plain[c] {
			continue
		}
		switch {
		case c == '"':
			p.i = i + 1
			return true
		case c == '\\':
			i++
			if i >= len(b) {
				return false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(b)-i <= 4 || !isHex(b[i+1]) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) {
					return false
				}
				i += 4
			default:
				return false
			}
		case c < 0x80:
			return false // control characters; <, > and & would be escaped
		case c == 0xE2 && i+2 < len(b) && b[i+1] == 0x80 && (b[i+2] == 0xA8 || b[i+2] == 0xA9):
			return false // U+2028 and U+2029 would be escaped
		}
		// Other bytes from 0x80, valid UTF-8 or not, are taken as they are.
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
