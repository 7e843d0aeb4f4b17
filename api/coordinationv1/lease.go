// Package coordinationv1 holds the Go types of coordination.k8s.io/v1: Lease, the
// object leader election and node heartbeats are built on. The JSON encoding
// matches Kubernetes' (acquireTime and renewTime are microsecond timestamps).
package coordinationv1

import "kctl.dev/kctl/api/meta"

// Lease is a lock held by one identity for a duration, renewed by its holder.
type Lease struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Spec            LeaseSpec `json:"spec,omitempty"`
}

// LeaseList is a list of leases.
type LeaseList struct {
	meta.TypeMeta `json:",inline"`
	meta.ListMeta `json:"metadata"`
	Items         []Lease `json:"items"`
}

// LeaseSpec is the state of a lease.
type LeaseSpec struct {
	HolderIdentity       *string         `json:"holderIdentity,omitempty"`
	LeaseDurationSeconds *int32          `json:"leaseDurationSeconds,omitempty"`
	AcquireTime          *meta.MicroTime `json:"acquireTime,omitempty"`
	RenewTime            *meta.MicroTime `json:"renewTime,omitempty"`
	LeaseTransitions     *int32          `json:"leaseTransitions,omitempty"`
	Strategy             *string         `json:"strategy,omitempty"`
	PreferredHolder      *string         `json:"preferredHolder,omitempty"`
}
