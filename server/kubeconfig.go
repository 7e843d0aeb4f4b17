package server

import (
	"fmt"
	"strconv"
)

// KubeconfigFor returns a kubeconfig for an unauthenticated server at
// serverURL: cluster, user and context named "kctl", namespace default. kctl
// server and server/fake write it for kubectl and client.LoadConfig.
func KubeconfigFor(serverURL string) []byte {
	return fmt.Appendf(nil, `apiVersion: v1
kind: Config
clusters:
- name: kctl
  cluster:
    server: %s
users:
- name: kctl
  user: {}
contexts:
- name: kctl
  context:
    cluster: kctl
    user: kctl
    namespace: default
current-context: kctl
preferences: {}
`, strconv.Quote(serverURL))
}
