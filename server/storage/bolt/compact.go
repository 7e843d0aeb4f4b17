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
	// First decide, then delete, and find superseded versions by reading
	// forward: cursor Prev is not reliable in a transaction that has deleted
	// keys (an earlier compaction in the same batch), and a missed superseded
	// version would come back to life once its tombstone goes.
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
		if pk := previousVersion(kc, string(key), r); pk != nil {
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
