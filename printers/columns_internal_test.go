package printers

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"text/tabwriter"
)

// TestColumnWriterMatchesTabwriter: within one flush, on lines with the same
// number of cells, the layout is text/tabwriter's with kubectl's settings.
func TestColumnWriterMatchesTabwriter(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"", "a", "bb", "ccc", "web-7d4b9c8f5-abcde", "Running", "<none>", "ünïcödé", "日本語", "10.244.0.12"}
	for n := 0; n < 500; n++ {
		cols := 1 + rng.IntN(6)
		var text bytes.Buffer
		for l := rng.IntN(8); l >= 0; l-- {
			for c := 0; c < cols; c++ {
				if c > 0 {
					text.WriteByte('\t')
				}
				text.WriteString(words[rng.IntN(len(words))])
			}
			text.WriteByte('\n')
		}
		var want bytes.Buffer
		tw := tabwriter.NewWriter(&want, minCellWidth, 4, cellPadding, ' ', 0)
		tw.Write(text.Bytes())
		tw.Flush()
		var c columnWriter
		got := strings.Join(c.format(text.Bytes()), "\n") + "\n"
		if got != want.String() {
			t.Fatalf("input %q:\ngot\n%s\nwant\n%s", text.String(), got, want.String())
		}
	}
}

// TestColumnWriterRemembers: a later flush never narrows a column, and
// forget starts afresh.
func TestColumnWriterRemembers(t *testing.T) {
	var c columnWriter
	first := c.format([]byte("NAME\tAGE\na-long-name\t5s\n"))
	second := c.format([]byte("b\t7s\n"))
	if got, want := strings.Join(append(first, second...), "|"), "NAME          AGE|a-long-name   5s|b             7s"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	c.forget()
	if got, want := c.format([]byte("b\t7s\n"))[0], "b     7s"; got != want {
		t.Errorf("after forget: %q, want %q", got, want)
	}
	// Ragged lines: column blocks as in text/tabwriter, the width of a
	// column remembered from one block to the next; a cell before an empty
	// last cell is padded, as kubectl pads it.
	got := strings.Join(c.format([]byte("a\tb\tc\nlonger\t\n\nx\ty\n")), "|")
	if want := "a        b     c|longer   ||x        y"; got != want {
		t.Errorf("ragged: %q, want %q", got, want)
	}
}
