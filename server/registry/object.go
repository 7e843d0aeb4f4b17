package registry

import (
	"encoding/json"
	"strconv"
	"sync"

	"kctl.dev/kctl/api/unstructured"
)

// Object is a stored object as served: its JSON with the resourceVersion set, and
// the decoded form, made on first use.
type Object struct {
	// Raw is the object's JSON, resourceVersion included. Do not modify.
	Raw []byte
	// Revision is the object's resourceVersion as a number.
	Revision int64

	once sync.Once
	u    *unstructured.Unstructured
	err  error
}

func newObject(stored []byte, rev int64) *Object {
	return &Object{Raw: withResourceVersion(stored, rev), Revision: rev}
}

// ObjectFromStorage makes the served form of a value read from storage at
// revision rev (its mod revision, or the revision of its deletion).
func ObjectFromStorage(stored []byte, rev int64) *Object { return newObject(stored, rev) }

// objectFrom wraps an already decoded object whose resourceVersion is rev.
func objectFrom(u *unstructured.Unstructured, stored []byte, rev int64) *Object {
	o := newObject(stored, rev)
	u.SetResourceVersion(strconv.FormatInt(rev, 10))
	o.once.Do(func() { o.u = u })
	return o
}

// Unstructured returns the decoded object. Callers must not modify it; use
// DeepCopy for a private copy.
func (o *Object) Unstructured() (*unstructured.Unstructured, error) {
	o.once.Do(func() { o.u, o.err = unstructured.Decode(o.Raw) })
	return o.u, o.err
}

// RawMetadata returns the JSON of the object's metadata (resourceVersion
// included), cut from Raw without decoding it when Raw is in the stored
// layout. The result may share Raw's memory: do not modify it.
func (o *Object) RawMetadata() ([]byte, error) {
	if at := metadataBodyOffset(o.Raw); at >= 0 {
		if n := jsonValueLen(o.Raw[at-1:]); n > 0 {
			return o.Raw[at-1 : at-1+n : at-1+n], nil
		}
	}
	u, err := unstructured.Decode(o.Raw)
	if err != nil {
		return nil, err
	}
	return json.Marshal(u.Metadata())
}
