"""Parameter count implied by a catalogue architecture: a check on transcribed figures, not a source of them.

Counts the matrices llama.cpp loads for a decoder of gated-FFN blocks (every architecture in the catalogue):
input embedding, per layer the attention projections at the given head size, two norms, a dense FFN or (MoE) the
routed experts, the shared experts and the router, then the final norm and the output matrix unless tied. Biases,
q/k norms, attention sinks and rope tables are left out: together well under 0.1 % for the entries here.
"""

from __future__ import annotations

from modelnest.core.catalogue.entries import Architecture


def attention_parameters(a: Architecture) -> int:
    head = a.head_dim or a.n_embd // max(1, a.n_head)
    return 2 * a.n_embd * a.n_head * head + 2 * a.n_embd * a.n_head_kv * head  # q and o; k and v (GQA)


def ffn_parameters(a: Architecture, layer: int) -> int:
    """FFN weights of one layer: dense (gate, up, down) or routed experts + shared experts + router."""
    if not a.is_moe or layer < (a.leading_dense_layers or 0):
        return 3 * a.n_embd * a.n_ff
    experts = int(a.expert_count or 0)
    routed = 3 * a.n_embd * int(a.expert_ff or 0) * experts
    shared = 3 * a.n_embd * int(a.expert_shared_ff or 0)
    return routed + shared + a.n_embd * experts


def parameter_count(a: Architecture, *, tied: bool | None = None) -> int:
    """Parameters of the whole model; `tied` overrides the entry's tied_embeddings (None there counts as untied)."""
    tie = a.tied_embeddings if tied is None else tied
    per_layer = sum(attention_parameters(a) + ffn_parameters(a, il) + 2 * a.n_embd for il in range(a.n_layer))
    embeddings = a.n_vocab * a.n_embd * (1 if tie else 2)
    return per_layer + embeddings + a.n_embd


def active_parameters(a: Architecture) -> int:
    """Parameters a decoded token multiplies: routed experts count only the used ones (for the docs and tests)."""
    if not a.is_moe:
        return parameter_count(a)
    unused = (int(a.expert_count or 0) - int(a.expert_used_count or 0)) * 3 * a.n_embd * int(a.expert_ff or 0)
    moe_layers = a.n_layer - (a.leading_dense_layers or 0)
    return parameter_count(a) - unused * moe_layers
