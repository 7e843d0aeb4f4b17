// Package fake runs the real kctl API server in-process for tests, the way
// net/http/httptest runs an http.Handler: the same registry, REST semantics and
// watch machinery as `kctl server`, on memory storage, listening on a free
// loopback port.
//
// Start one per test; it is stopped when the test ends:
//
//	func TestPods(t *testing.T) {
//		srv := fake.Start(t)
//		resp, err := http.Get(srv.URL + "/api/v1/namespaces/default/pods")
//		...
//	}
//
// Start returns only once the server accepts connections: the listener is open
// before the server is handed to it, so there is no start-up wait and no port
// race. The server is ready with the namespaces every cluster has (default,
// kube-system, kube-public, kube-node-lease).
//
// To drive kubectl or another kubeconfig-based client, write a kubeconfig with
// WriteKubeconfig (or take its bytes from Kubeconfig); its context "kctl" points
// at URL with namespace default and no credentials.
//
// Options change the defaults: WithStorage runs the server over a backend of the
// caller's (a bolt store, or a store shared by two servers in turn to test a
// restart), WithLogger shows the server's logs (they are discarded by default;
// pass slog.New(slog.NewTextHandler(t.Output(), nil)) to see them), and
// WithCompactionInterval makes history compaction frequent enough to test
// resourceVersion expiry.
//
// Close (run by Start's cleanup) shuts the server down: it stops accepting
// connections, ends open watches and waits for in-flight requests, then closes
// the storage it created. A storage passed with WithStorage belongs to the
// caller and is left open. Outside tests, use New and Close. A Server is safe for
// concurrent use.
package fake
