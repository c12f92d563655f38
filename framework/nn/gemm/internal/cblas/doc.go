// Package cblas calls OpenBLAS's cblas_sgemm through cgo; it is empty
// unless built with the openblas tag and cgo. It is a package of its own
// because a package that uses cgo cannot hold Go assembly, and gemm keeps
// its assembly kernels in every build.
package cblas
