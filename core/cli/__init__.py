"""The `modelnest` command line: one subcommand per module, imported only when used (fast start-up)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from modelnest.core.errors import ModelNestError, UserInputError

# name -> (module under modelnest.core.cli, one-line help). Each module has add_arguments(parser) and run(args).
COMMANDS: dict[str, tuple[str, str]] = {
    "pull": ("pull_cmd", "download a GGUF model from the hub, resumable and sha256-verified"),
    "inspect": ("inspect_cmd", "validate a GGUF file and summarise it"),
    "run": ("run_cmd", "generate once with a model through the engine process"),
    "chat": ("chat_cmd", "chat with a model in the terminal; conversations are saved like the app's"),
    "serve": ("serve_cmd", "serve a model over a local OpenAI-compatible API (127.0.0.1, token required)"),
    "plan": ("plan_cmd", "will a model fit this computer, with which settings, and how fast"),
    "probe": ("probe_cmd", "show the hardware that decides which models fit and how fast they run"),
    "catalog": (
        "catalog_cmd",
        "list curated models with fit badges and predicted speed; search or refresh from the hub",
    ),
}


def is_cli_invocation(argv: Sequence[str]) -> bool:
    """True when argv asks for a CLI subcommand or CLI help rather than the GUI."""
    return bool(argv) and (argv[0] in COMMANDS or argv[0] in ("-h", "--help", "--version"))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="modelnest", description="Run language models on your own computer.")
    parser.add_argument("--version", action="version", version="modelnest 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        sub_parser.set_defaults(_module=module)
        importlib.import_module(f"modelnest.core.cli.{module}").add_arguments(sub_parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(args_list)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    module = importlib.import_module(f"modelnest.core.cli.{args._module}")
    try:
        return int(module.run(args) or 0)
    except ModelNestError as exc:
        # One plain line on stderr, no traceback: status 2 for invalid input, 1 for anything else that failed.
        print(f"modelnest {args.command}: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, UserInputError) else 1
    except KeyboardInterrupt:
        return 130
