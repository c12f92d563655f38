// Package nn is slotlab's network engine: it builds a network from a Spec
// (input shape, classes, layers of a framework.LayerKind) and trains and
// evaluates it one batch at a time. It knows no file format: config maps
// an architecture file to a Spec (config.Architecture.Spec) and places a
// SpecError at its line; the state comes out as named Tensors, which train
// writes as checkpoints.
//
// Every kind of layer is one file, op_KIND.go (op_dense.go, op_conv.go,
// op_pool.go, op_dropout.go, op_batchnorm.go, op_relu.go, op_flatten.go),
// that registers in the one table of layer kinds (layers.go) its summary
// and keys, its parameters of its own (LayerParam, written as keys of the
// layer in YAML), its defaults and checks, its output shape (and a
// weighted kind's weights) and its graph node. NewPlan, Build, Describe,
// config's validation, export and the CLI's lists all work from that table
// (layerkind_test.go adds a kind with a parameter so).
//
// A Network holds two gorgonia graphs, one for training and one for
// evaluation, whose ops are slotlab's own, each calling the float32 kernels
// of nn/kernels and nn/gemm on buffers it owns; the backward pass of every
// op is a kernelOp (op.go) running a closure over the forward op. gorgonia
// provides the graph and its reverse-mode differentiation.
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
