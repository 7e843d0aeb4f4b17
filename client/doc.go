// Package client talks to a Kubernetes-style API server.
package client
