package cache

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/labels"
)

// Many goroutines write and read at once; the race detector checks the
// locking and checkInvariants the indexes afterwards. Each writer owns its
// keys, so the final content is known.
func TestConcurrentUse(t *testing.T) {
	c := NewIndexer(podKind.nodeIndexer())
	l := NewLister(c)
	const writers, perWriter = 8, 50
	var wg sync.WaitGroup
	final := make([]map[string]bool, writers)
	for w := range writers {
		final[w] = map[string]bool{}
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 0))
			ns := fmt.Sprint("ns", w%3)
			for i := range 1000 {
				name := fmt.Sprint("w", w, "-", rng.IntN(perWriter))
				l := lbl{"app": fmt.Sprint("a", rng.IntN(4))}
				switch rng.IntN(3) {
				case 0:
					c.Add(podKind.mk(ns, name, fmt.Sprint(i), l, fmt.Sprint("n", rng.IntN(3))))
					final[w][ns+"/"+name] = true
				case 1:
					c.Update(podKind.mk(ns, name, fmt.Sprint(i), l, ""))
					final[w][ns+"/"+name] = true
				case 2:
					c.Delete(podKind.mk(ns, name, "", nil, ""))
					delete(final[w], ns+"/"+name)
				}
			}
		})
	}
	// Readers run a fixed number of rounds alongside the writers: on few CPUs
	// under -race, readers looping until the writers finish would starve them.
	sel := labels.SelectorFromSet(labels.Set{"app": "a1"})
	for range 4 {
		wg.Go(func() {
			for range 100 {
				for _, p := range l.Namespace("ns1").List(sel) {
					if p.Namespace != "ns1" || p.Labels["app"] != "a1" {
						t.Errorf("List(ns1, app=a1) gave %s %v", KeyOf(p), p.Labels)
					}
				}
				for _, p := range c.ByIndex("node", "n1") {
					if p.Spec.NodeName != "n1" {
						t.Errorf("ByIndex(node, n1) gave %s on %q", KeyOf(p), p.Spec.NodeName)
					}
				}
				_ = c.List()
				_, _ = c.Get("ns0/w0-1")
			}
		})
	}
	wg.Wait()

	want := 0
	for _, keys := range final {
		want += len(keys)
		for key := range keys {
			if _, ok := c.Get(key); !ok {
				t.Errorf("%s missing", key)
			}
		}
	}
	if c.Len() != want {
		t.Errorf("Len = %d, want %d", c.Len(), want)
	}
	checkInvariants(t, c)
}

// AddIndexers and Replace may run while other goroutines write and read.
func TestAddIndexersWhileWriting(t *testing.T) {
	c := NewIndexer[*corev1.Pod](nil)
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 3000 {
			c.Update(podKind.mk("a", fmt.Sprint("p", i%100), fmt.Sprint(i), nil, fmt.Sprint("n", i%5)))
			if i%1000 == 999 {
				c.Replace(c.List())
			}
		}
	})
	wg.Go(func() {
		for range 1000 {
			_ = c.ByIndex("node", "n1")
		}
	})
	if err := c.AddIndexers(podKind.nodeIndexer()); err != nil {
		t.Error(err)
	}
	wg.Wait()
	checkInvariants(t, c)
}
