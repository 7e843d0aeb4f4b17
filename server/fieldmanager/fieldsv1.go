package fieldmanager

import (
	"encoding/json"
	"errors"
	"fmt"

	"kctl.dev/kctl/api/unstructured"
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

// encodeFieldsV1 is the object form of s, as objects carry it.
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
		b = appendString(b, ch.pe.encode())
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
