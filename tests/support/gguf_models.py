"""Builds small random llama-architecture GGUF models that real llama.cpp loads and runs.

Used by tests and benchmarks: weights are random (the text is gibberish), but every byte goes through the real
loader, tokenizer, sampler and template code. Quantized variants come from llama.cpp's own quantizer.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CHAT_TEMPLATE = (
    "{% for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)


@dataclass(frozen=True)
class ModelShape:
    n_layer: int = 2
    n_embd: int = 256
    n_head: int = 4
    n_head_kv: int = 2
    n_ff: int = 512
    n_ctx_train: int = 4096
    tied_embeddings: bool = False
    name: str = "tiny-random-llama"
    # llama | qwen2 (QKV biases) | phi3 (fused QKV and gate/up). A phi3 model must not be *named* "phi3":
    # llama.cpp then expects Phi-3 special tokens (<|endoftext|>) that this vocabulary lacks.
    arch: str = "llama"
    extra_vocab: int = 0  # more vocabulary entries, for realistic output-layer and logits sizes


TINY = ModelShape()
# The 1.1B shape of DESIGN.md §2 (TinyLlama-like): for benchmarks only.
ONE_B = ModelShape(n_layer=22, n_embd=2048, n_head=32, n_head_kv=4, n_ff=5632, name="bench-1.1b-random-llama")


def _vocab(extra: int = 0) -> tuple[list[str], list[float], list[int]]:
    """A SentencePiece-style vocabulary with byte fallback: any UTF-8 text (Chinese too) tokenizes."""
    tokens = ["<unk>", "<s>", "</s>"]
    types = [2, 3, 3]  # UNKNOWN, CONTROL, CONTROL
    tokens += [f"<0x{b:02X}>" for b in range(256)]
    types += [6] * 256  # BYTE
    pieces = ["\u2581", *"abcdefghijklmnopqrstuvwxyz", "\u2581the", "\u2581a", "\u2581is", "\u2581hello", "er", "in"]
    pieces += [f"\u2581w{i}" for i in range(extra)]
    tokens += pieces
    types += [1] * len(pieces)  # NORMAL
    scores = [0.0] * 259 + [-float(i) for i in range(len(pieces))]
    return tokens, scores, types


def write_model(path: Path, shape: ModelShape = TINY, *, seed: int = 0, chat_template: str | None = CHAT_TEMPLATE,
                favourites: tuple[str, ...] = ()) -> Path:
    """Write an F32/F16 random model to `path` (F16 matrices, F32 norms, like a real conversion).

    `favourites`: vocabulary entries (e.g. "</s>", "\u2581hello") this model predicts next after any text, in
    that order and by a wide margin, whatever the sampler's randomness: ("</s>",) makes a model whose every reply
    ends at once, which tests use to prove that `ignore_eos` really keeps end-of-generation tokens out.
    """
    import gguf

    rng = np.random.default_rng(seed)
    tokens, scores, types = _vocab(shape.extra_vocab)
    n_vocab = len(tokens)
    head_dim = shape.n_embd // shape.n_head
    n_embd_kv = head_dim * shape.n_head_kv

    writer = gguf.GGUFWriter(str(path), shape.arch)
    writer.add_name(shape.name)
    writer.add_context_length(shape.n_ctx_train)
    writer.add_embedding_length(shape.n_embd)
    writer.add_block_count(shape.n_layer)
    writer.add_feed_forward_length(shape.n_ff)
    writer.add_head_count(shape.n_head)
    writer.add_head_count_kv(shape.n_head_kv)
    writer.add_rope_dimension_count(head_dim)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(1)  # MOSTLY_F16
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)
    writer.add_add_bos_token(True)
    if chat_template is not None:
        writer.add_chat_template(chat_template)

    def mat(rows: int, cols: int) -> np.ndarray:
        return (rng.standard_normal((rows, cols), dtype=np.float32) * 0.05).astype(np.float16)

    def norm(n: int) -> np.ndarray:
        return np.ones(n, dtype=np.float32)

    if favourites and shape.tied_embeddings:
        raise ValueError("favourite tokens need a separate output matrix")
    embd = mat(n_vocab, shape.n_embd)  # drawn in the same order as always: same seed, same weights
    if favourites:
        # Every embedding gets a large common direction (all ones) that dominates the residual stream over the
        # small random layers, so the final normalised state is close to it after any input; each favourite's
        # output row (below) points along it: logits of about 128, 102, 77 ... against about +-1 for the rest.
        embd = (embd.astype(np.float32) + 10.0).astype(np.float16)
    writer.add_tensor("token_embd.weight", embd)
    for i in range(shape.n_layer):
        writer.add_tensor(f"blk.{i}.attn_norm.weight", norm(shape.n_embd))
        if shape.arch == "phi3":
            writer.add_tensor(f"blk.{i}.attn_qkv.weight", mat(shape.n_embd + 2 * n_embd_kv, shape.n_embd))
        else:
            writer.add_tensor(f"blk.{i}.attn_q.weight", mat(shape.n_embd, shape.n_embd))
            writer.add_tensor(f"blk.{i}.attn_k.weight", mat(n_embd_kv, shape.n_embd))
            writer.add_tensor(f"blk.{i}.attn_v.weight", mat(n_embd_kv, shape.n_embd))
        if shape.arch == "qwen2":
            writer.add_tensor(f"blk.{i}.attn_q.bias", np.zeros(shape.n_embd, dtype=np.float32))
            writer.add_tensor(f"blk.{i}.attn_k.bias", np.zeros(n_embd_kv, dtype=np.float32))
            writer.add_tensor(f"blk.{i}.attn_v.bias", np.zeros(n_embd_kv, dtype=np.float32))
        writer.add_tensor(f"blk.{i}.attn_output.weight", mat(shape.n_embd, shape.n_embd))
        writer.add_tensor(f"blk.{i}.ffn_norm.weight", norm(shape.n_embd))
        if shape.arch == "phi3":
            writer.add_tensor(f"blk.{i}.ffn_up.weight", mat(2 * shape.n_ff, shape.n_embd))
        else:
            writer.add_tensor(f"blk.{i}.ffn_gate.weight", mat(shape.n_ff, shape.n_embd))
            writer.add_tensor(f"blk.{i}.ffn_up.weight", mat(shape.n_ff, shape.n_embd))
        writer.add_tensor(f"blk.{i}.ffn_down.weight", mat(shape.n_embd, shape.n_ff))
    writer.add_tensor("output_norm.weight", norm(shape.n_embd))
    if not shape.tied_embeddings:
        out = mat(n_vocab, shape.n_embd)
        for rank, token in enumerate(favourites):
            out[tokens.index(token)] = np.float16(0.5 - 0.1 * rank)
        writer.add_tensor("output.weight", out)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def quantize(src: Path, dst: Path, ftype: str) -> Path:
    """Quantize with llama.cpp's own quantizer (in a child process: it may abort on bad input)."""
    code = (
        "import sys, llama_cpp\n"
        "from modelnest.core.gguf.types import FILE_TYPE_IDS\n"
        "p = llama_cpp.llama_model_quantize_default_params()\n"
        "p.ftype = FILE_TYPE_IDS[sys.argv[3]]\n"
        "rc = llama_cpp.llama_model_quantize(sys.argv[1].encode(), sys.argv[2].encode(), p)\n"
        "sys.exit(rc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(src), str(dst), ftype], capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        raise RuntimeError(f"quantize {ftype} failed ({result.returncode}): {result.stderr[-2000:]}")
    return dst
