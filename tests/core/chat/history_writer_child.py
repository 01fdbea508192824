"""Child process for the kill-safety test: streams a deterministic reply into the history until killed."""

from __future__ import annotations

import math
import sys

from modelnest.core.chat.history import HistoryStore, PeriodicFlush


def token(i: int) -> str:
    return f"t{i} "


def main() -> None:
    path, max_chars = sys.argv[1], int(sys.argv[2])
    store = HistoryStore.open(path, flush_policy=PeriodicFlush(interval_s=math.inf, max_chars=max_chars))
    conversation = store.create_conversation("kill test")
    user = store.add_user_message(conversation.id, f"question for conversation {conversation.id}")
    reply = store.begin_reply(conversation.id)
    print(f"ready {conversation.id} {user.id} {reply.id}", flush=True)
    total = 0
    i = 0
    while True:
        delta = token(i)
        total += len(delta)
        if store.append_reply(reply.id, delta):
            print(f"flushed {total}", flush=True)  # only after the commit returned
        i += 1


if __name__ == "__main__":
    main()
