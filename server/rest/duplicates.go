package rest

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// duplicateFields returns the paths of the object fields that appear more than
// once in the JSON document b ("metadata.name", "spec.containers[0].image"), in
// document order. Decoding into a map silently keeps the last value, so field
// validation scans the body for them. b must be valid JSON; on malformed input
// the scan stops and returns what it found.
//
// The scan allocates next to nothing: keys are compared as the bytes of the
// document (unescaped only when they have escapes), and a path is only
// spelled out for a duplicate.
func duplicateFields(b []byte) []string {
	s := dupScanner{b: b, path: make([]pathStep, 0, 8), keys: make([][]byte, 0, 32)}
	s.value()
	return s.found
}

type dupScanner struct {
	b     []byte
	i     int
	path  []pathStep // from the document to the value being scanned
	keys  [][]byte   // the keys seen of the objects being scanned, outermost first
	found []string
}

// pathStep is one step of the path to a value: a field, or an array index.
type pathStep struct {
	key   []byte // the field's name, unescaped; nil for an index
	index int
}

// bigObject is the number of keys past which an object's keys are also
// kept in a map.
const bigObject = 32

func (s *dupScanner) skipSpace() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// value scans one JSON value; false means malformed input.
func (s *dupScanner) value() bool {
	s.skipSpace()
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '{':
		return s.object()
	case '[':
		return s.array()
	case '"':
		raw, escaped, ok := s.str()
		return ok && (!escaped || validString(raw))
	}
	// A number, true, false or null: up to the next delimiter.
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return true
		}
		s.i++
	}
	return true
}

// str scans a string and returns it quotes included, and whether it has
// escapes.
func (s *dupScanner) str() (raw []byte, escaped, ok bool) {
	start := s.i
	s.i++ // the opening quote
	// The next quote ends the string unless a backslash before it escapes it.
	quote := -1
	for {
		if quote < s.i {
			q := bytes.IndexByte(s.b[s.i:], '"')
			if q < 0 {
				return nil, false, false
			}
			quote = s.i + q
		}
		bs := bytes.IndexByte(s.b[s.i:quote], '\\')
		if bs < 0 {
			s.i = quote + 1
			return s.b[start:s.i], escaped, true
		}
		escaped = true
		s.i += bs + 2
		if s.i > len(s.b) {
			return nil, false, false
		}
	}
}

// validString reports whether raw, a string with escapes, decodes: no
// control characters, and valid escapes.
func validString(raw []byte) bool {
	for i := 1; i < len(raw)-1; i++ {
		switch c := raw[i]; {
		case c < 0x20:
			return false
		case c == '\\':
			i++
			switch raw[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(raw) {
					return false
				}
				for _, h := range raw[i+1 : i+5] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return false
					}
				}
				i += 4
			default:
				return false
			}
		}
	}
	return true
}

// key scans an object key and returns its value.
func (s *dupScanner) key() ([]byte, bool) {
	raw, escaped, ok := s.str()
	if !ok {
		return nil, false
	}
	if !escaped {
		return raw[1 : len(raw)-1], true
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, false
	}
	return []byte(v), true
}

func (s *dupScanner) object() bool {
	s.i++                // {
	first := len(s.keys) // this object's keys are s.keys[first:]
	defer func() { s.keys = s.keys[:first] }()
	var big map[string]struct{}
	for {
		s.skipSpace()
		if s.i >= len(s.b) {
			return false
		}
		if s.b[s.i] == '}' {
			s.i++
			return true
		}
		if s.b[s.i] == ',' {
			s.i++
			continue
		}
		if s.b[s.i] != '"' {
			return false
		}
		k, ok := s.key()
		if !ok {
			return false
		}
		s.skipSpace()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return false
		}
		s.i++
		s.path = append(s.path, pathStep{key: k})
		dup := false
		if seen := s.keys[first:]; len(seen) < bigObject {
			for _, prev := range seen {
				if bytes.Equal(prev, k) {
					dup = true
					break
				}
			}
		} else {
			if big == nil {
				big = make(map[string]struct{}, 2*len(seen))
				for _, prev := range seen {
					big[string(prev)] = struct{}{}
				}
			}
			_, dup = big[string(k)]
			big[string(k)] = struct{}{}
		}
		if dup {
			s.found = append(s.found, s.pathString())
		}
		s.keys = append(s.keys, k)
		ok = s.value()
		s.path = s.path[:len(s.path)-1]
		if !ok {
			return false
		}
	}
}

func (s *dupScanner) array() bool {
	s.i++ // [
	for n := 0; ; {
		s.skipSpace()
		if s.i >= len(s.b) {
			return false
		}
		switch s.b[s.i] {
		case ']':
			s.i++
			return true
		case ',':
			s.i++
			n++
			continue
		}
		s.path = append(s.path, pathStep{index: n})
		ok := s.value()
		s.path = s.path[:len(s.path)-1]
		if !ok {
			return false
		}
	}
}

// pathString spells the current path: "spec.containers[0].image".
func (s *dupScanner) pathString() string {
	var b strings.Builder
	for i, p := range s.path {
		if p.key == nil {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(p.index))
			b.WriteByte(']')
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.Write(p.key)
	}
	return b.String()
}
