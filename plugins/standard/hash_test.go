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
// recorded configs. A deliberate change updates the table: on 2026-12-07
// every config.yaml gained `winograd: f2` (the key's default, which hashes
// as before, so no hash moved).
func TestConfigHashesPinned(t *testing.T) {
	for _, tc := range []struct {
		file      string
		overrides []string
		hash      string
		yamlSHA   string
	}{
		{"conv2.yaml", nil, "7d527ea310546aa4254274db376414298800db84cdd53facc5bf71e4e908a560", "aa5c0fa6f6746ae4b54d60a32532132e26de98951bcb1c861f579783be9e9642"},
		{"conv4.yaml", nil, "60c17ecb0710b176a4f75e86dc1ba21e6a5e687d7dff5e928064fb4ae2c0df6a", "292316180fa85912eaffabd95ce05135ed7a8b12fb78382436f1197e55731088"},
		{"conv6.yaml", nil, "6c583a3a51eb3204308ba9a022c5c7f4dfc9821d427d236023aa2355ecc90792", "45c89ad358e054f000b9cc905b829120e6add8d4365c12fbcd759813e5f0a25f"},
		{"cost.yaml", nil, "4fdc9af16fc62a8fc95ea626186cfccbe54a6d8dfccbc65bdd4b8dcb68581793", "f2c92f3421c92fbdbc0f53564cb24808a1c572741b0d18e819216f032e3a677f"},
		{"finetune.yaml", nil, "d4977171f78af884affff6855dee47c71af162b91f40806c621b6391b23d4e24", "cd2bc6a83266ad919cf06c6842ad9db1f90d80b8b030386b1918177ff89f5d18"},
		{"gs-vs-ps.yaml", nil, "4fdc9af16fc62a8fc95ea626186cfccbe54a6d8dfccbc65bdd4b8dcb68581793", "00529f17095701369ad4e8f557eacb3b4350a195f3e218f188165b868e4c26ab"},
		{"k-sweep.yaml", nil, "4fdc9af16fc62a8fc95ea626186cfccbe54a6d8dfccbc65bdd4b8dcb68581793", "51ae304685efdf28e01991b005c7bf9a7c5381e64f6d15fef7bf0d69dca554b4"},
		{"k1-vs-k2.yaml", nil, "4fdc9af16fc62a8fc95ea626186cfccbe54a6d8dfccbc65bdd4b8dcb68581793", "45af67b417e5209456aa0baf6cc8b43a800d4a5d5ea09124ebb2988e323ea55a"},
		{"lenet.yaml", nil, "4fdc9af16fc62a8fc95ea626186cfccbe54a6d8dfccbc65bdd4b8dcb68581793", "c165c0c7614d9bb218231f2502708d08c65c622f9b78621c9a7ad60f180daf6b"},
		{"sharing.yaml", nil, "4fdc9af16fc62a8fc95ea626186cfccbe54a6d8dfccbc65bdd4b8dcb68581793", "3464fc3ab80e47ddb2bb1c110179789b0bdaed147bee638c9f78be3767c9a6c0"},
		{"vgg19.yaml", nil, "8bb5b26404b53c24ffcc18c93287a4a1b7c2bda00f691b9296ffd65edc058c8b", "e5e09e1bfc13affd41aa952e493ca36ef31d6f6af21101e0cc92caea35996ff7"}, // config.yaml gained the paper's reference block (not hashed)
		{"official/conv2.yaml", nil, "cd679f0097b7de596ee1e95922ab215c07e23cf23ca53da889b9e3a93a799503", "1bc10b8b414adc90aeb176455f8bc01bb1222adeee53712f4a120efbf2d63f64"},
		{"official/conv4.yaml", nil, "06cd99d1d349647adfe0b9703f2698906ce378de3db8a394534ba939e2201293", "d249332ef4b5817abf49772ab6e5db363763fbac41012bf331e598f7e1b2540d"},
		{"official/conv6.yaml", nil, "f101100ce64e4b60394e916e1bf001bf532847210b95460d122afd860e2e46f2", "2d4cb56290e08dfc84f42087b9d26c860a208e5f8b7a5f540100fee457ab5faa"},
		{"official/lenet.yaml", nil, "bc27ad937ffa0d1fd796e1ae8d3836a73b848cc5deb069f328e2f47807c2fe42", "ad2eb3b1061fbae557b4ac9e9229fb4157604e515c55f4a2758b478142ed77df"},
		{"official/vgg19.yaml", nil, "858c40a5743e655bf9ff5bdf85ac6658705f69366fb8a381b8ae53761795518c", "43d45ce5373ed3eb8a7e54542b201f1ab32082c8dc5f692d209e81240062d33c"},
		{"paper-text/conv2.yaml", nil, "b3cd12fa3f319572ffc7baea7736715329f9086e22814c0fc2f4ac593079d387", "dd688bc273fbf36997c35acbaab22b74e51fba9ab9dc089c63121c73305196a1"},
		{"paper-text/conv4.yaml", nil, "afc20c29319a372a3db5ca215c5b8c29b6b6f29313cbc4288831c84b98e11637", "6a8e4e05fb7511a04a8cfdc52ac4bec2a90d162376715f7a2b20dee737c3843c"},
		{"paper-text/conv6.yaml", nil, "a8ddb4886680aab7d341ff3a2d5eb206cf8c3f2ace6e5afdcfc18cf97f384602", "26e120ca80a1de45ea03651a6eaf93d0351d77ca9e35e5ac521144a3ae65b6b9"},
		{"paper-text/lenet.yaml", nil, "8f44a662e4a95fafe1dbc242a271eb6ea4aa0e1de5dacafc1922e8cc4191ac8a", "b5ddab03bcf3c3a03a6aac6b893df4a830d9cd86145883618f4991d50fedb3c2"},
		{"paper-text/vgg19.yaml", nil, "bc17003e600ab27b7cf1d262f5c0fbacde0c66a363143fea98325bde00c3ade5", "0ffd971dc7dc2162fc7085e4b0cd2cdbcddbcac182257e30d1c6bc75d61d0b3e"},
		{"quick/cost.yaml", nil, "3545ccc806cbb4c249500a5a9a966fabec9f794382d54b4f66498b04ea25f139", "80903a736b66dacd3400622d5ac2f202b1a6bae6b483d6fa59c2c0b36995e5b4"},
		{"quick/finetune.yaml", nil, "eef693d542484e621a4e815da42ac527dc8c2254c64cfc96a0d93d3e6284600e", "0a25aab3ab337b089be44edc87ba73d6765698835c1acc10a3dd480cc903015b"},
		{"quick/gs-vs-ps.yaml", nil, "3545ccc806cbb4c249500a5a9a966fabec9f794382d54b4f66498b04ea25f139", "8a05f1ead55ef4bd28c8d84fa7c7c21ce35969ec1ae690eb23ad5bd61de03c16"},
		{"quick/k-sweep.yaml", nil, "3545ccc806cbb4c249500a5a9a966fabec9f794382d54b4f66498b04ea25f139", "82d18514f065f86854dc12fc0412efddadd6e9c5462afb9e24c7bb85e84221af"},
		{"quick/k1-vs-k2.yaml", nil, "3545ccc806cbb4c249500a5a9a966fabec9f794382d54b4f66498b04ea25f139", "994b1854d5eba1c55bbecfd25f57f112b93d254712585ee172a0037e1a1a08d1"},
		{"quick/sharing.yaml", nil, "3545ccc806cbb4c249500a5a9a966fabec9f794382d54b4f66498b04ea25f139", "558d37dc3f135b13d69921ccdb51a22d6dfa275f1fc8e8d682a6a89f0229c8cc"},
		{"lenet.yaml", []string{"selector=probabilistic"}, "7e0427db586b5d23d5d3750bf0cb73fd59188b7082d04e650affe18de8e61114", "d4f0f87316eabb00a852015b4ea5fe23ec19cef44effbcce4bffba4648ead01d"},
		{"lenet.yaml", []string{"selector={id: probabilistic, eval: sample}", "k=64"}, "6912f4dae8aa5594dd3d257f3876ef4b998e518f357be1471051eabec1db91f5", "6fce7661276ac2e66950c49d8ff8fb4e16ca8c5305e9046e09150c44d389bc15"},
		{"lenet.yaml", []string{"sharing=per_layer"}, "73edcf78976ab11612325cb1b6371b4532b38d45edda107d880e29ec79307518", "ef04300bc8ce637328de29465c3597bb387f4ac99f1b5dcbd2d8577ef981b4dc"},
		{"lenet.yaml", []string{"sharing=global"}, "cedb3b8ff52160d9b9ec0cd94d475c78ed55aa93eb6c6fc0032899b11da48bf1", "168a0ee69c554f6dba98ed9a1f3c08996aaa0c8d02dd6f493a17922fcf5a3211"},
		{"lenet.yaml", []string{"method=learned"}, "11a573956be299437a78c90c07a0fdf9dee4ce6840ef47d0a866af7d6707c6f8", "637ac60faa32d73ccf6f1513bccae675a31d2b1e39ceedaf82262fa64c665353"},
		{"lenet.yaml", []string{"selector=selectors.greedy", "initializers.scores={id: scaled_uniform, bound: std}"}, "b17240430fead07e101893224e631dc4256114ae52b45f7c29110b86129ccdcf", "f94a5ab5cc5c92acd17efa5ba0b5a513d373000df000e19de7c3a14eee8ef6c9"},
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
