"""`modelnest chat MODEL`: an interactive chat in the terminal, with the GUI's engine, history and stats line.

Type a message and press Enter. Ctrl-C while a reply streams stops it (the partial reply is kept as
"stopped"); Ctrl-C or Ctrl-D at the prompt leaves. Commands: /new, /regen, /system TEXT, /list, /help, /quit.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from modelnest.core.chat.history import HistoryStore
from modelnest.core.chat.sampling import engine_sampling
from modelnest.core.chat.session import ChatSession, ReplyDelta, ReplyFinished, SessionEvent, StoreWarning
from modelnest.core.chat.settings import SamplingSettings, SettingsStore
from modelnest.core.chat.stats import reply_stats_line
from modelnest.core.cli.run_cmd import planned
from modelnest.core.engine.client import EngineClient
from modelnest.core.engine.errors import EngineError
from modelnest.core.engine.params import SamplingParams
from modelnest.core.errors import ModelNestError, UserInputError
from modelnest.core.messages import Message, msg
from modelnest.core.plan.loader import load_stepping_down

HELP = """Commands:
  /new            start a new conversation
  /regen          write the last reply again
  /system TEXT    set this conversation's system prompt (empty TEXT clears it)
  /list           list recent conversations
  /help           this help
  /quit           leave (also Ctrl-D)
Ctrl-C while a reply is being written stops it; the partial reply is kept."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", nargs="?", default=None,
                        help="path to a .gguf file (with --remote: the server's model id; default its first)")
    parser.add_argument("--remote", metavar="URL", default=None,
                        help="chat with a model on an OpenAI-compatible server (vLLM, llama.cpp, Ollama ...)")
    parser.add_argument("--conversation", type=int, default=None, help="continue the conversation with this id")
    parser.add_argument("--system", default=None, help="system prompt for a new conversation")
    parser.add_argument("--ctx", type=int, default=None, help="context length (default: from your settings)")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: physical cores)")
    parser.add_argument("--temperature", type=float, default=None)
    parser.add_argument("--top-p", type=float, default=None)
    parser.add_argument("--top-k", type=int, default=None)
    parser.add_argument("--repeat-penalty", type=float, default=None)
    parser.add_argument("--max-tokens", type=int, default=None)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--ignore-eos", action="store_true",
                        help="never end a reply before --max-tokens (tests and benchmarks)")


def _sampling(args: argparse.Namespace, saved: Any) -> SamplingParams:
    s = saved.sampling

    def pick(value: Any, default: Any) -> Any:
        return default if value is None else value

    chosen = SamplingSettings(
        temperature=pick(args.temperature, s.temperature), top_p=pick(args.top_p, s.top_p),
        top_k=pick(args.top_k, s.top_k), repeat_penalty=pick(args.repeat_penalty, s.repeat_penalty),
        max_tokens=pick(args.max_tokens, s.max_tokens), seed=pick(args.seed, s.seed))
    chosen.validate()  # the engine's limits (SAMPLING_LIMITS), worded as the settings word them
    return engine_sampling(chosen, ignore_eos=args.ignore_eos)


def stats_line(finished: ReplyFinished) -> str:
    """The one-line summary printed after each reply (same figures the GUI shows)."""
    s = finished.summary
    if s is None:
        tokens = finished.stats.get("completion_tokens", 0)
        return f"[{finished.status} after {tokens} tokens]"
    figures = {"completion_tokens": s.tokens, "ttft_s": s.ttft_s, "prefill_tokens_per_s": s.prefill_tokens_per_s,
               "decode_tokens_per_s": s.decode_tokens_per_s}
    parts = [str(reply_stats_line(figures))]  # the chat view's wording (modelnest.core.chat.stats)
    if finished.status != "complete":
        parts.append(finished.status)
    elif s.stop_reason != "eos":
        parts.append(f"stop: {s.stop_reason}")
    return "[" + " · ".join(parts) + "]"


class _StopOnCtrlC:
    """While a reply streams, Ctrl-C asks the engine to stop (from a helper thread: never block in a handler)."""

    def __init__(self, session: ChatSession) -> None:
        self.session = session
        self.previous: Any = None

    def __enter__(self) -> _StopOnCtrlC:
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum: int, frame: object) -> None:
        threading.Thread(target=self.session.cancel, daemon=True).start()

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)


def _stream(events: Iterator[SessionEvent], session: ChatSession, out: TextIO, err: TextIO) -> ReplyFinished | None:
    finished: ReplyFinished | None = None
    with _StopOnCtrlC(session):
        for event in events:
            if isinstance(event, ReplyDelta):
                out.write(event.text)
                out.flush()
            elif isinstance(event, StoreWarning):
                err.write(f"\nwarning: {event.message}\n")
            elif isinstance(event, ReplyFinished):
                finished = event
    out.write("\n")
    if finished is not None:
        if finished.error is not None:
            err.write(f"error: {finished.error.explanation} {finished.error.advice}".rstrip() + "\n")
        err.write(stats_line(finished) + "\n")
        err.flush()
    return finished


def run(args: argparse.Namespace, stdin: TextIO | None = None, out: TextIO | None = None,
        err: TextIO | None = None) -> int:
    stdin, out, err = stdin or sys.stdin, out or sys.stdout, err or sys.stderr
    loaded = SettingsStore().load()
    if loaded.notice:
        err.write(f"note: {loaded.notice}\n")
    saved = loaded.settings
    sampling = _sampling(args, saved)
    if args.remote:
        from modelnest.core.cli.chat_remote import run_remote

        system = args.system if args.system is not None else saved.system_prompt
        return run_remote(args, sampling, system, stdin, out, err)
    if args.model is None:
        raise UserInputError(msg("Name a .gguf file to chat with, or a server with --remote URL."))
    # The planner's parameters (context, threads, GPU layers, KV) for this machine; --ctx/--threads override.
    spec, _plan, params, runtime = planned(args.model, args.ctx, args.threads)
    store = HistoryStore.open()
    try:
        if store.notice is not None:
            err.write(f"note: {store.notice.message}\n")
        store.recover_interrupted()
        model_name = Path(args.model).name
        if args.conversation is not None:
            conversation = store.get_conversation(args.conversation)
        else:
            conversation = store.create_conversation(
                model_path=str(Path(args.model).resolve()), model_name=model_name,
                system_prompt=args.system if args.system is not None else saved.system_prompt,
                settings={**sampling.to_dict(), "n_ctx": params.n_ctx})
        with EngineClient(runtime=runtime) as engine:
            steps: list[Message] = []
            report, params = load_stepping_down(engine, args.model, params, spec.n_layer, on_step=steps.append,
                                                is_moe=spec.is_moe)
            for warning in [*steps, *engine.warnings]:
                err.write(f"warning: {warning}\n")
            err.write(f"{model_name} loaded: llama.cpp allocated {report.total_bytes / 2**20:.1f} MiB "
                      f"(context {report.n_ctx}). Conversation {conversation.id}. /help for commands.\n")
            err.flush()
            session = ChatSession(engine, store, model_name=model_name, delta_interval_s=0.02)
            return _loop(session, store, conversation.id, sampling, params.n_ctx, stdin, out, err)
    finally:
        store.close()


def _loop(session: ChatSession, store: HistoryStore, conversation_id: int, sampling: SamplingParams, n_ctx: int,
          stdin: TextIO, out: TextIO, err: TextIO) -> int:
    extra = {"n_ctx": n_ctx}
    while True:
        if stdin.isatty():
            out.write("> ")
            out.flush()
        try:
            line = stdin.readline()
        except KeyboardInterrupt:
            out.write("\n")
            return 0
        if not line:
            return 0
        text = line.rstrip("\n")
        if not text.strip():
            continue
        try:
            if text.startswith("/"):
                command, _, rest = text.partition(" ")
                if command in ("/quit", "/exit"):
                    return 0
                if command == "/help":
                    err.write(HELP + "\n")
                elif command == "/new":
                    old = store.get_conversation(conversation_id)
                    conversation_id = store.create_conversation(
                        model_path=old.model_path, model_name=old.model_name, system_prompt=old.system_prompt,
                        settings=old.settings).id
                    err.write(f"Conversation {conversation_id}.\n")
                elif command == "/system":
                    store.update_conversation(conversation_id, system_prompt=rest)
                    err.write("System prompt set.\n" if rest else "System prompt cleared.\n")
                elif command == "/list":
                    for c in store.list_conversations()[:20]:
                        err.write(f"{c.id:6d}  {c.title or '(untitled)'}\n")
                elif command == "/regen":
                    _stream(session.regenerate(conversation_id, sampling, extra), session, out, err)
                else:
                    err.write(f"Unknown command {command}; /help lists the commands.\n")
                continue
            finished = _stream(session.send(conversation_id, text, sampling, extra), session, out, err)
        except EngineError as exc:
            err.write(f"error: {exc}\n")
            return 1
        except ModelNestError as exc:
            err.write(f"error: {exc}\n")
            continue
        if finished is not None and finished.status == "interrupted":
            return 1  # the engine died; everything shown is saved, and `--conversation` continues it
