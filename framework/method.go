package framework

// Method is how a network comes by its weights.
type Method string

// The methods of training.
const (
	// MethodSlot trains scores that select among K fixed random weights per
	// connection (a slot machine).
	MethodSlot Method = "slot"
	// MethodLearned trains ordinary weights by SGD (the baseline).
	MethodLearned Method = "learned"
	// MethodFinetune trains a slot machine first, then its selected weights
	// as ordinary ones.
	MethodFinetune Method = "finetune"
)
