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
	var logKeys [][]byte
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
		tombstone := len(v) > 0 && v[0]&flagTombstone != 0
		if pk, _ := kc.Prev(); pk != nil && isVersionOf(pk, string(key)) {
			if err := b.keys.Delete(bytes.Clone(pk)); err != nil {
				return err
			}
		}
		if tombstone {
			if err := b.keys.Delete(vk); err != nil {
				return err
			}
		}
	}
	for _, lk := range logKeys {
		if err := b.log.Delete(lk); err != nil {
			return err
		}
	}
	return nil
}
