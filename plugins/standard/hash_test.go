package standard

import (
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework/config"
)

// TestConfigHashesPinned pins, for every experiment file of the repository
// that uses no plugin and for overrides that reach every built-in module,
// the config hash (which names the run directory) and the SHA-256 of the
// resolved config.yaml: a change to how modules are named, resolved or
// written must not move existing runs to new directories or change their
// recorded configs. A deliberate change updates the table.
func TestConfigHashesPinned(t *testing.T) {
	for _, tc := range []struct {
		file      string
		overrides []string
		hash      string
		yamlSHA   string
	}{
		{"conv2.yaml", nil, "7d527ea310546aa4254274db376414298800db84cdd53facc5bf71e4e908a560", "7b8c1c6aed861a12dd35b381dbb3c118a1b6a1a857bf1a6cfcbdb1472e84b7b9"},
		{"conv4.yaml", nil, "60c17ecb0710b176a4f75e86dc1ba21e6a5e687d7dff5e928064fb4ae2c0df6a", "fc6bb9d25ae0ceaab4c308d290a214a9c83233edbe797144b48345cbcf069cfc"},
		{"conv6.yaml", nil, "6c583a3a51eb3204308ba9a022c5c7f4dfc9821d427d236023aa2355ecc90792", "cc7d5f742513f4d851104b441fc92acc15c514578f7063f183647d2ae3ca685b"},
		{"cost.yaml", nil, "4fdc9af16fc62a8fc95ea626186cfccbe54a6d8dfccbc65bdd4b8dcb68581793", "ddec005a99784b175e8d5fa25abc0219eb27a3a5b5d5a95ba4a4ca7ce7d85814"},
		{"finetune.yaml", nil, "d4977171f78af884affff6855dee47c71af162b91f40806c621b6391b23d4e24", "efa95e0b243389781ff4a9a7946a1381da11b86d1f0a450f6c0ee2dfaddb115d"},
		{"gs-vs-ps.yaml", nil, "4fdc9af16fc62a8fc95ea626186cfccbe54a6d8dfccbc65bdd4b8dcb68581793", "0df4ca9c071278050468e62175c5ca2070e09d3e3b5ee0c0d75a40076191b07f"},
		{"k-sweep.yaml", nil, "4fdc9af16fc62a8fc95ea626186cfccbe54a6d8dfccbc65bdd4b8dcb68581793", "8565e258d3823d0bde5f4cfc00f411a8964017c137e4a4661673129f3596adbb"},
		{"k1-vs-k2.yaml", nil, "4fdc9af16fc62a8fc95ea626186cfccbe54a6d8dfccbc65bdd4b8dcb68581793", "ca5f099b38f8598fd8f3ae878b589743dfa1185ffea2f2b737c7637e6aeeb813"},
		{"lenet.yaml", nil, "4fdc9af16fc62a8fc95ea626186cfccbe54a6d8dfccbc65bdd4b8dcb68581793", "1db1801c999221e7bd176a5aaa597bb51e0b17f8ff6cb94fc29c2eb047019f59"},
		{"sharing.yaml", nil, "4fdc9af16fc62a8fc95ea626186cfccbe54a6d8dfccbc65bdd4b8dcb68581793", "2002820ee8320259b301332067ef9d5477e6ca8fff34462b948e840e5393bc40"},
		{"vgg19.yaml", nil, "8bb5b26404b53c24ffcc18c93287a4a1b7c2bda00f691b9296ffd65edc058c8b", "a84aeefbe292fbf0608f0de4a11a54430c685cc3c3a4493f86f018c7393d38b1"}, // config.yaml gained the paper's reference block (not hashed)
		{"official/conv2.yaml", nil, "cd679f0097b7de596ee1e95922ab215c07e23cf23ca53da889b9e3a93a799503", "858741d4fd4cb53c84badaebf83bb7c28b25c385f5270fcd7b039603f4f592e7"},
		{"official/conv4.yaml", nil, "06cd99d1d349647adfe0b9703f2698906ce378de3db8a394534ba939e2201293", "a0033142efb6e5040ac741218e47437f700420eef2572cc96e6ac2e684a66c8c"},
		{"official/conv6.yaml", nil, "f101100ce64e4b60394e916e1bf001bf532847210b95460d122afd860e2e46f2", "4d8a0088d31ac0ea39cff44a8b30224d76816b1a9806ef88fa50f097fcf76c84"},
		{"official/lenet.yaml", nil, "bc27ad937ffa0d1fd796e1ae8d3836a73b848cc5deb069f328e2f47807c2fe42", "9cdbf0e156f51f76a34d28f13ce56db2c0a78b2d817ecd74f1b5e061e792b7bc"},
		{"official/vgg19.yaml", nil, "858c40a5743e655bf9ff5bdf85ac6658705f69366fb8a381b8ae53761795518c", "ddd23348bc7751374ef05b208974acc050eda12955f516d6fc369e9b162e5370"},
		{"paper-text/conv2.yaml", nil, "b3cd12fa3f319572ffc7baea7736715329f9086e22814c0fc2f4ac593079d387", "a452eaab04b9a0a2d9282fa58801780ed09335ab9321c6ddb9a5649e285fc385"},
		{"paper-text/conv4.yaml", nil, "afc20c29319a372a3db5ca215c5b8c29b6b6f29313cbc4288831c84b98e11637", "06cf0b3e8d256f8e08988c3dabb53cbf519fe9d7abf459dae640f6f6037095c8"},
		{"paper-text/conv6.yaml", nil, "a8ddb4886680aab7d341ff3a2d5eb206cf8c3f2ace6e5afdcfc18cf97f384602", "0b0e4f43cc4fdf6e19d5f04996d97213be0f93e1fb0d4c96e7e68f4e99f0500d"},
		{"paper-text/lenet.yaml", nil, "8f44a662e4a95fafe1dbc242a271eb6ea4aa0e1de5dacafc1922e8cc4191ac8a", "e307f68a44d0ecc01a5e9d1d9e96395655ea8ae0ff0bb91ea34d5c3f959ff509"},
		{"paper-text/vgg19.yaml", nil, "bc17003e600ab27b7cf1d262f5c0fbacde0c66a363143fea98325bde00c3ade5", "af1b23ff10e5cf0e8f1a77c3312a0c2c1461af9ff4cc4e8f3d5b386824e15ad5"},
		{"quick/cost.yaml", nil, "3545ccc806cbb4c249500a5a9a966fabec9f794382d54b4f66498b04ea25f139", "cb9b63f7394b17e6b16e5000b4df893b64c4f1853cab350176a8ffa069d4a08c"},
		{"quick/finetune.yaml", nil, "eef693d542484e621a4e815da42ac527dc8c2254c64cfc96a0d93d3e6284600e", "bdc836d0b0b00fb8cebf7031921c6241b4edf3d8fb309a890b5562b1757a2a46"},
		{"quick/gs-vs-ps.yaml", nil, "3545ccc806cbb4c249500a5a9a966fabec9f794382d54b4f66498b04ea25f139", "b0213548dc8a771c0b9fec105421e42b22105e880558fb1411790547161d132c"},
		{"quick/k-sweep.yaml", nil, "3545ccc806cbb4c249500a5a9a966fabec9f794382d54b4f66498b04ea25f139", "d922ded154b454f5985bdeb4a36fcefd8d781b2d0a4bd5f79bb480c502ac72bf"},
		{"quick/k1-vs-k2.yaml", nil, "3545ccc806cbb4c249500a5a9a966fabec9f794382d54b4f66498b04ea25f139", "6193e06ac818fc7a265ebe53872e135ff0fa0d28e7c5377559933a0197ae99db"},
		{"quick/sharing.yaml", nil, "3545ccc806cbb4c249500a5a9a966fabec9f794382d54b4f66498b04ea25f139", "2b975eba021e736e5628627404ee5f310284f3ff748c0690f26bf35e4ed2564b"},
		{"lenet.yaml", []string{"selector=probabilistic"}, "7e0427db586b5d23d5d3750bf0cb73fd59188b7082d04e650affe18de8e61114", "75a68da3e0750a3a10e427fa4d32fa9a0ede2707845fa224cf1efe4bb7dd3d3d"},
		{"lenet.yaml", []string{"selector={id: probabilistic, eval: sample}", "k=64"}, "6912f4dae8aa5594dd3d257f3876ef4b998e518f357be1471051eabec1db91f5", "8e4e1ed1897aac6333f0c12e52959a8ec9fc6f894e9931fb6245f23a7d398b64"},
		{"lenet.yaml", []string{"sharing=per_layer"}, "73edcf78976ab11612325cb1b6371b4532b38d45edda107d880e29ec79307518", "acfe9e918547c8a952870544f11065d6c13d43d3d1f36093ab5233420b54b913"},
		{"lenet.yaml", []string{"sharing=global"}, "cedb3b8ff52160d9b9ec0cd94d475c78ed55aa93eb6c6fc0032899b11da48bf1", "cf6063166e6d2cf404f88fa6c1d1c38288eeee409230a8c1efff3981f72cfeef"},
		{"lenet.yaml", []string{"method=learned"}, "11a573956be299437a78c90c07a0fdf9dee4ce6840ef47d0a866af7d6707c6f8", "ef5d47ed69a92b469a702b6033e4c15269ed315e8ddf3bb20e98284d8980e83a"},
		{"lenet.yaml", []string{"selector=selectors.greedy", "initializers.scores={id: scaled_uniform, bound: std}"}, "b17240430fead07e101893224e631dc4256114ae52b45f7c29110b86129ccdcf", "3bac42ffcfc825387489fa23d3bc70198228cd4d1ee31d7833c2190f373e9c05"},
	} {
		name := tc.file + " " + strings.Join(tc.overrides, " ")
		e, err := config.Load(filepath.Join("..", "..", "experiments", tc.file), tc.overrides)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		b, err := e.YAML()
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%x", sha256.Sum256(b)); e.Hash() != tc.hash || got != tc.yamlSHA {
			t.Errorf("%s: hash %s, config.yaml SHA-256 %s; pinned %s, %s; config.yaml:\n%s", name, e.Hash(), got, tc.hash, tc.yamlSHA, b)
		}
	}
}
