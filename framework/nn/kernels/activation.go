package kernels

import (
	"math"

	"github.com/slotlab/slotlab/framework/internal/parallel"
)

// ReLUForward computes y = max(x, 0) elementwise; NaN stays NaN. y may be x.
func ReLUForward(x, y []float32) {
	checkLen("relu y", len(y), len(x))
	t := eltTasks.Get()
	*t = eltTask{kind: reluForward, a: x, b: y}
	runElt(t, len(x))
}

// ReLUBackward computes dx = dy where y > 0 and 0 elsewhere, from the forward
// output y. dx may be dy.
func ReLUBackward(y, dy, dx []float32) {
	checkLen("relu dy", len(dy), len(y))
	checkLen("relu dx", len(dx), len(y))
	t := eltTasks.Get()
	*t = eltTask{kind: reluBackward, a: y, b: dy, c: dx}
	runElt(t, len(y))
}

type eltKind int

const (
	reluForward eltKind = iota
	reluBackward
	dropoutForward
	mulElt
)

// eltTask runs one elementwise kernel over a range of elements.
type eltTask struct {
	kind    eltKind
	a, b, c []float32
	p       float32
	scale   float32
	key     uint64
	counter uint64
}

var eltTasks parallel.FreeList[eltTask]

func runElt(t *eltTask, n int) {
	runParallel(n, elemChunks(n), procs(), t)
	eltTasks.Put(t)
}

// reluSerial writes y = max(x, 0) on the calling goroutine; y may be x.
func reluSerial(x, y []float32) {
	y = y[:len(x)]
	if n := len(x) &^ 7; useAsm && n > 0 {
		reluAVX2(&x[0], &y[0], n) // the same bits, eight at a time
		x, y = x[n:], y[n:]
	}
	// Written so that the compiler emits CMOV: random signs would
	// make a branch mispredict half the time.
	for i, v := range x {
		b := math.Float32bits(v) // outside the if, for CMOV
		var r uint32
		if !(v < 0) {
			r = b
		}
		y[i] = math.Float32frombits(r)
	}
}

// reluGradSerial is ReLUBackward on the calling goroutine.
func reluGradSerial(y, dy, dx []float32) {
	dy, dx = dy[:len(y)], dx[:len(y)]
	if n := len(y) &^ 7; useAsm && n > 0 {
		reluGradAVX2(&y[0], &dy[0], &dx[0], n)
		y, dy, dx = y[n:], dy[n:], dx[n:]
	}
	for i, v := range y {
		dx[i] = reluGrad(v, dy[i])
	}
}

func (t *eltTask) Range(_, lo, hi int) {
	switch t.kind {
	case reluForward:
		reluSerial(t.a[lo:hi], t.b[lo:hi])
	case reluBackward:
		reluGradSerial(t.a[lo:hi], t.b[lo:hi], t.c[lo:hi])
	case dropoutForward:
		t.dropout(lo, hi)
	case mulElt:
		a, b, c := t.a[lo:hi], t.b[lo:hi], t.c[lo:hi]
		b, c = b[:len(a)], c[:len(a)]
		for i, v := range a {
			c[i] = v * b[i]
		}
	}
}
