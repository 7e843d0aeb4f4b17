package controller_test

import (
	"testing"

	"go.uber.org/goleak"
)

// Run must leave nothing running once it returns.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
