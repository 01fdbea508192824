"""Fixtures for download tests: a running local hub per test and retry settings shrunk to milliseconds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.hub_server import HubServer

from modelnest.core.download import TransferSettings

# Short waits so fault tests finish in milliseconds; no disk margin so tiny tmp file systems suffice.
# stall_timeout stays well above any scheduling hiccup of a loaded CI machine, so no test sees a spurious reconnect.
FAST = TransferSettings(backoff_initial=0.01, backoff_max=0.05, stall_timeout=3.0, disk_margin=0, max_retries=4)


@pytest.fixture
def fast() -> TransferSettings:
    return FAST


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    for name in ("HF_ENDPOINT", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("modelnest.core.download.hub.METADATA_RETRY_DELAY", 0.01)
    with HubServer(tmp_path / "hub-files") as server:
        yield server
