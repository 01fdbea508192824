"""`modelnest serve MODEL`: the model behind a local OpenAI-compatible API, on 127.0.0.1 with a token by default.

Prints the address and the token (or says it came from MODELNEST_API_TOKEN), then serves until Ctrl-C.
Nothing served over the API is written to the chat history.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from modelnest.core.cli.run_cmd import planned
from modelnest.core.engine.client import EngineClient
from modelnest.core.errors import UserInputError
from modelnest.core.messages import msg
from modelnest.core.plan.loader import load_stepping_down
from modelnest.core.server.config import TOKEN_ENV, ServerConfig, new_token, token_from_env
from modelnest.core.server.history_log import ApiHistory
from modelnest.core.server.run import ApiServer, bind_socket

DEFAULT_PORT = 8080


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="path to a .gguf file")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"TCP port (default {DEFAULT_PORT}; 0: any free one)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this computer only)")
    parser.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                        help="a web origin (e.g. http://localhost:3000) allowed to call the API from a browser; "
                             "repeatable")
    parser.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                        help="another name clients may use for this server (e.g. behind a proxy); repeatable")
    parser.add_argument("--ctx", type=int, default=None, help="context length (default: the planner's choice)")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: physical cores)")
    parser.add_argument("--max-tokens", type=int, default=4096, help="the largest max_tokens a request may ask for")
    parser.add_argument("--queue", type=int, default=8, help="requests running or waiting before 429 (default 8)")
    parser.add_argument("--keep-history", action="store_true",
                        help="keep the chats served in your ModelNest history (by default they are not saved)")


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    env_token = token_from_env()
    token = env_token or new_token()
    model = Path(args.model)
    if args.queue < 1 or args.max_tokens < 1:
        raise UserInputError(msg("--queue and --max-tokens must be at least 1."))
    spec, _plan, params, runtime = planned(args.model, args.ctx, args.threads)
    # Settings and the address are checked before the (slow) model load: a taken port fails at once.
    config = ServerConfig(token=token, host=args.host, port=args.port, model_id=model.stem,
                          allow_origins=tuple(args.allow_origin), allow_hosts=tuple(args.allow_host),
                          max_tokens=args.max_tokens, max_pending=args.queue)
    sock = bind_socket(config.host, config.port)
    with EngineClient(runtime=runtime) as engine:
        def note(why: object) -> None:
            err.write(f"note: {why}\n")

        report, params = load_stepping_down(engine, args.model, params, spec.n_layer, on_step=note,
                                            is_moe=spec.is_moe)
        for warning in engine.warnings:
            err.write(f"warning: {warning}\n")
        config = replace(config, n_ctx=report.n_ctx)
        loaded_params = params

        def reload(e: EngineClient) -> None:
            # After an engine crash the next request loads the model again (twice-crashed models are refused).
            e.load(args.model, loaded_params)

        server = ApiServer(engine, config, reload=reload, sock=sock,
                           history=ApiHistory() if args.keep_history else None)
        for warning in server.config.warnings():
            err.write(f"warning: {warning}\n")
        out.write(str(msg("Serving {model} at {url}", model=model.stem, url=server.url)) + "\n")
        if env_token:
            out.write(str(msg("API token: the one in {env}", env=TOKEN_ENV)) + "\n")
        else:
            out.write(str(msg("API token: {token}", token=token)) + "\n")
        out.write(str(msg("Requests need the header Authorization: Bearer TOKEN. Ctrl-C stops the server.")) + "\n")
        out.write(str(msg("Endpoints: GET {base}/models, POST {base}/chat/completions, POST {base}/completions, "
                          "POST {base}/embeddings (when the model can embed).", base=server.url)) + "\n")
        out.flush()
        err.flush()
        server.serve()
    return 0
