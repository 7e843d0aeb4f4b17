package controller_test

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"kctl.dev/kctl/api/corev1"
	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/client"
	"kctl.dev/kctl/examples/configmap-sync/controller"
	"kctl.dev/kctl/server/fake"
)

// waitTimeout bounds every wait for the controller to converge.
const waitTimeout = 15 * time.Second

var (
	namespacesGVR = client.GVR{Version: "v1", Resource: "namespaces"}
	configMapsGVR = client.GVR{Version: "v1", Resource: "configmaps"}
)

// env is a fake server with the controller running against it.
type env struct {
	t   *testing.T
	ctx context.Context
	ns  *client.Resource[*corev1.Namespace]
	cm  *client.Resource[*corev1.ConfigMap]

	mu        sync.Mutex
	conflicts []controller.Conflict
}

// start starts a server, creates the namespaces (a is the source; labelled
// ones receive copies) and ConfigMaps given, then runs the controller until
// the test ends.
func start(t *testing.T, namespaces map[string]bool, configMaps ...*corev1.ConfigMap) *env {
	t.Helper()
	srv := fake.Start(t)
	c, err := client.New(&client.Config{Servers: []string{srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	e := &env{
		t:   t,
		ctx: t.Context(),
		ns:  client.NewResource[*corev1.Namespace](c, namespacesGVR, false),
		cm:  client.NewResource[*corev1.ConfigMap](c, configMapsGVR, true),
	}
	for _, name := range slices.Sorted(maps.Keys(namespaces)) {
		ns := &corev1.Namespace{ObjectMeta: meta.ObjectMeta{Name: name}}
		if namespaces[name] {
			ns.Labels = map[string]string{controller.NamespaceLabel: controller.NamespaceValue}
		}
		if _, err := e.ns.Create(e.ctx, ns, client.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, cm := range configMaps {
		if _, err := e.cm.Namespace(cm.Namespace).Create(e.ctx, cm, client.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- controller.Run(ctx, c, controller.Options{
			SourceNamespace: "a",
			Logger:          slogFor(t),
			OnConflict: func(c controller.Conflict) {
				e.mu.Lock()
				e.conflicts = append(e.conflicts, c)
				e.mu.Unlock()
			},
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(waitTimeout):
			t.Errorf("Run did not return %v after its context ended", waitTimeout)
		}
	})
	return e
}

// slogFor logs to the test's output, shown with -v or on failure.
func slogFor(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), nil))
}

// eventually waits, for at most waitTimeout, until cond reports nil; it fails
// the test with cond's last error if it never does.
func (e *env) eventually(what string, cond func() error) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, waitTimeout)
	defer cancel()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		err := cond()
		if err == nil {
			return
		}
		select {
		case <-ctx.Done():
			e.t.Fatalf("%s: not within %v: %v", what, waitTimeout, err)
		case <-tick.C:
		}
	}
}

// hasCopy waits until ns/name is a copy of a/name holding data.
func (e *env) hasCopy(ns, name string, data map[string]string) {
	e.t.Helper()
	e.eventually(fmt.Sprintf("copy %s/%s", ns, name), func() error {
		cm, err := e.cm.Namespace(ns).Get(e.ctx, name)
		if err != nil {
			return err
		}
		if src := cm.Annotations[controller.SourceAnnotation]; src != "a/"+name {
			return fmt.Errorf("annotation %s=%q, want %q", controller.SourceAnnotation, src, "a/"+name)
		}
		if !maps.Equal(cm.Data, data) {
			return fmt.Errorf("data %v, want %v", cm.Data, data)
		}
		return nil
	})
}

// gone waits until ns/name does not exist.
func (e *env) gone(ns, name string) {
	e.t.Helper()
	e.eventually(fmt.Sprintf("%s/%s gone", ns, name), func() error {
		cm, err := e.cm.Namespace(ns).Get(e.ctx, name)
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		return fmt.Errorf("still there, annotations %v", cm.Annotations)
	})
}

// noConfigMaps checks that namespace ns holds no ConfigMap of these names.
func (e *env) noConfigMaps(ns string, names ...string) {
	e.t.Helper()
	for _, name := range names {
		if _, err := e.cm.Namespace(ns).Get(e.ctx, name); !apierrors.IsNotFound(err) {
			e.t.Errorf("%s/%s: got err %v, want not found", ns, name, err)
		}
	}
}

func (e *env) patchConfigMap(ns, name, patch string) {
	e.t.Helper()
	if _, err := e.cm.Namespace(ns).Patch(e.ctx, name, client.MergePatch, []byte(patch), client.WriteOptions{}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) patchNamespace(name, patch string) {
	e.t.Helper()
	if _, err := e.ns.Patch(e.ctx, name, client.MergePatch, []byte(patch), client.WriteOptions{}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) deleteConfigMap(ns, name string) {
	e.t.Helper()
	if err := e.cm.Namespace(ns).Delete(e.ctx, name, meta.DeleteOptions{}); err != nil {
		e.t.Fatal(err)
	}
}

func configMap(ns, name string, lbls map[string]string, data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name, Labels: lbls}, Data: data}
}

var syncLabel = map[string]string{controller.SourceLabel: controller.SourceValue}

func TestSync(t *testing.T) {
	settings := map[string]string{"colour": "blue"}
	flags := map[string]string{"beta": "on"}
	mine := map[string]string{"owner": "me"}
	e := start(t, map[string]bool{"a": false, "b": true, "c": true, "d": false},
		configMap("a", "settings", syncLabel, settings),
		configMap("a", "flags", syncLabel, flags),
		configMap("a", "plain", nil, map[string]string{"k": "v"}),
		configMap("a", "clash", syncLabel, map[string]string{"from": "source"}),
		configMap("b", "clash", nil, mine), // made by hand: not a copy
	)

	// Copies appear in the enabled namespaces only.
	for _, ns := range []string{"b", "c"} {
		e.hasCopy(ns, "settings", settings)
		e.hasCopy(ns, "flags", flags)
	}
	e.hasCopy("c", "clash", map[string]string{"from": "source"})
	e.noConfigMaps("b", "plain")
	e.noConfigMaps("c", "plain")
	e.noConfigMaps("d", "settings", "flags", "plain", "clash")

	// The hand-made b/clash is left alone, and the conflict is reported.
	e.eventually("conflict reported", func() error {
		e.mu.Lock()
		defer e.mu.Unlock()
		want := controller.Conflict{Namespace: "b", Name: "clash", Source: "a/clash"}
		if !slices.Contains(e.conflicts, want) {
			return fmt.Errorf("conflicts %v, want %v among them", e.conflicts, want)
		}
		return nil
	})
	clash, err := e.cm.Namespace("b").Get(e.ctx, "clash")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := clash.Annotations[controller.SourceAnnotation]; ok || !maps.Equal(clash.Data, mine) {
		t.Errorf("hand-made b/clash changed: annotations %v, data %v", clash.Annotations, clash.Data)
	}

	// A change of the source reaches its copies.
	settings = map[string]string{"colour": "green", "size": "xl"}
	e.patchConfigMap("a", "settings", `{"data":{"colour":"green","size":"xl"}}`)
	e.hasCopy("b", "settings", settings)
	e.hasCopy("c", "settings", settings)

	// A copy changed by hand is put back.
	e.patchConfigMap("c", "flags", `{"data":{"beta":"off"}}`)
	e.hasCopy("c", "flags", flags)

	// An unlabelled source loses its copies; the others stay.
	e.patchConfigMap("a", "flags", `{"metadata":{"labels":{"sync":null}}}`)
	e.gone("b", "flags")
	e.gone("c", "flags")
	e.hasCopy("b", "settings", settings)

	// A namespace labelled later gets the copies.
	e.patchNamespace("d", `{"metadata":{"labels":{"configmap-sync":"enabled"}}}`)
	e.hasCopy("d", "settings", settings)
	e.hasCopy("d", "clash", map[string]string{"from": "source"})
	e.noConfigMaps("d", "flags", "plain")

	// Once the hand-made ConfigMap is gone, the copy takes its place.
	e.deleteConfigMap("b", "clash")
	e.hasCopy("b", "clash", map[string]string{"from": "source"})

	// A namespace unlabelled loses its copies.
	e.patchNamespace("c", `{"metadata":{"labels":{"configmap-sync":null}}}`)
	e.gone("c", "settings")
	e.gone("c", "clash")

	// A deleted source loses its copies.
	e.deleteConfigMap("a", "settings")
	e.gone("b", "settings")
	e.gone("d", "settings")
}

func TestRunRejectsMissingSourceNamespace(t *testing.T) {
	c, err := client.New(&client.Config{Servers: []string{"http://127.0.0.1:1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := controller.Run(t.Context(), c, controller.Options{}); err == nil {
		t.Fatal("Run with no source namespace: got nil error")
	}
}
