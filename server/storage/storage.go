// Package storage defines the revisioned key-value contract the server keeps its
// objects in, and the named errors of that contract. The contract maps one to one
// onto etcd v3: a single global revision that every write increments, per-key create
// and mod revisions, compare-and-swap on the mod revision, reads at a past revision,
// watch from a revision, and compaction of history.
//
// Backends: memory (tests, server/fake), bolt (durable embedded default of
// `kctl server`), and later etcd. storagetest holds the contract suite every
// backend passes.
//
// Keys are non-empty strings without NUL bytes, such as "/registry/pods/default/web".
// Values are opaque bytes. A backend keeps its own copy of a value it is given;
// values it returns (KeyValue.Value, events) may be shared and must not be modified.
// Revisions start at 1 for the first write; revision 0 is
// "no revision" in arguments (meaning "latest" or "from now", as each method says).
package storage

import (
	"context"
	"errors"
)

// Named errors. Backends return these (wrapped or not); test with errors.Is.
var (
	// ErrNotFound: the key does not exist at the revision read.
	ErrNotFound = errors.New("storage: key not found")
	// ErrExists: Create found the key already present.
	ErrExists = errors.New("storage: key already exists")
	// ErrConflict: the key's mod revision is not the one the caller expected.
	ErrConflict = errors.New("storage: mod revision mismatch")
	// ErrCompacted: the revision asked for has been compacted away.
	ErrCompacted = errors.New("storage: revision compacted")
	// ErrFutureRevision: the revision asked for is newer than the store's.
	ErrFutureRevision = errors.New("storage: revision is in the future")
	// ErrClosed: the store has been closed.
	ErrClosed = errors.New("storage: closed")
)

// KeyValue is one key at one revision.
type KeyValue struct {
	Key   string
	Value []byte
	// CreateRevision is the revision at which the key was last created.
	CreateRevision int64
	// ModRevision is the revision of the last write to the key.
	ModRevision int64
}

// EventType says what a watch event did to its key.
type EventType int

// Event types. A Put with CreateRevision == ModRevision created the key.
const (
	EventPut EventType = iota + 1
	EventDelete
	// EventError ends a watch stream; Err says why (ErrCompacted, ErrClosed, ...).
	EventError
	// EventProgress is a progress notification, sent only in answer to
	// Watcher.RequestProgress. It changes no key: only KV.ModRevision is set, to
	// a revision R, and it means every event of this watch with revision <= R
	// has already been delivered on the channel before it (and every later event
	// has a revision > R). R is never lower than the revision of anything already
	// delivered on the watch, nor than the revision the watch started after.
	EventProgress
)

// Event is one change, as a watch delivers it.
type Event struct {
	Type EventType
	// KV is the key after the change. For EventDelete, Value is nil and
	// ModRevision is the revision of the delete. For EventProgress, only
	// ModRevision is set.
	KV KeyValue
	// PrevKV is the key before the change; nil when it was created.
	PrevKV *KeyValue
	// Err is set on EventError only.
	Err error
}

// ListOptions shapes a List.
type ListOptions struct {
	// Revision reads the snapshot at this revision; 0 reads the latest. A compacted
	// revision gives ErrCompacted, a future one ErrFutureRevision.
	Revision int64
	// StartKey, when set, begins the listing at this key (inclusive); it must be
	// under the prefix. Used to continue a paginated list.
	StartKey string
	// Limit caps the number of keys returned; 0 means no limit.
	Limit int64
}

// ListResult is one page of a List.
type ListResult struct {
	// KVs are in key order.
	KVs []*KeyValue
	// Revision is the revision of the snapshot that was read.
	Revision int64
	// More reports that keys under the prefix remain after the last one returned.
	More bool
	// Remaining counts the keys after the last one returned (0 when !More).
	Remaining int64
}

// Reader reads keys.
type Reader interface {
	// Get returns the latest value of key, or ErrNotFound.
	Get(ctx context.Context, key string) (*KeyValue, error)
	// List returns the keys under prefix at opts.Revision (latest when 0), in key
	// order, starting at opts.StartKey, at most opts.Limit of them.
	List(ctx context.Context, prefix string, opts ListOptions) (*ListResult, error)
	// Revision returns the store's current revision (0 when nothing was written).
	Revision(ctx context.Context) (int64, error)
}

// Writer changes keys. Every successful write increments the global revision by
// exactly one and returns the new revision, which is the key's new ModRevision.
// Each write is atomic and durable once it returns (for durable backends).
type Writer interface {
	// Create writes key only if it does not exist; else ErrExists.
	Create(ctx context.Context, key string, value []byte) (int64, error)
	// Update writes key only if its ModRevision equals expected; ErrNotFound when
	// absent, ErrConflict when the revision differs (Get reads the current value).
	Update(ctx context.Context, key string, value []byte, expected int64) (int64, error)
	// Delete removes key only if its ModRevision equals expected (any revision when
	// expected is 0); ErrNotFound when absent, ErrConflict when the revision differs.
	// It returns the revision of the delete and the value that was deleted.
	Delete(ctx context.Context, key string, expected int64) (int64, *KeyValue, error)
}

// Watcher streams changes.
type Watcher interface {
	// Watch delivers every change under prefix with revision > rev, in revision
	// order, each exactly once, on the returned channel; rev 0 means from the
	// current revision on. When rev is older than the compacted revision, Watch
	// returns ErrCompacted. The channel is closed when ctx ends or the store is
	// closed; a stream that ends for any other reason sends one EventError first.
	// A slow receiver never blocks writers: the backend buffers for it.
	// Besides changes, the channel carries the EventProgress notifications that
	// RequestProgress asks for, and nothing else.
	Watch(ctx context.Context, prefix string, rev int64) (<-chan Event, error)

	// RequestProgress requests a progress notification on every open watch: each
	// gets one EventProgress at the store's current revision R, queued after
	// every event of that watch with revision <= R and before every event with a
	// higher revision, so a watch whose prefix is idle learns how far the global
	// revision has moved. R is at least the revision of every write that
	// returned, and of every read that returned, before the call. A watch still
	// replaying history gets its notification after the replay; a watch that
	// starts after R (from a future revision) gets none. Concurrent requests, and
	// consecutive notifications a slow receiver has not taken yet, may be merged
	// into one notification at the newest revision. When RequestProgress returns
	// nil the notifications are queued; it never waits for receivers. It returns
	// ctx's error if ctx has already ended, and ErrClosed after Close.
	RequestProgress(ctx context.Context) error
}

// Compactor discards history.
type Compactor interface {
	// Compact discards every revision of every key older than rev that is not the
	// key's latest version at rev, and every deletion at or before rev. Afterwards,
	// reads and watches at revisions below rev give ErrCompacted. Compacting at or
	// below the current compacted revision is a no-op; above the current revision
	// gives ErrFutureRevision.
	Compact(ctx context.Context, rev int64) error
	// CompactedRevision returns the revision of the last compaction (0 if none).
	CompactedRevision(ctx context.Context) (int64, error)
}

// Interface is the whole contract a backend provides.
type Interface interface {
	Reader
	Writer
	Watcher
	Compactor
	// Close releases the store. Open watches end; further calls give ErrClosed.
	Close() error
}
