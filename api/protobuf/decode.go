package protobuf

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

// decoder walks one object's message against the schema tables.
type decoder struct {
	depth int // nesting of whole objects inside RawExtension fields
}

// pathElem is one step of the JSON path of the value being decoded, kept as a
// chain on the stack and only rendered for errors.
type pathElem struct {
	parent *pathElem
	name   string // field name, or "" for a list index / map key step
	index  int    // list index, -1 when not a list step
	key    string // map key, when isKey
	isKey  bool
}

func (p *pathElem) String() string {
	if p == nil {
		return "(root)"
	}
	var steps []*pathElem
	for e := p; e != nil; e = e.parent {
		steps = append(steps, e)
	}
	var b strings.Builder
	for i := len(steps) - 1; i >= 0; i-- {
		e := steps[i]
		switch {
		case e.isKey:
			b.WriteString("[" + strconv.Quote(e.key) + "]")
		case e.index >= 0:
			b.WriteString("[" + strconv.Itoa(e.index) + "]")
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(e.name)
		}
	}
	return b.String()
}

func malformed(p *pathElem, m *message, format string, args ...any) error {
	return fmt.Errorf("protobuf: %w: %s in message %s at %s", ErrMalformed, fmt.Sprintf(format, args...), m.name, p)
}

// message decodes the fields of b, a message of table m, into out. Inlined
// (embedded) messages write into the same out.
func (d *decoder) message(m *message, b []byte, out map[string]any, p *pathElem) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return malformed(p, m, "bad tag: %v", protowire.ParseError(n))
		}
		b = b[n:]
		f := m.fields[num]
		if f == nil {
			return fmt.Errorf("protobuf: %w: field number %d (wire type %d) in message %s at %s; send JSON instead",
				ErrUnknownField, num, typ, m.name, p)
		}
		fp := &pathElem{parent: p, name: f.name, index: -1}
		var (
			vint  uint64
			vbyte []byte
		)
		switch typ {
		case protowire.VarintType:
			if !f.kind.varint() || f.isMap {
				return malformed(fp, m, "wrong wire type varint for field %d", num)
			}
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return malformed(fp, m, "field %d: %v", num, protowire.ParseError(n))
			}
			vint, b = v, b[n:]
		case protowire.BytesType:
			if f.kind.varint() && !f.repeated {
				return malformed(fp, m, "wrong wire type bytes for field %d", num)
			}
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return malformed(fp, m, "field %d: %v", num, protowire.ParseError(n))
			}
			vbyte, b = v, b[n:]
		default:
			return malformed(fp, m, "wrong wire type %d for field %d", typ, num)
		}

		switch {
		case f.inline:
			if err := d.message(f.msg, vbyte, out, p); err != nil {
				return err
			}
		case f.isMap:
			if err := d.mapEntry(m, f, vbyte, out, fp); err != nil {
				return err
			}
		case f.repeated:
			list, _ := out[f.name].([]any)
			if f.kind.varint() && typ == protowire.BytesType {
				// A packed run of varints.
				for len(vbyte) > 0 {
					v, n := protowire.ConsumeVarint(vbyte)
					if n < 0 {
						return malformed(fp, m, "packed field %d: %v", num, protowire.ParseError(n))
					}
					vbyte = vbyte[n:]
					list = append(list, scalarVarint(f.kind, v))
				}
			} else {
				ep := &pathElem{parent: fp, index: len(list)}
				v, _, err := d.value(m, f, vint, vbyte, nil, ep)
				if err != nil {
					return err
				}
				list = append(list, v)
			}
			out[f.name] = list
		default:
			var into map[string]any
			if f.kind == kMessage {
				into, _ = out[f.name].(map[string]any) // a repeated message field merges
			}
			v, zero, err := d.value(m, f, vint, vbyte, into, fp)
			if err != nil {
				return err
			}
			// A nil value (a zero timestamp, an empty raw extension) would
			// be JSON null: dropped even when its Go field is a pointer.
			if v == nil || zero && !f.pointer && !f.keepZero {
				delete(out, f.name)
				continue
			}
			out[f.name] = v
		}
	}
	return nil
}

// scalarVarint converts a varint of a bool or integer kind.
func scalarVarint(k kind, v uint64) any {
	switch k {
	case kBool:
		return protowire.DecodeBool(v)
	case kInt32:
		return int64(int32(v))
	default:
		return int64(v)
	}
}

// value decodes one value of field f (not a map entry) and reports whether it
// is the zero value that omitempty would drop. into, when set, is an object to
// merge a message into.
func (d *decoder) value(m *message, f *field, vint uint64, vbyte []byte, into map[string]any, p *pathElem) (any, bool, error) {
	switch f.kind {
	case kBool, kInt32, kInt64:
		v := scalarVarint(f.kind, vint)
		return v, v == false || v == int64(0), nil
	case kString:
		if !utf8.Valid(vbyte) {
			return nil, false, malformed(p, m, "invalid UTF-8 in string field %d", f.num)
		}
		return string(vbyte), len(vbyte) == 0, nil
	case kBytes:
		return append([]byte{}, vbyte...), len(vbyte) == 0, nil
	case kMessage:
		if into == nil {
			into = map[string]any{}
		}
		if err := d.message(f.msg, vbyte, into, p); err != nil {
			return nil, false, err
		}
		return into, len(into) == 0, nil
	default:
		return d.special(f.kind, vbyte, p)
	}
}

// mapEntry decodes one entry {1: key, 2: value} of a protobuf map field. An
// absent key or value is the zero value of its kind.
func (d *decoder) mapEntry(m *message, f *field, b []byte, out map[string]any, p *pathElem) error {
	entry := &message{name: m.name + "." + f.name + "Entry"}
	var (
		key      string
		valBytes []byte
		valInt   uint64
	)
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return malformed(p, entry, "bad tag: %v", protowire.ParseError(n))
		}
		b = b[n:]
		switch {
		case num == 1 && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return malformed(p, entry, "key: %v", protowire.ParseError(n))
			}
			if !utf8.Valid(v) {
				return malformed(p, entry, "invalid UTF-8 in map key")
			}
			key, b = string(v), b[n:]
		case num == 2 && typ == protowire.VarintType && f.kind.varint():
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return malformed(p, entry, "value: %v", protowire.ParseError(n))
			}
			valInt, b = v, b[n:]
		case num == 2 && typ == protowire.BytesType && !f.kind.varint():
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return malformed(p, entry, "value: %v", protowire.ParseError(n))
			}
			valBytes, b = v, b[n:]
		case num == 1 || num == 2:
			return malformed(p, entry, "wrong wire type %d for field %d", typ, num)
		default:
			return fmt.Errorf("protobuf: %w: field number %d in map entry of %s.%s at %s; send JSON instead",
				ErrUnknownField, num, m.name, f.name, p)
		}
	}
	v, _, err := d.value(m, f, valInt, valBytes, nil, &pathElem{parent: p, key: key, isKey: true})
	if err != nil {
		return err
	}
	obj, _ := out[f.name].(map[string]any)
	if obj == nil {
		obj = map[string]any{}
		out[f.name] = obj
	}
	obj[key] = v
	return nil
}

// special decodes the apimachinery types that have their own JSON form.
func (d *decoder) special(k kind, b []byte, p *pathElem) (any, bool, error) {
	switch k {
	case kTime, kMicroTime:
		return d.timestamp(k, b, p)
	case kQuantity:
		s, err := d.singleBytes(b, p, "k8s.io.apimachinery.pkg.api.resource.Quantity")
		if err != nil {
			return nil, false, err
		}
		if !utf8.Valid(s) {
			return nil, false, malformed(p, &message{name: "k8s.io.apimachinery.pkg.api.resource.Quantity"}, "invalid UTF-8")
		}
		return string(s), len(s) == 0 || string(s) == "0", nil
	case kIntOrString:
		return d.intOrString(b, p)
	case kRawExtension:
		raw, err := d.singleBytes(b, p, "k8s.io.apimachinery.pkg.runtime.RawExtension")
		if err != nil {
			return nil, false, err
		}
		if len(raw) == 0 {
			return nil, true, nil
		}
		if IsProtobuf(raw) {
			obj, err := toObject(raw, d.depth+1)
			if err != nil {
				return nil, false, fmt.Errorf("%w (in the object embedded at %s)", err, p)
			}
			return obj, false, nil
		}
		if !json.Valid(raw) {
			return nil, false, malformed(p, &message{name: "k8s.io.apimachinery.pkg.runtime.RawExtension"}, "raw is neither JSON nor a protobuf object")
		}
		return json.RawMessage(append([]byte{}, raw...)), false, nil
	case kFieldsV1:
		raw, err := d.singleBytes(b, p, "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1")
		if err != nil {
			return nil, false, err
		}
		if len(raw) == 0 {
			return nil, true, nil
		}
		if !json.Valid(raw) {
			return nil, false, malformed(p, &message{name: "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1"}, "raw is not JSON")
		}
		return json.RawMessage(append([]byte{}, raw...)), false, nil
	case kExtraValue:
		return d.extraValue(b, p)
	}
	return nil, false, fmt.Errorf("protobuf: internal error: kind %d", k)
}

// singleBytes reads a message whose only field is a length-delimited field 1
// (Quantity, RawExtension, FieldsV1).
func (d *decoder) singleBytes(b []byte, p *pathElem, name string) ([]byte, error) {
	m := &message{name: name}
	var out []byte
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, malformed(p, m, "bad tag: %v", protowire.ParseError(n))
		}
		b = b[n:]
		if num != 1 {
			return nil, fmt.Errorf("protobuf: %w: field number %d in message %s at %s; send JSON instead", ErrUnknownField, num, name, p)
		}
		if typ != protowire.BytesType {
			return nil, malformed(p, m, "wrong wire type %d for field 1", typ)
		}
		v, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return nil, malformed(p, m, "field 1: %v", protowire.ParseError(n))
		}
		out, b = v, b[n:]
	}
	return out, nil
}

// varintFields reads a message made only of varint fields numbered 1..max.
func varintFields(b []byte, p *pathElem, name string, max protowire.Number, visit func(protowire.Number, uint64)) error {
	m := &message{name: name}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return malformed(p, m, "bad tag: %v", protowire.ParseError(n))
		}
		b = b[n:]
		if num < 1 || num > max {
			return fmt.Errorf("protobuf: %w: field number %d in message %s at %s; send JSON instead", ErrUnknownField, num, name, p)
		}
		if typ != protowire.VarintType {
			return malformed(p, m, "wrong wire type %d for field %d", typ, num)
		}
		v, n := protowire.ConsumeVarint(b)
		if n < 0 {
			return malformed(p, m, "field %d: %v", num, protowire.ParseError(n))
		}
		b = b[n:]
		visit(num, v)
	}
	return nil
}

// RFC 3339 layouts of meta.Time and meta.MicroTime, always in UTC.
const (
	timeLayout      = "2006-01-02T15:04:05Z07:00"
	microTimeLayout = "2006-01-02T15:04:05.000000Z07:00"
)

func (d *decoder) timestamp(k kind, b []byte, p *pathElem) (any, bool, error) {
	name := "k8s.io.apimachinery.pkg.apis.meta.v1.Time"
	layout := timeLayout
	if k == kMicroTime {
		name, layout = "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime", microTimeLayout
	}
	var seconds int64
	var nanos int32
	err := varintFields(b, p, name, 2, func(num protowire.Number, v uint64) {
		if num == 1 {
			seconds = int64(v)
		} else {
			nanos = int32(v)
		}
	})
	if err != nil {
		return nil, false, err
	}
	if nanos < 0 || nanos > 999_999_999 {
		return nil, false, malformed(p, &message{name: name}, "nanos %d out of range", nanos)
	}
	if seconds == 0 {
		// The zero time.Time is encoded with seconds 0: JSON writes null, dropped.
		return nil, true, nil
	}
	return time.Unix(seconds, int64(nanos)).UTC().Format(layout), false, nil
}

func (d *decoder) intOrString(b []byte, p *pathElem) (any, bool, error) {
	const name = "k8s.io.apimachinery.pkg.util.intstr.IntOrString"
	m := &message{name: name}
	var (
		typ    int64
		intVal int32
		strVal string
	)
	for len(b) > 0 {
		num, wt, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, false, malformed(p, m, "bad tag: %v", protowire.ParseError(n))
		}
		b = b[n:]
		switch {
		case (num == 1 || num == 2) && wt == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return nil, false, malformed(p, m, "field %d: %v", num, protowire.ParseError(n))
			}
			b = b[n:]
			if num == 1 {
				typ = int64(v)
			} else {
				intVal = int32(v)
			}
		case num == 3 && wt == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return nil, false, malformed(p, m, "field 3: %v", protowire.ParseError(n))
			}
			if !utf8.Valid(v) {
				return nil, false, malformed(p, m, "invalid UTF-8 in strVal")
			}
			strVal, b = string(v), b[n:]
		case num >= 1 && num <= 3:
			return nil, false, malformed(p, m, "wrong wire type %d for field %d", wt, num)
		default:
			return nil, false, fmt.Errorf("protobuf: %w: field number %d in message %s at %s; send JSON instead", ErrUnknownField, num, name, p)
		}
	}
	switch typ {
	case 0:
		return int64(intVal), false, nil
	case 1:
		return strVal, false, nil
	}
	return nil, false, malformed(p, m, "type %d is neither 0 (int) nor 1 (string)", typ)
}

func (d *decoder) extraValue(b []byte, p *pathElem) (any, bool, error) {
	const name = "k8s.io.api.authorization.v1.ExtraValue"
	m := &message{name: name}
	items := []any{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, false, malformed(p, m, "bad tag: %v", protowire.ParseError(n))
		}
		b = b[n:]
		if num != 1 {
			return nil, false, fmt.Errorf("protobuf: %w: field number %d in message %s at %s; send JSON instead", ErrUnknownField, num, name, p)
		}
		if typ != protowire.BytesType {
			return nil, false, malformed(p, m, "wrong wire type %d for field 1", typ)
		}
		v, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return nil, false, malformed(p, m, "field 1: %v", protowire.ParseError(n))
		}
		if !utf8.Valid(v) {
			return nil, false, malformed(p, m, "invalid UTF-8")
		}
		items, b = append(items, string(v)), b[n:]
	}
	return items, len(items) == 0, nil
}
