package bolt

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"kctl.dev/kctl/server/storage"
)

// TestCompactionKeepsDeletesDeleted: compactions that remove whole runs of
// versions (contiguous keys deleted, so leaf pages empty out inside the
// compaction's transaction) must never bring a deleted key back, nor lose a live
// one. Each round's state is checked against a model through List and Get.
func TestCompactionKeepsDeletesDeleted(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "kctl.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const keys = 3000
	key := func(i int) string { return fmt.Sprintf("/registry/configmaps/default/cm-%05d", i) }
	model := map[string]int64{} // key -> mod revision
	rng := rand.New(rand.NewPCG(1, 2))
	put := func(i int) {
		k := key(i)
		if rev, ok := model[k]; ok {
			nrev, err := s.Update(ctx, k, []byte(fmt.Sprintf("v%d", rng.IntN(1000))), rev)
			if err != nil {
				t.Fatalf("update %s: %v", k, err)
			}
			model[k] = nrev
			return
		}
		nrev, err := s.Create(ctx, k, []byte("new"))
		if err != nil {
			t.Fatalf("create %s: %v", k, err)
		}
		model[k] = nrev
	}
	del := func(i int) {
		k := key(i)
		if _, ok := model[k]; !ok {
			return
		}
		if _, _, err := s.Delete(ctx, k, 0); err != nil {
			t.Fatalf("delete %s: %v", k, err)
		}
		delete(model, k)
	}
	for round := range 6 {
		for i := range keys {
			if rng.IntN(3) > 0 {
				put(i)
			}
		}
		// Delete contiguous runs, and compact with some of them before and some
		// after the previous compaction.
		start := rng.IntN(keys / 2)
		for i := start; i < start+keys/3; i++ {
			del(i)
		}
		for range keys / 10 {
			del(rng.IntN(keys))
		}
		rev, err := s.Revision(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Compact(ctx, rev); err != nil {
			t.Fatalf("round %d: compact: %v", round, err)
		}
		list, err := s.List(ctx, "/registry/configmaps/", storage.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.KVs) != len(model) {
			t.Errorf("round %d: list has %d keys, model %d", round, len(list.KVs), len(model))
		}
		for _, kv := range list.KVs {
			if rev, ok := model[kv.Key]; !ok || rev != kv.ModRevision {
				t.Fatalf("round %d: list has %s at %d; model: present=%v at %d", round, kv.Key, kv.ModRevision, ok, rev)
			}
		}
		for i := range keys {
			kv, err := s.Get(ctx, key(i))
			rev, ok := model[key(i)]
			switch {
			case ok && (err != nil || kv.ModRevision != rev):
				t.Fatalf("round %d: get %s: %v (at %v), want revision %d", round, key(i), err, kv, rev)
			case !ok && err == nil:
				t.Fatalf("round %d: deleted %s is back at %d", round, key(i), kv.ModRevision)
			}
		}
	}
}

// TestCompactionDuringConcurrentWrites: compactions batched into the same
// transactions as concurrent writes (the committer's group commit) keep every
// writer's view exact: no deleted key comes back, a create of a live key
// fails, a create of a deleted key succeeds.
func TestCompactionDuringConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "kctl.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const writers, keysPer, ops = 4, 800, 6000
	done := make(chan struct{})
	compactions := make(chan int, 1)
	go func() { // compact at the current revision, over and over
		n := 0
		defer func() { compactions <- n }()
		for {
			select {
			case <-done:
				return
			default:
			}
			if rev, err := s.Revision(ctx); err == nil && rev > 0 {
				if err := s.Compact(ctx, rev); err == nil {
					n++
				}
			}
		}
	}()
	errs := make(chan error, writers)
	models := make([]map[string]int64, writers)
	for w := range writers {
		models[w] = map[string]int64{}
		go func() {
			model := models[w]
			rng := rand.New(rand.NewPCG(uint64(w), 9))
			key := func(i int) string { return fmt.Sprintf("/registry/configmaps/w%d/cm-%05d", w, i) }
			for op := 0; op < ops; op++ {
				i := rng.IntN(keysPer)
				k := key(i)
				rev, live := model[k]
				switch {
				case rng.IntN(4) == 0: // a contiguous run of deletes
					for j := i; j < min(i+40, keysPer); j++ {
						if _, ok := model[key(j)]; ok {
							if _, _, err := s.Delete(ctx, key(j), 0); err != nil {
								errs <- fmt.Errorf("delete live %s: %w", key(j), err)
								return
							}
							delete(model, key(j))
						}
					}
				case live:
					nrev, err := s.Update(ctx, k, []byte("u"), rev)
					if err != nil {
						errs <- fmt.Errorf("update live %s at %d: %w", k, rev, err)
						return
					}
					model[k] = nrev
					if _, err := s.Create(ctx, k, []byte("dup")); err == nil {
						errs <- fmt.Errorf("create of live %s succeeded", k)
						return
					}
				default:
					nrev, err := s.Create(ctx, k, []byte("c"))
					if err != nil {
						errs <- fmt.Errorf("create of deleted %s: %w", k, err)
						return
					}
					model[k] = nrev
				}
			}
			errs <- nil
		}()
	}
	for range writers {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	close(done)
	t.Logf("%d compactions during the writes", <-compactions)
	for w, model := range models {
		list, err := s.List(ctx, fmt.Sprintf("/registry/configmaps/w%d/", w), storage.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.KVs) != len(model) {
			t.Errorf("writer %d: list has %d keys, model %d", w, len(list.KVs), len(model))
		}
		for _, kv := range list.KVs {
			if rev, ok := model[kv.Key]; !ok || rev != kv.ModRevision {
				t.Errorf("writer %d: list has %s at %d; model: present=%v at %d", w, kv.Key, kv.ModRevision, ok, rev)
			}
		}
	}
}
