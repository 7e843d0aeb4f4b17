package fieldmanager

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"unicode/utf16"
	"unicode/utf8"

	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/internal/jsonenc"
)

// FieldsV1 is a JSON object: each key a path element under the object's
// path (f:, k:, v:, i:), each value the object of that element's path; "."
// says the path is itself in the set. An object with no children is a
// member: {"f:spec":{"f:replicas":{}}} holds .spec.replicas, and
// {"f:labels":{".":{},"f:app":{}}} holds both .metadata.labels and its app key.

// decodeFieldsV1 reads a fieldsV1 value: the decoded JSON object an object
// carries, or its raw JSON.
func decodeFieldsV1(v any) (*fieldSet, error) {
	switch raw := v.(type) {
	case nil:
		return nil, nil
	case json.RawMessage:
		return decodeFieldsV1JSON(raw)
	case []byte:
		return decodeFieldsV1JSON(raw)
	case string:
		return decodeFieldsV1JSON([]byte(raw))
	case map[string]any:
		s, _, err := decodeFieldsNode(raw)
		return s, err
	}
	return nil, fmt.Errorf("fieldsV1 must be an object, got %T", v)
}

func decodeFieldsV1JSON(data []byte) (*fieldSet, error) {
	if s, ok := parseFieldsV1(data); ok {
		return s, nil
	}
	m, err := unstructured.DecodeMap(data)
	if err != nil {
		return nil, err
	}
	s, _, err := decodeFieldsNode(m)
	return s, err
}

// decodeFieldsNode reads the object of one path: its children, and whether
// the path itself is a member.
func decodeFieldsNode(m map[string]any) (children *fieldSet, member bool, err error) {
	var b builder
	for k, v := range m {
		if k == "." {
			member = true
			continue
		}
		pe, err := parseElement(k)
		if errors.Is(err, errUnknownElement) {
			continue // a later version's element: dropped, as Kubernetes does
		}
		if err != nil {
			return nil, false, err
		}
		sub, ok := v.(map[string]any)
		if !ok {
			return nil, false, fmt.Errorf("the value of %q must be an object", k)
		}
		grand, childMember, err := decodeFieldsNode(sub)
		if err != nil {
			return nil, false, err
		}
		node := grand
		if childMember {
			node = withMember(grand)
		}
		b.add(pe, node)
	}
	s := b.set()
	if s == nil {
		member = true // {} is a member without children
	}
	return s, member, nil
}

// encodeFieldsV1 is the object form of s, as objects decoded from JSON
// carry it (entries are written with encodeFieldsV1Raw, its encoding).
func encodeFieldsV1(s *fieldSet) map[string]any {
	if s == nil {
		return map[string]any{}
	}
	out := make(map[string]any, len(s.children)+1)
	for _, c := range s.children {
		if len(c.set.children) == 0 {
			out[c.pe.encode()] = map[string]any{}
			continue
		}
		sub := encodeFieldsV1(c.set)
		if c.set.member {
			sub["."] = map[string]any{}
		}
		out[c.pe.encode()] = sub
	}
	return out
}

// encodeFieldsV1Raw is the FieldsV1 of s as objects are stored with it: the
// JSON encoding/json writes for encodeFieldsV1(s), keys sorted ("." first),
// written straight from the set.
func encodeFieldsV1Raw(s *fieldSet) json.RawMessage {
	b := make([]byte, 0, 512)
	if s == nil {
		return append(b, '{', '}')
	}
	return appendFieldsV1Sorted(b, s, false)
}

// appendFieldsV1Sorted appends the object of s, with "." when dot and s is
// a member with children.
func appendFieldsV1Sorted(b []byte, s *fieldSet, dot bool) []byte {
	cs := s.children
	for i := 1; i < len(cs); i++ {
		if compareKeys(cs[i-1].pe, cs[i].pe) > 0 { // index elements among others
			cs = slices.Clone(cs)
			slices.SortFunc(cs, func(x, y child) int { return compareKeys(x.pe, y.pe) })
			break
		}
	}
	b = append(b, '{')
	dot = dot && s.member && len(cs) > 0
	if dot {
		b = append(b, `".":{}`...)
	}
	for i, c := range cs {
		if i > 0 || dot {
			b = append(b, ',')
		}
		b = appendKey(b, c.pe)
		b = append(b, ':')
		b = appendFieldsV1Sorted(b, c.set, true)
	}
	return append(b, '}')
}

// encodeFieldsV1JSON is the JSON Kubernetes writes for s, byte for byte:
// "." first, then the elements in structured-merge-diff's order.
func encodeFieldsV1JSON(s *fieldSet) []byte {
	b := []byte{'{'}
	if s != nil {
		b = appendFieldsV1(b, s)
	}
	return append(b, '}')
}

func appendFieldsV1(b []byte, s *fieldSet) []byte {
	for i, ch := range s.sortedChildren() {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonenc.AppendQuoted(b, ch.pe.encode())
		b = append(b, ':', '{')
		c := ch.set
		if len(c.children) > 0 {
			if c.member {
				b = append(b, `".":{},`...)
			}
			b = appendFieldsV1(b, c)
		}
		b = append(b, '}')
	}
	return b
}

// parseFieldsV1 reads FieldsV1 JSON straight into a set, as decoding it into
// its object form and reading that would (decodeFieldsV1JSON). It reads
// what FieldsV1 normally is: objects of objects, keys with the escapes
// encoding/json writes. Anything else (malformed JSON, a duplicate key, a
// key it cannot read, other values) makes it give up (false), leaving the
// input to the general decoding and its errors.
func parseFieldsV1(data []byte) (*fieldSet, bool) {
	p := fieldsParser{b: data}
	s, _, ok := p.node()
	if !ok {
		return nil, false
	}
	p.space()
	return s, p.i == len(p.b)
}

type fieldsParser struct {
	b   []byte
	i   int
	key []byte // scratch for unescaping keys
}

func (p *fieldsParser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *fieldsParser) consume(c byte) bool {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// node reads an object: the set of its children, and whether its path is a
// member, as decodeFieldsNode gives them.
func (p *fieldsParser) node() (children *fieldSet, member, ok bool) {
	if !p.consume('{') {
		return nil, false, false
	}
	var b builder
	var seen [16]string
	keys := seen[:0]
	if !p.consume('}') {
		for {
			key, ok := p.str()
			if !ok || !p.consume(':') {
				return nil, false, false
			}
			for _, k := range keys {
				if k == key {
					return nil, false, false // the object form keeps the last
				}
			}
			keys = append(keys, key)
			if key == "." {
				if !p.consume('{') || !p.consume('}') {
					return nil, false, false
				}
				member = true
			} else {
				pe, err := parseElement(key)
				if err != nil {
					return nil, false, false
				}
				grand, childMember, ok := p.node()
				if !ok {
					return nil, false, false
				}
				if childMember {
					grand = withMember(grand)
				}
				b.add(pe, grand)
			}
			if p.consume(',') {
				continue
			}
			if p.consume('}') {
				break
			}
			return nil, false, false
		}
	}
	s := b.set()
	if s == nil {
		member = true // {} is a member without children
	}
	return s, member, true
}

// str reads a string as encoding/json decodes it, giving up on what it
// would change (invalid UTF-8) or escapes it does not write.
func (p *fieldsParser) str() (string, bool) {
	if !p.consume('"') {
		return "", false
	}
	start := p.i
	p.key = p.key[:0]
	escaped := false
	for p.i < len(p.b) {
		switch c := p.b[p.i]; {
		case c == '"':
			raw := p.b[start:p.i]
			p.i++
			if escaped {
				raw = p.key
			}
			if !utf8.Valid(raw) {
				return "", false
			}
			return string(raw), true
		case c < 0x20:
			return "", false
		case c == '\\':
			if !escaped {
				p.key = append(p.key, p.b[start:p.i]...)
				escaped = true
			}
			if p.i+1 >= len(p.b) {
				return "", false
			}
			switch e := p.b[p.i+1]; e {
			case '"', '\\', '/':
				p.key = append(p.key, e)
				p.i += 2
			case 'n':
				p.key = append(p.key, '\n')
				p.i += 2
			case 't':
				p.key = append(p.key, '\t')
				p.i += 2
			case 'u':
				if p.i+6 > len(p.b) {
					return "", false
				}
				var r rune
				for _, h := range p.b[p.i+2 : p.i+6] {
					switch {
					case '0' <= h && h <= '9':
						r = r<<4 | rune(h-'0')
					case 'a' <= h && h <= 'f':
						r = r<<4 | rune(h-'a'+10)
					case 'A' <= h && h <= 'F':
						r = r<<4 | rune(h-'A'+10)
					default:
						return "", false
					}
				}
				if utf16.IsSurrogate(r) {
					return "", false
				}
				p.key = utf8.AppendRune(p.key, r)
				p.i += 6
			default:
				return "", false
			}
		default:
			if escaped {
				p.key = append(p.key, c)
			}
			p.i++
		}
	}
	return "", false
}
