"""The planner's GPU placement and the speed test's GPU pass against a real GPU backend: weights per buffer with
whole and partial offload and with routed experts kept in RAM (EngineParams.cpu_moe_layers), predicted vs what
llama.cpp reported, then the GPU pass of the speed test and a prediction from it vs a real run.

Needs a GPU build of llama.cpp as an optional runtime (core/engine/runtime.py). Without a GPU, Mesa's software
Vulkan device (llvmpipe) runs the real Vulkan backend on the CPU: placement, buffers and overrides are llama.cpp's
own, only the speeds are a CPU's. How it was run here (Debian bookworm; its Vulkan headers are too old for
ggml-vulkan, so trixie's libvulkan-dev headers were unpacked into /tmp):

    apt-get install glslc libvulkan-dev mesa-vulkan-drivers spirv-headers
    MODELNEST_WHEELHOUSE=/tmp/vkhouse PYTHON=.venv/bin/python MODELNEST_CMAKE_ARGS="-DGGML_VULKAN=ON \\
        -DVulkan_INCLUDE_DIR=/tmp/trixie/usr/include -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON" \\
        scripts/build_llama_wheel.sh
    # unpack the wheel's llama_cpp/lib/* into /tmp/runtimes/vulkan/ with runtime.json {"variant": "vulkan", ...}
    MODELNEST_RUNTIMES_DIR=/tmp/runtimes MODELNEST_RUNTIME=vulkan GGML_VK_VISIBLE_DEVICES=0 \\
        .venv/bin/python benchmarks/gpu_placement.py

(GGML_VK_VISIBLE_DEVICES=0: ggml-vulkan skips devices of type CPU unless they are named.) Goals as in
plan_accuracy.py: weights within 0.5 %, KV exact.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

WORK = Path(tempfile.mkdtemp(prefix="gpu-placement-"))
os.environ.setdefault("MODELNEST_HOME", str(WORK / "home"))  # the speed test's cache stays out of the user's

from modelnest.core.engine.client import EngineClient  # noqa: E402
from modelnest.core.engine.params import EngineParams  # noqa: E402
from modelnest.core.engine.runtime import select_runtime  # noqa: E402
from modelnest.core.gguf import read_file  # noqa: E402
from modelnest.core.hardware import GpuInfo, probe  # noqa: E402
from modelnest.core.plan import ModelSpec, predict  # noqa: E402
from modelnest.core.plan.memory import estimate, repack_types_for  # noqa: E402
from modelnest.core.plan.speedtest import decode_interval, run_speed_test  # noqa: E402
from modelnest.core.plan.synthetic import SyntheticShape, write_model  # noqa: E402

SHAPES = {
    "qwen3moe": SyntheticShape(arch="qwen3moe", n_layer=6, n_embd=512, n_head=8, n_head_kv=2, n_ff=512, n_vocab=2048,
                               n_expert=8, n_expert_used=2, n_ff_exp=256, name="gpu-qwen3moe"),
    "mixtral": SyntheticShape(arch="llama", n_layer=6, n_embd=512, n_head=8, n_head_kv=2, n_ff=512, n_vocab=2048,
                              n_expert=8, n_expert_used=2, name="gpu-mixtral"),
    "llama": SyntheticShape(arch="llama", n_layer=6, n_embd=512, n_head=8, n_head_kv=2, n_ff=1536, n_vocab=2048,
                            name="gpu-llama"),
}
SETTINGS = ((99, 0), (99, 3), (99, 6), (4, 0), (4, 3), (1, 0))  # (n_gpu_layers, cpu_moe_layers)


def main() -> int:
    runtime = select_runtime([])
    if runtime.lib_dir is None:
        print(f"no GPU build: {runtime.reason} (see this script's docstring)")
        return 1
    print(f"runtime: {runtime.variant} from {runtime.lib_dir}")
    repack = repack_types_for("x86_64", {"avx2": True, "fma": True, "f16c": True})
    errors: list[float] = []
    kv_exact = 0
    rows = 0
    with EngineClient(hang_timeout=300, runtime=runtime) as engine:
        engine.start()
        print(f"{'model':9s} {'type':5s} {'ngl':>3s} {'moe':>3s} | {'real GPU':>10s} {'planned':>10s} | "
              f"{'real host':>10s} {'planned':>10s} | weights err  KV")
        for name, shape in SHAPES.items():
            for type_name in ("Q8_0", "Q4_0"):
                path = write_model(WORK / f"{name}-{type_name}.gguf", shape, type_name)
                spec = ModelSpec.from_header(read_file(path))
                for ngl, moe in SETTINGS:
                    if moe and not spec.is_moe:
                        continue
                    params = EngineParams(n_ctx=1024, n_batch=512, n_ubatch=512, n_gpu_layers=ngl, n_threads=2,
                                          n_threads_batch=2, cpu_moe_layers=moe)
                    report = engine.load(path, params)
                    planned = estimate(spec, params, repack_types=repack, backend=runtime.variant)
                    real = report.weights_by_buffer
                    real_gpu = sum(v for k, v in real.items() if not k.startswith("CPU") and "Host" not in k)
                    real_host = report.weights_bytes - real_gpu
                    plan_gpu = planned.weights_buffers.get("device", 0)
                    plan_host = planned.weights_bytes - plan_gpu
                    err = 100.0 * (planned.weights_bytes - report.weights_bytes) / max(1, report.weights_bytes)
                    errors.append(abs(err))
                    exact = planned.kv_cache_bytes == report.kv_cache_bytes
                    kv_exact += exact
                    rows += 1
                    print(f"{name:9s} {type_name:5s} {ngl:3d} {moe:3d} | {real_gpu:10d} {plan_gpu:10d} | "
                          f"{real_host:10d} {plan_host:10d} | {err:+9.3f} %  {'exact' if exact else 'DIFF'}",
                          flush=True)
                    engine.unload()
        print(f"{rows} loads: worst weights error {max(errors):.3f} % (goal 0.5 %), KV exact in {kv_exact}/{rows}")

    # The speed test's GPU pass on this device, then a model it never ran, predicted from it and run.
    hw = probe(with_sensors=False)
    device = GpuInfo(vendor="mesa", name="llvmpipe (software Vulkan)", vram_total_bytes=8 * 1024**3,
                     vram_free_bytes=8 * 1024**3, backend=runtime.variant, unified_memory=True)
    hw = replace(hw, gpus=[device])
    # Decode only on the GPU: llvmpipe's batched products crash the engine (SIGSEGV, in Mesa 22.3 with this
    # llama.cpp), which the pass reports as "skipped" with the engine's reason when prefill is measured.
    profile = run_speed_test(hw, 2, types=("Q4_K", "Q8_0"), decode_tokens=12, prefill_tokens=64, store=False,
                             gpu_prefill=False)
    print(f"GPU pass: {profile.gpu}")
    shape = replace(SHAPES["llama"], n_layer=8, n_embd=1024, n_ff=2816, name="gpu-check")
    path = write_model(WORK / "check-Q8_0.gguf", shape, "Q8_0")
    spec = ModelSpec.from_header(read_file(path))
    params = EngineParams(n_ctx=512, n_gpu_layers=99, n_threads=2, n_threads_batch=2)
    predicted = predict(spec, params, hw, backend=runtime.variant, profile=profile, gpu=device, fill_tokens=8)
    with EngineClient(hang_timeout=300, runtime=runtime) as engine:
        engine.load(path, params)
        decode_interval(engine, 4)
        measured = 1.0 / min(decode_interval(engine, 12) for _ in range(3))
    print(f"full offload, a model the pass never ran: predicted {predicted.decode_tokens_per_s:.1f} t/s "
          f"({predicted.kind}: {predicted.basis}), measured {measured:.1f} t/s, "
          f"ratio {predicted.decode_tokens_per_s / measured:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
