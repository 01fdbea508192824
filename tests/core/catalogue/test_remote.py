"""Hub search, quantization grouping and the ranged header read, against the local hub server with real GGUF files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.hub_server import Fault

from modelnest.core.catalogue import fetch_header, group_by_quant, search_hub
from modelnest.core.download import HubAccessError, OfflineError, list_repo_files
from modelnest.core.gguf import GGUFError, read_file

REPO = "acme/tiny-GGUF"


def test_search_finds_gguf_repos_most_downloaded_first(hub: Any) -> None:
    for repo, downloads in (("acme/tiny-GGUF", 5), ("acme/tiny-big-GGUF", 50), ("other/tiny-safetensors", 99)):
        hub.add_file(repo, "x.gguf", b"GGUF")
        hub.downloads[repo] = downloads
    hub.tags["other/tiny-safetensors"] = ["safetensors"]
    hits = search_hub("tiny")
    assert [h.repo_id for h in hits] == ["acme/tiny-big-GGUF", "acme/tiny-GGUF"]  # the gguf filter applied
    assert hits[0].downloads == 50
    assert search_hub("nothing-like-this") == []
    searches = [r for r in hub.requests if r.path == "/api/models"]
    assert searches, "list_models reached the server"


def test_search_offline_is_refused_with_the_way_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(OfflineError, match="HF_HUB_OFFLINE"):
        search_hub("qwen")


def test_files_are_grouped_by_quant_with_split_parts_as_one_model(hub: Any) -> None:
    names = {
        "m-Q4_K_M.gguf": 100,
        "m-Q8_0-00001-of-00002.gguf": 60,
        "m-Q8_0-00002-of-00002.gguf": 50,
        "m-F16-00001-of-00003.gguf": 10,  # parts 2 and 3 missing
        "mmproj-m-f16.gguf": 30,  # a vision projector, not a model
        "README.md": 5,
    }
    for i, (name, size) in enumerate(names.items()):
        hub.add_file(REPO, name, size=size, seed=i + 1)
    groups = group_by_quant(list_repo_files(REPO))
    by_quant = {g.quant: g for g in groups}
    assert [g.quant for g in groups] == ["Q4_K_M", "Q8_0", "F16"]  # smallest quant first, projector left out
    assert by_quant["Q8_0"].size == 110 and len(by_quant["Q8_0"].files) == 2 and by_quant["Q8_0"].complete
    assert by_quant["Q8_0"].key == "m-Q8_0.gguf"
    assert not by_quant["F16"].complete


def test_remote_header_equals_the_local_read_and_costs_a_fraction_of_the_file(
    hub: Any, tiny_models: dict[str, Path]
) -> None:
    path = tiny_models["Q4_K_M"]
    hosted = hub.add_file(REPO, "tiny-Q4_K_M.gguf", path=path)
    listing = list_repo_files(REPO)
    remote = listing.files[0]
    header, fetched = fetch_header(remote.url, remote.size)
    local = read_file(path)
    assert header.tensors == local.tensors and header.metadata == local.metadata
    assert header.data_offset == local.data_offset and header.file_size == hosted.size
    assert fetched < hosted.size  # a prefix, not the file
    gets = hub.gets_for("tiny-Q4_K_M.gguf")
    assert gets and all(g.range and g.range.startswith("bytes=") for g in gets)


def test_a_long_header_is_fetched_in_steps_until_the_reader_is_satisfied(hub: Any, big_vocab_model: Path) -> None:
    hub.add_file(REPO, "bigvocab-Q8_0.gguf", path=big_vocab_model)
    remote = list_repo_files(REPO).files[0]
    header, fetched = fetch_header(remote.url, remote.size, first=4096)
    assert header.metadata["tokenizer.ggml.tokens"].count == 30000
    assert fetched >= header.data_offset - 64  # enough for the whole tensor table
    ranges = [g.range for g in hub.gets_for("bigvocab-Q8_0.gguf")]
    assert len(ranges) >= 2 and ranges[0] == "bytes=0-4095"
    assert ranges[1].startswith("bytes=4096-")  # later requests continue where the last stopped
    assert header.tensors == read_file(big_vocab_model).tensors


def test_a_server_that_ignores_range_still_gives_the_right_header(hub: Any, big_vocab_model: Path) -> None:
    hub.add_file(REPO, "bigvocab-Q8_0.gguf", path=big_vocab_model)
    hub.set_fault(REPO, "bigvocab-Q8_0.gguf", Fault("ignore_range", times=-1))
    remote = list_repo_files(REPO).files[0]
    header, _ = fetch_header(remote.url, remote.size, first=4096)
    assert header.tensors == read_file(big_vocab_model).tensors


def test_a_header_beyond_the_cap_is_refused(hub: Any, big_vocab_model: Path) -> None:
    hub.add_file(REPO, "bigvocab-Q8_0.gguf", path=big_vocab_model)
    remote = list_repo_files(REPO).files[0]
    with pytest.raises(HubAccessError, match="larger than"):
        fetch_header(remote.url, remote.size, first=4096, max_bytes=64 * 1024)


def test_not_a_gguf_and_missing_files_give_plain_errors(hub: Any) -> None:
    hub.add_file(REPO, "fake-Q4_K_M.gguf", b"<html>not a model</html>" * 100)
    remote = list_repo_files(REPO).files[0]
    with pytest.raises(GGUFError):
        fetch_header(remote.url, remote.size)
    with pytest.raises(HubAccessError, match="404"):
        fetch_header(remote.url.replace("fake-Q4_K_M", "gone-Q4_K_M"), remote.size)


def test_cdn_redirects_are_followed(hub: Any, tiny_models: dict[str, Path]) -> None:
    hub.redirect = True
    if True:
        hub.add_file(REPO, "tiny-Q8_0.gguf", path=tiny_models["Q8_0"])
        remote = list_repo_files(REPO, endpoint=hub.endpoint).files[0]
        header, _ = fetch_header(remote.url, remote.size)
        assert header.tensors == read_file(tiny_models["Q8_0"]).tensors
        assert any(r.path.startswith("/cdn/") for r in hub.requests)


def test_a_split_model_header_holds_every_part(hub: Any, split_model: list[Path]) -> None:
    from modelnest.core.catalogue.remote import fetch_group_header

    for part in split_model:
        hub.add_file(REPO, part.name, path=part)
    (group,) = group_by_quant(list_repo_files(REPO))
    header, fetched = fetch_group_header(group)
    assert [t.name for t in header.tensors] == [f"t{i}.weight" for i in range(5)]
    assert header.file_size == sum(p.stat().st_size for p in split_model) == group.size
    assert fetched >= sum(read_file(p).data_offset for p in split_model) - 3 * 64
    assert len({g.path for g in hub.requests if g.method == "GET" and g.path.endswith(".gguf")}) == 3


def test_parts_that_do_not_add_up_are_refused(split_model: list[Path]) -> None:
    from modelnest.core.catalogue.remote import merge_split_headers

    headers = [read_file(p) for p in split_model]
    with pytest.raises(GGUFError, match="hold 4 tensors, but part 1 declares 5"):
        merge_split_headers(headers[:2])
