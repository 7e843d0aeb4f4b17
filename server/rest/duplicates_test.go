package rest

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"kctl.dev/kctl/internal/testobjects"
)

func TestDuplicateFields(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want []string
	}{
		{`{"a":1,"b":2}`, nil},
		{`{"a":1,"a":2}`, []string{"a"}},
		{`{"a":{"b":1,"b":2},"c":[{"d":1,"d":2},{"d":3}]}`, []string{"a.b", "c[0].d"}},
		{`[{"x":1,"x":1}]`, []string{"[0].x"}},
		{`{"a\u0062":1,"ab":2}`, []string{"ab"}},
		{`{"":1,"":2}`, []string{""}},
		{`{"a":"x\"y","a":"\\"}`, []string{"a"}},
		{`{"a":[[{"k":1,"k":2}]]}`, []string{"a[0][0].k"}},
		{`{"a":1,"a":2,"a":3}`, []string{"a", "a"}},
		{`{"a":"bad\x","a":1}`, nil}, // malformed: the scan stops
		{`{"a":1,"a":`, []string{"a"}},
	} {
		got := duplicateFields([]byte(tc.doc))
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("duplicateFields(%s) = %q, want %q", tc.doc, got, tc.want)
		}
		if ref := refDuplicateFields([]byte(tc.doc)); !reflect.DeepEqual(got, ref) {
			t.Errorf("duplicateFields(%s) = %q, the reference scanner %q", tc.doc, got, ref)
		}
	}
}

// TestDuplicateFieldsLikeReference compares the scanner with the simple one
// it replaced on random documents, whole and cut short, with duplicates,
// escapes and large objects.
func TestDuplicateFieldsLikeReference(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	keys := []string{`"a"`, `"b"`, `"a\u0062"`, `"ab"`, `"x\"y"`, `"\n"`, `"é"`, `""`, `"k\\"`, `"k\z"`}
	var gen func(depth int) string
	gen = func(depth int) string {
		switch n := r.Intn(10); {
		case depth > 4 || n < 3:
			return []string{`1`, `-2.5e3`, `true`, `null`, `"s"`, `"q\"\\"`, `"\u00e9"`, `"bad\u12"`, `"a\nb\tc"`}[r.Intn(9)]
		case n < 6:
			var parts []string
			for range r.Intn(5) {
				parts = append(parts, gen(depth+1))
			}
			return "[" + strings.Join(parts, ", ") + "]"
		default:
			var parts []string
			count := r.Intn(6)
			if r.Intn(10) == 0 {
				count = 40 + r.Intn(30)
			}
			for range count {
				k := keys[r.Intn(len(keys))]
				if count > 10 {
					k = `"k` + strconv.Itoa(r.Intn(2*count)) + `"`
				}
				parts = append(parts, k+" : "+gen(depth+1))
			}
			return "{" + strings.Join(parts, ",") + "}"
		}
	}
	for i := range 3000 {
		doc := []byte(gen(0))
		if i%3 == 0 && len(doc) > 1 {
			doc = doc[:r.Intn(len(doc))]
		}
		got, want := duplicateFields(doc), refDuplicateFields(doc)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("duplicateFields(%s) = %q, the reference scanner %q", doc, got, want)
		}
	}
	// Every prefix of a real body.
	pod := testobjects.Pod(3)
	pod = bytes.Replace(pod, []byte(`"tier": "backend",`), []byte(`"tier": "backend", "app": "dup",`), 1)
	for n := range len(pod) + 1 {
		if got, want := duplicateFields(pod[:n]), refDuplicateFields(pod[:n]); !reflect.DeepEqual(got, want) {
			t.Fatalf("duplicateFields(%s) = %q, the reference scanner %q", pod[:n], got, want)
		}
	}
}

func BenchmarkDuplicateFields(b *testing.B) {
	pod := testobjects.Pod(3)
	b.SetBytes(int64(len(pod)))
	b.ReportAllocs()
	for b.Loop() {
		if d := duplicateFields(pod); d != nil {
			b.Fatal(d)
		}
	}
}

func BenchmarkDuplicateFieldsReference(b *testing.B) {
	pod := testobjects.Pod(3)
	b.SetBytes(int64(len(pod)))
	b.ReportAllocs()
	for b.Loop() {
		refDuplicateFields(pod)
	}
}

// refDuplicateFields is the scanner duplicateFields replaced, kept as the
// reference of its behaviour.
func refDuplicateFields(b []byte) []string {
	s := refDupScanner{b: b}
	s.value()
	return s.found
}

type refDupScanner struct {
	b     []byte
	i     int
	path  []string
	keys  [][]string // one reusable key list per object depth
	depth int
	found []string
}

func (s *refDupScanner) skipSpace() {
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
func (s *refDupScanner) value() bool {
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
func (s *refDupScanner) str() (string, bool) {
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

func (s *refDupScanner) object() bool {
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

func (s *refDupScanner) array() bool {
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
