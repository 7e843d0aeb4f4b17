// Command configmap-sync copies every ConfigMap labelled sync=true in a
// source namespace into every namespace labelled configmap-sync=enabled, and
// keeps the copies in step. It reads the kubeconfig as kubectl does, so it
// runs against `kctl server` or a real cluster:
//
//	go run ./cmd/kctl server &
//	KUBECONFIG=kctl-data/kubeconfig go run ./examples/configmap-sync --source-namespace=default
//
// See docs/controller.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"kctl.dev/kctl/client"
	"kctl.dev/kctl/examples/configmap-sync/controller"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("configmap-sync", flag.ContinueOnError)
	var (
		load    client.LoadOptions
		opts    controller.Options
		verbose bool
	)
	fs.StringVar(&load.Kubeconfig, "kubeconfig", "", "path to the kubeconfig file (default $KUBECONFIG, else ~/.kube/config)")
	fs.StringVar(&load.Context, "context", "", "kubeconfig context to use (default current-context)")
	fs.StringVar(&opts.SourceNamespace, "source-namespace", "default", "namespace of the ConfigMaps to copy")
	fs.IntVar(&opts.Workers, "workers", controller.DefaultWorkers, "number of workers")
	fs.BoolVar(&verbose, "v", false, "log every change, not only warnings")
	if err := fs.Parse(args); err != nil {
		return 2
	}

	level := slog.LevelWarn
	if verbose {
		level = slog.LevelInfo
	}
	opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	cfg, err := client.LoadConfig(load)
	if err != nil {
		fmt.Fprintln(os.Stderr, "configmap-sync:", err)
		return 1
	}
	c, err := client.New(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "configmap-sync:", err)
		return 1
	}
	defer c.Close()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := controller.Run(ctx, c, opts); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
