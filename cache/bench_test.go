package cache

import (
	"fmt"
	"sync"
	"testing"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/labels"
)

// The benchmark cache: 50,000 pods in 50 namespaces on 1,000 nodes, labelled
// app (500 values, 100 pods each) and tier (web, db, cache).
const benchPods = 50_000

var benchCache = sync.OnceValue(func() *Indexer[*corev1.Pod] {
	c := NewIndexer(podKind.nodeIndexer())
	pods := make([]*corev1.Pod, benchPods)
	for i := range pods {
		pods[i] = podKind.mk(fmt.Sprint("ns-", i%50), fmt.Sprint("pod-", i), "1",
			lbl{"app": fmt.Sprint("app-", i%500), "tier": []string{"web", "db", "cache"}[i%3]},
			fmt.Sprint("node-", i%1000))
	}
	c.Replace(pods)
	return c
})

// fullScan is what a cache without indexes does: match every object.
func fullScan(c *Indexer[*corev1.Pod], match func(*corev1.Pod) bool) []*corev1.Pod {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []*corev1.Pod
	for _, p := range c.s.items {
		if match(p) {
			out = append(out, p)
		}
	}
	return out
}

func benchLen(b *testing.B, want int, f func() int) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		if n := f(); n != want {
			b.Fatalf("got %d objects, want %d", n, want)
		}
	}
}

func BenchmarkByIndex(b *testing.B) {
	c := benchCache()
	b.Run("index", func(b *testing.B) {
		benchLen(b, 50, func() int { return len(c.ByIndex("node", "node-7")) })
	})
	b.Run("fullScan", func(b *testing.B) {
		benchLen(b, 50, func() int {
			return len(fullScan(c, func(p *corev1.Pod) bool { return p.Spec.NodeName == "node-7" }))
		})
	})
}

func BenchmarkListByLabel(b *testing.B) {
	c := benchCache()
	l := NewLister(c)
	eq := labels.SelectorFromSet(labels.Set{"app": "app-7"})
	mixed, _ := labels.Parse("app in (app-7,app-8),tier!=db")
	noEq, _ := labels.Parse("tier!=web,app")
	b.Run("equality/index", func(b *testing.B) {
		benchLen(b, 100, func() int { return len(l.List(eq)) })
	})
	b.Run("equality/fullScan", func(b *testing.B) {
		benchLen(b, 100, func() int {
			return len(fullScan(c, func(p *corev1.Pod) bool { return eq.Matches(labels.Set(p.Labels)) }))
		})
	})
	b.Run("in+notEqual/index", func(b *testing.B) {
		benchLen(b, 133, func() int { return len(l.List(mixed)) })
	})
	b.Run("in+notEqual/fullScan", func(b *testing.B) {
		benchLen(b, 133, func() int {
			return len(fullScan(c, func(p *corev1.Pod) bool { return mixed.Matches(labels.Set(p.Labels)) }))
		})
	})
	b.Run("namespace+equality/index", func(b *testing.B) {
		benchLen(b, 100, func() int { return len(l.Namespace("ns-7").List(eq)) })
	})
	b.Run("noEquality/scan", func(b *testing.B) {
		benchLen(b, 33333, func() int { return len(l.List(noEq)) })
	})
}

func BenchmarkUpdate(b *testing.B) {
	c := benchCache()
	pods := []*corev1.Pod{
		podKind.mk("ns-1", "pod-1", "2", lbl{"app": "app-1", "tier": "db"}, "node-1"),
		podKind.mk("ns-1", "pod-1", "3", lbl{"app": "app-2", "tier": "db"}, "node-2"),
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c.Update(pods[i%2])
		i++
	}
}

func BenchmarkReplace50k(b *testing.B) {
	c := benchCache()
	pods := c.List()
	b.ReportAllocs()
	for b.Loop() {
		c.Replace(pods)
	}
}
