"""The semantic check after the structural one: metadata the planner and engine read has the right type, a sane
range, and is justified by the tensor table, before anything is sized by it.

The structural validator (reader.py) bounds every length by the file's bytes; that is not enough for figures
that only *describe* the model: a ``block_count`` of 4×10⁸ in a 2-layer file fits in four bytes and then sizes
per-layer tuples. So each count is checked against what the file really holds (a model with 40 layers has 40
layers' ``blk.N.`` tensors; no head count exceeds the widest tensor; expert counts match the expert tensors),
and values of the wrong type (a string or NaN where a count belongs, an empty or text array for a per-layer
figure) are refused with the field's name. Only keys that are present are checked: what a model *must* have is
for the user of the header to require (``require_model``).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any, NoReturn

from modelnest.core.messages import Message, msg

if TYPE_CHECKING:
    from modelnest.core.gguf.reader import GGUFHeader

MAX_LAYERS = 512  # LLAMA_MAX_LAYERS in the bundled llama.cpp: it refuses more
MIN_CONTEXT = 16  # the smallest context the app runs a model with (`--ctx` has the same floor)
MAX_CONTEXT = 1 << 30
_INTEGER_TYPES = frozenset({"uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64"})
_FLOAT_TYPES = frozenset({"float32", "float64"})
_LAYER_RE = re.compile(r"^(?:(?:enc|dec)\.)?blk\.([0-9]{1,6})\.")  # ASCII digits: int() also reads others

# `{arch}.key` -> (lowest, highest, may be one value per layer). Upper bounds here are sanity limits; the
# tensor table gives the real ones below.
COUNTS: dict[str, tuple[int, int, bool]] = {
    "block_count": (1, MAX_LAYERS, False),
    "context_length": (MIN_CONTEXT, MAX_CONTEXT, False),
    "embedding_length": (1, 1 << 20, False),
    "feed_forward_length": (0, 1 << 24, True),
    "expert_feed_forward_length": (0, 1 << 24, False),
    "expert_shared_feed_forward_length": (0, 1 << 24, False),
    "attention.head_count": (0, 1 << 16, True),
    "attention.head_count_kv": (0, 1 << 16, True),
    "attention.key_length": (0, 1 << 16, False),
    "attention.value_length": (0, 1 << 16, False),
    "attention.sliding_window": (0, MAX_CONTEXT, False),
    "expert_count": (0, 1 << 16, False),
    "expert_used_count": (0, 1 << 16, False),
    "vocab_size": (1, 1 << 31, False),
    "rope.dimension_count": (0, 1 << 16, False),
}
FLOATS = (  # llama.cpp's key names (llama-arch.cpp)
    "attention.layer_norm_rms_epsilon",
    "attention.layer_norm_epsilon",
    "rope.freq_base",
    "rope.scale_linear",
    "rope.scaling.factor",
    "attn_logit_softcapping",
    "final_logit_softcapping",
)
# Keys outside the architecture's namespace that the app reads.
TEXTS = ("general.architecture", "general.name", "tokenizer.chat_template", "tokenizer.ggml.model")
GENERAL_COUNTS: dict[str, tuple[int, int]] = {"general.file_type": (0, 1 << 16)}


def _fail(message: Message, field: str) -> NoReturn:
    from modelnest.core.gguf.reader import GGUFError

    raise GGUFError(message, field=field)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _integers(header: GGUFHeader, key: str, per_layer: bool) -> list[int] | None:
    """The key's value(s) as a list of ints, or None when absent; refuses any other type."""
    if key not in header.metadata:
        return None
    value = header.metadata[key]
    kind = header.metadata_types.get(key, "")
    if kind in _INTEGER_TYPES:
        return [int(value)]
    if per_layer and kind.startswith("array[") and kind[6:-1] in _INTEGER_TYPES:
        if not isinstance(value, list):  # summarised: longer than any per-layer array can be
            _fail(msg("metadata '{field}' has {count} entries, far more than a model has layers",
                      field=key, count=getattr(value, "count", 0)), key)
        if not value:
            _fail(msg("metadata '{field}' is an empty list", field=key), key)
        return [int(v) for v in value]
    if per_layer:
        _fail(msg("metadata '{field}' is stored as {found}, but it must be a whole number or a list of them",
                  field=key, found=kind), key)
    _fail(msg("metadata '{field}' is stored as {found}, but it must be a whole number", field=key, found=kind), key)


def check_header(header: GGUFHeader) -> None:
    """Raise GGUFError (naming the field) for metadata of the wrong type, out of range, or not justified."""
    meta, types = header.metadata, header.metadata_types
    for key in TEXTS:
        if key in meta and types.get(key) != "string":
            _fail(msg("metadata '{field}' is stored as {found}, but it must be text", field=key, found=types[key]), key)
    for key, (low, high) in GENERAL_COUNTS.items():
        general = _integers(header, key, False)
        if general is not None and not low <= general[0] <= high:
            _fail(msg("metadata '{field}' is {value}, outside the range {low} to {high}",
                      field=key, value=general[0], low=low, high=high), key)
    arch = header.architecture
    # Part of a split model (gguf-split): each part holds only its own tensors, so counts can be checked against
    # the tensor table only once the parts are together (catalogue.remote merges them; require_model checks).
    split_count, split_tensors = meta.get("split.count"), meta.get("split.tensors.count")
    partial = isinstance(split_count, int) and split_count > 1 and split_tensors != len(header.tensors)
    if "general.architecture" in meta and not arch.strip():
        _fail(msg("metadata '{field}' is empty", field="general.architecture"), "general.architecture")
    if not arch:
        return
    prefix = f"{arch}."

    # What the tensor table justifies.
    layer_ids: set[int] = set()
    widest = 0
    expert_dims: set[int] = set()
    for t in header.tensors:
        m = _LAYER_RE.match(t.name)
        if m:
            layer_ids.add(int(m.group(1)))
        elif t.name.startswith(("blk.", "enc.blk.", "dec.blk.")):
            # The planner reads the layer from the name; llama.cpp would not know the tensor either.
            _fail(msg("tensor '{name}' has a malformed layer number in its name", name=t.name), t.name)
        widest = max(widest, *t.shape)
        if "_exps." in t.name and len(t.shape) == 3:
            expert_dims.add(t.shape[2])

    values: dict[str, list[int]] = {}
    for name, (low, high, per_layer) in COUNTS.items():
        key = prefix + name
        found = _integers(header, key, per_layer)
        if found is None:
            continue
        for v in found:
            if not low <= v <= high:
                _fail(msg("metadata '{field}' is {value}, outside the range {low} to {high}",
                          field=key, value=v, low=low, high=high), key)
        values[name] = found
    for name in FLOATS:
        key = prefix + name
        if key not in meta:
            continue
        if types.get(key) not in _FLOAT_TYPES:
            _fail(msg("metadata '{field}' is stored as {found}, but it must be a number",
                      field=key, found=types.get(key, "")), key)
        if not math.isfinite(float(meta[key])):
            _fail(msg("metadata '{field}' is not a finite number ({value})", field=key, value=_shown(meta[key])), key)

    n_layer = values.get("block_count", [0])[0]
    if partial:
        return
    if "block_count" in values:
        key = prefix + "block_count"
        in_table = max(layer_ids) + 1 if layer_ids else 0
        if n_layer != in_table or len(layer_ids) != in_table:
            _fail(msg("metadata '{field}' says the model has {value} layers, but its tensor table holds {layers}",
                      field=key, value=n_layer, layers=len(layer_ids)), key)
    for name in ("feed_forward_length", "attention.head_count", "attention.head_count_kv"):
        found = values.get(name)
        if found is not None and len(found) > 1 and len(found) != n_layer:
            _fail(msg("metadata '{field}' has {count} entries, but the model has {layers} layers",
                      field=prefix + name, count=len(found), layers=n_layer), prefix + name)
    for name in ("embedding_length", "feed_forward_length", "expert_feed_forward_length",
                 "expert_shared_feed_forward_length", "attention.head_count", "attention.head_count_kv",
                 "attention.key_length", "attention.value_length", "expert_count", "vocab_size",
                 "rope.dimension_count"):
        found = values.get(name)
        if found is not None and max(found) > widest:
            _fail(msg("metadata '{field}' is {value}, more than the widest tensor in the file ({limit})",
                      field=prefix + name, value=max(found), limit=widest), prefix + name)
    heads, kv_heads = values.get("attention.head_count"), values.get("attention.head_count_kv")
    if heads and kv_heads:
        for il in range(max(len(heads), len(kv_heads))):
            h, kv = heads[min(il, len(heads) - 1)], kv_heads[min(il, len(kv_heads) - 1)]
            if h and kv > h:
                _fail(msg("metadata '{field}' is {value}, more than '{other_field}' ({other})",
                          field=prefix + "attention.head_count_kv", value=kv,
                          other_field=prefix + "attention.head_count", other=h), prefix + "attention.head_count_kv")
    experts = values.get("expert_count", [0])[0]
    if experts and expert_dims and expert_dims != {experts}:
        _fail(msg("metadata '{field}' is {value}, but the expert tensors hold {experts} experts",
                  field=prefix + "expert_count", value=experts, experts=max(expert_dims)), prefix + "expert_count")
    used = values.get("expert_used_count", [0])[0]
    if used > experts:
        _fail(msg("metadata '{field}' is {value}, more than '{other_field}' ({other})",
                  field=prefix + "expert_used_count", value=used, other_field=prefix + "expert_count",
                  other=experts), prefix + "expert_used_count")
    tokens = meta.get("tokenizer.ggml.tokens")
    if tokens is not None:
        kind = types.get("tokenizer.ggml.tokens", "")
        if kind != "array[string]":
            _fail(msg("metadata '{field}' is stored as {found}, but it must be a list of text",
                      field="tokenizer.ggml.tokens", found=kind), "tokenizer.ggml.tokens")
        count = len(tokens) if isinstance(tokens, list) else int(getattr(tokens, "count", 0))
        if count == 0:
            _fail(msg("metadata '{field}' is an empty list", field="tokenizer.ggml.tokens"), "tokenizer.ggml.tokens")


def require_model(header: GGUFHeader) -> None:
    """What planning a model needs beyond a valid header: an architecture, tensors, and a layer count.

    Also checks the figures against the tensor table again: a split model's merged header is only complete here."""
    check_header(header)
    if not header.architecture:
        _fail(msg("the file does not say which model architecture it holds ('{field}' is missing)",
                  field="general.architecture"), "general.architecture")
    if not header.tensors or header.parameter_count == 0:
        _fail(msg("the file holds no tensors, so it is not a model that can be run"), "tensor count")
    key = f"{header.architecture}.block_count"
    if key not in header.metadata:
        _fail(msg("the file does not say how many layers the model has ('{field}' is missing)", field=key), key)
