package cache_test

import (
	"fmt"
	"maps"
	"slices"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/cache"
	"kctl.dev/kctl/labels"
)

func newPod(ns, name, node string, lbls map[string]string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name, ResourceVersion: "1", Labels: lbls},
		Spec:       corev1.PodSpec{NodeName: node},
	}
}

func names(pods []*corev1.Pod) []string {
	var out []string
	for _, p := range pods {
		out = append(out, cache.KeyOf(p))
	}
	slices.Sort(out) // the cache returns objects in no particular order
	return out
}

func Example() {
	// A cache of pods with an index by node, next to the built-in namespace
	// and label indexes.
	pods := cache.NewIndexer(cache.Indexers[*corev1.Pod]{
		"node": func(p *corev1.Pod) ([]string, error) { return []string{p.Spec.NodeName}, nil },
	})

	// The informer fills it...
	pods.Replace([]*corev1.Pod{
		newPod("prod", "web-0", "node-1", map[string]string{"app": "web", "tier": "frontend"}),
		newPod("prod", "web-1", "node-2", map[string]string{"app": "web", "tier": "frontend"}),
		newPod("prod", "db-0", "node-1", map[string]string{"app": "db", "tier": "backend"}),
		newPod("dev", "web-0", "node-2", map[string]string{"app": "web", "tier": "frontend"}),
	})

	// ...and controllers read it.
	fmt.Println("on node-1:", names(pods.ByIndex("node", "node-1")))

	lister := cache.NewLister(pods)
	sel, err := labels.Parse("app=web,tier!=backend")
	if err != nil {
		panic(err)
	}
	fmt.Println("web everywhere:", names(lister.List(sel)))
	fmt.Println("web in prod:", names(lister.Namespace("prod").List(sel)))

	if p, ok := lister.Namespace("prod").Get("db-0"); ok {
		// Objects are shared with the cache: copy what you change.
		cp := *p
		cp.Labels = maps.Clone(p.Labels)
		cp.Labels["app"] = "database"
		fmt.Println("copy changed; cache still says:", names(pods.ByIndex(cache.LabelIndex, "app=db")))
	}
	// Output:
	// on node-1: [prod/db-0 prod/web-0]
	// web everywhere: [dev/web-0 prod/web-0 prod/web-1]
	// web in prod: [prod/web-0 prod/web-1]
	// copy changed; cache still says: [prod/db-0]
}
