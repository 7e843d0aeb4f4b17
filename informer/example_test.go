package informer_test

import (
	"context"
	"fmt"
	"log"
	"slices"
	"sync"
	"time"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/cache"
	"kctl.dev/kctl/client"
	"kctl.dev/kctl/informer"
	"kctl.dev/kctl/labels"
	"kctl.dev/kctl/server/fake"
)

var configMapsGVR = client.GVR{Version: "v1", Resource: "configmaps"}

// exampleClient starts a server (in a test: fake.Start(t)) holding the given
// ConfigMaps of namespace default, and returns a client of it and a function
// that closes both.
func exampleClient(names ...string) (*client.Client, func()) {
	srv, err := fake.New()
	if err != nil {
		log.Fatal(err)
	}
	c, err := client.New(&client.Config{Servers: []string{srv.URL}})
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range names {
		createConfigMap(c, name, map[string]string{"app": "web"})
	}
	return c, func() { c.Close(); srv.Close() }
}

func createConfigMap(c *client.Client, name string, lbls map[string]string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cm := &corev1.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: name, Labels: lbls}}
	if _, err := client.NewResource[*corev1.ConfigMap](c, configMapsGVR, true).Namespace("default").Create(ctx, cm, client.WriteOptions{}); err != nil {
		log.Fatal(err)
	}
}

// An informer built alone from a typed client: the handler gets the first
// list as initial adds, then every change.
func ExampleNew() {
	c, closeAll := exampleClient("web", "db")
	defer closeAll()

	configMaps := client.NewResource[*corev1.ConfigMap](c, configMapsGVR, true).Namespace("default")
	inf := informer.New(configMaps, informer.Options[*corev1.ConfigMap]{})

	var (
		mu      sync.Mutex
		initial []string
	)
	later := make(chan string, 10)
	reg, err := inf.AddEventHandler(informer.HandlerFuncs[*corev1.ConfigMap]{
		AddFunc: func(cm *corev1.ConfigMap, isInInitialList bool) {
			if !isInInitialList {
				later <- "added " + cm.Name
				return
			}
			mu.Lock()
			initial = append(initial, cm.Name)
			mu.Unlock()
		},
		DeleteFunc: func(cm *corev1.ConfigMap, _ *cache.Tombstone[*corev1.ConfigMap]) {
			later <- "deleted " + cm.Name
		},
	})
	if err != nil {
		log.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	var wg sync.WaitGroup
	wg.Go(func() { inf.Run(ctx) })
	defer wg.Wait() // Run returns once its goroutines have
	defer cancel()

	// The registration has synced once the handler has returned from every
	// initial add. Their order is the list's: sort for a stable output.
	if !informer.WaitForCacheSync(ctx, reg.HasSynced) {
		log.Fatal("cache not synced")
	}
	mu.Lock()
	slices.Sort(initial)
	fmt.Println("initial:", initial)
	mu.Unlock()

	createConfigMap(c, "cache", nil)
	fmt.Println(<-later)
	if err := configMaps.Delete(ctx, "db", meta.DeleteOptions{}); err != nil {
		log.Fatal(err)
	}
	fmt.Println(<-later)

	// The cache is updated before handlers are told. Keys come in no
	// particular order.
	keys := inf.Indexer().Keys()
	slices.Sort(keys)
	fmt.Println("cached:", keys)
	// Output:
	// initial: [db web]
	// added cache
	// deleted db
	// cached: [default/cache default/web]
}

// A Factory shares informers and starts them together; For gives a typed
// informer of a resource, here narrowed by a label selector.
func ExampleFor() {
	c, closeAll := exampleClient("web", "web-assets")
	defer closeAll()
	createConfigMap(c, "db", map[string]string{"app": "db"})

	f := informer.NewFactory(c, informer.FactoryOptions{Namespace: "default"})
	defer f.Shutdown() // stops the informers and waits for them
	web := informer.For[*corev1.ConfigMap](f, configMapsGVR, true, informer.WithLabelSelector("app=web"))
	namespaces := informer.For[*corev1.Namespace](f, client.GVR{Version: "v1", Resource: "namespaces"}, false)
	// Asking again gives the same informer.
	fmt.Println("shared:", web == informer.For[*corev1.ConfigMap](f, configMapsGVR, true, informer.WithLabelSelector("app=web")))

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f.Start(ctx)
	if !f.WaitForCacheSync(ctx) {
		log.Fatal("caches not synced")
	}

	// Read through listers; sort what they return for a stable output.
	var names []string
	for _, cm := range web.Lister().Namespace("default").List(labels.Everything()) {
		names = append(names, cm.Name)
	}
	slices.Sort(names)
	fmt.Println("web config maps:", names)
	_, ok := web.Lister().Namespace("default").Get("db")
	fmt.Println("db cached:", ok)
	fmt.Println("namespaces:", len(namespaces.Lister().List(labels.Everything())))
	// Output:
	// shared: true
	// web config maps: [web web-assets]
	// db cached: false
	// namespaces: 4
}
