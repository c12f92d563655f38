// Package kernels holds the hand-written float32 kernels of slotlab's
// convolutional networks: convolution (im2col + gemm.Sgemm), max and average
// pooling, batch normalisation without affine parameters, dropout, ReLU and
// softmax cross-entropy.
//
// Tensors are dense float32 slices in NCHW layout (batch, channel, height,
// width); convolution weights are (F, C·KH·KW) row-major, which is PyTorch's
// (F, C, KH, KW). Every kernel is deterministic: its result depends only on its
// inputs, never on GOMAXPROCS or on goroutine timing. Work is spread, in
// fixed ranges, over the framework's one parallel-for
// (framework/internal/parallel, a persistent pool of GOMAXPROCS workers)
// and, once buffers have been sized by a first call, no kernel allocates.
//
// Objects that keep state between calls (Conv, BatchNorm) must not be used by
// two goroutines at once; distinct objects may be used concurrently.
package kernels
