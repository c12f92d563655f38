// Package nn is slotlab's network engine: it builds a network from an
// architecture (config.Architecture) and trains and evaluates it one batch
// at a time.
//
// A Network holds two gorgonia graphs, one for training and one for
// evaluation, whose ops are slotlab's own (op_*.go: conv, dense, pooling,
// relu, dropout, batch norm, flatten, softmax cross-entropy), each calling
// the float32 kernels of nn/kernels and nn/gemm on buffers it owns;
// gorgonia provides the graph and its reverse-mode differentiation.
//
// Every weight matrix of a slot machine is a SlotLayer: per connection K
// fixed random candidate weights (a Pool, stored or regenerated from the
// seed), K scores kept in factored form (s = A·s0 + y·w, nn/slotupdate) and
// the selection a framework.Selector makes from them; the graph sees the
// effective weights W_eff gathered from the selection, and the straight-
// through gradient ∂L/∂W_eff updates the scores (TrainStep). A learned
// network (LearnedLayer) trains its weights by the same SGD; finetune.go
// switches a slot machine to learned weights mid-run.
//
// State and Restore give the tensors a checkpoint needs; Selection the
// evaluated network alone (best.bin, export). Results are deterministic for
// a seed at any GOMAXPROCS: every parallel reduction has a fixed order.
package nn
