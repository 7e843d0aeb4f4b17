package watchcache_test

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"testing"

	"kctl.dev/kctl/internal/testobjects"

	"kctl.dev/kctl/server/kinds"
	"kctl.dev/kctl/server/registry"
	"kctl.dev/kctl/server/storage/memory"
	"kctl.dev/kctl/server/watchcache"
)

// BenchmarkWatchCacheMemory measures the heap a loaded cache of pods costs per
// object: 20,000 pods of about 2 KiB are put in a memory store, then each op
// starts a cache over it, waits until it has loaded (a List), and measures the
// live heap growth (after GC) with the cache still referenced.
// overhead-bytes/object is that minus the stored JSON's size.
//
//	go test -run=NONE -bench=WatchCacheMemory ./server/watchcache
func BenchmarkWatchCacheMemory(b *testing.B) {
	const n = 20_000
	ctx := context.Background()
	var pods *registry.Kind
	for _, k := range kinds.Builtin() {
		if k.Group == "" && k.Resource == "pods" {
			pods = k
		}
	}
	if pods == nil {
		b.Fatal("no pods kind in kinds.Builtin()")
	}
	kv := memory.New()
	defer kv.Close()
	prefix := registry.KeyPrefix(pods)
	var raw int64
	for i := range n {
		v := testobjects.StoredPod(int64(i))
		raw += int64(len(v))
		if _, err := kv.Create(ctx, fmt.Sprintf("%sdefault/checkout-%d", prefix, i), v); err != nil {
			b.Fatal(err)
		}
	}
	cfg := watchcache.Config{Logger: slog.New(slog.DiscardHandler)}
	var growth int64
	for b.Loop() {
		before := liveHeap()
		c := watchcache.New(pods, kv, cfg)
		items, _, err := c.List(ctx, "", registry.Selection{}) // waits for the load
		if err != nil {
			b.Fatal(err)
		}
		if len(items) != n {
			b.Fatalf("cache lists %d pods, want %d", len(items), n)
		}
		growth += int64(liveHeap() - before)
		runtime.KeepAlive(c)
		c.Stop()
	}
	perObject := float64(growth) / float64(b.N) / n
	b.ReportMetric(perObject, "bytes/object")
	b.ReportMetric(perObject-float64(raw)/n, "overhead-bytes/object")
	b.ReportMetric(float64(raw)/n, "json-bytes/object")
}

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
