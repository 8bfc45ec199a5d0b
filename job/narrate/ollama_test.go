package narrate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/capplan/capplan/test/servertest"
	"github.com/ollama/ollama/api"
	"github.com/ollama/ollama/fs/ggml"
)

// tinyWords is the vocabulary of the test model: report words and numbers,
// so that its random drafts state figures the check must reject.
var tinyWords = []string{
	"CPU", "memory", "Ceph", "storage", "node", "nodes", "runway", "threshold", "forecast", "the", "a", "of",
	"in", "is", "by", "and", "reaches", "days", "months", "cores", "GiB", "TiB", "%", "on", "buy", "add",
	"17", "42", "85", "120", "3.5", "2031-02-30", "$9,999", "Outlook:", "Risks:", "Actions:", ".", ",",
}

// writeTinyModel writes a llama-architecture GGUF with random weights and
// a word-level vocabulary, using Ollama's own GGUF writer. The output
// weights of the end-of-sequence token are random too, so drafts end on
// their own (done_reason "stop") after some tens of words.
func writeTinyModel(t *testing.T, path string) {
	t.Helper()
	const embd, heads, layers, ff = 64, 4, 2, 128
	rng := rand.New(rand.NewPCG(7, 11))
	tokens := []string{"<unk>", "<s>", "</s>"}
	types := []int32{2, 3, 3}
	for b := range 256 {
		tokens = append(tokens, fmt.Sprintf("<0x%02X>", b))
		types = append(types, 6)
	}
	firstWord := len(tokens)
	for _, w := range tinyWords {
		tokens = append(tokens, "\u2581"+w)
		types = append(types, 1)
	}
	scores := make([]float32, len(tokens))
	for i := firstWord; i < len(tokens); i++ {
		scores[i] = -float32(i - firstWord)
	}
	kv := ggml.KV{
		"general.architecture": "llama", "general.name": "capplan-test-tiny", "general.file_type": uint32(0),
		"llama.context_length": uint32(8192), "llama.embedding_length": uint32(embd), "llama.block_count": uint32(layers),
		"llama.feed_forward_length": uint32(ff), "llama.attention.head_count": uint32(heads), "llama.attention.head_count_kv": uint32(heads),
		"llama.rope.dimension_count": uint32(embd / heads), "llama.rope.freq_base": float32(10000),
		"llama.attention.layer_norm_rms_epsilon": float32(1e-5), "llama.vocab_size": uint32(len(tokens)),
		"tokenizer.ggml.model": "llama", "tokenizer.ggml.tokens": tokens, "tokenizer.ggml.scores": scores,
		"tokenizer.ggml.token_type": types, "tokenizer.ggml.bos_token_id": uint32(1), "tokenizer.ggml.eos_token_id": uint32(2),
		"tokenizer.ggml.unknown_token_id": uint32(0), "tokenizer.ggml.add_bos_token": true, "tokenizer.ggml.add_eos_token": false,
	}
	tensor := func(name string, fill func(i int) float32, shape ...uint64) *ggml.Tensor {
		n := uint64(1)
		for _, d := range shape {
			n *= d
		}
		v := make([]float32, n)
		for i := range v {
			v[i] = fill(i)
		}
		var buf bytes.Buffer
		if err := binary.Write(&buf, binary.LittleEndian, v); err != nil {
			t.Fatal(err)
		}
		return &ggml.Tensor{Name: name, Kind: 0, Shape: shape, WriterTo: &buf}
	}
	randn := func(scale float32) func(int) float32 {
		return func(int) float32 { return float32(rng.NormFloat64()) * scale }
	}
	ones := func(int) float32 { return 1 }
	// Zero output rows for the tokens a draft must not produce (unknown,
	// begin, bytes); words and end-of-sequence get random logits.
	output := func(i int) float32 {
		if tok := i / embd; tok != 2 && tok < firstWord {
			return 0
		}
		return float32(rng.NormFloat64())
	}
	nv := uint64(len(tokens))
	ts := []*ggml.Tensor{
		tensor("token_embd.weight", randn(0.5), embd, nv),
		tensor("output_norm.weight", ones, embd),
		tensor("output.weight", output, embd, nv),
	}
	for l := range layers {
		p := fmt.Sprintf("blk.%d.", l)
		ts = append(ts,
			tensor(p+"attn_norm.weight", ones, embd),
			tensor(p+"attn_q.weight", randn(0.1), embd, embd),
			tensor(p+"attn_k.weight", randn(0.1), embd, embd),
			tensor(p+"attn_v.weight", randn(0.1), embd, embd),
			tensor(p+"attn_output.weight", randn(0.1), embd, embd),
			tensor(p+"ffn_norm.weight", ones, embd),
			tensor(p+"ffn_gate.weight", randn(0.1), embd, ff),
			tensor(p+"ffn_up.weight", randn(0.1), embd, ff),
			tensor(p+"ffn_down.weight", randn(0.1), ff, embd),
		)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := ggml.WriteGGUF(f, kv, ts); err != nil {
		t.Fatal(err)
	}
}

// startOllama runs the Ollama server that .ci/ollama.sh builds, with the
// tiny model created as "tiny", and returns its address.
func startOllama(t *testing.T) string {
	t.Helper()
	addr := servertest.Ollama(t)
	dir := t.TempDir()
	c := api.NewClient(&url.URL{Scheme: "http", Host: addr}, &http.Client{})
	ctx := context.Background()
	model := filepath.Join(dir, "tiny.gguf")
	writeTinyModel(t, model)
	data, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	digest := fmt.Sprintf("sha256:%x", sha256.Sum256(data))
	if err := c.CreateBlob(ctx, digest, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	err = c.Create(ctx, &api.CreateRequest{
		Model: "tiny", Files: map[string]string{"tiny.gguf": digest},
		Template: "{{ .Prompt }}",
	}, func(api.ProgressResponse) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	return addr
}
