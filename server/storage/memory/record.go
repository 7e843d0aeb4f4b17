package memory

import (
	"sort"

	"kctl.dev/kctl/server/storage"
)

// version is one revision of a key: a value, or a tombstone left by a delete.
type version struct {
	createRev int64
	modRev    int64
	value     []byte
	deleted   bool
}

// record is one key and its versions since the last compaction, oldest first.
type record struct {
	key      string
	versions []version
	// compactedAt is the compaction revision that last trimmed this record, so a
	// compaction visits each record once however many events name it.
	compactedAt int64
}

// latest returns the key's current version, or false when it does not exist.
func (r *record) latest() (version, bool) {
	if r == nil || len(r.versions) == 0 {
		return version{}, false
	}
	v := r.versions[len(r.versions)-1]
	return v, !v.deleted
}

// at returns the key's version in the snapshot at rev, or false when the key did
// not exist then.
func (r *record) at(rev int64) (version, bool) {
	n := len(r.versions)
	if n > 0 && r.versions[n-1].modRev <= rev {
		v := r.versions[n-1]
		return v, !v.deleted
	}
	// First version newer than rev; the one before it is the snapshot's.
	i := sort.Search(n, func(i int) bool { return r.versions[i].modRev > rev })
	if i == 0 {
		return version{}, false
	}
	v := r.versions[i-1]
	return v, !v.deleted
}

// compact drops the versions a compaction at rev discards: every version at or
// before rev except the newest one, and that one too when it is a tombstone. It
// reports whether the record is now empty.
func (r *record) compact(rev int64) (empty bool) {
	r.compactedAt = rev
	// i: first version newer than rev.
	i := sort.Search(len(r.versions), func(i int) bool { return r.versions[i].modRev > rev })
	keep := i - 1 // newest version at or before rev
	if keep >= 0 && r.versions[keep].deleted {
		keep++
	}
	if keep > 0 {
		n := copy(r.versions, r.versions[keep:])
		clear(r.versions[n:])
		r.versions = r.versions[:n]
	}
	return len(r.versions) == 0
}

// keyValue returns v as the contract's KeyValue of key r.
func (v version) keyValue(key string) *storage.KeyValue {
	return &storage.KeyValue{Key: key, Value: v.value, CreateRevision: v.createRev, ModRevision: v.modRev}
}
