package informer

import (
	"context"
	"testing"
	"time"

	"kctl.dev/kctl/api/corev1"
	"kctl.dev/kctl/client"
)

// TestFactorySharesInformers: the same resource, type, namespace and
// selectors give the same informer; anything else a new one. Shutdown waits
// for all goroutines (goleak checks it in TestMain).
func TestFactorySharesInformers(t *testing.T) {
	e := newEnv(t)
	e.create("a", "1")
	f := NewFactory(e.c, FactoryOptions{Namespace: "default", Backoff: fastBackoff})
	defer f.Shutdown()

	one := For[configMap](f, configMapsGVR, true)
	if two := For[configMap](f, configMapsGVR, true); two != one {
		t.Error("same key gave two informers")
	}
	if other := For[configMap](f, configMapsGVR, true, WithLabelSelector("x=y")); other == one {
		t.Error("another selector shared the informer")
	}
	if all := For[configMap](f, configMapsGVR, true, InNamespace("")); all == one {
		t.Error("another namespace shared the informer")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f.Start(ctx)
	if !f.WaitForCacheSync(ctx) {
		t.Fatal("factory did not sync")
	}
	if _, ok := one.Lister().Namespace("default").Get("a"); !ok {
		t.Error("a not cached")
	}

	// An informer asked for after Start runs at once.
	pods := For[*corev1.Pod](f, client.GVR{Version: "v1", Resource: "pods"}, true)
	if !WaitForCacheSync(ctx, pods.HasSynced) {
		t.Fatal("late informer did not sync")
	}
	f.Shutdown()
	if _, err := one.AddEventHandler(&recorder{}); err != ErrStopped {
		t.Errorf("after Shutdown: %v", err)
	}
}
