package watchcache

import (
	"strconv"
	"sync"
	"sync/atomic"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/server/registry"
)

// entry is one object of the current state, with what selections read from it.
type entry struct {
	key   string
	ns    string
	obj   *registry.Object
	attrs *lazyAttributes
}

// lazyAttributes are an object's labels and fields, read on first use and
// shared by the entries of the same content (a delete's previous state).
type lazyAttributes struct {
	once sync.Once
	a    registry.Attributes
}

func (e *entry) shareAttributes(from *entry) { e.attrs = from.attrs }

// event is one change, as kept in the ring and dispatched to watchers.
type event struct {
	rev int64
	// cur is the object after the change (nil for a delete); prev the object
	// before it, stamped with rev (nil for a create).
	cur, prev *entry
	// frames memoizes the encoded {"type","object"} line per event type.
	frames [3]atomic.Pointer[[]byte]
}

const (
	slotAdded = iota
	slotModified
	slotDeleted
)

func slotOf(typ string) int {
	switch typ {
	case meta.Added:
		return slotAdded
	case meta.Modified:
		return slotModified
	}
	return slotDeleted
}

// frame returns the JSON line of a watch event of type typ carrying obj,
// encoding it at most once per event and type.
func (e *event) frame(typ string, obj *registry.Object) []byte {
	slot := &e.frames[slotOf(typ)]
	if f := slot.Load(); f != nil {
		return *f
	}
	f := encodeFrame(typ, obj.Raw)
	slot.Store(&f)
	return f
}

func encodeFrame(typ string, raw []byte) []byte {
	b := make([]byte, 0, len(raw)+32)
	b = append(b, `{"type":"`...)
	b = append(b, typ...)
	b = append(b, `","object":`...)
	b = append(b, raw...)
	return append(b, "}\n"...)
}

// Delivery is what a watcher receives: an event to send, ready to write.
type Delivery struct {
	// Type is ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.
	Type string
	// Frame is the encoded JSON line ({"type","object"} and a newline) for
	// clients that asked for plain objects.
	Frame []byte
	// Object is the event's object (nil for BOOKMARK and ERROR), for clients
	// that want another form (a Table).
	Object *registry.Object
	// Revision is the event's resourceVersion.
	Revision int64
}

// bookmarkFrame encodes a BOOKMARK: only kind, apiVersion and the revision,
// plus the initial-events-end annotation when it ends a sendInitialEvents watch.
func bookmarkFrame(k *registry.Kind, rev int64, initialEnd bool) []byte {
	raw := `{"kind":` + strconv.Quote(k.Kind) + `,"apiVersion":` + strconv.Quote(k.GroupVersion()) +
		`,"metadata":{"resourceVersion":"` + strconv.FormatInt(rev, 10) + `"`
	if initialEnd {
		raw += `,"annotations":{"` + meta.InitialEventsEndAnnotation + `":"true"}`
	}
	raw += `}}`
	return encodeFrame(meta.Bookmark, []byte(raw))
}
