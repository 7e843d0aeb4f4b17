package clientgo

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"

	"kctl.dev/kctl/server"
	"kctl.dev/kctl/server/storage/memory"
	"kctl.dev/kctl/server/watchcache"
)

// ns is the namespace the tests use; every server has it.
const ns = "default"

// podsPath is the pods collection of ns, as the recorder sees it.
const podsPath = "/api/v1/namespaces/" + ns + "/pods"

// testServer is a kctl server behind two httptest servers sharing its handler.
// Informers connect to watched, whose requests are recorded and whose
// connections a test may cut; the test's own writes go through writer, so
// cutting the informer's connections never fails a write.
type testServer struct {
	watched *httptest.Server
	writer  *httptest.Server
	rec     *recorder
	// client writes through writer.
	client kubernetes.Interface
}

// startServer builds the server itself (server.New behind httptest) rather than
// with fake.Start: it needs the handler behind a recorder, and the watch cache
// configured (fake has no option for server.Config.WatchCache).
func startServer(t *testing.T, wc watchcache.Config) *testServer {
	t.Helper()
	st := memory.New()
	srv, err := server.New(server.Config{
		Storage:            st,
		Logger:             slog.New(slog.DiscardHandler),
		CompactionInterval: -1,
		WatchCache:         wc,
	})
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder(srv.Handler())
	ts := &testServer{
		watched: httptest.NewServer(rec),
		writer:  httptest.NewServer(srv.Handler()),
		rec:     rec,
	}
	t.Cleanup(func() {
		// Shutdown ends open watches; then nothing keeps the httptest servers'
		// handlers running and Close can wait for them.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		rec.shutdown()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("server shutdown: %v", err)
		}
		ts.watched.Close()
		ts.writer.Close()
		if err := st.Close(); err != nil {
			t.Errorf("close storage: %v", err)
		}
	})
	ts.client = newClientset(t, ts.writer.URL)
	return ts
}

// newClientset returns a typed clientset for the server at url, without client
// side rate limiting.
func newClientset(t *testing.T, url string) kubernetes.Interface {
	t.Helper()
	cs, err := kubernetes.NewForConfig(&rest.Config{Host: url, QPS: 1000, Burst: 1000, UserAgent: "kctl-clientgo-test"})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// podEvent is one call of an informer's event handler.
type podEvent struct {
	Type string // add, update, delete
	Name string
	RV   string
	// OldRV is an update's previous resourceVersion.
	OldRV string
	// InitialList is an add's isInInitialList.
	InitialList bool
	// Deleting is an update that set deletionTimestamp. Deleting a pod,
	// even at once, first sets it (one MODIFIED event), as Kubernetes does.
	Deleting bool
}

func (e podEvent) String() string {
	switch e.Type {
	case "update":
		s := fmt.Sprintf("update %s %s->%s", e.Name, e.OldRV, e.RV)
		if e.Deleting {
			s += " (deleting)"
		}
		return s
	case "add":
		if e.InitialList {
			return fmt.Sprintf("add %s@%s (initial)", e.Name, e.RV)
		}
	}
	return fmt.Sprintf("%s %s@%s", e.Type, e.Name, e.RV)
}

// podInformer is a client-go SharedInformerFactory's pod informer for ns,
// connected to the watched server, with a handler that logs every event.
type podInformer struct {
	informer cache.SharedIndexInformer
	lister   corelisters.PodLister

	mu      sync.Mutex
	events  []podEvent
	changed chan struct{}
}

// startInformer starts the informer; with sync it also waits for HasSynced.
// The client-go feature gates must be set before.
func (ts *testServer) startInformer(t *testing.T, sync bool) *podInformer {
	t.Helper()
	f := informers.NewSharedInformerFactoryWithOptions(newClientset(t, ts.watched.URL), 0, informers.WithNamespace(ns))
	pods := f.Core().V1().Pods()
	p := &podInformer{informer: pods.Informer(), lister: pods.Lister(), changed: make(chan struct{})}
	_, err := p.informer.AddEventHandler(cache.ResourceEventHandlerDetailedFuncs{
		AddFunc: func(obj any, initial bool) {
			pod := obj.(*corev1.Pod)
			p.log(podEvent{Type: "add", Name: pod.Name, RV: pod.ResourceVersion, InitialList: initial})
		},
		UpdateFunc: func(oldObj, newObj any) {
			o, n := oldObj.(*corev1.Pod), newObj.(*corev1.Pod)
			p.log(podEvent{Type: "update", Name: n.Name, RV: n.ResourceVersion, OldRV: o.ResourceVersion,
				Deleting: o.DeletionTimestamp == nil && n.DeletionTimestamp != nil})
		},
		DeleteFunc: func(obj any) {
			if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = tomb.Obj
			}
			pod := obj.(*corev1.Pod)
			p.log(podEvent{Type: "delete", Name: pod.Name, RV: pod.ResourceVersion})
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f.Start(ctx.Done())
	t.Cleanup(func() {
		cancel()
		f.Shutdown()
	})
	if sync {
		p.waitSynced(t)
	}
	return p
}

func (p *podInformer) waitSynced(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if !cache.WaitForCacheSync(ctx.Done(), p.informer.HasSynced) {
		t.Fatalf("informer did not sync within %v; events so far: %v", waitTimeout, p.snapshot())
	}
}

func (p *podInformer) log(e podEvent) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.events = append(p.events, e)
	close(p.changed)
	p.changed = make(chan struct{})
}

func (p *podInformer) snapshot() []podEvent {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.events)
}

// waitEvent waits until the handlers have seen an event matching cond and
// returns it (the first match).
func (p *podInformer) waitEvent(t *testing.T, what string, cond func(podEvent) bool) podEvent {
	t.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	for {
		p.mu.Lock()
		changed := p.changed
		for _, e := range p.events {
			if cond(e) {
				p.mu.Unlock()
				return e
			}
		}
		p.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("timed out after %v waiting for the informer to see %s; events: %v", waitTimeout, what, p.snapshot())
		}
	}
}

// waitSeen waits for the handlers to see the event typ for pod (name and
// resourceVersion).
func (p *podInformer) waitSeen(t *testing.T, typ string, pod *corev1.Pod) podEvent {
	t.Helper()
	return p.waitEvent(t, typ+" "+pod.Name+"@"+pod.ResourceVersion, func(e podEvent) bool {
		return e.Type == typ && e.Name == pod.Name && e.RV == pod.ResourceVersion
	})
}

// waitConverged waits until the informer's lister holds exactly what a fresh
// List returns (names and resourceVersions). Call it after the last write.
func (p *podInformer) waitConverged(t *testing.T, client kubernetes.Interface) {
	t.Helper()
	list, err := client.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, pod := range list.Items {
		want[pod.Name] = pod.ResourceVersion
	}
	var got map[string]string
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	for {
		p.mu.Lock()
		changed := p.changed
		p.mu.Unlock()
		pods, err := p.lister.Pods(ns).List(labels.Everything())
		if err != nil {
			t.Fatal(err)
		}
		got = map[string]string{}
		for _, pod := range pods {
			got[pod.Name] = pod.ResourceVersion
		}
		if maps.Equal(got, want) {
			return
		}
		// The lister changes only before a handler call, and every store
		// change ends in one.
		select {
		case <-changed:
		case <-ctx.Done():
			t.Fatalf("lister did not converge within %v:\n got  %v\n want %v (list rv %s)\nevents: %v",
				waitTimeout, got, want, list.ResourceVersion, p.snapshot())
		}
	}
}

// newPod is a minimal valid pod, unscheduled (so a delete removes it at once).
func newPod(name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox"}}},
	}
}

func (ts *testServer) create(t *testing.T, name string) *corev1.Pod {
	t.Helper()
	pod, err := ts.client.CoreV1().Pods(ns).Create(context.Background(), newPod(name), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create pod %s: %v", name, err)
	}
	return pod
}

// relabel sets label step=value on pod with an update (resourceVersion precondition).
func (ts *testServer) relabel(t *testing.T, pod *corev1.Pod, value string) *corev1.Pod {
	t.Helper()
	pod = pod.DeepCopy()
	if pod.Labels == nil {
		pod.Labels = map[string]string{}
	}
	pod.Labels["step"] = value
	out, err := ts.client.CoreV1().Pods(ns).Update(context.Background(), pod, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update pod %s: %v", pod.Name, err)
	}
	return out
}

func (ts *testServer) delete(t *testing.T, name string) {
	t.Helper()
	if err := ts.client.CoreV1().Pods(ns).Delete(context.Background(), name, metav1.DeleteOptions{}); err != nil {
		t.Fatalf("delete pod %s: %v", name, err)
	}
}

// lists and watches split recorded pod requests by kind.
func lists(reqs []request) []request {
	return slices.DeleteFunc(slices.Clone(reqs), func(q request) bool { return !q.isList() })
}

func watches(reqs []request) []request {
	return slices.DeleteFunc(slices.Clone(reqs), func(q request) bool { return !q.isWatch() })
}

// eventStrings renders events for comparison.
func eventStrings(evs []podEvent) string {
	var s []string
	for _, e := range evs {
		s = append(s, e.String())
	}
	return strings.Join(s, "\n")
}

// waitCacheCaughtUp waits until a resourceVersion=0 list (served by the watch
// cache) is at the revision of a fresh list (served by storage).
func (ts *testServer) waitCacheCaughtUp(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	fresh, err := ts.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("list pods: %v", err)
	}
	deadline := time.Now().Add(waitTimeout)
	for {
		cached, err := ts.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{ResourceVersion: "0"})
		if err != nil {
			t.Fatalf("list pods from the cache: %v", err)
		}
		have, _ := strconv.ParseInt(cached.ResourceVersion, 10, 64)
		want, _ := strconv.ParseInt(fresh.ResourceVersion, 10, 64)
		if have >= want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the watch cache stayed at %s, storage is at %s", cached.ResourceVersion, fresh.ResourceVersion)
		}
		time.Sleep(5 * time.Millisecond) // polling a condition, bounded by the deadline
	}
}
