package printers

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// kubectlTabwriter lays out text as kubectl's tabwriter does within one
// flush: text/tabwriter with kubectl's settings.
func kubectlTabwriter(text string) string {
	var out bytes.Buffer
	tw := tabwriter.NewWriter(&out, minCellWidth, 4, cellPadding, ' ', 0)
	tw.Write([]byte(text))
	tw.Flush()
	return out.String()
}

func (c *tableWriter) format(t *testing.T, text string) string {
	t.Helper()
	var out bytes.Buffer
	if err := c.write(&out, []byte(text), nil, false); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// cellWords are cells that tablewriter measures otherwise than kubectl,
// which counts runes: East Asian wide runes (two columns each for
// tablewriter), zero-width and control characters and ANSI sequences
// (none), characters of ambiguous width (two with East Asian widths); and
// empty cells.
var cellWords = []string{
	"", "", "a", "bb", "web-7d4b9c8f5-abcde", "Running", "<none>", "10.244.0.12",
	"日本語", "名前", "ｋｕｂｅ", "ünïcödé", "e\u0301", "\u200b", "x\u200by", "\x00", "\x1b[1mbold\x1b[0m", "±°×",
}

// randomTable returns lines of cols tab-separated cells. (On lines of as
// many cells, kubectl's tabwriter lays out as text/tabwriter does, but for
// widths it remembers; on ragged lines it also remembers the widths of a
// column block for the next, which text/tabwriter does not.)
func randomTable(rng *rand.Rand, lines, cols int) string {
	var text strings.Builder
	for range lines {
		for c := range cols {
			if c > 0 {
				text.WriteByte('\t')
			}
			text.WriteString(cellWords[rng.IntN(len(cellWords))])
		}
		text.WriteByte('\n')
	}
	return text.String()
}

// withEastAsian runs f with tablewriter's East Asian widths off, then on:
// the layout must not depend on them (they follow the locale).
func withEastAsian(t *testing.T, f func(t *testing.T)) {
	was := twwidth.IsEastAsian()
	defer twwidth.SetEastAsian(was)
	for _, ea := range []bool{false, true} {
		twwidth.SetEastAsian(ea)
		name := "narrow"
		if ea {
			name = "east-asian"
		}
		t.Run(name, f)
	}
}

// TestTableWriterMatchesTabwriter: within one flush, the layout is
// text/tabwriter's with kubectl's settings, wide, empty, zero-width and
// escape cells included.
func TestTableWriterMatchesTabwriter(t *testing.T) {
	withEastAsian(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		for range 1000 {
			text := randomTable(rng, 1+rng.IntN(8), 1+rng.IntN(6))
			var c tableWriter
			if got, want := c.format(t, text), kubectlTabwriter(text); got != want {
				t.Fatalf("input %q:\ngot\n%s\nwant\n%s", text, got, want)
			}
		}
	})
}

// TestTableWriterRemembers: across flushes a column keeps the widest width
// it had, as kubectl's tabwriter (RememberWidths) does: the second flush is
// laid out as text/tabwriter lays out both flushes together (both widen or
// neither does), and the first as it lays out the first alone. forget starts
// afresh.
func TestTableWriterRemembers(t *testing.T) {
	withEastAsian(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		for range 500 {
			cols := 1 + rng.IntN(5)
			first := randomTable(rng, 1+rng.IntN(4), cols)
			second := randomTable(rng, 1+rng.IntN(4), cols)
			var c tableWriter
			if got, want := c.format(t, first), kubectlTabwriter(first); got != want {
				t.Fatalf("first flush %q:\ngot\n%s\nwant\n%s", first, got, want)
			}
			both := kubectlTabwriter(first + second)
			want := strings.Join(strings.SplitAfter(both, "\n")[strings.Count(first, "\n"):], "")
			if got := c.format(t, second); got != want {
				t.Fatalf("second flush %q after %q:\ngot\n%s\nwant\n%s", second, first, got, want)
			}
			c.forget()
			if got, want := c.format(t, second), kubectlTabwriter(second); got != want {
				t.Fatalf("after forget, %q:\ngot\n%s\nwant\n%s", second, got, want)
			}
		}
	})
	var c tableWriter
	got := c.format(t, "NAME\tAGE\na-long-name\t5s\n") + c.format(t, "b\t7s\n")
	if want := "NAME          AGE\na-long-name   5s\nb             7s\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	c.forget()
	if got, want := c.format(t, "b\t7s\n"), "b     7s\n"; got != want {
		t.Errorf("after forget: %q, want %q", got, want)
	}
	// Ragged lines: column blocks as in text/tabwriter, the width of a
	// column remembered from one block to the next; a cell before an empty
	// last cell is padded, as kubectl pads it.
	if got, want := c.format(t, "a\tb\tc\nlonger\t\n\nx\ty\n"), "a        b     c\nlonger   \n\nx        y\n"; got != want {
		t.Errorf("ragged: %q, want %q", got, want)
	}
}

// TestTableWriterColour: headers in bold, around the whole line.
func TestTableWriterColour(t *testing.T) {
	var c tableWriter
	var out bytes.Buffer
	if err := c.write(&out, []byte("NAME\tAGE\nweb\t5s\nNAME\tREADY\n"), []int{0, 2}, true); err != nil {
		t.Fatal(err)
	}
	want := bold + "NAME   AGE" + reset + "\nweb    5s\n" + bold + "NAME   READY" + reset + "\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}
