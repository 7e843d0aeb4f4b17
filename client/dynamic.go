package client

import "kctl.dev/kctl/api/unstructured"

// Dynamic returns a client of any resource, typed or not, over Unstructured
// objects: the same Resource, with the same calls. Find gvr and namespaced
// with Discover when the resource is not known in advance.
func Dynamic(c *Client, gvr GVR, namespaced bool) *Resource[*unstructured.Unstructured] {
	return NewResource[*unstructured.Unstructured](c, gvr, namespaced)
}
