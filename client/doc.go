// Package client talks to a Kubernetes-style API server (kctl's or a real
// one) over HTTP: typed clients of resources, a dynamic client over
// Unstructured objects, discovery and watches.
//
// # Creating a client
//
// Resolve the configuration as kubectl does (--kubeconfig, $KUBECONFIG,
// ~/.kube/config, contexts, namespaces, credentials), then build the client:
//
//	cfg, err := client.LoadConfig(client.LoadOptions{Context: flagContext})
//	c, err := client.New(cfg)
//	defer c.Close()
//
// A Client is safe for concurrent use by many goroutines and keeps its
// connections alive: make one and share it. It rate-limits its requests
// (Config.QPS, Config.Burst), retries 429s and, for reads, 502/503/504 and
// connection errors (honouring Retry-After), and fails over between
// Config.Servers when a server cannot be reached. A bearer token is sent over
// https only.
//
// # Typed and dynamic resources
//
//	pods := client.NewResource[*corev1.Pod](c, client.GVR{Version: "v1", Resource: "pods"}, true)
//	pod, err := pods.Namespace("kube-system").Get(ctx, "etcd-0")
//
// Dynamic gives the same Resource over *unstructured.Unstructured for any
// group/version/resource, for example one found with Client.Discover.
//
// # Timeouts and cancellation
//
// Every call takes a context; cancel it or give it a deadline to bound the
// call. Config.Timeout (default 30s) bounds each call as well, except that a
// watch is bounded only until its response headers arrive:
//
//	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
//	defer cancel()
//	_, err := pods.Get(ctx, "web")
//
// # Errors
//
// Every answer that is not 2xx is returned as a *errors.StatusError from
// kctl.dev/kctl/api/errors, carrying the server's Status (or one built from
// the HTTP code when the body is not a Status). Tell them apart with
// errors.IsNotFound, IsAlreadyExists, IsConflict (stale resourceVersion),
// IsInvalid (with field causes), IsGone (relist), IsForbidden,
// IsTooManyRequests and friends, or errors.As for the Status itself. Other
// errors (no connection, TLS, a bad answer) are plain wrapped errors; test
// context.DeadlineExceeded and context.Canceled with errors.Is.
//
// # Watches
//
// Resource.Watch decodes the server's chunked JSON stream as it arrives
// (WatchWebSocket does the same over a websocket). Next returns each event and
// io.EOF when the stream ends cleanly (timeoutSeconds, Stop). A
// resourceVersion too old for the server comes back as an ERROR event whose
// Status is 410 Expired: list again and watch from the list's resourceVersion.
// Always call Stop.
package client
