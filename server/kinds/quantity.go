package kinds

import (
	"math/big"
	"strings"
)

var quantityScale = map[string]*big.Rat{
	"":   big.NewRat(1, 1),
	"n":  big.NewRat(1, 1_000_000_000),
	"u":  big.NewRat(1, 1_000_000),
	"m":  big.NewRat(1, 1_000),
	"k":  big.NewRat(1_000, 1),
	"M":  big.NewRat(1_000_000, 1),
	"G":  big.NewRat(1_000_000_000, 1),
	"T":  new(big.Rat).SetInt64(1_000_000_000_000),
	"P":  new(big.Rat).SetInt64(1_000_000_000_000_000),
	"E":  new(big.Rat).SetInt64(1_000_000_000_000_000_000),
	"Ki": new(big.Rat).SetInt64(1 << 10),
	"Mi": new(big.Rat).SetInt64(1 << 20),
	"Gi": new(big.Rat).SetInt64(1 << 30),
	"Ti": new(big.Rat).SetInt64(1 << 40),
	"Pi": new(big.Rat).SetInt64(1 << 50),
	"Ei": new(big.Rat).SetInt64(1 << 60),
}

// parseQuantity reads a Kubernetes resource quantity ("500m", "1.5Gi", "1e3") as
// an exact number, so that "1" and "1000m", or "1Gi" and "1024Mi", compare
// equal.
func parseQuantity(s string) (*big.Rat, bool) {
	num, suffix := splitQuantity(s)
	if num == "" || !validQuantityNumber(num) {
		return nil, false
	}
	scale, ok := quantityScale[suffix]
	if !ok {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		return nil, false
	}
	return r.Mul(r, scale), true
}

// splitQuantity cuts s into its number and its suffix (a binary suffix such as
// "Ki" or one SI letter). An exponent ("1e3") belongs to the number, so "E"
// after digits is the exa suffix only at the very end.
func splitQuantity(s string) (string, string) {
	if len(s) >= 2 && strings.HasSuffix(s[len(s)-1:], "i") {
		if _, ok := quantityScale[s[len(s)-2:]]; ok {
			return s[:len(s)-2], s[len(s)-2:]
		}
	}
	if len(s) >= 1 {
		last := s[len(s)-1:]
		if _, ok := quantityScale[last]; ok && last != "" {
			return s[:len(s)-1], last
		}
	}
	return s, ""
}

// validQuantityNumber accepts [+-]digits[.digits][e[+-]digits], with digits
// on at least one side of the point.
func validQuantityNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}
