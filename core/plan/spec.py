"""What the planner needs to know about a model: its shape, and (when a header was read) its tensor table."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from modelnest.core.gguf import ArraySummary, GGUFHeader, TensorInfo
from modelnest.core.gguf.semantic import require_model

# Sliding-window layer patterns as llama.cpp sets them per architecture (llama-model.cpp, `set_swa_pattern`):
# with pattern n, layer il uses the window when il % n < n - 1. 0 = every layer (e.g. Mistral's original SWA).
SWA_PATTERNS: dict[str, int] = {"gemma2": 2, "gemma3": 6, "gemma3n": 5, "cohere2": 4, "llama4": 4, "gpt-oss": 2}

# Average bits per weight of llama.cpp's quantization mixes (file size / parameters, typical 7B files).
# Used only when no file size is known (a catalogue entry without one): such figures are labelled estimates.
BITS_PER_WEIGHT: dict[str, float] = {
    "Q2_K": 2.96, "Q3_K_S": 3.50, "Q3_K_M": 3.91, "Q3_K_L": 4.27, "IQ4_XS": 4.25, "Q4_0": 4.55,
    "Q4_K_S": 4.58, "Q4_K_M": 4.85, "Q5_0": 5.54, "Q5_K_S": 5.54, "Q5_K_M": 5.69, "Q6_K": 6.59,
    "Q8_0": 8.50, "F16": 16.0, "BF16": 16.0, "F32": 32.0,
}

_LAYER_RE = re.compile(r"^blk\.(\d+)\.")


@dataclass(frozen=True)
class ModelSpec:
    arch: str
    n_layer: int
    n_embd: int
    n_head: int
    n_head_kv: tuple[int, ...]  # per layer (GQA; 0 for layers without attention)
    head_dim_k: int
    head_dim_v: int
    n_vocab: int
    n_ff: int
    n_ctx_train: int
    file_bytes: int
    quant: str
    n_params: int
    sliding_window: int | None = None
    swa_pattern: int | None = None
    tied_embeddings: bool = False
    recurrent: bool = False
    name: str = ""
    tensors: tuple[TensorInfo, ...] = ()  # exact inventory when known
    file_bytes_estimated: bool = False
    notes: tuple[str, ...] = field(default=())
    # Mixture of experts (0 for dense models): routed experts, how many each token uses, each expert's FFN size,
    # and experts every token uses (shared). Decode reads only the used experts' rows (speed.py).
    expert_count: int = 0
    expert_used_count: int = 0
    expert_ff: int = 0
    expert_shared_count: int = 0
    # FFN size of the shared experts together (llama.cpp n_ff_shexp; 0: none or not known) and the number of first
    # layers that keep a dense FFN of n_ff instead of experts (llama.cpp n_layer_dense_lead). Without a tensor table
    # these say what each layer holds: a MoE layer has 3 x n_embd x (expert_count x expert_ff + expert_shared_ff)
    # FFN weights plus an n_embd x expert_count router, of which a token reads the used experts, the shared ones and
    # the router; a leading dense layer has 3 x n_embd x n_ff, all read.
    expert_shared_ff: int = 0
    leading_dense_layers: int = 0

    @property
    def is_moe(self) -> bool:
        return self.expert_count > 1 and 0 < self.expert_used_count < self.expert_count

    def is_moe_layer(self, il: int) -> bool:
        """Layer il routes to experts (MoE model, past the leading dense layers)."""
        return self.is_moe and il >= self.leading_dense_layers

    def is_swa_layer(self, il: int) -> bool:
        if not self.sliding_window or self.swa_pattern is None:
            return False
        if self.swa_pattern == 0:
            return True
        return il % self.swa_pattern < self.swa_pattern - 1

    @classmethod
    def from_header(cls, header: GGUFHeader) -> ModelSpec:
        """The shape of a validated header's model; GGUFError (naming the field) if it lacks what planning needs.

        read_header has already checked every figure used here against the tensor table (gguf/semantic.py), so
        nothing below is sized by an unchecked header value."""
        require_model(header)
        arch = header.architecture
        get = header.arch_value
        n_layer = int(get("block_count", 0) or 0)
        n_embd = int(get("embedding_length", 0) or 0)
        n_head_raw = get("attention.head_count", 0)
        n_head = int(max(n_head_raw) if isinstance(n_head_raw, list) else n_head_raw or 0)
        kv_raw = get("attention.head_count_kv", n_head_raw)
        if isinstance(kv_raw, list):
            n_head_kv = tuple(int(x) for x in kv_raw)
        else:
            n_head_kv = (int(kv_raw or n_head),) * n_layer
        head_k = int(get("attention.key_length", 0) or (n_embd // n_head if n_head else 0))
        head_v = int(get("attention.value_length", 0) or head_k)
        tokens = header.metadata.get("tokenizer.ggml.tokens")
        if isinstance(tokens, ArraySummary):
            n_vocab = tokens.count
        elif isinstance(tokens, list):
            n_vocab = len(tokens)
        else:
            embd = next((t for t in header.tensors if t.name == "token_embd.weight"), None)
            n_vocab = embd.shape[1] if embd and len(embd.shape) > 1 else 0
        ff_raw = get("feed_forward_length", 0)
        n_ff = int(max(ff_raw) if isinstance(ff_raw, list) else ff_raw or 0)
        names = {t.name for t in header.tensors}
        window = get("attention.sliding_window")
        experts, used, expert_ff = _expert_shape(header.tensors, get)
        return cls(
            arch=arch,
            n_layer=n_layer,
            n_embd=n_embd,
            n_head=n_head,
            n_head_kv=n_head_kv,
            head_dim_k=head_k,
            head_dim_v=head_v,
            n_vocab=n_vocab,
            n_ff=n_ff,
            n_ctx_train=header.context_length or 4096,
            file_bytes=header.file_size,
            quant=header.file_type,
            n_params=header.parameter_count,
            sliding_window=int(window) if isinstance(window, int) and window > 0 else None,
            swa_pattern=SWA_PATTERNS.get(arch),
            tied_embeddings="output.weight" not in names,
            recurrent=any(".ssm_" in n for n in names),
            name=header.name,
            tensors=tuple(header.tensors),
            expert_count=experts,
            expert_used_count=used,
            expert_ff=expert_ff,
            expert_shared_count=int(get("expert_shared_count", 0) or 0),
            expert_shared_ff=int(get("expert_shared_feed_forward_length", 0) or 0),
            leading_dense_layers=min(n_layer, int(get("leading_dense_block_count", 0) or 0)),
        )

    @classmethod
    def from_architecture(
        cls,
        *,
        arch: str,
        n_layer: int,
        n_embd: int,
        n_head: int,
        n_head_kv: int,
        n_vocab: int,
        n_ff: int,
        n_ctx_train: int,
        quant: str,
        n_params: int,
        file_bytes: int | None = None,
        head_dim: int | None = None,
        sliding_window: int | None = None,
        tied_embeddings: bool = False,
        name: str = "",
        expert_count: int = 0,
        expert_used_count: int = 0,
        expert_ff: int = 0,
        expert_shared_count: int = 0,
        expert_shared_ff: int = 0,
        leading_dense_layers: int = 0,
    ) -> ModelSpec:
        """A model known only by its published shape (catalogue). Without a file size one is estimated.

        MoE: expert_shared_ff is the FFN size of all shared experts together; leading_dense_layers the first layers
        with a dense FFN of n_ff (0 for models whose every layer routes, whose n_ff then is unused)."""
        estimated = file_bytes is None
        if file_bytes is None:
            file_bytes = int(n_params * BITS_PER_WEIGHT.get(quant.upper(), 16.0) / 8)
        hd = head_dim or n_embd // n_head
        return cls(
            arch=arch,
            n_layer=n_layer,
            n_embd=n_embd,
            n_head=n_head,
            n_head_kv=(n_head_kv,) * n_layer,
            head_dim_k=hd,
            head_dim_v=hd,
            n_vocab=n_vocab,
            n_ff=n_ff,
            n_ctx_train=n_ctx_train,
            file_bytes=file_bytes,
            quant=quant.upper(),
            n_params=n_params,
            sliding_window=sliding_window,
            swa_pattern=SWA_PATTERNS.get(arch, 0 if sliding_window else None),
            tied_embeddings=tied_embeddings,
            name=name,
            file_bytes_estimated=estimated,
            expert_count=expert_count,
            expert_used_count=expert_used_count,
            expert_ff=expert_ff,
            expert_shared_count=expert_shared_count,
            expert_shared_ff=expert_shared_ff if expert_shared_count or expert_shared_ff else 0,
            leading_dense_layers=min(max(0, leading_dense_layers), n_layer),
        )

    # ---- weights by place ---------------------------------------------------------------------------------
    def layer_bytes(self) -> tuple[list[int], int, int]:
        """(bytes per repeating layer, input-embedding bytes, output-layer bytes incl. its norm)."""
        if self.tensors:
            layers = [0] * self.n_layer
            embd = out = 0
            for t in self.tensors:
                m = _LAYER_RE.match(t.name)
                if m and int(m.group(1)) < self.n_layer:
                    layers[int(m.group(1))] += t.n_bytes
                elif t.name.startswith("token_embd"):
                    embd += t.n_bytes
                else:
                    out += t.n_bytes
            return layers, embd, out
        # Estimate from the file size: embeddings at about the file's average bits per weight, the rest shared out
        # over the layers in proportion to their weights (a leading dense layer differs from a MoE one).
        bpw = self.file_bytes * 8 / max(1, self.n_params)
        embd = int(self.n_vocab * self.n_embd * bpw / 8)
        out = 0 if self.tied_embeddings else int(self.n_vocab * self.n_embd * max(bpw, 6.56) / 8)
        rest = max(0, self.file_bytes - embd - out)
        weights = [a + b for a, b in self.layer_weights()]
        total = sum(weights) or 1.0
        return [int(rest * w / total) for w in weights], embd, out

    def layer_weights(self) -> list[tuple[float, float]]:
        """Per layer (weights outside the routed experts, routed-expert weights), from the published shape, scaled
        so that layers and embeddings add up to n_params (the shape leaves out biases and norms of some families).

        Attention: q and o of n_head heads, k and v of the layer's KV heads; FFN: gate, up and down of n_ff in a
        dense layer; in a MoE layer every routed expert's (expert_ff), the shared experts' (expert_shared_ff) and the
        router. Only for a spec without a tensor table (the tensor table says exactly)."""
        e = self.n_embd
        raw: list[tuple[float, float]] = []
        for il in range(self.n_layer):
            kv = self.n_head_kv[il] if il < len(self.n_head_kv) else self.n_head
            attn = e * self.n_head * (self.head_dim_k + self.head_dim_v) + e * kv * (self.head_dim_k + self.head_dim_v)
            if self.is_moe_layer(il):
                routed = 3.0 * e * self.expert_ff * self.expert_count
                other = attn + 3.0 * e * self.expert_shared_ff + e * self.expert_count
            else:
                routed, other = 0.0, attn + 3.0 * e * self.n_ff
            raw.append((other + 2 * e, routed))
        embeddings = self.n_vocab * e * (1 if self.tied_embeddings else 2)
        shape_total = sum(a + b for a, b in raw)
        if shape_total <= 0:
            return raw
        scale = max(0.0, self.n_params - embeddings) / shape_total if self.n_params > embeddings else 1.0
        return [(a * scale, b * scale) for a, b in raw]

    def repacked_bytes(self, repack_types: frozenset[str]) -> int:
        """Bytes llama.cpp copies into its CPU_REPACK buffer (faster kernels) on a CPU whose build repacks
        `repack_types`: matrices used in matrix products (not the input embedding) with rows a multiple of 8."""
        if self.tensors:
            total = 0
            for t in self.tensors:
                if t.name.startswith("token_embd") or len(t.shape) < 2 or t.shape[1] % 8:
                    continue
                if t.type_name in repack_types:
                    total += t.n_bytes
            return total
        # Without a tensor table: the share of the mix stored in a repackable type (Q4_K in Q4_K_M ...).
        share = {"Q4_0": 0.97, "Q4_K_S": 0.95, "Q4_K_M": 0.70, "IQ4_NL": 0.97}.get(self.quant, 0.0)
        main = {"Q4_0": "Q4_0", "Q4_K_S": "Q4_K", "Q4_K_M": "Q4_K", "IQ4_NL": "IQ4_NL"}.get(self.quant)
        if main not in repack_types:
            return 0
        layers, _, _ = self.layer_bytes()
        return int(sum(layers) * share)


def _expert_shape(tensors: list[TensorInfo], get: Any) -> tuple[int, int, int]:
    """(expert_count, expert_used_count, expert FFN size) from `<arch>.expert_*` metadata, else from the shapes of
    the `ffn_*_exps` tensors (ggml order: row length, rows, experts). The header was validated: counts agree."""
    experts = int(get("expert_count", 0) or 0)
    used = int(get("expert_used_count", 0) or 0)
    expert_ff = int(get("expert_feed_forward_length", 0) or 0)
    gate = next((t for t in tensors if ("ffn_up_exps" in t.name or "ffn_gate_exps" in t.name) and len(t.shape) == 3),
                None)
    if gate is not None:
        experts = experts or gate.shape[2]
        expert_ff = expert_ff or gate.shape[1]
    if experts and not used:
        used = min(experts, 2)  # llama.cpp's own default when the file does not say (Mixtral's value)
    return experts, used, expert_ff
