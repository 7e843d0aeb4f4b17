// Package clientgo checks the kctl API server against unchanged Kubernetes
// clients: client-go's reflector and informers (list+watch, WatchList streaming,
// resume after a disconnect, relist on 410 Expired) and the real kubectl's
// `get -w`. It is a separate module so that the main module does not carry
// client-go's dependency tree; it holds only tests.
package clientgo
