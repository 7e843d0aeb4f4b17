package discovery_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"kctl.dev/kctl/client"
	"kctl.dev/kctl/client/discovery"
	"kctl.dev/kctl/server/fake"
)

// start runs a server for an example and returns a Cache of it over a
// temporary cache directory, and a function that cleans up.
func start() (*discovery.Cache, func()) {
	srv, err := fake.New()
	if err != nil {
		panic(err)
	}
	dir, err := os.MkdirTemp("", "kctl-cache")
	if err != nil {
		panic(err)
	}
	c, err := client.New(&client.Config{Servers: []string{srv.URL}})
	if err != nil {
		panic(err)
	}
	return discovery.New(c, srv.URL, dir), func() {
		c.Close()
		srv.Close()
		os.RemoveAll(dir)
	}
}

func ExampleCache_Resolve() {
	cache, done := start()
	defer done()
	ctx := context.Background()

	for _, arg := range []string{"po", "Deployment", "deploy.apps", "leases.v1.coordination.k8s.io", "foo"} {
		r, err := cache.Resolve(ctx, arg)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(arg, "->", r.GVR(), r.Kind, "namespaced:", r.Namespaced)
	}
	// Output:
	// po -> v1/pods Pod namespaced: true
	// Deployment -> apps/v1/deployments Deployment namespaced: true
	// deploy.apps -> apps/v1/deployments Deployment namespaced: true
	// leases.v1.coordination.k8s.io -> coordination.k8s.io/v1/leases Lease namespaced: true
	// the server doesn't have a resource type "foo"
}

func ExampleCache_ResolveKind() {
	cache, done := start()
	defer done()
	ctx := context.Background()

	// The apiVersion and kind of a manifest.
	r, err := cache.ResolveKind(ctx, "rbac.authorization.k8s.io/v1", "ClusterRole")
	fmt.Println(r.GVR(), r.Namespaced, err)

	_, err = cache.ResolveKind(ctx, "example.com/v1", "Widget")
	fmt.Println(err)
	// Output:
	// rbac.authorization.k8s.io/v1/clusterroles false <nil>
	// no matches for kind "Widget" in version "example.com/v1"
}

func ExampleCache_Resources() {
	cache, done := start()
	defer done()

	resources, err := cache.Resources(context.Background())
	if err != nil {
		panic(err)
	}
	for _, r := range resources[:3] {
		apiVersion := r.Version
		if r.Group != "" {
			apiVersion = r.Group + "/" + r.Version
		}
		fmt.Println(r.Resource, strings.Join(r.ShortNames, ","), apiVersion, r.Namespaced, r.Kind)
	}
	// Output:
	// configmaps cm v1 true ConfigMap
	// events ev v1 true Event
	// namespaces ns v1 false Namespace
}
