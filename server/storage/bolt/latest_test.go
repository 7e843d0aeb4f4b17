package bolt

import (
	"fmt"
	"path/filepath"
	"testing"

	"go.etcd.io/bbolt"
)

// TestLatestAfterDeletesInTheSameTransaction: after a transaction has deleted
// runs of versions (as a compaction batched with writes does), latest still
// finds the newest version of every remaining key.
func TestLatestAfterDeletesInTheSameTransaction(t *testing.T) {
	db, err := bbolt.Open(filepath.Join(t.TempDir(), "t.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const keys = 2000
	key := func(i int) string { return fmt.Sprintf("/registry/configmaps/default/cm-%05d", i) }
	err = db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucket(bucketKeys)
		if err != nil {
			return err
		}
		for i := range keys {
			for rev := int64(1); rev <= 3; rev++ {
				if err := b.Put(versionKey(key(i), int64(i)*10+rev), encodeRecord(int64(i)*10+1, []byte("v"), false)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	gone := map[int]bool{}
	for _, run := range []struct{ from, to int }{{100, 400}, {900, 1300}, {1500, 1990}} {
		for i := run.from; i < run.to; i++ {
			gone[i] = true
		}
		err = db.Update(func(tx *bbolt.Tx) error {
			b := tx.Bucket(bucketKeys)
			for i := run.from; i < run.to; i++ { // every version: whole leaves empty out
				for rev := int64(1); rev <= 3; rev++ {
					if err := b.Delete(versionKey(key(i), int64(i)*10+rev)); err != nil {
						return err
					}
				}
			}
			for i := range keys {
				r, ok, err := latest(b, key(i))
				deleted := gone[i]
				switch {
				case err != nil:
					return err
				case deleted && ok:
					return fmt.Errorf("deleted %s still has version %d", key(i), r.modRev)
				case !deleted && (!ok || r.modRev != int64(i)*10+3):
					return fmt.Errorf("%s: latest = %d (found %v), want %d", key(i), r.modRev, ok, int64(i)*10+3)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
