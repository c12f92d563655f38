package export

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/slotlab/slotlab/framework/nn"
)

// DenseFormat is the metadata "format" of slotlab's dense safetensors files.
const DenseFormat = "slotlab-dense/v1"

type stEntry struct {
	DType       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

func encodeDense(l *loaded) ([]byte, error) {
	type named struct {
		name  string
		shape []int
		data  []float32
	}
	var ts []named
	for _, st := range l.net.Plan.Steps {
		if !st.Weighted {
			continue
		}
		ts = append(ts, named{name: st.Info.Name, shape: st.WeightShape})
	}
	for i, t := range l.net.EvalWeights() {
		if ts[i].name != t.Name {
			return nil, fmt.Errorf("internal: layer order %s != %s", ts[i].name, t.Name)
		}
		ts[i].data = t.F32
	}
	for _, t := range l.net.BatchNormStats() {
		ts = append(ts, named{name: strings.ReplaceAll(t.Name, "/", "."), shape: []int{len(t.F32)}, data: t.F32})
	}
	header := map[string]any{"__metadata__": map[string]string{"format": DenseFormat, "config": string(l.yaml),
		"origin": fmt.Sprintf("%s/%s epoch %d", l.origin.Name, l.origin.RunID, l.origin.Epoch)}}
	var off int64
	for _, t := range ts {
		n := int64(4 * len(t.data))
		header[t.name] = stEntry{DType: "F32", Shape: t.shape, DataOffsets: [2]int64{off, off + n}}
		off += n
	}
	hj, err := json.Marshal(header)
	if err != nil {
		return nil, err
	}
	for len(hj)%8 != 0 {
		hj = append(hj, ' ')
	}
	var out bytes.Buffer
	_ = binary.Write(&out, binary.LittleEndian, uint64(len(hj)))
	out.Write(hj)
	for _, t := range ts {
		_ = binary.Write(&out, binary.LittleEndian, t.data)
	}
	return out.Bytes(), nil
}

// decodeDense parses a safetensors file written by encodeDense: its config
// and the tensors LoadSelection takes for a learned network.
func decodeDense(path string, raw []byte) (string, map[string]nn.Tensor, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...))
	}
	if len(raw) < 8 {
		return "", nil, bad("too short for safetensors")
	}
	hl := binary.LittleEndian.Uint64(raw)
	if hl > uint64(len(raw)-8) {
		return "", nil, bad("corrupt safetensors header length")
	}
	var header map[string]json.RawMessage
	if err := json.Unmarshal(raw[8:8+hl], &header); err != nil {
		return "", nil, bad("corrupt safetensors header: %v", err)
	}
	var meta map[string]string
	if err := json.Unmarshal(header["__metadata__"], &meta); err != nil || meta["format"] != DenseFormat {
		return "", nil, bad("not a slotlab dense export (metadata format %q)", meta["format"])
	}
	data := raw[8+hl:]
	ts := map[string]nn.Tensor{}
	var names []string
	for k := range header {
		if k != "__metadata__" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		var e stEntry
		if err := json.Unmarshal(header[k], &e); err != nil || e.DType != "F32" {
			return "", nil, bad("tensor %s: want dtype F32", k)
		}
		a, b := e.DataOffsets[0], e.DataOffsets[1]
		if a < 0 || b < a || b > int64(len(data)) || (b-a)%4 != 0 {
			return "", nil, bad("tensor %s: offsets %v outside the data", k, e.DataOffsets)
		}
		v := float32sLE(data[a:b])
		name := "learned/" + k + "/w"
		if strings.HasPrefix(k, "bn.") {
			name = strings.ReplaceAll(k, ".", "/")
		}
		ts[name] = nn.Tensor{Name: name, F32: v}
	}
	return meta["config"], ts, nil
}
