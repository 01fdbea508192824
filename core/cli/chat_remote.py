"""`modelnest chat --remote URL [MODEL]`: the terminal chat in front of an OpenAI-compatible server.

Same history, commands and stats line as a local chat; the speeds are measured here, over the network. The
token comes from the OS keychain; when the server asks for one and none is stored, it is asked for (hidden)
and kept in the keychain, or for this session only where there is no keychain.
"""

from __future__ import annotations

import argparse
import getpass
from typing import TextIO, cast

from modelnest.core.chat.history import HistoryStore
from modelnest.core.chat.remote import TIMING_LABEL, RemoteEngine, RemoteHosts, RemoteRefused, TokenStore, normalize_url
from modelnest.core.chat.session import ChatSession
from modelnest.core.engine.client import EngineClient
from modelnest.core.engine.params import SamplingParams
from modelnest.core.errors import UserInputError
from modelnest.core.messages import msg


def _connect(url: str, model: str | None, stdin: TextIO, err: TextIO) -> tuple[RemoteEngine, str]:
    tokens = TokenStore()
    remote = RemoteEngine(url, tokens.load(url))
    try:
        return remote, remote.use(model)
    except RemoteRefused as exc:
        remote.close()
        if exc.status != 401:
            raise
        if not stdin.isatty():
            raise UserInputError(msg("The server at {url} needs a token; run this in a terminal to enter it.",
                                     url=url)) from None
        token = getpass.getpass(str(msg("Token for {url}: ", url=url)))
        notice = tokens.save(url, token)
        if notice is not None:
            err.write(f"note: {notice}\n")
        remote = RemoteEngine(url, token)
        return remote, remote.use(model)


def run_remote(args: argparse.Namespace, sampling: SamplingParams, system_prompt: str, stdin: TextIO, out: TextIO,
               err: TextIO) -> int:
    from modelnest.core.cli.chat_cmd import _loop  # the same loop and commands as a local chat

    url = normalize_url(args.remote)
    remote, model = _connect(url, args.model, stdin, err)
    RemoteHosts().add(url)
    store = HistoryStore.open()
    try:
        if store.notice is not None:
            err.write(f"note: {store.notice.message}\n")
        store.recover_interrupted()
        name = f"{model} @ {url}"
        if args.conversation is not None:
            conversation = store.get_conversation(args.conversation)
        else:
            conversation = store.create_conversation(
                model_path="", model_name=name, system_prompt=system_prompt,
                settings={**sampling.to_dict(), "remote": url, "timing": str(TIMING_LABEL)})
        err.write(str(msg("Connected to {url}, model {model}. Speeds are {label}. Conversation {id}. /help for "
                          "commands.", url=url, model=model, label=TIMING_LABEL, id=conversation.id)) + "\n")
        err.flush()
        # ChatSession uses only generate() and cancel(), which RemoteEngine provides with EngineClient's meaning.
        session = ChatSession(cast(EngineClient, remote), store, model_name=name, delta_interval_s=0.02)
        return _loop(session, store, conversation.id, sampling, 0, stdin, out, err)
    finally:
        store.close()
        remote.close()
