package protobuf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// ContentType is the media type of the Kubernetes protobuf encoding.
const ContentType = "application/vnd.kubernetes.protobuf"

// magic opens every Kubernetes protobuf body.
var magic = []byte("k8s\x00")

// Errors returned by ToJSON wrap one of these, so that a caller can tell a body
// it should answer 400 (ErrMalformed, ErrNotProtobuf) from one it should answer
// 415 and ask the client to send as JSON (ErrUnknownKind, ErrUnknownField,
// ErrUnsupported).
var (
	// ErrNotProtobuf: the body does not start with the "k8s\x00" magic.
	ErrNotProtobuf = errors.New("not a Kubernetes protobuf body")
	// ErrMalformed: the protobuf itself is broken (truncated, bad varint, wrong
	// wire type, invalid UTF-8 or JSON inside).
	ErrMalformed = errors.New("malformed protobuf")
	// ErrUnknownKind: no table for the envelope's apiVersion and kind.
	ErrUnknownKind = errors.New("unsupported kind")
	// ErrUnknownField: a field number that the message's table does not list.
	ErrUnknownField = errors.New("unknown protobuf field")
	// ErrUnsupported: a well-formed body this package cannot convert, such as a
	// compressed envelope.
	ErrUnsupported = errors.New("unsupported protobuf body")
)

// IsProtobuf reports whether data starts with the Kubernetes protobuf magic.
func IsProtobuf(data []byte) bool { return bytes.HasPrefix(data, magic) }

// ToJSON converts a Kubernetes protobuf body (magic, runtime.Unknown envelope,
// object message) into the JSON object the same Go object would encode to,
// with apiVersion and kind taken from the envelope.
func ToJSON(data []byte) ([]byte, error) {
	obj, err := toObject(data, 0)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(obj); err != nil {
		return nil, fmt.Errorf("protobuf: %w: %v", ErrMalformed, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// maxNesting bounds objects nested in RawExtension fields of other objects.
const maxNesting = 8

// envelope is the decoded runtime.Unknown.
type envelope struct {
	apiVersion, kind string
	raw              []byte
	contentEncoding  string
	contentType      string
}

// toObject decodes a whole body into the map that ToJSON encodes.
func toObject(data []byte, depth int) (map[string]any, error) {
	if depth > maxNesting {
		return nil, fmt.Errorf("protobuf: %w: objects nested more than %d deep", ErrUnsupported, maxNesting)
	}
	if !IsProtobuf(data) {
		return nil, fmt.Errorf("protobuf: %w: missing the k8s\\x00 prefix", ErrNotProtobuf)
	}
	env, err := parseEnvelope(data[len(magic):])
	if err != nil {
		return nil, err
	}
	if env.contentEncoding != "" {
		return nil, fmt.Errorf("protobuf: %w: content encoding %q", ErrUnsupported, env.contentEncoding)
	}
	if env.contentType != "" && env.contentType != ContentType {
		return nil, fmt.Errorf("protobuf: %w: embedded content type %q", ErrUnsupported, env.contentType)
	}
	if env.kind == "" {
		return nil, fmt.Errorf("protobuf: %w: the envelope names no kind", ErrUnknownKind)
	}
	m := schema.kinds[env.apiVersion+"/"+env.kind]
	if m == nil {
		return nil, fmt.Errorf("protobuf: %w: %s %q (apiVersion %q); send JSON instead", ErrUnknownKind, "kind", env.kind, env.apiVersion)
	}
	d := decoder{depth: depth}
	obj := map[string]any{}
	if err := d.message(m, env.raw, obj, nil); err != nil {
		return nil, err
	}
	obj["apiVersion"] = env.apiVersion
	obj["kind"] = env.kind
	return obj, nil
}

// parseEnvelope reads runtime.Unknown {1: typeMeta, 2: raw, 3: contentEncoding,
// 4: contentType} with typeMeta {1: apiVersion, 2: kind}.
func parseEnvelope(b []byte) (envelope, error) {
	var env envelope
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return env, envelopeError("tag", protowire.ParseError(n))
		}
		b = b[n:]
		if num < 1 || num > 4 {
			return env, fmt.Errorf("protobuf: %w: field %d in message k8s.io.apimachinery.pkg.runtime.Unknown", ErrUnknownField, num)
		}
		if typ != protowire.BytesType {
			return env, fmt.Errorf("protobuf: %w: wrong wire type %d for field %d of k8s.io.apimachinery.pkg.runtime.Unknown", ErrMalformed, typ, num)
		}
		v, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return env, envelopeError(fmt.Sprintf("field %d", num), protowire.ParseError(n))
		}
		b = b[n:]
		switch num {
		case 1:
			if err := parseTypeMeta(v, &env); err != nil {
				return env, err
			}
		case 2:
			env.raw = v
		case 3:
			env.contentEncoding = string(v)
		case 4:
			env.contentType = string(v)
		}
	}
	return env, nil
}

func parseTypeMeta(b []byte, env *envelope) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return envelopeError("typeMeta tag", protowire.ParseError(n))
		}
		b = b[n:]
		if num != 1 && num != 2 {
			return fmt.Errorf("protobuf: %w: field %d in message k8s.io.apimachinery.pkg.runtime.TypeMeta", ErrUnknownField, num)
		}
		if typ != protowire.BytesType {
			return fmt.Errorf("protobuf: %w: wrong wire type %d for field %d of k8s.io.apimachinery.pkg.runtime.TypeMeta", ErrMalformed, typ, num)
		}
		v, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return envelopeError("typeMeta", protowire.ParseError(n))
		}
		b = b[n:]
		if num == 1 {
			env.apiVersion = string(v)
		} else {
			env.kind = string(v)
		}
	}
	return nil
}

func envelopeError(what string, err error) error {
	return fmt.Errorf("protobuf: %w: envelope %s: %v", ErrMalformed, what, err)
}
