package rest

import (
	"encoding/json"
	"strconv"
	"strings"
)

// duplicateFields returns the paths of the object fields that appear more than
// once in the JSON document b ("metadata.name", "spec.containers[0].image"), in
// document order. Decoding into a map silently keeps the last value, so field
// validation scans the body for them. b must be valid JSON; on malformed input
// the scan stops and returns what it found.
func duplicateFields(b []byte) []string {
	s := dupScanner{b: b}
	s.value()
	return s.found
}

type dupScanner struct {
	b     []byte
	i     int
	path  []string
	keys  [][]string // one reusable key list per object depth
	depth int
	found []string
}

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
		_, ok := s.str()
		return ok
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

// str scans a string and returns its value (unescaped only when it has escapes).
func (s *dupScanner) str() (string, bool) {
	start := s.i
	s.i++ // the opening quote
	escaped := false
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '\\':
			escaped = true
			s.i += 2
			continue
		case '"':
			s.i++
			raw := s.b[start:s.i]
			if !escaped {
				return string(raw[1 : len(raw)-1]), true
			}
			var v string
			if err := json.Unmarshal(raw, &v); err != nil {
				return "", false
			}
			return v, true
		}
		s.i++
	}
	return "", false
}

func (s *dupScanner) object() bool {
	s.i++ // {
	if s.depth == len(s.keys) {
		s.keys = append(s.keys, nil)
	}
	d := s.depth
	s.depth++
	defer func() { s.depth-- }()
	s.keys[d] = s.keys[d][:0]
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
		k, ok := s.str()
		if !ok {
			return false
		}
		s.skipSpace()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return false
		}
		s.i++
		seg := k
		if len(s.path) > 0 {
			seg = "." + k
		}
		s.path = append(s.path, seg)
		for _, prev := range s.keys[d] {
			if prev == k {
				s.found = append(s.found, strings.Join(s.path, ""))
				break
			}
		}
		s.keys[d] = append(s.keys[d], k)
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
		s.path = append(s.path, "["+strconv.Itoa(n)+"]")
		ok := s.value()
		s.path = s.path[:len(s.path)-1]
		if !ok {
			return false
		}
	}
}
