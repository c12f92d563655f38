package results

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// lastValues sort after every other value of a key: the learned baseline
// after the slot machines, a missing value at the end.
var lastValues = map[string]int{"learned": 1, "": 2}

// sortGroups orders groups key by key with naturalLess.
func sortGroups(gs []Group) {
	sort.SliceStable(gs, func(a, b int) bool {
		for i := range gs[a] {
			x, y := gs[a][i], gs[b][i]
			if x == y {
				continue
			}
			return naturalLess(x, y)
		}
		return false
	})
}

// naturalLess compares values as a person would: numbers by value (so
// K=2 < K=16 and conv2 < conv10), text alphabetically, and "learned" and
// missing values last.
func naturalLess(a, b string) bool {
	if la, lb := lastValues[a], lastValues[b]; la != lb {
		return la < lb
	}
	if x, err := strconv.ParseFloat(a, 64); err == nil {
		if y, err := strconv.ParseFloat(b, 64); err == nil {
			return x < y
		}
	}
	for a != "" && b != "" {
		na, ra := leadingNumber(a)
		nb, rb := leadingNumber(b)
		if na != "" && nb != "" {
			x, _ := strconv.ParseFloat(na, 64)
			y, _ := strconv.ParseFloat(nb, 64)
			if x != y {
				return x < y
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

// leadingNumber splits the digits at the start of s from the rest.
func leadingNumber(s string) (string, string) {
	i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) })
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}
