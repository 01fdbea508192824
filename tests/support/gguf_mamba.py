"""A tiny random Mamba (recurrent, state-space) GGUF that real llama.cpp loads and runs: for what such models
cannot do (embeddings, here) as much as for what they can."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from support.gguf_models import _vocab


def write_mamba(path: Path, *, n_layer: int = 2, n_embd: int = 64, d_state: int = 8, d_conv: int = 4,
                seed: int = 0) -> Path:
    """F32 weights in llama.cpp's Mamba layout (d_inner = 2 n_embd, dt_rank = n_embd / 16), our test vocabulary."""
    import gguf

    rng = np.random.default_rng(seed)
    tokens, scores, types = _vocab()
    d_inner, dt_rank = 2 * n_embd, max(1, n_embd // 16)
    w = gguf.GGUFWriter(str(path), "mamba")
    w.add_name("tiny-random-mamba")
    w.add_context_length(4096)
    w.add_embedding_length(n_embd)
    w.add_block_count(n_layer)
    w.add_feed_forward_length(0)
    w.add_head_count(0)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_ssm_conv_kernel(d_conv)
    w.add_ssm_inner_size(d_inner)
    w.add_ssm_state_size(d_state)
    w.add_ssm_time_step_rank(dt_rank)
    w.add_file_type(0)  # ALL_F32
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)
    w.add_add_bos_token(True)

    def mat(rows: int, cols: int) -> np.ndarray:
        return rng.standard_normal((rows, cols), dtype=np.float32) * 0.05

    def const(value: float, *shape: int) -> np.ndarray:
        return np.full(shape, value, dtype=np.float32)

    w.add_tensor("token_embd.weight", mat(len(tokens), n_embd))
    for i in range(n_layer):
        b = f"blk.{i}."
        w.add_tensor(b + "attn_norm.weight", const(1.0, n_embd))
        w.add_tensor(b + "ssm_in.weight", mat(2 * d_inner, n_embd))
        w.add_tensor(b + "ssm_conv1d.weight", mat(d_inner, d_conv))
        w.add_tensor(b + "ssm_conv1d.bias", const(0.0, d_inner))
        w.add_tensor(b + "ssm_x.weight", mat(dt_rank + 2 * d_state, d_inner))
        w.add_tensor(b + "ssm_dt.weight", mat(d_inner, dt_rank))
        w.add_tensor(b + "ssm_dt.bias", const(0.0, d_inner))
        w.add_tensor(b + "ssm_a", const(-1.0, d_inner, d_state))
        w.add_tensor(b + "ssm_d", const(1.0, d_inner))
        w.add_tensor(b + "ssm_out.weight", mat(n_embd, d_inner))
    w.add_tensor("output_norm.weight", const(1.0, n_embd))
    w.add_tensor("output.weight", mat(len(tokens), n_embd))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path
