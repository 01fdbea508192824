"""One chat turn, Qt-free: history + system prompt -> engine request, streamed into the history store.

Used by the GUI's chat worker thread and by ``modelnest chat``. A ``ChatSession`` belongs to the thread
that created it (its ``HistoryStore`` does, see core/chat/history.py); only ``cancel()`` may be called
from another thread (the GUI's Stop button), because ``EngineClient.cancel`` is thread-safe.

How a reply ends, in the store:

    engine summary stop_reason eos / length / context_full  -> complete
    engine summary stop_reason cancelled (Stop)             -> stopped   (partial text kept)
    engine died or hung (EngineCrashed, EngineHung ...)     -> interrupted (partial text kept)
    any other engine failure (GenerationFailed ...)         -> error     (partial text kept)

A full context is never an engine error. Before each request the conversation's context policy (stored in the
conversation's settings as ``context_policy``) makes it fit, leaving room for the reply:

    rolling           drop the oldest turns, keep the system prompt (the default)
    truncate_middle   keep the system prompt and the first turn, drop the turns after it, oldest first
    stop              change nothing; the user is told what to do (ContextLimitReached, before any reply row)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from modelnest.core.chat.history import HistoryError, HistoryStore, Message, ReplyStats, Status
from modelnest.core.engine.client import EngineClient, ProgressEvent, TokenEvent
from modelnest.core.engine.errors import EngineCrashed, EngineError, EngineHung, EngineStartError
from modelnest.core.engine.params import GenerationSummary, SamplingParams
from modelnest.core.errors import ModelNestError
from modelnest.core.messages import Message as CoreMessage
from modelnest.core.messages import Text, msg, text_of

__all__ = [
    "CONTEXT_POLICIES",
    "DEFAULT_CONTEXT_POLICY",
    "ChatSession",
    "ContextLimitReached",
    "ContextPolicy",
    "ContextUsage",
    "context_policy_of",
    "fit_context",
    "ReplyDelta",
    "ReplyStarted",
    "ReplyFinished",
    "SessionEvent",
    "StoreWarning",
    "build_messages",
    "status_for_error",
    "status_for_stop_reason",
]

# Engine deaths leave the reply "interrupted" (Retry); anything else that fails marks it "error".
_DEATHS: tuple[type[EngineError], ...] = (EngineCrashed, EngineHung, EngineStartError)


@dataclass(frozen=True)
class ReplyStarted:
    """The user message is committed and the reply row exists (status streaming)."""

    user: Message | None  # None for Regenerate / Retry (the user message already existed)
    reply: Message


@dataclass(frozen=True)
class ReplyDelta:
    """Text that arrived since the last delta, with the live figures at that moment."""

    message_id: int
    text: str
    tokens: int  # tokens so far
    ttft_s: float | None  # seconds from the request to the first token
    decode_tokens_per_s: float | None  # over the tokens after the first
    elapsed_s: float


@dataclass(frozen=True)
class StoreWarning:
    """The history could not be written (e.g. disk full); streaming goes on, the text stays buffered."""

    message: Text


@dataclass(frozen=True)
class ReplyFinished:
    """The reply's final row as stored, how it ended, and the engine's figures or error."""

    message: Message
    status: Status
    summary: GenerationSummary | None = None
    error: EngineError | None = None
    stats: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ContextUsage:
    """How full the context is for this request (prompt ``tokens`` of ``n_ctx``) and what the policy left out."""

    tokens: int
    n_ctx: int
    policy: ContextPolicy
    dropped: int = 0  # messages of the conversation not sent to the model this time


SessionEvent = ReplyStarted | ReplyDelta | ProgressEvent | StoreWarning | ReplyFinished | ContextUsage

ContextPolicy = Literal["rolling", "truncate_middle", "stop"]
CONTEXT_POLICIES: tuple[ContextPolicy, ...] = ("rolling", "truncate_middle", "stop")
DEFAULT_CONTEXT_POLICY: ContextPolicy = "rolling"
REPLY_ROOM_SHARE = 4  # room kept for the reply: max_tokens, but at most a quarter of the context


def context_policy_of(settings: Mapping[str, Any]) -> ContextPolicy:
    """The conversation's context policy (stored in its settings); the default for a missing or unknown value."""
    value = settings.get("context_policy")
    for policy in CONTEXT_POLICIES:
        if value == policy:
            return policy
    return DEFAULT_CONTEXT_POLICY


class ContextLimitReached(ModelNestError):
    """The conversation cannot be made to fit the context under its policy; the message says what to do."""

    def __init__(self, message: CoreMessage, *, tokens: int, n_ctx: int, policy: ContextPolicy) -> None:
        super().__init__(message)
        self.tokens = tokens
        self.n_ctx = n_ctx
        self.policy = policy


def _turn_starts(body: list[dict[str, str]]) -> list[int]:
    return [i for i, m in enumerate(body) if m["role"] == "user"]


def fit_context(
    messages: list[dict[str, str]],
    policy: ContextPolicy,
    count: Callable[[list[dict[str, str]]], int],
    n_ctx: int,
    reserve: int,
) -> tuple[list[dict[str, str]], int, int]:
    """(messages to send, how many were left out, their token count): fits ``n_ctx - reserve`` under ``policy``.

    Whole turns are dropped (a user message and the replies after it), so roles still alternate (some chat
    templates refuse anything else). The last turn is always kept; when even that leaves no room for the reply,
    it is sent if it fits at all (the reply may then reach the limit and stop, which the user is told)."""
    tokens = count(messages)
    budget = max(1, n_ctx - reserve)
    if tokens <= budget:
        return messages, 0, tokens
    if policy == "stop":
        raise ContextLimitReached(
            msg("This conversation is {tokens:,} tokens long and no longer leaves room for a reply in the model's "
                "context of {ctx:,} tokens; it is set to stop at the limit. Start a new conversation, let this one "
                "drop older messages (Context: rolling window or truncate the middle), or load the model with a "
                "longer context.", tokens=tokens, ctx=n_ctx),
            tokens=tokens, n_ctx=n_ctx, policy=policy,
        )
    system = messages[:1] if messages and messages[0]["role"] == "system" else []
    body = messages[len(system):]
    starts = _turn_starts(body)
    pinned: list[dict[str, str]] = []
    if policy == "truncate_middle" and len(starts) > 1:
        pinned = body[: starts[1]]  # the first turn: the user's first message and its reply
        body = body[starts[1]:]
    kept = body
    while True:
        starts = _turn_starts(kept)
        if len(starts) <= 1:
            break
        kept = kept[starts[1]:]  # drop the oldest turn still sent
        tokens = count([*system, *pinned, *kept])
        if tokens <= budget:
            return [*system, *pinned, *kept], len(messages) - len(system) - len(pinned) - len(kept), tokens
    if pinned:  # the first turn does not leave room for the last one: give it up too
        pinned = []
        tokens = count([*system, *kept])
    if tokens < n_ctx:
        return [*system, *kept], len(messages) - len(system) - len(kept), tokens
    raise ContextLimitReached(
        msg("Your last message with the system prompt is {tokens:,} tokens long, more than the model's context of "
            "{ctx:,} tokens, even without the rest of the conversation. Shorten the message or the system prompt, "
            "or load the model with a longer context.", tokens=tokens, ctx=n_ctx),
        tokens=tokens, n_ctx=n_ctx, policy=policy,
    )


def status_for_stop_reason(stop_reason: str) -> Status:
    return "stopped" if stop_reason == "cancelled" else "complete"


def error_extra(error: EngineError | None) -> dict[str, Any]:
    """What a failed reply stores besides the English error: the Message, so the GUI can show it translated."""
    if error is not None and isinstance(error.explanation, CoreMessage):
        return {"error_message": error.explanation.to_json()}
    return {}


def status_for_error(error: BaseException) -> Status:
    return "interrupted" if isinstance(error, _DEATHS) else "error"


def build_messages(messages: list[Message], system_prompt: str = "") -> list[dict[str, str]]:
    """The engine's message list: the system prompt, then every readable user/assistant turn in order.

    Placeholders for unreadable rows (role "system", status "error") and empty replies are left out: they
    are notes for the user, not part of what the model said.
    """
    out: list[dict[str, str]] = []
    if system_prompt.strip():
        out.append({"role": "system", "content": system_prompt})
    for m in messages:
        if m.role not in ("user", "assistant"):
            continue
        if m.role == "assistant" and not m.content:
            continue
        out.append({"role": m.role, "content": m.content})
    return out


class ChatSession:
    """Drives EngineClient.generate for one conversation turn and writes every piece into the history."""

    def __init__(
        self,
        engine: EngineClient,
        store: HistoryStore,
        *,
        model_name: str | None = None,
        delta_interval_s: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.store = store
        self.model_name = model_name
        self.delta_interval_s = delta_interval_s  # how often ReplyDelta is yielded (the GUI's ~50 ms batches)
        self._clock = clock
        self._cancel = threading.Event()

    # ---- the four ways a turn starts ----------------------------------------------------------------
    def send(self, conversation_id: int, text: str, sampling: SamplingParams,
             extra_settings: Mapping[str, Any] | None = None) -> Iterator[SessionEvent]:
        """Commit the user's message, then stream the reply."""
        user = self.store.add_user_message(conversation_id, text)
        usage, request = self._fit(conversation_id, self.store.list_messages(conversation_id), sampling)
        yield from self._reply(conversation_id, sampling, user, extra_settings, usage, request)

    def regenerate(self, conversation_id: int, sampling: SamplingParams,
                   extra_settings: Mapping[str, Any] | None = None) -> Iterator[SessionEvent]:
        """Answer the user's last message again (also Retry of an interrupted one).

        The earlier reply is kept as an alternative (shown as 1/2), unless it is an empty failed one."""
        messages = self.store.list_messages(conversation_id)
        previous = messages[-1] if messages and messages[-1].role == "assistant" else None
        if previous is not None:
            messages = messages[:-1]
        if not messages or messages[-1].role != "user":
            raise HistoryError(msg("There is no message of yours to answer in this conversation."))
        usage, request = self._fit(conversation_id, messages, sampling)  # before anything changes
        alternative_to: int | None = None
        if previous is not None:
            if previous.content or previous.status == "complete":
                alternative_to = previous.id
            else:
                self.store.delete_last_reply(conversation_id)  # nothing in it worth keeping
        yield from self._reply(conversation_id, sampling, None, extra_settings, usage, request,
                               alternative_to=alternative_to)

    def edit_and_resend(self, conversation_id: int, text: str, sampling: SamplingParams,
                        extra_settings: Mapping[str, Any] | None = None, *,
                        message_id: int | None = None) -> Iterator[SessionEvent]:
        """Change a message of the user's (the last one if ``message_id`` is None), drop what came after it, and
        answer it: the conversation continues from there."""
        if message_id is None:
            user = self.store.replace_last_user_message(conversation_id, text)
        else:
            user = self.store.edit_user_message(message_id, text)
        usage, request = self._fit(conversation_id, self.store.list_messages(conversation_id), sampling)
        yield from self._reply(conversation_id, sampling, user, extra_settings, usage, request)

    def cancel(self) -> None:
        """Stop the reply being generated; safe from any thread. The partial reply is kept as ``stopped``."""
        self._cancel.set()
        self.engine.cancel()

    # ---- the turn itself ----------------------------------------------------------------------------
    def _require_user_last(self, conversation_id: int) -> None:
        messages = self.store.list_messages(conversation_id)
        if not messages or messages[-1].role != "user":
            raise HistoryError(msg("There is no message of yours to answer in this conversation."))

    def _fit(self, conversation_id: int, messages: list[Message], sampling: SamplingParams,
             ) -> tuple[ContextUsage | None, list[dict[str, str]]]:
        """The request for ``messages`` made to fit the context by the conversation's policy (raises if it cannot).

        An engine that cannot count tokens (a remote server) gets the whole conversation, as before."""
        conversation = self.store.get_conversation(conversation_id)
        request = build_messages(messages, conversation.system_prompt)
        loaded = getattr(self.engine, "loaded", None)
        count = getattr(self.engine, "count_tokens", None)
        if loaded is None or count is None or not loaded.n_ctx:
            return None, request
        policy = context_policy_of(conversation.settings)
        # The engine refuses prompts by the context asked for; llama.cpp may have made a larger one (its minimum).
        n_ctx = min(int(loaded.n_ctx), int((loaded.params or {}).get("n_ctx") or loaded.n_ctx))
        reserve = 1 if policy == "stop" else max(1, min(sampling.max_tokens, n_ctx // REPLY_ROOM_SHARE))
        fitted, dropped, tokens = fit_context(request, policy, count, n_ctx, reserve)
        return ContextUsage(tokens, n_ctx, policy, dropped), fitted

    def _reply(self, conversation_id: int, sampling: SamplingParams, user: Message | None,
               extra_settings: Mapping[str, Any] | None, usage: ContextUsage | None,
               request: list[dict[str, str]], *, alternative_to: int | None = None) -> Iterator[SessionEvent]:
        reply = self.store.begin_reply(conversation_id, alternative_to=alternative_to)
        self._cancel.clear()
        yield ReplyStarted(user, reply)
        if usage is not None:
            yield usage
        settings = {**sampling.to_dict(), **dict(extra_settings or {})}
        pending: list[str] = []
        tokens = 0
        first_t: float | None = None
        last_t = 0.0
        started = self._clock()
        last_emit = started
        warned = False
        cancel_forwarded = False
        model = self.model_name or (Path(self.engine.loaded.path).name if self.engine.loaded else None)
        summary: GenerationSummary | None = None
        error: EngineError | None = None

        def delta() -> ReplyDelta:
            decode = (tokens - 1) / (last_t - first_t) if first_t is not None and tokens > 1 and last_t > first_t \
                else None
            text = "".join(pending)
            pending.clear()
            return ReplyDelta(reply.id, text, tokens, first_t, decode, self._clock() - started)

        try:
            if self._cancel.is_set():  # Stop pressed before the request even went out
                raise _CancelledEarly
            for event in self.engine.generate(request, sampling):
                if self._cancel.is_set() and not cancel_forwarded:
                    # Stop pressed between the request and its first event: the engine had no id to cancel.
                    cancel_forwarded = True
                    self.engine.cancel()
                if isinstance(event, TokenEvent):
                    tokens = event.n
                    if first_t is None:
                        first_t = event.t
                    last_t = event.t
                    pending.append(event.text)
                    try:
                        self.store.append_reply(reply.id, event.text)
                    except HistoryError as exc:
                        if not warned:  # the text stays buffered in the store and is retried
                            warned = True
                            yield StoreWarning(text_of(exc))
                    now = self._clock()
                    if now - last_emit >= self.delta_interval_s:
                        last_emit = now
                        yield delta()
                elif isinstance(event, ProgressEvent):
                    yield event
                else:
                    summary = event
        except _CancelledEarly:
            pass
        except EngineError as exc:
            error = exc
        if pending:
            yield delta()
        if summary is not None:
            status: Status = status_for_stop_reason(summary.stop_reason)
        elif error is not None:
            status = status_for_error(error)
        else:
            status = "stopped"
        stats = ReplyStats(
            ttft_s=summary.ttft_s if summary else first_t,
            prefill_tokens_per_s=summary.prefill_tokens_per_s if summary else None,
            decode_tokens_per_s=summary.decode_tokens_per_s if summary else None,
            prompt_tokens=summary.prompt_tokens if summary else None,
            completion_tokens=summary.tokens if summary else tokens,
            model=model,
            settings=settings,
            error=str(error.explanation) if error is not None else None,
            extra={
                **({"stop_reason": summary.stop_reason} if summary else error_extra(error)),
                **({"context_dropped": usage.dropped, "context_policy": usage.policy} if usage and usage.dropped
                   else {}),
                **({"n_ctx": usage.n_ctx} if usage else {}),
            },
        )
        message = self.store.finish_reply(reply.id, status, stats)
        yield ReplyFinished(message, status, summary, error, stats.to_dict())


class _CancelledEarly(Exception):
    """Internal: Stop arrived before generation started."""
