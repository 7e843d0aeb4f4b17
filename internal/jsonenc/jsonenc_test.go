package jsonenc

import (
	"encoding/json"
	"math/rand"
	"strings"
	"testing"
)

// TestAppendQuoted checks the escaping against encoding/json's, for strings
// and byte slices.
func TestAppendQuoted(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	pieces := []string{"a", "Z", " ", "\"", "\\", "<", ">", "&", "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f", "\x7f",
		"é", "€", "\u2028", "\u2029", "\U0001F600", "\xff", "\xe2\x80", "\xed\xa0\x80", "k:{\"name\":\"x\"}"}
	for range 20000 {
		var b strings.Builder
		for range r.Intn(8) {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		s := b.String()
		want, _ := json.Marshal(s)
		if got := AppendQuoted(nil, s); string(got) != string(want) {
			t.Fatalf("AppendQuoted(%q) = %s, want %s", s, got, want)
		}
		if got := AppendQuoted(nil, []byte(s)); string(got) != string(want) {
			t.Fatalf("AppendQuoted([]byte(%q)) = %s, want %s", s, got, want)
		}
	}
}
