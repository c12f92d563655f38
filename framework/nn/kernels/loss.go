package kernels

import (
	"fmt"
	"math"
)

// SoftmaxCrossEntropy computes the softmax of each of the n rows of logits
// (n×classes) into probs and returns the mean over rows of −log p[label],
// evaluated stably as logsumexp(row) − row[label] in float64, and the number
// of rows whose first maximal logit is at the label. It panics on a label
// outside [0, classes).
func SoftmaxCrossEntropy(logits []float32, labels []int32, n, classes int, probs []float32) (meanLoss float64, correct int) {
	checkLoss(len(logits), len(labels), len(probs), n, classes)
	if n == 0 {
		return 0, 0
	}
	var total float64
	for i := 0; i < n; i++ {
		row := logits[i*classes : (i+1)*classes]
		pr := probs[i*classes : (i+1)*classes]
		lab := int(labels[i])
		if lab < 0 || lab >= classes {
			panic(fmt.Sprintf("kernels: label %d of row %d outside [0, %d)", lab, i, classes))
		}
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		if best == lab {
			correct++
		}
		mx := float64(row[best])
		var sum float64
		for _, v := range row {
			sum += math.Exp(float64(v) - mx)
		}
		lse := math.Log(sum)
		for j, v := range row {
			pr[j] = float32(math.Exp(float64(v) - mx - lse))
		}
		total += lse - (float64(row[lab]) - mx)
	}
	return total / float64(n), correct
}

// SoftmaxCrossEntropyBackward writes dlogits = scale·(probs − onehot(labels))/n,
// the gradient of scale × the mean loss.
func SoftmaxCrossEntropyBackward(probs []float32, labels []int32, n, classes int, scale float32, dlogits []float32) {
	checkLoss(len(probs), len(labels), len(dlogits), n, classes)
	if n == 0 {
		return
	}
	f := scale / float32(n)
	for i := 0; i < n; i++ {
		pr := probs[i*classes : (i+1)*classes]
		d := dlogits[i*classes : (i+1)*classes]
		for j, v := range pr {
			d[j] = f * v
		}
		lab := int(labels[i])
		if lab < 0 || lab >= classes {
			panic(fmt.Sprintf("kernels: label %d of row %d outside [0, %d)", lab, i, classes))
		}
		d[lab] = f * (pr[lab] - 1)
	}
}

func checkLoss(in, labels, out, n, classes int) {
	if n < 0 || classes < 1 {
		panic(fmt.Sprintf("kernels: bad loss shape n=%d classes=%d", n, classes))
	}
	checkLen("loss input", in, n*classes)
	checkLen("loss labels", labels, n)
	checkLen("loss output", out, n*classes)
}
