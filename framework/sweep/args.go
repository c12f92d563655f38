package sweep

import (
	"fmt"
	"strings"
)

// Args are a sweep's command-line settings: plain key=value overrides that
// every run gets, and the axes written key=v1,v2,... .
type Args struct {
	// Base are the key=value overrides applied to every run.
	Base []string
	// Axes are the keys swept on the command line with their values, in
	// the order given.
	Axes []Axis
}

// Axis is a config key swept over a list of values (YAML text).
type Axis struct {
	Key    string
	Values []string
}

// ParseArgs reads key=value arguments. A value with a comma outside
// brackets and quotes is an axis: k=1,2,4 sweeps k over 1, 2 and 4. A
// value that starts with [ or { is one YAML list or mapping, and one in
// quotes one string, so train.schedule.restarts=[25,75] sets a list and
// description='"a, b"' a string with a comma.
func ParseArgs(args []string) (Args, error) {
	var a Args
	seen := map[string]string{}
	for _, s := range args {
		key, val, ok := strings.Cut(s, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" {
			return Args{}, fmt.Errorf("%q is not a key=value override (k=16) or axis (k=2,4,8)", s)
		}
		if err := checkKey(key); err != nil {
			return Args{}, fmt.Errorf("%q: %v", s, err)
		}
		if prev, dup := seen[key]; dup {
			return Args{}, fmt.Errorf("%q and %q set the same key; give one (an axis is k=1,2,4)", prev, s)
		}
		seen[key] = s
		values, isAxis := splitAxis(val)
		if !isAxis {
			a.Base = append(a.Base, key+"="+val)
			continue
		}
		for _, v := range values {
			if v == "" {
				return Args{}, fmt.Errorf("%q: empty value in the list; write k=1,2,4", s)
			}
		}
		a.Axes = append(a.Axes, Axis{Key: key, Values: values})
	}
	return a, nil
}

// splitAxis splits a value at its commas unless it is a YAML flow list or
// mapping or a quoted string.
func splitAxis(val string) ([]string, bool) {
	v := strings.TrimSpace(val)
	if v == "" || strings.ContainsAny(v[:1], "[{\"'") || !strings.Contains(v, ",") {
		return nil, false
	}
	parts := strings.Split(v, ",")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return parts, true
}

// keys returns every key the arguments set or sweep.
func (a Args) keys() []string {
	var out []string
	for _, b := range a.Base {
		k, _, _ := strings.Cut(b, "=")
		out = append(out, strings.TrimSpace(k))
	}
	for _, ax := range a.Axes {
		out = append(out, ax.Key)
	}
	return out
}

// dimensions returns the command-line axes as sweep dimensions.
func (a Args) dimensions() block {
	var b block
	for _, ax := range a.Axes {
		d := dimension{key: ax.Key}
		for _, v := range ax.Values {
			d.options = append(d.options, []string{ax.Key + "=" + v})
		}
		b = append(b, d)
	}
	return b
}
