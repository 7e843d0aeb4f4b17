package describe

import (
	"math/big"
	"strings"
)

// quantityFormat is how a quantity is written: with a binary suffix (Ki, Mi,
// ...), a decimal one (m, k, M, ...) or a decimal exponent (e3).
type quantityFormat int

const (
	decimalSI quantityFormat = iota
	binarySI
	decimalExponent
)

// quantity is a resource quantity ("250m", "64Mi") held exactly.
type quantity struct {
	v      *big.Rat
	format quantityFormat
}

var binarySuffixes = []struct {
	suffix string
	exp    uint // power of 1024
}{{"Ki", 1}, {"Mi", 2}, {"Gi", 3}, {"Ti", 4}, {"Pi", 5}, {"Ei", 6}}

var decimalSuffixes = []struct {
	suffix string
	exp    int // power of 10
}{{"n", -9}, {"u", -6}, {"m", -3}, {"k", 3}, {"M", 6}, {"G", 9}, {"T", 12}, {"P", 15}, {"E", 18}}

// parseQuantity reads a quantity; ok is false when s is not one.
func parseQuantity(s string) (quantity, bool) {
	num, format, scale := s, decimalSI, new(big.Rat).SetInt64(1)
	found := false
	for _, b := range binarySuffixes {
		if strings.HasSuffix(s, b.suffix) {
			num, format, found = strings.TrimSuffix(s, b.suffix), binarySI, true
			scale.SetInt(new(big.Int).Lsh(big.NewInt(1), 10*b.exp))
			break
		}
	}
	if !found {
		for _, d := range decimalSuffixes {
			if strings.HasSuffix(s, d.suffix) {
				num, found = strings.TrimSuffix(s, d.suffix), true
				scale = pow10(d.exp)
				break
			}
		}
	}
	if !found {
		if i := strings.IndexAny(s, "eE"); i > 0 {
			exp, ok := new(big.Int).SetString(s[i+1:], 10)
			if !ok || !exp.IsInt64() || exp.Int64() > 100 || exp.Int64() < -100 {
				return quantity{}, false
			}
			num, format, scale = s[:i], decimalExponent, pow10(int(exp.Int64()))
		}
	}
	if num == "" || strings.ContainsAny(num, "eE/") || strings.HasPrefix(num, "++") {
		return quantity{}, false
	}
	v, ok := new(big.Rat).SetString(num)
	if !ok {
		return quantity{}, false
	}
	return quantity{v: v.Mul(v, scale), format: format}, true
}

func pow10(exp int) *big.Rat {
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(exp))), nil)
	if exp < 0 {
		return new(big.Rat).SetFrac(big.NewInt(1), p)
	}
	return new(big.Rat).SetInt(p)
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// zeroQuantity is 0, printed "0".
func zeroQuantity() quantity { return quantity{v: new(big.Rat)} }

// add returns q+o in q's format (o's when q is zero and has none yet).
func (q quantity) add(o quantity) quantity {
	if q.v == nil {
		return quantity{v: new(big.Rat).Set(o.v), format: o.format}
	}
	return quantity{v: new(big.Rat).Add(q.v, o.v), format: q.format}
}

// milli is the quantity in thousandths, rounded up.
func (q quantity) milli() int64 {
	if q.v == nil {
		return 0
	}
	m := new(big.Rat).Mul(q.v, big.NewRat(1000, 1))
	return ceilInt(m)
}

func ceilInt(r *big.Rat) int64 {
	n, d := r.Num(), r.Denom()
	quo, rem := new(big.Int).QuoRem(n, d, new(big.Int))
	if rem.Sign() > 0 {
		quo.Add(quo, big.NewInt(1))
	}
	return quo.Int64()
}

// String writes q in canonical form, as Kubernetes does: the largest suffix
// of its format that keeps the number whole ("1500m", "1500M", "192Mi",
// "4"); binary values that are below 1024 or not whole switch to decimal
// suffixes. Values are rounded up to nano units.
func (q quantity) String() string {
	if q.v == nil || q.v.Sign() == 0 {
		return "0"
	}
	v := new(big.Rat).Set(q.v)
	// Round up to the nano.
	nanos := new(big.Rat).Mul(v, pow10(9))
	if !nanos.IsInt() {
		v.SetFrac(big.NewInt(ceilInt(nanos)), new(big.Int).Exp(big.NewInt(10), big.NewInt(9), nil))
	}
	sign := ""
	if v.Sign() < 0 {
		sign = "-"
		v.Neg(v)
	}
	format := q.format
	if format == binarySI && (!v.IsInt() || v.Cmp(big.NewRat(1024, 1)) < 0) {
		format = decimalSI
	}
	if format == binarySI {
		n := new(big.Int).Set(v.Num())
		exp := 0
		mask := big.NewInt(1023)
		for exp < len(binarySuffixes) && new(big.Int).And(n, mask).Sign() == 0 && n.Cmp(big.NewInt(1024)) >= 0 {
			n.Rsh(n, 10)
			exp++
		}
		suffix := ""
		if exp > 0 {
			suffix = binarySuffixes[exp-1].suffix
		}
		return sign + n.String() + suffix
	}
	// Decimal: the mantissa is whole at exponent -9 (rounded to nanos); raise
	// the exponent by threes while it stays whole.
	mant := new(big.Rat).Mul(v, pow10(9))
	m := new(big.Int).Set(mant.Num())
	exp := -9
	thousand := big.NewInt(1000)
	for exp < 18 {
		quo, rem := new(big.Int).QuoRem(m, thousand, new(big.Int))
		if rem.Sign() != 0 {
			break
		}
		m, exp = quo, exp+3
	}
	if format == decimalExponent {
		if exp == 0 {
			return sign + m.String()
		}
		return sign + m.String() + "e" + itoa(exp)
	}
	suffix := ""
	for _, d := range decimalSuffixes {
		if d.exp == exp {
			suffix = d.suffix
		}
	}
	return sign + m.String() + suffix
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }

// canonicalQuantity rewrites s in canonical form, or returns it as is when it
// is not a quantity.
func canonicalQuantity(s string) string {
	q, ok := parseQuantity(s)
	if !ok {
		return s
	}
	return q.String()
}
