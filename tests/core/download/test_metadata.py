"""Metadata via huggingface_hub against the local hub: sizes, sha256, commit, endpoint, token, offline, selection."""

from __future__ import annotations

import pytest
from support.hub_server import COMMIT, REPO, HubServer, make_repo

from modelnest.core.download import (
    HubAccessError,
    NoMatchingFileError,
    OfflineError,
    UnsafeFileNameError,
    list_repo_files,
    resolve_endpoint,
    resolve_pull,
)


def test_huggingface_hub_calls_work_against_the_local_hub(hub: HubServer) -> None:
    # The three metadata calls the brief names, each proven against our server (so it is hub-like enough).
    from huggingface_hub import HfApi, get_hf_file_metadata, hf_hub_url

    hosted = hub.add_file(REPO, "tiny-Q4_K_M.gguf", size=50_000)
    api = HfApi(endpoint=hub.endpoint)
    info = api.model_info(REPO, files_metadata=True)
    sibling = info.siblings[0]
    assert (info.sha, sibling.rfilename, sibling.size, sibling.lfs.sha256) == (
        COMMIT,
        "tiny-Q4_K_M.gguf",
        50_000,
        hosted.sha256,
    )
    (entry,) = api.get_paths_info(REPO, ["tiny-Q4_K_M.gguf"])
    assert (entry.size, entry.lfs.sha256) == (50_000, hosted.sha256)
    meta = get_hf_file_metadata(hf_hub_url(REPO, "tiny-Q4_K_M.gguf", endpoint=hub.endpoint))
    assert (meta.size, meta.etag, meta.commit_hash) == (50_000, hosted.sha256, COMMIT)


def test_listing_pins_the_commit_and_carries_sha256(hub: HubServer) -> None:
    hosted = make_repo(hub, REPO, {"tiny-Q4_K_M.gguf": 10_000, "tiny-Q8_0.gguf": 20_000})
    hub.add_file(REPO, "README.md", b"# tiny\n", lfs=False)
    listing = list_repo_files(REPO, endpoint=hub.endpoint)
    assert listing.commit == COMMIT
    by_name = {f.filename: f for f in listing.files}
    q4 = by_name["tiny-Q4_K_M.gguf"]
    assert (q4.size, q4.sha256, q4.revision) == (10_000, hosted["tiny-Q4_K_M.gguf"].sha256, COMMIT)
    assert q4.url == f"{hub.endpoint}/{REPO}/resolve/{COMMIT}/tiny-Q4_K_M.gguf"
    readme = by_name["README.md"]
    assert readme.sha256 is None and readme.git_sha1  # small git files are verified by their blob id
    assert listing.quants() == ["Q4_K_M", "Q8_0"]


def test_a_mirror_without_lfs_data_falls_back_to_the_file_headers(hub: HubServer) -> None:
    hosted = hub.add_file(REPO, "tiny-Q4_K_M.gguf", size=10_000)
    hub.omit_lfs_metadata = True
    hub.redirect = True
    (remote,) = resolve_pull(REPO, endpoint=hub.endpoint)
    assert (remote.size, remote.sha256) == (10_000, hosted.sha256)


def test_endpoint_comes_from_the_argument_then_hf_endpoint(hub: HubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    hub.add_file(REPO, "tiny-Q4_K_M.gguf", size=1000)
    monkeypatch.setenv("HF_ENDPOINT", hub.endpoint + "/")
    assert resolve_endpoint() == hub.endpoint
    assert resolve_pull(REPO)[0].endpoint == hub.endpoint  # HF_ENDPOINT read at call time, not import time
    assert resolve_endpoint("https://mirror.example/") == "https://mirror.example"
    with pytest.raises(HubAccessError, match="not an http"):
        resolve_endpoint("ftp://mirror.example")


@pytest.mark.parametrize("variable", ["HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"])
def test_offline_mode_gives_a_clear_error_before_any_request(
    hub: HubServer, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    hub.add_file(REPO, "tiny-Q4_K_M.gguf", size=1000)
    monkeypatch.setenv(variable, "1")
    with pytest.raises(OfflineError, match="HF_HUB_OFFLINE"):
        resolve_pull(REPO, endpoint=hub.endpoint)
    assert hub.requests == []


def test_missing_repo_and_unreachable_hub_are_explained(hub: HubServer) -> None:
    with pytest.raises(HubAccessError, match="acme/nothing was not found"):
        resolve_pull("acme/nothing", endpoint=hub.endpoint)
    with pytest.raises(HubAccessError, match=r"Cannot reach http://127\.0\.0\.1:9"):
        resolve_pull(REPO, endpoint="http://127.0.0.1:9")


def test_gated_repo_needs_the_token(hub: HubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    hub.add_file(REPO, "tiny-Q4_K_M.gguf", size=1000)
    hub.gated.add(REPO)
    hub.token = "hf_secret"
    with pytest.raises(HubAccessError, match=r"gated.*HF_TOKEN"):
        resolve_pull(REPO, endpoint=hub.endpoint, token=False)
    with pytest.raises(HubAccessError, match="gated"):
        resolve_pull(REPO, endpoint=hub.endpoint, token="hf_wrong")
    assert resolve_pull(REPO, endpoint=hub.endpoint, token="hf_secret")[0].size == 1000
    monkeypatch.setenv("HF_TOKEN", "hf_secret")  # the usual way: the environment (or `hf auth login`)
    assert resolve_pull(REPO, endpoint=hub.endpoint)[0].size == 1000


def test_selection_by_quant_file_and_split_sets(hub: HubServer) -> None:
    make_repo(hub, REPO, {
        "tiny-Q4_K_M.gguf": 1000,
        "tiny-Q8_0-00001-of-00003.gguf": 1000,
        "tiny-Q8_0-00002-of-00003.gguf": 1000,
        "tiny-Q8_0-00003-of-00003.gguf": 500,
        "tiny-Q4_K_S.gguf": 900,
    })
    assert [f.filename for f in resolve_pull(REPO, quant="q4_k_m", endpoint=hub.endpoint)] == ["tiny-Q4_K_M.gguf"]
    split = [f.filename for f in resolve_pull(REPO, quant="Q8_0", endpoint=hub.endpoint)]
    assert split == [f"tiny-Q8_0-0000{i}-of-00003.gguf" for i in (1, 2, 3)]
    # Naming any one part downloads the whole model.
    assert [
        f.filename for f in resolve_pull(REPO, filename="tiny-Q8_0-00002-of-00003.gguf", endpoint=hub.endpoint)
    ] == split
    with pytest.raises(NoMatchingFileError, match=r"no Q2_K file\. Available: Q4_K_M, Q4_K_S, Q8_0"):
        resolve_pull(REPO, quant="Q2_K", endpoint=hub.endpoint)
    with pytest.raises(NoMatchingFileError, match=r"Several models.*--quant"):
        resolve_pull(REPO, endpoint=hub.endpoint)
    with pytest.raises(NoMatchingFileError, match=r"no file 'nope\.gguf'"):
        resolve_pull(REPO, filename="nope.gguf", endpoint=hub.endpoint)


def test_incomplete_split_set_is_refused(hub: HubServer) -> None:
    make_repo(hub, REPO, {"tiny-Q8_0-00001-of-00003.gguf": 100, "tiny-Q8_0-00003-of-00003.gguf": 100})
    with pytest.raises(NoMatchingFileError, match="2 of the 3 parts"):
        resolve_pull(REPO, endpoint=hub.endpoint)


def test_hostile_names_from_the_user_or_the_server_are_refused(hub: HubServer) -> None:
    with pytest.raises(UnsafeFileNameError):
        resolve_pull(REPO, filename="../../.bashrc", endpoint=hub.endpoint)
    assert hub.requests == []  # refused before any request
    hub.add_file(REPO, "..\\..\\evil.gguf", size=10)  # a hostile (or broken) mirror lists it
    with pytest.raises(UnsafeFileNameError, match="backslash"):
        resolve_pull(REPO, endpoint=hub.endpoint)
