package protobuf

import "google.golang.org/protobuf/encoding/protowire"

// pb builds protobuf messages for tests, field by field, the way the
// Kubernetes generated marshallers write them.
type pb []byte

func (b pb) str(n protowire.Number, s string) pb {
	b = protowire.AppendTag(b, n, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func (b pb) raw(n protowire.Number, v []byte) pb {
	b = protowire.AppendTag(b, n, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

func (b pb) msg(n protowire.Number, m pb) pb { return b.raw(n, m) }

func (b pb) varint(n protowire.Number, v uint64) pb {
	b = protowire.AppendTag(b, n, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

// i32 and i64 sign-extend negative values to ten bytes, as protobuf does.
func (b pb) i32(n protowire.Number, v int32) pb { return b.varint(n, uint64(int64(v))) }
func (b pb) i64(n protowire.Number, v int64) pb { return b.varint(n, uint64(v)) }

func (b pb) boolean(n protowire.Number, v bool) pb { return b.varint(n, protowire.EncodeBool(v)) }

// entry appends one entry of a map<string, string>.
func (b pb) entry(n protowire.Number, key, val string) pb {
	return b.msg(n, pb{}.str(1, key).str(2, val))
}

// entryMsg appends one entry of a map<string, message> (or bytes).
func (b pb) entryMsg(n protowire.Number, key string, val pb) pb {
	return b.msg(n, pb{}.str(1, key).msg(2, val))
}

// timestamp is a meta.Time or meta.MicroTime.
func timestamp(seconds int64, nanos int32) pb { return pb{}.i64(1, seconds).i32(2, nanos) }

// quantity is a resource.Quantity.
func quantity(s string) pb { return pb{}.str(1, s) }

// intOrStr is an intstr.IntOrString, written with all three fields.
func intOrInt(v int32) pb      { return pb{}.i64(1, 0).i32(2, v).str(3, "") }
func intOrStr(s string) pb     { return pb{}.i64(1, 1).i32(2, 0).str(3, s) }
func typeMeta(av, k string) pb { return pb{}.str(1, av).str(2, k) }

// body wraps an object's message in the magic and the runtime.Unknown envelope
// (typeMeta, raw, and the empty contentEncoding and contentType kubectl writes).
func body(apiVersion, kind string, obj pb) []byte {
	env := pb{}.msg(1, typeMeta(apiVersion, kind)).raw(2, obj).str(3, "").str(4, "")
	return append([]byte("k8s\x00"), env...)
}

// objectMeta writes every non-nullable ObjectMeta field, as the generated
// marshaller does for an object that only has a name (and labels).
func objectMeta(name string, labels ...string) pb {
	m := pb{}.str(1, name).str(2, "").str(3, "").str(4, "").str(5, "").str(6, "").i64(7, 0).msg(8, pb{})
	for i := 0; i+1 < len(labels); i += 2 {
		m = m.entry(11, labels[i], labels[i+1])
	}
	return m
}
