"""Runtime hook: a windowed build has no stdout/stderr (None); send them to a log file under the user data dir.

Without this, a stray print() or a library writing to sys.stderr raises in a windowed Windows/macOS build. Only
streams that are missing are replaced: the engine child gets real pipes from its parent and keeps them. The log
lives in <user data dir>/logs/modelnest.log (MODELNEST_HOME/data/logs when that is set), rotated at 5 MB.
"""


def _redirect() -> None:
    import os
    import sys

    if sys.stdout is not None and sys.stderr is not None:
        return
    try:
        home = os.environ.get("MODELNEST_HOME")
        if home:
            logs = os.path.join(home, "data", "logs")
        else:
            import platformdirs

            logs = os.path.join(platformdirs.user_data_dir("ModelNest", appauthor=False), "logs")
        os.makedirs(logs, exist_ok=True)
        path = os.path.join(logs, "modelnest.log")
        if os.path.exists(path) and os.path.getsize(path) > 5 * 1024 * 1024:
            os.replace(path, path + ".1")
        stream = open(path, "a", encoding="utf-8", errors="replace", buffering=1)  # noqa: SIM115 - lives on
    except OSError:
        stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - no writable data dir: discard
    if sys.stdout is None:
        sys.stdout = stream
    if sys.stderr is None:
        sys.stderr = stream


_redirect()
