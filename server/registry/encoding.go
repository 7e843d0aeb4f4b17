package registry

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/internal/jsonenc"
)

// Objects are stored as JSON with apiVersion, kind and metadata first and without
// metadata.resourceVersion: the revision is a property of the stored key (its mod
// revision), not of the value, exactly as with etcd. On the way out the revision is
// spliced into the metadata by byte surgery, so serving a stored object needs no
// decode and no re-encode.

// encodeStored encodes obj in the stored layout. obj's resourceVersion is dropped.
// Each value is written as encoding/json writes it (jsonenc.Append); the object
// is built in a pooled buffer and copied out at its size, which is what the
// storage keeps.
func encodeStored(obj *unstructured.Unstructured) ([]byte, error) {
	bp := encodeBuffers.Get().(*[]byte)
	b, err := appendStored((*bp)[:0], obj)
	var out []byte
	if err == nil {
		out = bytes.Clone(b)
	}
	if cap(b) <= 1<<20 {
		*bp = b[:0]
		encodeBuffers.Put(bp)
	}
	if err != nil {
		return nil, fmt.Errorf("encode object: %w", err)
	}
	return out, nil
}

var encodeBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func appendStored(b []byte, obj *unstructured.Unstructured) ([]byte, error) {
	b = append(b, `{"apiVersion":`...)
	b = jsonenc.AppendQuoted(b, obj.APIVersion())
	b = append(b, `,"kind":`...)
	b = jsonenc.AppendQuoted(b, obj.Kind())
	md := obj.Metadata()
	rv, hadRV := md["resourceVersion"]
	delete(md, "resourceVersion")
	b = append(b, `,"metadata":`...)
	b, err := jsonenc.Append(b, md)
	if hadRV {
		md["resourceVersion"] = rv
	}
	if err != nil {
		return b, err
	}
	var local [8]string
	keys := local[:0]
	for k := range obj.Object {
		if k != "apiVersion" && k != "kind" && k != "metadata" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		b = append(b, ',')
		b = jsonenc.AppendQuoted(b, k)
		b = append(b, ':')
		if b, err = jsonenc.Append(b, obj.Object[k]); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

// withResourceVersion returns the stored value with metadata.resourceVersion set to
// rev. The result is a new slice; stored is not changed.
func withResourceVersion(stored []byte, rev int64) []byte {
	at := metadataBodyOffset(stored)
	if at < 0 {
		// Not in the stored layout (should not happen): decode and re-encode.
		u, err := unstructured.Decode(stored)
		if err != nil {
			return stored
		}
		u.SetResourceVersion(strconv.FormatInt(rev, 10))
		b, err := jsonenc.Marshal(u.Object)
		if err != nil {
			return stored
		}
		return b
	}
	var num [20]byte
	rv := strconv.AppendInt(num[:0], rev, 10)
	out := make([]byte, 0, len(stored)+len(rv)+22)
	out = append(out, stored[:at]...)
	out = append(out, `"resourceVersion":"`...)
	out = append(out, rv...)
	out = append(out, '"')
	if stored[at] != '}' {
		out = append(out, ',')
	}
	return append(out, stored[at:]...)
}

// metadataBodyOffset returns the offset just after the '{' of the metadata object
// in the stored layout, or -1.
func metadataBodyOffset(b []byte) int {
	i := 0
	for _, part := range []string{`{"apiVersion":`, `,"kind":`} {
		if !bytes.HasPrefix(b[i:], []byte(part)) {
			return -1
		}
		i += len(part)
		n := jsonStringLen(b[i:])
		if n < 0 {
			return -1
		}
		i += n
	}
	const md = `,"metadata":{`
	if !bytes.HasPrefix(b[i:], []byte(md)) {
		return -1
	}
	i += len(md)
	if i >= len(b) {
		return -1
	}
	return i
}

// jsonStringLen returns the length of the JSON string literal at the start of b,
// quotes included, or -1.
func jsonStringLen(b []byte) int {
	if len(b) == 0 || b[0] != '"' {
		return -1
	}
	for i := 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// jsonValueLen returns the length of the JSON object or array at the start of
// b, or -1 when it does not end. b is JSON the registry wrote, so the value is
// known to be well formed: only strings and nesting need following.
func jsonValueLen(b []byte) int {
	depth := 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			n := jsonStringLen(b[i:])
			if n < 0 {
				return -1
			}
			i += n - 1
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}

// withoutManagedFields returns stored (an object in the stored layout)
// without metadata.managedFields, for the typed decoding of validation: the
// kinds' checks never read them, and in a typical object they are most of its
// bytes. stored itself is returned when it has none or is not in the layout;
// otherwise the result is a new slice.
func withoutManagedFields(stored []byte) []byte {
	at := metadataBodyOffset(stored)
	if at < 0 {
		return stored
	}
	const key = `"managedFields"`
	for i := at; i < len(stored) && stored[i] != '}'; {
		n := jsonStringLen(stored[i:]) // the member's key
		if n < 0 || i+n >= len(stored) || stored[i+n] != ':' {
			return stored
		}
		isKey := string(stored[i:i+n]) == key
		v := jsonAnyLen(stored[i+n+1:])
		if v < 0 {
			return stored
		}
		end := i + n + 1 + v
		if isKey {
			from, to := i, end
			if stored[from-1] == ',' {
				from--
			} else if end < len(stored) && stored[end] == ',' {
				to++
			}
			out := make([]byte, 0, len(stored)-(to-from))
			out = append(out, stored[:from]...)
			return append(out, stored[to:]...)
		}
		i = end
		if i < len(stored) && stored[i] == ',' {
			i++
		}
	}
	return stored
}

// jsonAnyLen returns the length of the compact JSON value at the start of b,
// or -1.
func jsonAnyLen(b []byte) int {
	if len(b) == 0 {
		return -1
	}
	switch b[0] {
	case '"':
		return jsonStringLen(b)
	case '{', '[':
		return jsonValueLen(b)
	}
	for i, c := range b {
		if c == ',' || c == '}' || c == ']' {
			return i
		}
	}
	return -1
}
