package storagetest

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"

	"kctl.dev/kctl/server/storage"
)

// BenchCreate measures Create of 2 KiB values, one caller at a time
// ("sequential") and from 16 goroutines ("parallel16"); it reports writes/s.
// newStore returns a new, empty store and closes it when the benchmark ends.
func BenchCreate(b *testing.B, newStore func(b *testing.B) storage.Interface) {
	value := bytes.Repeat([]byte("x"), 2048)
	b.Run("sequential", func(b *testing.B) {
		s := newStore(b)
		ctx := b.Context()
		b.SetBytes(int64(len(value)))
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := s.Create(ctx, "/registry/pods/default/pod-"+strconv.Itoa(i), value); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "writes/s")
	})
	b.Run("parallel16", func(b *testing.B) {
		s := newStore(b)
		ctx := b.Context()
		var n atomic.Int64
		b.SetBytes(int64(len(value)))
		b.ReportAllocs()
		b.SetParallelism((16 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				key := "/registry/pods/default/pod-" + strconv.FormatInt(n.Add(1), 10)
				if _, err := s.Create(ctx, key, value); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(n.Load())/b.Elapsed().Seconds(), "writes/s")
	})
}

// BenchList measures List over 10,000 keys with 1 KiB values: the whole prefix
// ("all"), the first page of 500 ("page500"), and the whole prefix at a past
// revision after every key was updated once ("all-past").
func BenchList(b *testing.B, newStore func(b *testing.B) storage.Interface) {
	const keys = 10000
	s := newStore(b)
	ctx := b.Context()
	value := bytes.Repeat([]byte("x"), 1024)
	// Load concurrently: a durable backend commits concurrent writes together.
	var next atomic.Int64
	revs := make([]int64, keys)
	errs := make(chan error, 16)
	for range 16 {
		go func() {
			for {
				i := next.Add(1) - 1
				if i >= keys {
					errs <- nil
					return
				}
				rev, err := s.Create(ctx, fmt.Sprintf("/registry/pods/ns/pod-%05d", i), value)
				if err != nil {
					errs <- err
					return
				}
				revs[i] = rev
			}
		}()
	}
	for range 16 {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	loaded, err := s.Revision(ctx)
	if err != nil {
		b.Fatal(err)
	}
	run := func(name string, opts storage.ListOptions, want int) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res, err := s.List(ctx, "/registry/pods/", opts)
				if err != nil {
					b.Fatal(err)
				}
				if len(res.KVs) != want {
					b.Fatalf("listed %d keys, want %d", len(res.KVs), want)
				}
			}
		})
	}
	run("all", storage.ListOptions{}, keys)
	run("page500", storage.ListOptions{Limit: 500}, 500)
	next.Store(0)
	for range 16 {
		go func() {
			for {
				i := next.Add(1) - 1
				if i >= keys {
					errs <- nil
					return
				}
				_, err := s.Update(ctx, fmt.Sprintf("/registry/pods/ns/pod-%05d", i), value, revs[i])
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range 16 {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	run("all-past", storage.ListOptions{Revision: loaded}, keys)
}
