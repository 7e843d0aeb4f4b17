package bolt

import (
	"bytes"
	"fmt"
)

// compactTx compacts from the previous compaction revision from to rev, in the
// caller's read-write transaction: for each log entry in (from, rev] it deletes
// the version that entry superseded, and the entry's own version if it is a
// tombstone; then it deletes those log entries. See the package comment for why
// that leaves exactly what reads and watches at or after rev need.
func compactTx(b buckets, from, rev int64) error {
	// First decide, then delete: the cursors only read while they walk. (Deleting
	// through the bucket while a cursor of the same transaction goes on with Seek
	// and Prev can, once a leaf node has been emptied, make Prev miss the
	// superseded version: the tombstone would then go and the older version come
	// back to life.)
	var logKeys, versions [][]byte
	kc := b.keys.Cursor()
	lc := b.log.Cursor()
	for lk, key := lc.Seek(putRev(nil, from+1)); lk != nil; lk, key = lc.Next() {
		r := getRev(lk)
		if r > rev {
			break
		}
		logKeys = append(logKeys, bytes.Clone(lk))
		vk := versionKey(string(key), r)
		k, v := kc.Seek(vk)
		if k == nil || !bytes.Equal(k, vk) {
			return fmt.Errorf("log entry %d names %q, which has no version %d", r, key, r)
		}
		if len(v) > 0 && v[0]&flagTombstone != 0 {
			versions = append(versions, vk)
		}
		if pk, _ := kc.Prev(); pk != nil && isVersionOf(pk, string(key)) {
			versions = append(versions, bytes.Clone(pk))
		}
	}
	for _, vk := range versions { // a version may be listed twice: deleting again is a no-op
		if err := b.keys.Delete(vk); err != nil {
			return err
		}
	}
	for _, lk := range logKeys {
		if err := b.log.Delete(lk); err != nil {
			return err
		}
	}
	return nil
}
