"""Entry point of the `modelnest` executable: CLI subcommands, the hidden engine host, or the GUI."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from modelnest.core.engine.launch import ENGINE_SUBCOMMAND, TEMPLATE_SUBCOMMAND

    if args[:1] == [TEMPLATE_SUBCOMMAND]:
        # The chat-template render process of an engine (frozen app); it never loads Qt or llama_cpp.
        from modelnest.core.engine.template_worker import main as template_main

        return template_main(args[1:])
    if args[:1] == [ENGINE_SUBCOMMAND]:
        # The engine child re-runs this executable (works frozen too); it never loads Qt.
        from modelnest.core.engine.host import main as engine_main

        return engine_main(args[1:])
    if args[:1] == ["--self-test"]:
        from modelnest.gui.self_test import main as self_test_main

        return self_test_main(args[1:])
    from modelnest.core import cli

    if cli.is_cli_invocation(args):
        return cli.main(args)
    from modelnest.gui.app import run_app

    return run_app(args)


if __name__ == "__main__":
    sys.exit(main())
