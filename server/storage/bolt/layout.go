package bolt

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	bbolt "go.etcd.io/bbolt"

	"kctl.dev/kctl/server/storage"
)

// Bucket and meta key names; see the package comment.
var (
	bucketMeta = []byte("meta")
	bucketKeys = []byte("keys")
	bucketLog  = []byte("log")

	metaFormat    = []byte("format")
	metaRev       = []byte("rev")
	metaCompacted = []byte("compacted")
)

const (
	formatVersion = 1
	revLen        = 8
	recordHeader  = 1 + revLen // flags, createRev
	flagTombstone = 1
	// maxKeyLen keeps key 0x00 rev within bbolt's key size limit.
	maxKeyLen = bbolt.MaxKeySize - 1 - revLen
)

// buckets are the three buckets of one transaction.
type buckets struct {
	meta, keys, log *bbolt.Bucket
}

func bucketsOf(tx *bbolt.Tx) (buckets, error) {
	b := buckets{meta: tx.Bucket(bucketMeta), keys: tx.Bucket(bucketKeys), log: tx.Bucket(bucketLog)}
	if b.meta == nil || b.keys == nil || b.log == nil {
		return b, fmt.Errorf("storage: bolt: missing bucket: not a kctl storage file")
	}
	return b, nil
}

func (b buckets) rev() int64       { return getRev(b.meta.Get(metaRev)) }
func (b buckets) compacted() int64 { return getRev(b.meta.Get(metaCompacted)) }

func putRev(buf []byte, rev int64) []byte {
	return binary.BigEndian.AppendUint64(buf, uint64(rev))
}

func getRev(b []byte) int64 {
	if len(b) != revLen {
		return 0
	}
	return int64(binary.BigEndian.Uint64(b))
}

// versionKey returns key 0x00 rev.
func versionKey(key string, rev int64) []byte {
	b := make([]byte, 0, len(key)+1+revLen)
	b = append(b, key...)
	b = append(b, 0)
	return putRev(b, rev)
}

// splitVersionKey returns the key and revision of a keys-bucket key.
func splitVersionKey(k []byte) (key []byte, rev int64) {
	n := len(k) - 1 - revLen
	return k[:n], getRev(k[n+1:])
}

// encodeRecord returns the keys-bucket value of a version.
func encodeRecord(createRev int64, value []byte, tombstone bool) []byte {
	b := make([]byte, recordHeader, recordHeader+len(value))
	if tombstone {
		b[0] = flagTombstone
	}
	binary.BigEndian.PutUint64(b[1:], uint64(createRev))
	return append(b, value...)
}

// record is a decoded keys-bucket entry. value aliases the transaction's memory
// until copied.
type record struct {
	modRev    int64
	createRev int64
	value     []byte
	tombstone bool
}

func decodeRecord(k, v []byte) (record, error) {
	if len(v) < recordHeader || len(k) < 1+revLen {
		return record{}, fmt.Errorf("storage: bolt: corrupt version %q", k)
	}
	_, rev := splitVersionKey(k)
	return record{
		modRev:    rev,
		createRev: getRev(v[1:recordHeader]),
		value:     v[recordHeader:],
		tombstone: v[0]&flagTombstone != 0,
	}, nil
}

// keyValue copies r out of the transaction as the contract's KeyValue.
func (r record) keyValue(key string) *storage.KeyValue {
	return &storage.KeyValue{
		Key:            key,
		Value:          bytes.Clone(r.value),
		CreateRevision: r.createRev,
		ModRevision:    r.modRev,
	}
}

// latest returns the newest version of key, tombstone or not; ok is false when
// the keys bucket holds none.
//
// It reads the key's versions forward from the first. Seeking past the last
// version and stepping back with Prev is not reliable in a read-write
// transaction that has deleted keys (a compaction batched with writes): Prev
// can miss the version, and a create would then see a live key as absent.
func latest(keys *bbolt.Bucket, key string) (r record, ok bool, err error) {
	var lk, lv []byte
	c := keys.Cursor()
	for k, v := c.Seek(versionKey(key, 0)); k != nil && isVersionOf(k, key); k, v = c.Next() {
		lk, lv = k, v
	}
	if lk == nil {
		return record{}, false, nil
	}
	r, err = decodeRecord(lk, lv)
	return r, err == nil, err
}

// previousVersion returns the key of the version of key just before rev, or
// nil; it reads forward, as latest does.
func previousVersion(c *bbolt.Cursor, key string, rev int64) []byte {
	var prev []byte
	for k, _ := c.Seek(versionKey(key, 0)); k != nil && isVersionOf(k, key); k, _ = c.Next() {
		if _, r := splitVersionKey(k); r >= rev {
			break
		}
		prev = k
	}
	return prev
}

// isVersionOf reports whether k is a keys-bucket key of key.
func isVersionOf(k []byte, key string) bool {
	return len(k) == len(key)+1+revLen && k[len(key)] == 0 && string(k[:len(key)]) == key
}

// validKey reports why key cannot be stored, or nil.
func validKey(key string) error {
	if key == "" || len(key) > maxKeyLen || strings.IndexByte(key, 0) >= 0 {
		return fmt.Errorf("storage: bolt: invalid key %q: keys are non-empty, without NUL, at most %d bytes", key, maxKeyLen)
	}
	return nil
}
