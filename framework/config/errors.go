package config

import (
	"fmt"
	"sort"
	"strings"
)

// Error is a configuration error at a place in a file (or in a command-line
// override), with a message that says what is wrong and how to fix it.
type Error struct {
	File     string // the YAML file, or "" for an override
	Override string // the key=value override the value came from, if any
	Line     int    // 1-based; 0 when unknown
	Column   int    // 1-based; 0 when unknown
	Msg      string
}

// Error formats the error as file:line:column: message, the form editors and
// terminals turn into links.
func (e *Error) Error() string {
	switch {
	case e.Override != "":
		return fmt.Sprintf("override %q: %s", e.Override, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
	case e.File != "":
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return e.Msg
}

// ErrorList is several configuration errors found in one pass.
type ErrorList []*Error

// Error joins the errors, one per line.
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// aliases are keys people type from habit (PyTorch, Lightning, Hydra) and
// what slotlab calls them.
var aliases = map[string]string{
	"lr":            "learning_rate",
	"learningrate":  "learning_rate",
	"wd":            "weight_decay",
	"weightdecay":   "weight_decay",
	"bs":            "batch_size",
	"batchsize":     "batch_size",
	"batch":         "batch_size",
	"epoch":         "epochs",
	"n_epochs":      "epochs",
	"max_epochs":    "epochs",
	"num_epochs":    "epochs",
	"K":             "k",
	"slots":         "k",
	"arch":          "architecture",
	"model":         "architecture",
	"net":           "architecture",
	"scheduler":     "schedule",
	"lr_schedule":   "schedule",
	"optim":         "optimizer",
	"init":          "initializers",
	"initializer":   "initializers",
	"weight_init":   "weights",
	"score_init":    "scores",
	"val_split":     "val_fraction",
	"validation":    "val_fraction",
	"augmentation":  "augment",
	"hflip":         "flip",
	"random_seed":   "seed",
	"filters":       "out",
	"units":         "out",
	"out_channels":  "out",
	"out_features":  "out",
	"kernel_size":   "kernel",
	"pad":           "padding",
	"prob":          "p",
	"rate":          "p",
	"share":         "sharing",
	"weight_share":  "sharing",
	"data_dir":      "dir",
	"milestone":     "milestones",
	"restart":       "restarts",
	"nesterov_sgd":  "nesterov",
	"dataset_name":  "dataset",
	"select":        "selector",
	"selection":     "selector",
	"mode":          "method",
	"train_subset":  "train_limit",
	"test_subset":   "test_limit",
	"limit":         "train_limit",
	"eval_sampling": "eval",
}

// suggest returns the candidate closest to key, or "" if none is close.
func suggest(key string, candidates []string) string {
	if a, ok := aliases[key]; ok {
		for _, c := range candidates {
			if c == a {
				return c
			}
		}
	}
	lower := strings.ToLower(key)
	best, bestD := "", 1<<30
	for _, c := range candidates {
		d := levenshtein(lower, strings.ToLower(c))
		if d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	limit := 2
	if len(key) > 8 {
		limit = 3
	}
	if bestD <= limit && bestD < len(key) {
		return best
	}
	for _, c := range candidates {
		if len(lower) >= 3 && (strings.HasPrefix(c, lower) || strings.Contains(c, lower)) {
			return c
		}
	}
	return ""
}

// didYouMean formats a suggestion for key among candidates, or lists the
// candidates when none is close.
func didYouMean(key string, candidates []string) string {
	if s := suggest(key, candidates); s != "" {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	return fmt.Sprintf(" (known keys: %s)", strings.Join(sorted, ", "))
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
