"""The engine process: the only code in ModelNest that imports llama_cpp.

Runs as a child of the app (`modelnest __engine__`, or `python -m modelnest.core.engine.host`), reads requests
from stdin and writes events to a private copy of stdout; fd 1 itself is pointed at stderr so nothing native
can corrupt the protocol. Uses llama.cpp's C API through llama-cpp-python's bindings directly (not the `Llama`
class) so that every parameter is explicit, the prompt is processed in chunks that report progress and can be
aborted, the KV cache of the previous turn is reused, and no untrusted template is compiled outside our sandbox.
It exits by itself when the parent goes away (stdin reaches end of file, or the parent process changes).
"""

from __future__ import annotations

import base64
import codecs
import ctypes
import math
import os
import queue
import signal
import sys
import threading
import time
from typing import Any, BinaryIO, NoReturn

from modelnest.core.engine import protocol
from modelnest.core.engine.embedder import Embedder, EmbedError, context_params, pack_floats
from modelnest.core.engine.errors import mentions_memory
from modelnest.core.engine.overrides import (
    BuftOverrides,
    OverridesUnavailable,
    build,
    cpu_buffer_type,
    loaded_ggml_libraries,
)
from modelnest.core.engine.params import EngineParams, LoadReport, SamplingParams, moe_override_patterns
from modelnest.core.engine.templates import (
    ChatTemplate,
    TemplateRejected,
    load_template_message,
    render_conversation,
)
from modelnest.core.gguf import GGUFError, read_file
from modelnest.core.messages import Message, Text, msg

_DECODE_ABORTED = 2  # llama_decode's return value when the abort callback fired


def said(text: Text) -> dict[str, Any]:
    """An event's text for people: English in ``message`` (logs, old readers) and the Message in ``msg``, so the
    parent can show it in the user's language."""
    if isinstance(text, Message):
        return {"message": str(text), "msg": text.to_json()}
    return {"message": text}


class _Cancelled(Exception):
    pass


class EngineHost:
    def __init__(self, out: BinaryIO) -> None:
        import llama_cpp  # imported here, in the child, and nowhere else

        self.ll = llama_cpp
        self._out = out
        self._out_lock = threading.Lock()
        self._requests: queue.Queue[dict[str, Any]] = queue.Queue()
        self._cancel_id: Any = None
        self._current_id: Any = None
        self._parent_pid = os.getppid()
        self.model: Any = None
        self.ctx: Any = None
        self.vocab: Any = None
        self.template: ChatTemplate | None = None
        self.params: EngineParams | None = None
        self._overrides: BuftOverrides | None = None  # llama.cpp keeps pointers into it: lives as long as the model
        self.cached_tokens: list[int] = []
        self._last_prompt: tuple[str, tuple[int, ...]] | None = None  # the last prompt tokenized, and its tokens
        self._prompts_tokenized = 0  # conversations tokenized since start (system_info: proves the reuse)
        self.embedder: Embedder | None = None  # the embedding context's owner, made at the first embed request
        self._gguf_pooling: int | None = None  # {arch}.pooling_type of the loaded file, if it says
        self._eog_tokens: list[int] | None = None  # the loaded vocabulary's end-of-generation tokens, found once
        self._log_sink: LoadReport | None = None
        self._load_memory_failure = False
        self._log_partial = ""
        # ctypes callbacks must stay referenced for as long as C may call them.
        self._log_cb = llama_cpp.llama_log_callback(self._on_log)
        self._abort_cb = llama_cpp.ggml_abort_callback(self._should_abort)
        self._progress_cb = llama_cpp.llama_progress_callback(self._on_load_progress)
        self._last_progress = -1.0
        llama_cpp.llama_log_set(self._log_cb, ctypes.c_void_p(0))
        llama_cpp.llama_backend_init()

    # ---- plumbing -------------------------------------------------------------------------------------------
    def send(self, message: dict[str, Any]) -> None:
        data = protocol.encode(message)
        with self._out_lock:
            try:
                self._out.write(data)
                self._out.flush()
            except (BrokenPipeError, OSError):
                os._exit(0)  # the parent is gone: nobody to serve

    def read_requests(self, stdin: BinaryIO) -> None:
        """Reader thread: cancel takes effect at once; everything else is queued for the main thread."""
        for line in stdin:
            try:
                request = protocol.decode(line)
            except ValueError:
                self.send({"ev": "error", "kind": "protocol", "message": "unreadable request"})
                continue
            if request.get("op") == "cancel":
                self._cancel_id = request.get("id")
            else:
                self._requests.put(request)
        os._exit(0)  # stdin closed: the parent died or let go of us

    def heartbeat(self) -> None:
        while True:
            time.sleep(protocol.HEARTBEAT_SECONDS)
            if os.name == "posix" and os.getppid() != self._parent_pid:
                os._exit(0)
            self.send({"ev": "heartbeat"})

    def _on_log(self, level: int, text: bytes, user_data: Any) -> None:
        os.write(2, text)
        if self._log_sink is None:
            return
        self._log_partial += text.decode("utf-8", errors="replace")
        *lines, self._log_partial = self._log_partial.split("\n")
        for line in lines:
            self._log_sink.feed_log_line(line)
            self._load_memory_failure = self._load_memory_failure or mentions_memory(line)

    def _should_abort(self, data: Any) -> bool:
        return self._cancel_id is not None and self._cancel_id == self._current_id

    def _on_load_progress(self, progress: float, data: Any) -> bool:
        if progress - self._last_progress >= 0.02 or progress >= 1.0:
            self._last_progress = progress
            self.send({"ev": "progress", "id": self._current_id, "stage": "load", "fraction": round(progress, 3)})
        return not self._should_abort(None)

    # ---- requests -------------------------------------------------------------------------------------------
    def serve(self) -> None:
        self.send(
            {
                "ev": "ready",
                "pid": os.getpid(),
                "llama_cpp_version": getattr(self.ll, "__version__", "?"),
                "system_info": self.ll.llama_print_system_info().decode("utf-8", errors="replace"),
                "gpu_offload": bool(self.ll.llama_supports_gpu_offload()),
                "libraries": _loaded_libraries(),
            }
        )
        handlers = {
            "load": self.load,
            "generate": self.generate,
            "unload": self.unload,
            "system_info": self.system_info,
            "count": self.count,
            "embed": self.embed,
        }
        while True:
            request = self._requests.get()
            op = request.get("op")
            if op == "shutdown":
                self.unload(None)
                self.send({"ev": "bye"})
                return
            handler = handlers.get(str(op))
            self._current_id = request.get("id")
            try:
                if handler is None:
                    raise ValueError(f"unknown request {op!r}")
                handler(request)
            except Exception as exc:  # noqa: BLE001 - every failure goes back to the caller as an event
                self.send({"ev": "error", "id": request.get("id"), "kind": "internal", "message": str(exc)})
            finally:
                self._current_id = None

    def system_info(self, request: dict[str, Any]) -> None:
        self.send(
            {
                "ev": "info",
                "id": request.get("id"),
                "system_info": self.ll.llama_print_system_info().decode("utf-8", errors="replace"),
                "gpu_offload": bool(self.ll.llama_supports_gpu_offload()),
                "embedding_context": self.embedder.state() if self.embedder is not None else None,
                "prompts_tokenized": self._prompts_tokenized,
            }
        )

    def unload(self, request: dict[str, Any] | None) -> None:
        if self.embedder is not None:
            self.embedder.free()  # before the model it was made on
            self.embedder = None
        if self.ctx is not None:
            self.ll.llama_free(self.ctx)
            self.ctx = None
        if self.model is not None:
            self.ll.llama_model_free(self.model)
            self.model = None
        self._overrides = None
        self.vocab = None
        self._eog_tokens = None
        self.template = None
        self.cached_tokens = []
        self._last_prompt = None  # another model tokenizes differently
        if request is not None:
            self.send({"ev": "unloaded", "id": request.get("id")})

    def load(self, request: dict[str, Any]) -> None:
        ll = self.ll
        path = str(request["path"])
        self.unload(None)
        try:
            header = read_file(path)  # defence in depth: llama.cpp never sees a file our validator rejects
        except GGUFError as exc:
            error = said(exc.message or str(exc))
            self.send({"ev": "error", "id": request.get("id"), "kind": "invalid_model", **error})
            return
        params = EngineParams.from_dict(request.get("params", {}))
        report = LoadReport(path=path, params=params.to_dict())
        self._log_sink, self._last_progress = report, -1.0
        self._load_memory_failure = False  # only an allocation failure in this load's log earns memory advice
        start = time.perf_counter()

        mparams = ll.llama_model_default_params()
        mparams.n_gpu_layers = params.n_gpu_layers
        mparams.main_gpu = params.main_gpu
        # This llama.cpp has no use_mmap/use_mlock fields (ctypes would take the names silently and ignore them):
        # load_mode says it. AUTO maps the file unless a device cannot (llama-model.cpp), never locks it.
        mparams.load_mode = ll.LLAMA_LOAD_MODE_AUTO if params.use_mmap else ll.LLAMA_LOAD_MODE_NONE
        mparams.progress_callback = self._progress_cb
        if params.tensor_split:
            split = (ctypes.c_float * ll.LLAMA_MAX_DEVICES)(*params.tensor_split)
            mparams.tensor_split = split
        try:
            overrides = self._moe_overrides(params, int(header.arch_value("block_count", 0) or 0))
        except OverridesUnavailable as exc:
            self._log_sink = None
            self.send({"ev": "error", "id": request.get("id"), "kind": exc.kind, **said(exc.explanation)})
            return
        if overrides is not None:
            mparams.tensor_buft_overrides = overrides.address
        model = ll.llama_model_load_from_file(path.encode("utf-8"), mparams)
        if not model:
            self._log_sink = None
            cancelled = self._should_abort(None)
            self.send(
                {
                    "ev": "error",
                    "id": request.get("id"),
                    "kind": "cancelled" if cancelled else "load_failed",
                    "memory": self._load_memory_failure,
                    **said(msg("loading was cancelled") if cancelled else msg("llama.cpp could not load the model")),
                }
            )
            return
        cparams = context_params(ll, params, n_ctx=params.n_ctx, n_batch=params.n_batch, n_ubatch=params.n_ubatch,
                                 n_seq_max=1)
        ctx = ll.llama_init_from_model(model, cparams)
        self._log_sink = None
        if not ctx:
            ll.llama_model_free(model)
            self.send(
                {
                    "ev": "error",
                    "id": request.get("id"),
                    "kind": "load_failed",
                    "memory": self._load_memory_failure,
                    **said(
                        msg("llama.cpp could not create a context with these settings (often: not enough memory)")
                    ),
                }
            )
            return
        ll.llama_set_abort_callback(ctx, self._abort_cb, None)
        self.model, self.ctx, self.params = model, ctx, params
        self._overrides = overrides
        pooling = header.arch_value("pooling_type")
        self._gguf_pooling = int(pooling) if isinstance(pooling, int) and not isinstance(pooling, bool) else None
        self.vocab = ll.llama_model_get_vocab(model)
        self.cached_tokens = []
        bos = self._token_text(ll.llama_vocab_bos(self.vocab))
        eos = self._token_text(ll.llama_vocab_eos(self.vocab))
        self.template, template_warning = load_template_message(header.chat_template, bos, eos)
        report.template_warning = str(template_warning) if template_warning else None
        report.load_seconds = time.perf_counter() - start
        report.n_ctx = ll.llama_n_ctx(ctx)
        report.n_layer = ll.llama_model_n_layer(model)
        report.n_params = ll.llama_model_n_params(model)
        report.system_info = ll.llama_print_system_info().decode("utf-8", errors="replace")
        if template_warning:
            self.send({"ev": "warning", "id": request.get("id"), **said(template_warning)})
        self.send({"ev": "loaded", "id": request.get("id"), "report": report.to_dict()})

    def _moe_overrides(self, params: EngineParams, n_layer: int) -> BuftOverrides | None:
        """The routed experts of the first cpu_moe_layers layers to the CPU buffer type (llama.cpp's --n-cpu-moe);
        patterns for layers the model does not have would match nothing, so none are built."""
        n = min(params.cpu_moe_layers, n_layer)
        if n <= 0:
            return None
        libraries: list[Any] = [getattr(self.ll.llama_cpp, "_lib", None)]
        libraries += loaded_ggml_libraries(_loaded_libraries())
        return build(moe_override_patterns(n), cpu_buffer_type(libraries))

    def count(self, request: dict[str, Any]) -> None:
        """How many tokens a conversation takes with this model's template (the chat's context policy fits it)."""
        rid = request.get("id")
        if self.ctx is None or self.params is None or self.template is None:
            self.send({"ev": "error", "id": rid, "kind": "no_model", **said(msg("no model is loaded"))})
            return
        try:
            prompt = render_conversation(self.template, request["messages"])
        except TemplateRejected as exc:
            self.send({"ev": "error", "id": rid, "kind": "template", **said(exc.message or str(exc))})
            return
        tokens = self._prompt_tokens(prompt)
        self.send({"ev": "count", "id": rid, "tokens": len(tokens), "n_ctx": self.params.n_ctx})

    def _prompt_tokens(self, prompt: str) -> list[int]:
        """A rendered conversation's tokens. The chat counts a turn's conversation (count) and then generates
        the same one: the last prompt's tokens are kept, so a long conversation is tokenized once per turn."""
        if self._last_prompt is not None and self._last_prompt[0] == prompt:
            return list(self._last_prompt[1])
        assert self.template is not None
        bos = self.template.bos_token
        tokens = self.tokenize(prompt, add_special=not (bos and prompt.startswith(bos)))
        self._prompts_tokenized += 1
        self._last_prompt = (prompt, tuple(tokens))
        return tokens

    # ---- embeddings -----------------------------------------------------------------------------------------
    def _capture_log(self, report: LoadReport | None) -> None:
        """Route llama.cpp's log into ``report`` (its buffer sizes) while a context is made; None stops."""
        self._log_partial = ""
        if report is not None:
            self._load_memory_failure = False
        self._log_sink = report

    def _embedder(self) -> Embedder:
        if self.embedder is None:
            assert self.model is not None and self.params is not None
            self.embedder = Embedder(self.ll, self.model, self.params, self._gguf_pooling, self._abort_cb,
                                     lambda: self._should_abort(None), self._capture_log,
                                     lambda: self._load_memory_failure)
        return self.embedder

    def _embed_tokens(self, texts: Any, limit: int) -> list[list[int]]:
        """Each text's tokens, checked against what llama.cpp would assert on (empty, longer than a decode)."""
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
            raise EmbedError("input", msg("the inputs must be a non-empty list of texts"))
        token_lists: list[list[int]] = []
        for i, text in enumerate(texts):
            tokens = self.tokenize(text, add_special=True) if text else []
            if not tokens:
                raise EmbedError("input", msg("input {index} is empty; every input needs some text", index=i),
                                 index=i, tokens=0, limit=limit)
            if len(tokens) > limit:
                raise EmbedError(
                    "input",
                    msg("input {index} is {tokens:,} tokens long, more than the {limit:,} tokens this model embeds "
                        "at once", index=i, tokens=len(tokens), limit=limit),
                    index=i, tokens=len(tokens), limit=limit,
                )
            token_lists.append(tokens)
        return token_lists

    def embed(self, request: dict[str, Any]) -> None:
        """One vector per text (pooled, L2-normalised unless ``normalize`` is false), as little-endian float32."""
        rid = request.get("id")
        if self.model is None or self.params is None:
            self.send({"ev": "error", "id": rid, "kind": "no_model", **said(msg("no model is loaded"))})
            return
        t0 = time.perf_counter()
        try:
            embedder = self._embedder()
            why = embedder.refusal()
            if why is not None:
                raise EmbedError("unsupported", why)
            token_lists = self._embed_tokens(request.get("texts"), embedder.limit())
            vectors = embedder.embed(token_lists, bool(request.get("normalize", True)))
        except EmbedError as exc:
            kind = "cancelled" if exc.kind == "cancelled" else f"embed_{exc.kind}"
            self.send({"ev": "error", "id": rid, "kind": kind, **exc.fields, **said(exc.message)})
            return
        self.send(
            {
                "ev": "embedded",
                "id": rid,
                "n_embd": len(vectors[0]),
                "vectors": base64.b64encode(pack_floats(vectors)).decode("ascii"),
                "tokens": [len(t) for t in token_lists],
                "seconds": time.perf_counter() - t0,
                "context": embedder.state(),
            }
        )

    # ---- generation -----------------------------------------------------------------------------------------
    def _token_text(self, token: int) -> str:
        if token < 0:
            return ""
        text = self.ll.llama_vocab_get_text(self.vocab, token)
        return text.decode("utf-8", errors="replace") if text else ""

    def _piece(self, token: int) -> bytes:
        buf = ctypes.create_string_buffer(64)
        n = self.ll.llama_token_to_piece(self.vocab, token, buf, len(buf), 0, False)
        if n < 0:
            buf = ctypes.create_string_buffer(-n)
            n = self.ll.llama_token_to_piece(self.vocab, token, buf, len(buf), 0, False)
        return buf.raw[:n]

    def tokenize(self, text: str, add_special: bool) -> list[int]:
        data = text.encode("utf-8")
        capacity = len(data) + 16
        tokens = (self.ll.llama_token * capacity)()
        n = self.ll.llama_tokenize(self.vocab, data, len(data), tokens, capacity, add_special, True)
        if n < 0:
            capacity = -n
            tokens = (self.ll.llama_token * capacity)()
            n = self.ll.llama_tokenize(self.vocab, data, len(data), tokens, capacity, add_special, True)
        return list(tokens[:n])

    def _decode(self, tokens: list[int]) -> None:
        array = (self.ll.llama_token * len(tokens))(*tokens)
        rc = self.ll.llama_decode(self.ctx, self.ll.llama_batch_get_one(array, len(tokens)))
        if rc == _DECODE_ABORTED:
            raise _Cancelled()
        if rc != 0:
            raise RuntimeError(f"llama_decode failed with code {rc}")

    def _forget_cache(self) -> None:
        self.ll.llama_memory_clear(self.ll.llama_get_memory(self.ctx), True)
        self.cached_tokens = []

    def _end_tokens(self) -> list[int]:
        if self._eog_tokens is None:
            n_vocab = self.ll.llama_vocab_n_tokens(self.vocab)
            self._eog_tokens = [t for t in range(n_vocab) if self.ll.llama_vocab_is_eog(self.vocab, t)]
        return self._eog_tokens

    def _sampler(self, s: SamplingParams) -> Any:
        ll = self.ll
        chain = ll.llama_sampler_chain_init(ll.llama_sampler_chain_default_params())
        n_vocab = ll.llama_vocab_n_tokens(self.vocab)
        if s.ignore_eos and (end := self._end_tokens()):
            # First in the chain: no end-of-generation token can be picked at all, so the reply runs to
            # max_tokens with real text (skipping an EOG token after sampling would emit and decode it).
            biases = (ll.llama_logit_bias * len(end))(*(ll.llama_logit_bias(t, -math.inf) for t in end))
            ll.llama_sampler_chain_add(chain, ll.llama_sampler_init_logit_bias(n_vocab, len(end), biases))
        if s.temperature > 0 and s.top_k > 0:
            # top-k first: llama.cpp warns that penalties over the full vocabulary are slow
            ll.llama_sampler_chain_add(chain, ll.llama_sampler_init_top_k(s.top_k))
        if s.repeat_penalty != 1.0:
            penalties = ll.llama_sampler_init_penalties(n_vocab, s.repeat_last_n, s.repeat_penalty, 0.0, 0.0)
            ll.llama_sampler_chain_add(chain, penalties)
        if s.temperature <= 0:
            ll.llama_sampler_chain_add(chain, ll.llama_sampler_init_greedy())
            return chain
        ll.llama_sampler_chain_add(chain, ll.llama_sampler_init_top_p(s.top_p, 1))
        if s.min_p > 0:
            ll.llama_sampler_chain_add(chain, ll.llama_sampler_init_min_p(s.min_p, 1))
        ll.llama_sampler_chain_add(chain, ll.llama_sampler_init_temp(s.temperature))
        seed = ll.LLAMA_DEFAULT_SEED if s.seed < 0 else s.seed
        ll.llama_sampler_chain_add(chain, ll.llama_sampler_init_dist(seed))
        return chain

    def generate(self, request: dict[str, Any]) -> None:
        rid = request.get("id")
        if self.ctx is None or self.params is None or self.template is None:
            self.send({"ev": "error", "id": rid, "kind": "no_model", **said(msg("no model is loaded"))})
            return
        t0 = time.perf_counter()
        sampling = SamplingParams.from_dict(request.get("sampling", {}))
        try:
            if "prompt" in request:
                prompt = request["prompt"]
            else:
                prompt = render_conversation(self.template, request["messages"])
        except TemplateRejected as exc:
            self.send({"ev": "error", "id": rid, "kind": "template", **said(exc.message or str(exc))})
            return
        tokens = self._prompt_tokens(prompt)
        n_ctx = self.params.n_ctx
        if len(tokens) >= n_ctx:
            self.send(
                {
                    "ev": "error",
                    "id": rid,
                    "kind": "context_full",
                    "tokens": len(tokens),
                    "n_ctx": n_ctx,
                    **said(msg(
                        "the conversation is {tokens:,} tokens long, more than the context of {ctx:,} tokens; "
                        "start a new conversation or load the model with a longer context",
                        tokens=len(tokens), ctx=n_ctx,
                    )),
                }
            )
            return
        # Reuse the KV cache for the part of the prompt the previous turn already processed.
        keep = 0
        for a, b in zip(self.cached_tokens, tokens, strict=False):  # the common prefix; lengths differ
            if a != b:
                break
            keep += 1
        keep = min(keep, len(tokens) - 1)  # at least one token must be evaluated to get logits
        if not self.ll.llama_memory_seq_rm(self.ll.llama_get_memory(self.ctx), 0, keep, -1):
            self._forget_cache()
            keep = 0
        self.cached_tokens = self.cached_tokens[:keep]
        chain = self._sampler(sampling)
        text_parts: list[str] = []
        n_gen = 0
        t_first = t_last = t_prefill_end = 0.0
        reason = "eos"
        utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        t_prefill_start = time.perf_counter()
        try:
            for i in range(keep, len(tokens), self.params.n_batch):
                chunk = tokens[i : i + self.params.n_batch]
                self._decode(chunk)
                self.cached_tokens.extend(chunk)
                done = i + len(chunk)
                self.send({"ev": "progress", "id": rid, "stage": "prompt", "done": done, "total": len(tokens)})
            t_prefill_end = time.perf_counter()
            while True:
                if self._should_abort(None):
                    raise _Cancelled()
                token = self.ll.llama_sampler_sample(chain, self.ctx, -1)
                if not sampling.ignore_eos and self.ll.llama_vocab_is_eog(self.vocab, token):
                    reason = "eos"
                    break
                piece = utf8.decode(self._piece(token))
                n_gen += 1
                t_last = time.perf_counter()
                if n_gen == 1:
                    t_first = t_last
                text_parts.append(piece)
                self.send({"ev": "token", "id": rid, "text": piece, "n": n_gen, "t": round(t_last - t0, 6)})
                if n_gen >= sampling.max_tokens:
                    reason = "length"
                    break
                if len(self.cached_tokens) + 1 >= n_ctx:
                    reason = "context_full"
                    break
                self._decode([token])
                self.cached_tokens.append(token)
        except _Cancelled:
            reason = "cancelled"
            if not t_prefill_end:
                self._forget_cache()  # an aborted prompt leaves the cache half-written
        finally:
            self.ll.llama_sampler_free(chain)
        tail = utf8.decode(b"", final=True)
        if tail:
            text_parts.append(tail)
            self.send({"ev": "token", "id": rid, "text": tail, "n": n_gen, "t": round(time.perf_counter() - t0, 6)})
        end = time.perf_counter()
        evaluated = len(tokens) - keep
        prefill_s = (t_prefill_end or end) - t_prefill_start
        summary = {
            "text": "".join(text_parts),
            "tokens": n_gen,
            "prompt_tokens": len(tokens),
            "prompt_tokens_evaluated": evaluated,
            "ttft_s": (t_first - t0) if n_gen else end - t0,
            "prefill_tokens_per_s": evaluated / prefill_s if t_prefill_end and prefill_s > 0 else 0.0,
            "decode_tokens_per_s": (n_gen - 1) / (t_last - t_first) if n_gen > 1 and t_last > t_first else 0.0,
            "total_s": end - t0,
            "stop_reason": reason,
        }
        self.send({"ev": "done", "id": rid, "summary": summary})


def _loaded_libraries() -> list[str]:
    """Which llama/ggml shared libraries this process really loaded (the self-test checks the build chosen)."""
    try:
        from modelnest.core.engine.runtime import loaded_libraries

        return loaded_libraries()
    except Exception:  # noqa: BLE001 - diagnostics only; never stop the engine for them
        return []


def main(argv: list[str] | None = None) -> NoReturn:
    # The protocol gets a private copy of stdout; fd 1 then points at stderr, so a native printf cannot
    # interleave bytes with our messages.
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a terminal is the parent's to handle
    stdin = sys.stdin.buffer
    host = EngineHost(out)
    threading.Thread(target=host.read_requests, args=(stdin,), daemon=True, name="engine-requests").start()
    threading.Thread(target=host.heartbeat, daemon=True, name="engine-heartbeat").start()
    host.serve()
    # Asked to shut down, with every model freed and every message sent: leave now. A normal interpreter exit
    # would wait for the reader thread's lock on stdin (it is blocked reading it), then abort the process after
    # a second ("could not acquire lock ... at interpreter shutdown"): every clean shutdown ended in SIGABRT,
    # a crash report where the system keeps them and a second's wait for whoever quits.
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
