"""Small random GGUF models (dense and mixture-of-experts) written with our own GGUF writer, for the speed test.

Tensor data is written directly in the requested type: every bit pattern of a quantized block's integer fields is
a valid weight, so random bytes are used and only the blocks' float scale fields are set to a small sane value.
This is deliberately not llama.cpp's quantizer: quantizing costs seconds per type on a small machine, and the speed
test must take about five seconds; how fast a kernel reads a block does not depend on how the block was made.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from modelnest.core.gguf.types import FILE_TYPE_IDS, TYPE_BY_NAME
from modelnest.core.gguf.writer import TensorSpec, header_bytes

if TYPE_CHECKING:
    import numpy

ALIGNMENT = 32
# Byte offsets of the float16 scale fields inside one block (ggml-common.h block layouts).
_F16_FIELDS: dict[str, tuple[int, ...]] = {
    "Q4_0": (0,), "Q4_1": (0, 2), "Q5_0": (0,), "Q5_1": (0, 2), "Q8_0": (0,),
    "Q2_K": (80, 82), "Q3_K": (108,), "Q4_K": (0, 2), "Q5_K": (0, 2), "Q6_K": (208,), "IQ4_NL": (0,),
    "IQ4_XS": (0,),
}
# What `general.file_type` says for a model stored all in one type.
FILE_TYPE_OF = {"F16": "F16", "Q8_0": "Q8_0", "Q6_K": "Q6_K", "Q5_K": "Q5_K_S", "Q4_K": "Q4_K_S", "Q4_0": "Q4_0",
                "IQ4_NL": "IQ4_NL", "IQ4_XS": "IQ4_XS", "Q3_K": "Q3_K_S", "Q2_K": "Q2_K", "F32": "F32"}


@dataclass(frozen=True)
class SyntheticShape:
    arch: str = "llama"  # llama | qwen2 | qwen3 | phi3 | qwen3moe (llama with n_expert > 0: mixtral-style)
    n_layer: int = 2
    n_embd: int = 256
    n_head: int = 4
    n_head_kv: int = 2
    n_ff: int = 512  # dense FFN; with experts and arch llama, each expert's FFN
    n_vocab: int = 512  # at least the base vocabulary (295 entries)
    n_expert: int = 0
    n_expert_used: int = 0
    n_ff_exp: int = 0  # qwen3moe: each expert's FFN
    n_ctx_train: int = 8192
    tied_embeddings: bool = False
    name: str = "modelnest-synthetic"


def vocabulary(n_vocab: int) -> tuple[list[str], list[float], list[int]]:
    """A SentencePiece-style vocabulary with byte fallback (same shape as the test suite's models)."""
    tokens = ["<unk>", "<s>", "</s>", *(f"<0x{b:02X}>" for b in range(256))]
    types = [2, 3, 3] + [6] * 256
    pieces = ["\u2581", *"abcdefghijklmnopqrstuvwxyz", "\u2581the", "\u2581a", "\u2581is", "\u2581hello", "er", "in"]
    pieces += [f"\u2581w{i}" for i in range(max(0, n_vocab - len(tokens) - len(pieces)))]
    tokens += pieces
    types += [1] * len(pieces)
    scores = [0.0] * 259 + [-float(i) for i in range(len(pieces))]
    return tokens, scores, types


def tensor_list(shape: SyntheticShape, weight_type: str) -> list[tuple[str, tuple[int, ...], str]]:
    """(name, ggml shape, type) of every tensor llama.cpp expects for this architecture."""
    s = shape
    hd = s.n_embd // s.n_head
    kv = hd * s.n_head_kv
    w = weight_type
    out: list[tuple[str, tuple[int, ...], str]] = [("token_embd.weight", (s.n_embd, s.n_vocab), w)]
    moe = s.n_expert > 0
    ff_exp = s.n_ff_exp or s.n_ff
    for i in range(s.n_layer):
        p = f"blk.{i}."
        out.append((p + "attn_norm.weight", (s.n_embd,), "F32"))
        if s.arch == "phi3":
            out.append((p + "attn_qkv.weight", (s.n_embd, s.n_embd + 2 * kv), w))
        else:
            out += [(p + "attn_q.weight", (s.n_embd, s.n_embd), w), (p + "attn_k.weight", (s.n_embd, kv), w),
                    (p + "attn_v.weight", (s.n_embd, kv), w)]
        if s.arch == "qwen2":
            out += [(p + "attn_q.bias", (s.n_embd,), "F32"), (p + "attn_k.bias", (kv,), "F32"),
                    (p + "attn_v.bias", (kv,), "F32")]
        if s.arch in ("qwen3", "qwen3moe"):
            out += [(p + "attn_q_norm.weight", (hd,), "F32"), (p + "attn_k_norm.weight", (hd,), "F32")]
        out.append((p + "attn_output.weight", (s.n_embd, s.n_embd), w))
        out.append((p + "ffn_norm.weight", (s.n_embd,), "F32"))
        if moe:
            out += [(p + "ffn_gate_inp.weight", (s.n_embd, s.n_expert), "F32"),
                    (p + "ffn_gate_exps.weight", (s.n_embd, ff_exp, s.n_expert), w),
                    (p + "ffn_up_exps.weight", (s.n_embd, ff_exp, s.n_expert), w),
                    (p + "ffn_down_exps.weight", (ff_exp, s.n_embd, s.n_expert), w)]
        elif s.arch == "phi3":
            out += [(p + "ffn_up.weight", (s.n_embd, 2 * s.n_ff), w), (p + "ffn_down.weight", (s.n_ff, s.n_embd), w)]
        else:
            out += [(p + "ffn_gate.weight", (s.n_embd, s.n_ff), w), (p + "ffn_up.weight", (s.n_embd, s.n_ff), w),
                    (p + "ffn_down.weight", (s.n_ff, s.n_embd), w)]
    out.append(("output_norm.weight", (s.n_embd,), "F32"))
    if not s.tied_embeddings:
        out.append(("output.weight", (s.n_embd, s.n_vocab), w))
    return out


def _metadata(shape: SyntheticShape, weight_type: str) -> dict[str, tuple[Any, str]]:
    s = shape
    a = s.arch
    tokens, scores, types = vocabulary(s.n_vocab)
    md: dict[str, tuple[Any, str]] = {
        "general.architecture": (a, "string"),
        "general.name": (s.name, "string"),
        "general.file_type": (FILE_TYPE_IDS[FILE_TYPE_OF.get(weight_type, "F16")], "uint32"),
        f"{a}.context_length": (s.n_ctx_train, "uint32"),
        f"{a}.embedding_length": (s.n_embd, "uint32"),
        f"{a}.block_count": (s.n_layer, "uint32"),
        f"{a}.feed_forward_length": (s.n_ff, "uint32"),
        f"{a}.attention.head_count": (s.n_head, "uint32"),
        f"{a}.attention.head_count_kv": (s.n_head_kv, "uint32"),
        f"{a}.rope.dimension_count": (s.n_embd // s.n_head, "uint32"),
        f"{a}.attention.layer_norm_rms_epsilon": (1e-5, "float32"),
        "tokenizer.ggml.model": ("llama", "string"),
        "tokenizer.ggml.tokens": (tokens, "array[string]"),
        "tokenizer.ggml.scores": (scores, "array[float32]"),
        "tokenizer.ggml.token_type": (types, "array[int32]"),
        "tokenizer.ggml.bos_token_id": (1, "uint32"),
        "tokenizer.ggml.eos_token_id": (2, "uint32"),
        "tokenizer.ggml.unknown_token_id": (0, "uint32"),
        "tokenizer.ggml.add_bos_token": (True, "bool"),
        "tokenizer.chat_template": (
            "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}\n{% endfor %}"
            "{% if add_generation_prompt %}<|assistant|>\n{% endif %}", "string"),
    }
    if s.n_expert:
        md[f"{a}.expert_count"] = (s.n_expert, "uint32")
        md[f"{a}.expert_used_count"] = (s.n_expert_used, "uint32")
        if s.n_ff_exp:
            md[f"{a}.expert_feed_forward_length"] = (s.n_ff_exp, "uint32")
    return md


PATTERN_BYTES = 1 << 20  # random data repeated through each tensor: writing is fast, reading just as slow


def _pattern(type_name: str, rng: numpy.random.Generator) -> bytes:
    """One random pattern of PATTERN_BYTES (whole blocks) of `type_name`."""
    import numpy as np  # imported here: only the speed test and the benchmarks write models

    t = TYPE_BY_NAME[type_name]
    if type_name == "F32":
        return np.ones(PATTERN_BYTES // 4, dtype=np.float32).tobytes()
    if type_name in ("F16", "BF16"):
        values = rng.standard_normal(PATTERN_BYTES // 2, dtype=np.float32) * 0.05
        return values.astype(np.float16).tobytes()
    n_blocks = max(1, PATTERN_BYTES // t.type_size)
    blocks = rng.integers(0, 256, size=(n_blocks, t.type_size), dtype=np.uint8)
    scale = np.frombuffer(np.float16(2e-3).tobytes(), dtype=np.uint8)
    for offset in _F16_FIELDS.get(type_name, ()):
        blocks[:, offset:offset + 2] = scale
    if type_name == "Q6_K":
        blocks[:, 192:208] = 1  # int8 sub-block scales: small and positive
    return blocks.tobytes()


def write_model(path: Path, shape: SyntheticShape, weight_type: str = "F16", *, seed: int = 0) -> Path:
    """Write a complete random model whose matrices are all `weight_type` (norms and the router in F32)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    tensors = tensor_list(shape, weight_type)
    specs = [TensorSpec(name, dims, TYPE_BY_NAME[t].id) for name, dims, t in tensors]
    head, _size = header_bytes(_metadata(shape, weight_type), specs, ALIGNMENT)
    # One pattern per type for the whole file: drawing a new one per tensor made an F16 model of 30 tensors
    # spend 0.3 s in the random generator and 0.04 s writing.
    patterns: dict[str, bytes] = {}
    with path.open("wb") as f:
        f.write(head)
        for spec, (_name, _dims, type_name) in zip(specs, tensors, strict=True):
            n = 1
            for d in spec.shape:
                n *= d
            t = TYPE_BY_NAME[type_name]
            total = n // t.block_size * t.type_size
            if type_name not in patterns:
                patterns[type_name] = _pattern(type_name, rng)
            pattern = patterns[type_name]
            left = total
            while left > 0:
                chunk = pattern[:left]
                f.write(chunk)
                left -= len(chunk)
            f.write(b"\0" * ((-total) % ALIGNMENT))
    return path

