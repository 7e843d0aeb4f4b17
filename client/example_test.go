package client_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"kctl.dev/kctl/api/corev1"
	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/client"
	"kctl.dev/kctl/server/fake"
)

func Example() {
	// A server to talk to, and a kubeconfig naming it.
	srv, err := fake.New()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	dir, _ := os.MkdirTemp("", "kubeconfig")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "config")
	if err := srv.WriteKubeconfig(path); err != nil {
		panic(err)
	}

	cfg, err := client.LoadConfig(client.LoadOptions{Kubeconfig: path})
	if err != nil {
		panic(err)
	}
	c, err := client.New(cfg)
	if err != nil {
		panic(err)
	}
	defer c.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cms := client.NewResource[*corev1.ConfigMap](c, client.GVR{Version: "v1", Resource: "configmaps"}, true)
	cm, err := cms.Create(ctx, &corev1.ConfigMap{
		ObjectMeta: meta.ObjectMeta{Name: "settings"},
		Data:       map[string]string{"colour": "blue"},
	}, client.WriteOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(cm.Namespace, cm.Name, cm.Data["colour"])

	_, err = cms.Get(ctx, "missing")
	fmt.Println(apierrors.IsNotFound(err), err)
	// Output:
	// default settings blue
	// true configmaps "missing" not found
}
