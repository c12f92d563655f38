package framework

import (
	"strings"
	"testing"
)

// TestCheckK checks the bounds of K and that the errors say them.
func TestCheckK(t *testing.T) {
	for _, tc := range []struct {
		k    int
		want string // "" for accepted
	}{
		{1, ""}, {8, ""}, {MaxK, ""},
		{0, "k must be at least 1 (the number of candidate weights per connection), not 0"},
		{-3, "not -3"},
		{MaxK + 1, "k = 65537 is more than slotlab supports (65536)"},
		{1 << 62, "more than slotlab supports"},
	} {
		err := CheckK(tc.k)
		if (tc.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckK(%d) = %v, want %q", tc.k, err, tc.want)
		}
	}
}
