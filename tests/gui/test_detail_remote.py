"""The Models page offers a configured remote server for a model that is too large for this computer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from modelnest.core.chat.remote import find_remote_model, model_key
from modelnest.gui.catalogue import CatalogueView
from modelnest.gui.context import AppContext

pytestmark = [pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


def test_model_ids_of_different_servers_name_the_same_model() -> None:
    same = ["Qwen/Qwen2.5-Coder-14B-Instruct-AWQ", "qwen2.5-coder:14b", "Qwen2.5 Coder 14B Instruct",
            "/models/qwen2.5-coder-14b-instruct-q4_k_m.gguf", "bartowski/Qwen2.5-Coder-14B-Instruct-GGUF"]
    assert {model_key(n) for n in same} == {"qwen2.5coder14b"}
    assert model_key("llama3.1:8b") == model_key("meta-llama/Llama-3.1-8B-Instruct")
    # a different size or family is not the same model
    assert find_remote_model(["Qwen2.5 Coder 14B Instruct"], ["qwen2.5-coder:7b", "qwen2.5:14b"]) is None
    assert find_remote_model(["Qwen2.5 Coder 14B Instruct"], ["qwen2.5:14b", "qwen2.5-coder:14b"]) == \
        "qwen2.5-coder:14b"


def _too_large_row(view: CatalogueView) -> Any:
    view.curated.fit_boxes["too_large"].setChecked(True)
    proxy = view.curated.proxy
    rows = [proxy.row_object(i) for i in range(proxy.rowCount())]
    large = next(r for r in rows if r.fit == "too_large")
    assert view.select_model(large.model.id)
    return view.current_row()


def test_too_large_points_to_a_remote_server(qtbot: QtBot, machine_context: Callable[..., AppContext]) -> None:
    ctx = machine_context("i7_no_gpu_16gb")
    view = CatalogueView(ctx, downloaded_fn=dict)
    qtbot.addWidget(view)
    view.resize(1300, 800)
    view.show()
    qtbot.waitUntil(lambda: view.plans_applied >= 1, timeout=20_000)
    detail = view.curated.detail

    # a model that fits says nothing about remote servers
    fits = next(view.curated.proxy.row_object(i) for i in range(view.curated.proxy.rowCount()))
    assert view.select_model(fits.model.id) and fits.fit != "too_large"
    assert not detail.d_remote.isVisible() and not detail.remote_button.isVisible()

    row = _too_large_row(view)
    assert row is not None and row.fit == "too_large"
    # no remote server yet: one line pointing to "Add remote server…"
    assert detail.d_remote.isVisible() and not detail.remote_button.isVisible()
    assert "Add remote server…" in detail.d_remote.text()
    with qtbot.waitSignal(view.add_remote_requested):
        detail.d_remote.linkActivated.emit("add")

    # a server that does not list it: it could run it
    other = ctx.remotes.add("http://gpu-box.lan:8000", "gpu box", ["some-other-model-7b"])
    assert "a configured remote server could run it: gpu box" in detail.d_remote.text()
    assert detail.remote_button.isVisible() and detail.remote_button.text() == "Open chat on gpu box"
    with qtbot.waitSignal(view.remote_chat_requested) as asked:
        detail.remote_button.click()
    assert asked.args == [other.url, ""]

    # a server that lists it (as vLLM names a pre-quantized copy): chat with it there
    served = row.model.name.replace(" ", "-") + "-AWQ"
    team = ctx.remotes.add("http://team.example:8000/v1", "team vLLM", [served])
    assert detail.d_remote.text() == "Too large for this computer — chat with it on team vLLM"
    assert detail.remote_button.text() == "Chat on team vLLM"
    with qtbot.waitSignal(view.remote_chat_requested) as asked:
        detail.remote_button.click()
    assert asked.args == [team.url, served]

    ctx.remotes.remove(team.url)
    ctx.remotes.remove(other.url)
    assert "Add remote server…" in detail.d_remote.text() and not detail.remote_button.isVisible()
