package export

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"math"
	"math/bits"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/nn"
	"github.com/slotlab/slotlab/framework/rng"
)

// SlotMagic starts a file of the slot format.
const SlotMagic = "SLOTLAB-SLOT\x00v1\n"

type slotHeader struct {
	Format    string      `json:"format"`
	Generator string      `json:"generator"`
	Config    string      `json:"config"`
	Layers    []slotLayer `json:"layers"`
	BN        []bnEntry   `json:"batchnorm"`
	Origin    Origin      `json:"origin"`
}

type slotLayer struct {
	Name        string `json:"name"`
	Connections int    `json:"connections"`
	K           int    `json:"k"`
	Bits        int    `json:"bits"`
}

type bnEntry struct {
	Name string `json:"name"`
	Len  int    `json:"len"`
}

// bitsFor returns ⌈log₂ K⌉.
func bitsFor(k int) int {
	if k <= 1 {
		return 0
	}
	return bits.Len(uint(k - 1))
}

func encodeSlot(l *loaded) ([]byte, error) {
	h := slotHeader{Format: "slotlab-slot/v1", Generator: rng.Generator, Config: string(l.yaml), Origin: l.origin}
	var body bytes.Buffer
	for _, s := range l.net.Slots {
		b := bitsFor(s.Info.K)
		h.Layers = append(h.Layers, slotLayer{Name: s.Info.Name, Connections: s.Info.Connections, K: s.Info.K, Bits: b})
		body.Write(pack(s.EvalIdx, b))
	}
	for _, t := range l.net.BatchNormStats() {
		h.BN = append(h.BN, bnEntry{Name: t.Name, Len: len(t.F32)})
		_ = binary.Write(&body, binary.LittleEndian, t.F32)
	}
	hj, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.WriteString(SlotMagic)
	_ = binary.Write(&out, binary.LittleEndian, uint32(len(hj)))
	out.Write(hj)
	out.Write(body.Bytes())
	_ = binary.Write(&out, binary.LittleEndian, crc32.ChecksumIEEE(out.Bytes()))
	return out.Bytes(), nil
}

// pack stores each index in b bits, least significant bit first.
func pack(idx []int32, b int) []byte {
	out := make([]byte, (len(idx)*b+7)/8)
	pos := 0
	for _, v := range idx {
		for j := 0; j < b; j++ {
			if v>>j&1 == 1 {
				out[pos>>3] |= 1 << (pos & 7)
			}
			pos++
		}
	}
	return out
}

func unpack(data []byte, n, b int) []int32 {
	out := make([]int32, n)
	pos := 0
	for i := range out {
		var v int32
		for j := 0; j < b; j++ {
			if data[pos>>3]>>(pos&7)&1 == 1 {
				v |= 1 << j
			}
			pos++
		}
		out[i] = v
	}
	return out
}

// decodeSlot parses a slot-format file into its header and the tensors
// LoadSelection takes.
func decodeSlot(path string, raw []byte) (*slotHeader, map[string]nn.Tensor, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...))
	}
	if len(raw) < len(SlotMagic)+8 || string(raw[:len(SlotMagic)]) != SlotMagic {
		return nil, nil, bad("not a slotlab slot-format file")
	}
	body, sum := raw[:len(raw)-4], binary.LittleEndian.Uint32(raw[len(raw)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, nil, bad("checksum mismatch: the file is corrupt or truncated")
	}
	p := len(SlotMagic)
	hl := int(binary.LittleEndian.Uint32(body[p:]))
	p += 4
	if hl > len(body)-p {
		return nil, nil, bad("corrupt header length")
	}
	var h slotHeader
	if err := json.Unmarshal(body[p:p+hl], &h); err != nil {
		return nil, nil, bad("corrupt header: %v", err)
	}
	p += hl
	if h.Generator != rng.Generator {
		return nil, nil, bad("its weights come from generator %q, this slotlab has %q", h.Generator, rng.Generator)
	}
	ts := map[string]nn.Tensor{}
	for _, l := range h.Layers {
		if err := framework.CheckK(l.K); err != nil {
			return nil, nil, bad("layer %s: %v", l.Name, err)
		}
		if l.Bits != bitsFor(l.K) || l.Connections < 0 {
			return nil, nil, bad("layer %s: %d bits for K=%d", l.Name, l.Bits, l.K)
		}
		size := (l.Connections*l.Bits + 7) / 8
		if size > len(body)-p {
			return nil, nil, bad("truncated selections of %s", l.Name)
		}
		idx := unpack(body[p:p+size], l.Connections, l.Bits)
		for i, v := range idx {
			if int(v) >= l.K {
				return nil, nil, bad("layer %s connection %d selects %d of K=%d", l.Name, i, v, l.K)
			}
		}
		ts["select/"+l.Name] = nn.Tensor{Name: "select/" + l.Name, I32: idx}
		p += size
	}
	for _, b := range h.BN {
		if b.Len < 0 || 4*b.Len > len(body)-p {
			return nil, nil, bad("truncated batch-norm statistics %s", b.Name)
		}
		v := float32sLE(body[p : p+4*b.Len])
		ts[b.Name] = nn.Tensor{Name: b.Name, F32: v}
		p += 4 * b.Len
	}
	if p != len(body) {
		return nil, nil, bad("%d unexpected bytes after the data", len(body)-p)
	}
	return &h, ts, nil
}

// float32sLE decodes little-endian float32s (len(b) a multiple of 4).
func float32sLE(b []byte) []float32 {
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}
