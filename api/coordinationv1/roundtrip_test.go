package coordinationv1

import (
	"testing"

	"kctl.dev/kctl/internal/jsontest"
)

// TestRoundTrip decodes each fixture (shaped as a real API server writes it),
// encodes it again and fails when any field was lost or changed.
func TestRoundTrip(t *testing.T) {
	jsontest.RoundTrip(t, []jsontest.Case{
		{File: "lease.json", Out: &Lease{}},
		{File: "leaselist.json", Out: &LeaseList{}},
	})
}
