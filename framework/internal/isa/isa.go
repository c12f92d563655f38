// Package isa chooses, once per process, which instruction-set path
// slotlab's hand-written kernels take: the widest the CPU supports, unless
// the environment variable SLOTLAB_ISA asks for another.
//
// SLOTLAB_ISA is read once, the first time Selected is called (in practice
// at start-up, by package gemm). Its values:
//
//	avx512   AVX-512F (x86-64)
//	avx2     AVX2 and FMA (x86-64)
//	generic  portable Go, no SIMD assembly
//	auto     the same as unset: the best path the CPU supports
//
// Asking for a path the CPU lacks, or for an unknown name, does not stop
// the program: Selected falls back to the best path the CPU supports and
// writes one line saying so to standard error (Note returns the same
// text), and the packages that report their path (gemm.Backend, and so the
// host record of result.json and the bench output) report the path
// actually used. A path that is supported is always honoured, so forcing a
// slower one (avx2 or generic on an AVX-512 machine) is how to reproduce or
// compare the other paths on one machine.
//
// Supported answers for the CPU alone; a package whose build lacks the
// assembly for a path (the purego build tag, or another architecture)
// takes the best path it has at or below Selected.
package isa

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"golang.org/x/sys/cpu"
)

// EnvVar is the environment variable that overrides the choice.
const EnvVar = "SLOTLAB_ISA"

// Level is an instruction-set path, ordered from narrowest to widest.
type Level int

// The paths, from narrowest to widest.
const (
	Generic Level = iota // portable Go
	AVX2                 // x86-64 AVX2 and FMA
	AVX512               // x86-64 AVX-512F (AVX2 and FMA too)
)

// Levels lists every path, widest first.
var Levels = []Level{AVX512, AVX2, Generic}

// String returns the path's name as SLOTLAB_ISA spells it.
func (l Level) String() string {
	switch l {
	case Generic:
		return "generic"
	case AVX2:
		return "avx2"
	case AVX512:
		return "avx512"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// Parse returns the path a SLOTLAB_ISA value names; ok is false for
// "auto", the empty string and unknown names, err non-nil for unknown ones.
func Parse(s string) (l Level, ok bool, err error) {
	switch v := strings.ToLower(strings.TrimSpace(s)); v {
	case "", "auto":
		return Generic, false, nil
	default:
		for _, l := range Levels {
			if v == l.String() {
				return l, true, nil
			}
		}
	}
	return Generic, false, fmt.Errorf("%s=%q is not one of avx512, avx2, generic, auto", EnvVar, s)
}

// Supported reports whether the CPU (and the operating system, which must
// save the wide registers) can run path l.
func Supported(l Level) bool {
	switch l {
	case Generic:
		return true
	case AVX2:
		return cpu.X86.HasAVX2 && cpu.X86.HasFMA
	case AVX512:
		return cpu.X86.HasAVX512F && cpu.X86.HasAVX2 && cpu.X86.HasFMA
	}
	return false
}

// Best returns the widest path the CPU supports.
func Best() Level { return best(Supported) }

func best(supported func(Level) bool) Level {
	for _, l := range Levels {
		if supported(l) {
			return l
		}
	}
	return Generic
}

// choose applies a SLOTLAB_ISA value: the path it names if supported,
// otherwise the best supported one and a note saying why.
func choose(env string, supported func(Level) bool) (Level, string) {
	want, ok, err := Parse(env)
	b := best(supported)
	switch {
	case err != nil:
		return b, fmt.Sprintf("%v; using %s", err, b)
	case !ok:
		return b, ""
	case !supported(want):
		return b, fmt.Sprintf("%s=%s: this CPU does not support %s; using %s", EnvVar, env, want, b)
	}
	return want, ""
}

// selection is the outcome of reading SLOTLAB_ISA.
type selection struct {
	level  Level
	forced bool   // SLOTLAB_ISA named level and it was honoured
	note   string // why SLOTLAB_ISA was not honoured
}

var selected = sync.OnceValue(func() selection {
	env := os.Getenv(EnvVar)
	l, note := choose(env, Supported)
	if note != "" {
		fmt.Fprintln(os.Stderr, "slotlab:", note)
	}
	want, ok, _ := Parse(env)
	return selection{level: l, forced: ok && want == l, note: note}
})

// Selected returns the path to take: the one SLOTLAB_ISA names if the CPU
// supports it, otherwise the best supported. The variable is read on the
// first call only.
func Selected() Level { return selected().level }

// Forced reports whether Selected is the path SLOTLAB_ISA named (rather
// than the default, or a fallback).
func Forced() bool { return selected().forced }

// Note returns why Selected did not honour SLOTLAB_ISA, or "" when it did
// (or the variable is unset).
func Note() string { return selected().note }
