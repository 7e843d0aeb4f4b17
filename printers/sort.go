package printers

import (
	"fmt"
	"math/big"
	"slices"
	"strings"
)

// sortKey is the value --sort-by found in one object, or none.
type sortKey struct {
	value any
	found bool
}

// keys evaluates the sort path on each object (nil objects, rows without
// one, find nothing). It fails, as kubectl does, when no object has the
// field.
func (b *base) keys(objs []map[string]any) ([]sortKey, error) {
	keys := make([]sortKey, len(objs))
	foundOnce := false
	for i, obj := range objs {
		if obj == nil {
			continue
		}
		results, err := b.sortBy.Results(obj)
		if err != nil {
			return nil, fmt.Errorf("sorting by %s: %w", b.sortBy, err)
		}
		if len(results) > 0 && len(results[0]) > 0 {
			keys[i] = sortKey{value: results[0][0], found: true}
			foundOnce = true
		}
	}
	if len(objs) > 0 && !foundOnce {
		return nil, fmt.Errorf("couldn't find any field with path %q in the list of objects", b.sortBy.String())
	}
	return keys, nil
}

// order returns the stable sorting permutation of objs by the sort path:
// perm[i] is the index of the object that goes i-th.
func (b *base) order(objs []map[string]any) ([]int, error) {
	perm := make([]int, len(objs))
	for i := range perm {
		perm[i] = i
	}
	if b.sortBy == nil || len(objs) == 0 {
		return perm, nil
	}
	keys, err := b.keys(objs)
	if err != nil {
		return nil, err
	}
	var cmpErr error
	slices.SortStableFunc(perm, func(i, j int) int {
		c, err := compareKeys(keys[i], keys[j])
		if err != nil && cmpErr == nil {
			cmpErr = err
		}
		return c
	})
	if cmpErr != nil {
		return nil, fmt.Errorf("sorting by %s: %w", b.sortBy, cmpErr)
	}
	return perm, nil
}

// sortObjects sorts items in place.
func (b *base) sortObjects(items []map[string]any) error {
	perm, err := b.order(items)
	if err != nil {
		return err
	}
	sorted := make([]map[string]any, len(items))
	for i, p := range perm {
		sorted[i] = items[p]
	}
	copy(items, sorted)
	return nil
}

// compareKeys orders two sort keys: missing first, then numbers by value,
// strings as quantities when both parse as one, else in natural order.
func compareKeys(a, b sortKey) (int, error) {
	switch {
	case !a.found && !b.found:
		return 0, nil
	case !a.found:
		return -1, nil
	case !b.found:
		return 1, nil
	}
	return compareValues(a.value, b.value)
}

func compareValues(a, b any) (int, error) {
	switch x := a.(type) {
	case nil:
		if b == nil {
			return 0, nil
		}
		return -1, nil
	case int64:
		switch y := b.(type) {
		case int64:
			return cmp3(x < y, x > y), nil
		case float64:
			return cmp3(float64(x) < y, float64(x) > y), nil
		}
	case float64:
		switch y := b.(type) {
		case int64:
			return cmp3(x < float64(y), x > float64(y)), nil
		case float64:
			return cmp3(x < y, x > y), nil
		}
	case string:
		if y, ok := b.(string); ok {
			qa, errA := parseQuantity(x)
			qb, errB := parseQuantity(y)
			if errA == nil && errB == nil {
				return qa.Cmp(qb), nil
			}
			return naturalCompare(x, y), nil
		}
	case []any:
		if y, ok := b.([]any); ok {
			for i := 0; i < len(x) && i < len(y); i++ {
				if c, err := compareValues(x[i], y[i]); err != nil || c != 0 {
					return c, err
				}
			}
			return cmp3(len(x) < len(y), len(x) > len(y)), nil
		}
	}
	if b == nil {
		return 1, nil
	}
	return 0, fmt.Errorf("cannot compare %s with %s", typeName(a), typeName(b))
}

func cmp3(less, greater bool) int {
	switch {
	case less:
		return -1
	case greater:
		return 1
	}
	return 0
}

func typeName(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case int64, float64:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", v)
}

// naturalCompare orders strings with runs of digits compared as numbers
// ("pod-2" < "pod-10"), as kubectl's --sort-by does; between numerically
// equal runs, the one with fewer leading zeros comes first.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := isDigit(a[0]), isDigit(b[0])
		switch {
		case da && db:
			na, ra := digitRun(a)
			nb, rb := digitRun(b)
			ta, tb := strings.TrimLeft(na, "0"), strings.TrimLeft(nb, "0")
			if len(ta) != len(tb) {
				return cmp3(len(ta) < len(tb), len(ta) > len(tb))
			}
			if ta != tb {
				return cmp3(ta < tb, ta > tb)
			}
			if len(na) != len(nb) {
				return cmp3(len(na) < len(nb), len(na) > len(nb))
			}
			a, b = ra, rb
		case da != db:
			// a digit sorts before any other character
			return cmp3(da, db)
		default:
			if a[0] != b[0] {
				return cmp3(a[0] < b[0], a[0] > b[0])
			}
			a, b = a[1:], b[1:]
		}
	}
	return cmp3(len(a) < len(b), len(a) > len(b))
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func digitRun(s string) (run, rest string) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

// parseQuantity reads a Kubernetes resource quantity ("100m", "1.5Gi",
// "2e3", "64Mi") as an exact rational.
func parseQuantity(s string) (*big.Rat, error) {
	if s == "" {
		return nil, fmt.Errorf("empty quantity")
	}
	num := s
	mult := new(big.Rat).SetInt64(1)
	for _, suf := range quantitySuffixes {
		if strings.HasSuffix(s, suf.suffix) {
			num = strings.TrimSuffix(s, suf.suffix)
			mult = suf.value
			break
		}
	}
	if num == s {
		// a decimal exponent: 1e3, 1E-3
		if i := strings.IndexAny(s, "eE"); i > 0 {
			num = s[:i]
			exp := s[i+1:]
			if exp == "" {
				return nil, fmt.Errorf("bad quantity %q", s)
			}
			e, ok := new(big.Int).SetString(exp, 10)
			if !ok || e.BitLen() > 16 {
				return nil, fmt.Errorf("bad quantity %q", s)
			}
			p := new(big.Int).Exp(big.NewInt(10), new(big.Int).Abs(e), nil)
			if e.Sign() < 0 {
				mult = new(big.Rat).SetFrac(big.NewInt(1), p)
			} else {
				mult = new(big.Rat).SetInt(p)
			}
		}
	}
	if num == "" || strings.ContainsAny(num, "eE/") || strings.Count(num, ".") > 1 {
		return nil, fmt.Errorf("bad quantity %q", s)
	}
	for i, c := range num {
		if !(isDigit(byte(c)) || c == '.' || (i == 0 && (c == '+' || c == '-'))) {
			return nil, fmt.Errorf("bad quantity %q", s)
		}
	}
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		return nil, fmt.Errorf("bad quantity %q", s)
	}
	return r.Mul(r, mult), nil
}

type quantitySuffix struct {
	suffix string
	value  *big.Rat
}

// quantitySuffixes are the binary and decimal SI suffixes of quantities,
// two-letter ones first.
var quantitySuffixes = func() []quantitySuffix {
	pow := func(base, exp int64) *big.Rat {
		return new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(base), big.NewInt(exp), nil))
	}
	frac := func(exp int64) *big.Rat {
		return new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Exp(big.NewInt(10), big.NewInt(exp), nil))
	}
	return []quantitySuffix{
		{"Ki", pow(2, 10)}, {"Mi", pow(2, 20)}, {"Gi", pow(2, 30)},
		{"Ti", pow(2, 40)}, {"Pi", pow(2, 50)}, {"Ei", pow(2, 60)},
		{"n", frac(9)}, {"u", frac(6)}, {"m", frac(3)},
		{"k", pow(10, 3)}, {"M", pow(10, 6)}, {"G", pow(10, 9)},
		{"T", pow(10, 12)}, {"P", pow(10, 15)}, {"E", pow(10, 18)},
	}
}()
