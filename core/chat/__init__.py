"""Chat: conversations kept in SQLite, a session that streams replies from the engine, settings, export.

    HistoryStore        conversations and messages (crash-safe; damaged rows are shown, never lost)
    ChatSession         one turn: store the user message, stream the reply (ReplyStarted/Delta/Finished)
    SettingsStore       ChatSettings / SamplingSettings in settings.json, written atomically
    engine_sampling()   saved sampling settings → the engine's SamplingParams (the one conversion)
    RemoteEngine        chat through any OpenAI-compatible server (remote engines)
    reply_stats_line()  a finished reply's speed, first token and settings in one translatable line
    export_conversation Markdown or JSON export of one conversation

Other packages import these names from here (``from modelnest.core.chat import HistoryStore``). ``Message`` is a
stored chat message (history.Message), not a translatable text (that is modelnest.core.messages.Message).
Names are loaded on first use (PEP 562), so the CLI's ``probe`` never imports SQLite or the engine client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelnest.core.lazy import lazy_exports

if TYPE_CHECKING:
    from modelnest.core.chat.export import (
        JSON_FORMAT,
        conversation_to_dict,
        conversation_to_json,
        conversation_to_markdown,
        export_conversation,
    )
    from modelnest.core.chat.history import (
        UNREADABLE_MESSAGE,
        Conversation,
        FlushPolicy,
        HistoryError,
        HistoryNotice,
        HistoryStore,
        Message,
        PeriodicFlush,
        ReplyStats,
        default_history_path,
    )
    from modelnest.core.chat.remote import (
        TIMING_LABEL,
        RemoteEngine,
        RemoteHost,
        RemoteHosts,
        RemoteRefused,
        TokenStore,
        find_remote_model,
        normalize_url,
    )
    from modelnest.core.chat.sampling import engine_sampling
    from modelnest.core.chat.session import (
        CONTEXT_POLICIES,
        ChatSession,
        ContextLimitReached,
        ContextPolicy,
        ContextUsage,
        ReplyDelta,
        ReplyFinished,
        ReplyStarted,
        SessionEvent,
        StoreWarning,
        build_messages,
        context_policy_of,
        status_for_error,
        status_for_stop_reason,
    )
    from modelnest.core.chat.settings import (
        LANGUAGES,
        ChatSettings,
        LoadedSettings,
        SamplingSettings,
        SettingsStore,
        default_settings_path,
    )
    from modelnest.core.chat.stats import reply_error, reply_stats_line

_EXPORTS: dict[str, str] = {
    **dict.fromkeys(
        ("JSON_FORMAT", "conversation_to_dict", "conversation_to_json", "conversation_to_markdown",
         "export_conversation"),
        "export",
    ),
    **dict.fromkeys(
        ("UNREADABLE_MESSAGE", "Conversation", "FlushPolicy", "HistoryError", "HistoryNotice", "HistoryStore",
         "Message", "PeriodicFlush", "ReplyStats", "default_history_path"),
        "history",
    ),
    **dict.fromkeys(
        ("CONTEXT_POLICIES", "ContextLimitReached", "ContextPolicy", "ContextUsage", "context_policy_of",
         "ChatSession", "ReplyDelta", "ReplyFinished", "ReplyStarted", "SessionEvent", "StoreWarning",
         "build_messages", "status_for_error", "status_for_stop_reason"),
        "session",
    ),
    **dict.fromkeys(
        ("LANGUAGES", "ChatSettings", "LoadedSettings", "SamplingSettings", "SettingsStore", "default_settings_path"),
        "settings",
    ),
    "engine_sampling": "sampling",
    **dict.fromkeys(
        ("TIMING_LABEL", "RemoteEngine", "RemoteHost", "RemoteHosts", "RemoteRefused", "TokenStore",
         "find_remote_model", "normalize_url"),
        "remote",
    ),
    **dict.fromkeys(("reply_error", "reply_stats_line"), "stats"),
}

__all__ = [
    "CONTEXT_POLICIES",
    "ChatSession",
    "ChatSettings",
    "ContextLimitReached",
    "ContextPolicy",
    "ContextUsage",
    "Conversation",
    "FlushPolicy",
    "HistoryError",
    "HistoryNotice",
    "HistoryStore",
    "JSON_FORMAT",
    "LANGUAGES",
    "LoadedSettings",
    "Message",
    "PeriodicFlush",
    "RemoteEngine",
    "RemoteHost",
    "RemoteHosts",
    "RemoteRefused",
    "ReplyDelta",
    "ReplyFinished",
    "ReplyStarted",
    "ReplyStats",
    "SamplingSettings",
    "SessionEvent",
    "SettingsStore",
    "StoreWarning",
    "TIMING_LABEL",
    "TokenStore",
    "UNREADABLE_MESSAGE",
    "build_messages",
    "context_policy_of",
    "conversation_to_dict",
    "conversation_to_json",
    "conversation_to_markdown",
    "default_history_path",
    "default_settings_path",
    "engine_sampling",
    "export_conversation",
    "find_remote_model",
    "normalize_url",
    "reply_error",
    "reply_stats_line",
    "status_for_error",
    "status_for_stop_reason",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals(), __all__)
