package memory_test

import (
	"testing"

	"go.uber.org/goleak"

	"kctl.dev/kctl/server/storage"
	"kctl.dev/kctl/server/storage/memory"
	"kctl.dev/kctl/server/storage/storagetest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func newStore(tb testing.TB) storage.Interface {
	s := memory.New()
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestContract(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Interface { return newStore(t) })
}

func BenchmarkCreate(b *testing.B) {
	storagetest.BenchCreate(b, func(b *testing.B) storage.Interface { return newStore(b) })
}

func BenchmarkList(b *testing.B) {
	storagetest.BenchList(b, func(b *testing.B) storage.Interface { return newStore(b) })
}
