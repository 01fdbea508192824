"""Embeddings in the engine child: a second llama.cpp context on the loaded model, made when first asked for.

The chat's context stays as it is (its KV cache, its settings); embeddings need a context with
``embeddings = true`` and a pooling type, which llama.cpp fixes when the context is created. So the first
request makes a second context on the same weights (no second copy of the model), sized for the inputs: the
smallest power of two of tokens (at least 256, llama.cpp's KV padding) that holds the longest input, grown
when a longer input comes, never beyond MAX_CTX, the loaded context or the model's trained context. n_batch and
n_ubatch equal n_ctx, because llama.cpp pools a sequence per micro-batch: an input split across two would get
the pooled vector of its last part only (and non-causal models assert n_ubatch >= n_tokens).

Several inputs share one decode as separate sequences (n_seq_max, unified KV) and each vector is read with
``llama_get_embeddings_seq``, as llama.cpp's examples/embedding does. Every limit llama.cpp would assert on
(tokens per decode, empty input) is checked here first, so bad input gets a message, never an abort().

No llama_cpp import here: the host passes its bindings in (only host.py imports llama_cpp).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from modelnest.core.engine.params import EngineParams, LoadReport
from modelnest.core.messages import Message, msg

MIN_CTX = 256  # llama.cpp pads n_ctx to a multiple of 256 anyway
# Embedding mode makes llama.cpp compute and keep the logits of every input token too (n_vocab floats each, in
# the compute and the output buffer): about 1 MiB per token of context for a 128k vocabulary. 2048 bounds that
# near 1.6 GiB; longer inputs get a plain refusal instead of an engine killed for memory.
MAX_CTX = 2048
SEQ_MAX = 16  # inputs decoded together in one llama_decode
POOLING_NAMES = {1: "mean", 2: "cls", 3: "last"}  # llama_pooling_type values that give one vector per input
_POOLING_MEAN = 1
_POOLING_RANK = 4
_DECODE_ABORTED = 2
KV_GGML_TYPE = {"f16": 1, "q8_0": 8, "q4_0": 2}  # ggml_type ids of EngineParams.type_k / type_v




def context_params(ll: Any, p: EngineParams, *, n_ctx: int, n_batch: int, n_ubatch: int, n_seq_max: int) -> Any:
    """llama_context_params with every value the engine sets taken from `p` (the chat's context and the
    embedding context share them; the caller sets what differs)."""
    cparams = ll.llama_context_default_params()
    cparams.n_ctx = n_ctx
    cparams.n_batch = n_batch
    cparams.n_ubatch = n_ubatch
    cparams.n_seq_max = n_seq_max
    cparams.n_threads = p.n_threads
    cparams.n_threads_batch = p.n_threads_batch
    cparams.flash_attn_type = ll.LLAMA_FLASH_ATTN_TYPE_ENABLED if p.flash_attn else ll.LLAMA_FLASH_ATTN_TYPE_DISABLED
    cparams.type_k = KV_GGML_TYPE[p.type_k]
    cparams.type_v = KV_GGML_TYPE[p.type_v]
    cparams.offload_kqv = p.offload_kqv
    cparams.swa_full = p.swa_full
    cparams.no_perf = True
    return cparams

class EmbedError(Exception):
    """Why these inputs got no vectors; ``kind`` goes to the parent (unsupported, input, failed, cancelled)."""

    def __init__(self, kind: str, message: Message, **fields: Any) -> None:
        super().__init__(str(message))
        self.kind = kind
        self.message = message
        self.fields = fields


@dataclass
class EmbedContext:
    ctx: Any
    n_ctx: int
    per_decode: int  # tokens one llama_decode may take (n_batch == n_ubatch here)
    pooling: int
    kv_bytes: int  # as llama.cpp logged them when it made the context
    compute_bytes: int
    output_bytes: int


def context_size(longest: int, limit: int) -> int:
    """The embedding context for inputs of up to ``longest`` tokens: a power of two from MIN_CTX, capped."""
    size = MIN_CTX
    while size < longest:
        size *= 2
    return min(size, limit)


def pack(lengths: Sequence[int], per_decode: int, seq_max: int = SEQ_MAX) -> list[list[int]]:
    """Indices of the inputs in decode order, grouped so that a group's tokens fit one decode."""
    groups: list[list[int]] = []
    current: list[int] = []
    used = 0
    for i, n in enumerate(lengths):
        if current and (used + n > per_decode or len(current) >= seq_max):
            groups.append(current)
            current, used = [], 0
        current.append(i)
        used += n
    if current:
        groups.append(current)
    return groups


def normalise(vector: list[float]) -> list[float]:
    """L2-normalised (as OpenAI and llama.cpp's server return them); a zero vector stays zero."""
    norm = math.sqrt(math.fsum(v * v for v in vector))
    return [v / norm for v in vector] if norm > 0 else vector


def pack_floats(vectors: Sequence[Sequence[float]]) -> bytes:
    """The vectors as little-endian float32, one after another (exact: llama.cpp computes float32)."""
    return b"".join(struct.pack(f"<{len(v)}f", *v) for v in vectors)


class Embedder:
    """The loaded model's embedding context: made on first use, grown for longer inputs, freed with the model."""

    def __init__(
        self,
        ll: Any,
        model: Any,
        params: EngineParams,
        gguf_pooling: int | None,
        abort_cb: Any,
        should_abort: Callable[[], bool],
        capture_log: Callable[[LoadReport | None], None],
        memory_failed: Callable[[], bool],
    ) -> None:
        self.ll = ll
        self.model = model
        self.params = params
        self.gguf_pooling = gguf_pooling
        self._abort_cb = abort_cb
        self._should_abort = should_abort
        self._capture_log = capture_log  # llama.cpp's log lines about the new context's buffers go there
        self._memory_failed = memory_failed  # whether that log said an allocation failed
        self.context: EmbedContext | None = None
        self.peak_tokens = 0  # the most tokens one decode has taken (the output buffer grows to fit them)

    # ---- what this model can do -----------------------------------------------------------------------------
    def refusal(self) -> Message | None:
        """Why this model gives no embeddings here, known before any context is made; None if it may."""
        ll = self.ll
        if ll.llama_model_is_recurrent(self.model) or ll.llama_model_is_hybrid(self.model):
            return msg("it has recurrent layers (like Mamba or RWKV), and ModelNest computes embeddings only with "
                       "attention models")
        if ll.llama_model_has_encoder(self.model) and ll.llama_model_has_decoder(self.model):
            return msg("it is an encoder-decoder model (like T5), for which llama.cpp computes no embeddings")
        if self.gguf_pooling == _POOLING_RANK:
            return msg("it is a reranker: it scores pairs of texts and gives no embeddings")
        return None

    def limit(self) -> int:
        """The most tokens one input may have: MAX_CTX, the loaded context or the model's trained one if shorter."""
        trained = int(self.ll.llama_model_n_ctx_train(self.model))
        return min(MAX_CTX, self.params.n_ctx, trained if trained > 0 else self.params.n_ctx)

    def n_embd(self) -> int:
        return int(self.ll.llama_model_n_embd_out(self.model))

    def pooling(self) -> int:
        """The GGUF's pooling when it gives one vector per input (mean, cls, last); else mean (a causal LM)."""
        return self.gguf_pooling if self.gguf_pooling in POOLING_NAMES else _POOLING_MEAN

    # ---- the context ------------------------------------------------------------------------------------------
    def ensure(self, longest: int) -> EmbedContext:
        """A context that holds an input of ``longest`` tokens (made or grown now if needed)."""
        if self.context is not None and self.context.per_decode >= longest:
            return self.context
        self.free()
        ll, p = self.ll, self.params
        size = context_size(longest, self.limit())
        cparams = context_params(ll, p, n_ctx=size, n_batch=size, n_ubatch=size, n_seq_max=SEQ_MAX)
        cparams.kv_unified = True  # the sequences share the cells: each may be as long as the context
        cparams.embeddings = True
        cparams.pooling_type = self.pooling()
        report = LoadReport(path="", params={})
        self._capture_log(report)
        try:
            ctx = ll.llama_init_from_model(self.model, cparams)
        finally:
            self._capture_log(None)
        if not ctx:
            if self._memory_failed():
                raise EmbedError("memory", msg("there is not enough memory for an embedding context of {n:,} "
                                               "tokens", n=size))
            raise EmbedError("unsupported", msg("llama.cpp could not create an embedding context for it"))
        pooling = int(ll.llama_pooling_type(ctx))
        if pooling not in POOLING_NAMES:
            ll.llama_free(ctx)
            raise EmbedError("unsupported", msg("llama.cpp pools no embedding for it (pooling type {pooling})",
                                                pooling=pooling))
        ll.llama_set_abort_callback(ctx, self._abort_cb, None)
        per_decode = min(int(ll.llama_n_batch(ctx)), int(ll.llama_n_ubatch(ctx)))
        self.context = EmbedContext(ctx, int(ll.llama_n_ctx(ctx)), per_decode, pooling, report.kv_cache_bytes,
                                    report.compute_bytes, report.output_bytes)
        self.peak_tokens = 0
        return self.context

    def free(self) -> None:
        if self.context is not None:
            self.ll.llama_free(self.context.ctx)
            self.context = None
            self.peak_tokens = 0

    def state(self) -> dict[str, Any] | None:
        """The embedding context as the engine's state reports it (None: there is none)."""
        c = self.context
        if c is None:
            return None
        n_vocab = int(self.ll.llama_vocab_n_tokens(self.ll.llama_model_get_vocab(self.model)))
        # llama.cpp grows its output buffer to logits and embeddings of every token of the largest decode
        # (embedding mode outputs all tokens); derived, since it logs the growth only in debug builds.
        output_grown = (n_vocab + self.n_embd()) * 4 * max(self.peak_tokens, SEQ_MAX)
        return {
            "n_ctx": c.n_ctx,
            "per_decode": c.per_decode,
            "pooling": POOLING_NAMES[c.pooling],
            "kv_bytes": c.kv_bytes,
            "compute_bytes": c.compute_bytes,
            "output_bytes": max(c.output_bytes, output_grown),
        }

    # ---- embedding --------------------------------------------------------------------------------------------
    def embed(self, token_lists: Sequence[Sequence[int]], normalize: bool) -> list[list[float]]:
        """One vector per token list (each already checked: 1 <= length <= limit())."""
        ll = self.ll
        context = self.ensure(max(len(t) for t in token_lists))
        n_embd = self.n_embd()
        out: list[list[float] | None] = [None] * len(token_lists)
        groups = pack([len(t) for t in token_lists], context.per_decode)
        batch = ll.llama_batch_init(context.per_decode, 0, 1)
        try:
            for group in groups:
                if self._should_abort():
                    raise EmbedError("cancelled", msg("computing embeddings was cancelled"))
                ll.llama_memory_clear(ll.llama_get_memory(context.ctx), True)  # each decode starts afresh
                n = 0
                for seq, index in enumerate(group):
                    for pos, token in enumerate(token_lists[index]):
                        batch.token[n] = token
                        batch.pos[n] = pos
                        batch.n_seq_id[n] = 1
                        batch.seq_id[n][0] = seq
                        batch.logits[n] = 1  # embedding mode outputs every token; saying so avoids a warning
                        n += 1
                batch.n_tokens = n
                self.peak_tokens = max(self.peak_tokens, n)
                rc = ll.llama_decode(context.ctx, batch)
                if rc == _DECODE_ABORTED:
                    raise EmbedError("cancelled", msg("computing embeddings was cancelled"))
                if rc != 0:
                    raise EmbedError("failed", msg("llama.cpp failed to compute embeddings (code {code})", code=rc))
                for seq, index in enumerate(group):
                    ptr = ll.llama_get_embeddings_seq(context.ctx, seq)
                    if not ptr:
                        raise EmbedError("failed", msg("llama.cpp pooled no embedding for input {index}",
                                                       index=index))
                    vector = [float(v) for v in ptr[:n_embd]]
                    out[index] = normalise(vector) if normalize else vector
        finally:
            ll.llama_batch_free(batch)
            ll.llama_memory_clear(ll.llama_get_memory(context.ctx), True)
        return [v for v in out if v is not None]
