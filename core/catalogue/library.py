"""The local library: GGUF models already on disk, used in place (no copy, no re-download).

Looked for in the app's models folder, the Hugging Face cache, LM Studio's and GPT4All's model folders, Ollama's
blob store (manifests name the GGUF blobs) and folders the user adds. Every file goes through the bounded GGUF
validator before it is listed as runnable; a file that fails is listed with the reason.
"""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modelnest.core import paths
from modelnest.core.atomic import atomic_write_json
from modelnest.core.download import quant_of, split_info
from modelnest.core.errors import ModelNestError, UserInputError
from modelnest.core.gguf import GGUFError, GGUFHeader, read_file
from modelnest.core.messages import Message, Text, msg, text_of
from modelnest.core.units import format_bytes

OLLAMA_MODEL_MEDIA_TYPE = "application/vnd.ollama.image.model"
MAX_DEPTH = 5  # folders below a root that are searched (LM Studio: publisher/repo/file = 2)
SOURCES = ("modelnest", "huggingface", "lmstudio", "gpt4all", "ollama", "folder")


@dataclass(frozen=True)
class Location:
    source: str  # one of SOURCES
    path: Path


@dataclass
class LocalModel:
    """One model on disk (all parts of a split model together)."""

    path: Path  # the file to load (first part of a split model)
    source: str
    name: str
    size: int
    repo_id: str | None = None
    quant: str | None = None
    parts: tuple[Path, ...] = ()
    header: GGUFHeader | None = None
    error: Text | None = None  # why it cannot be run (a Message for people); None when the validator accepted it
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def runnable(self) -> bool:
        return self.error is None

    @property
    def label(self) -> ModelLabel:
        """What people call it: an Ollama tag as Ollama shows it, else the header's name and the quantization."""
        if self.source == "ollama":
            return ModelLabel(self.name, self.header.file_type if self.header else None)
        return model_label(self.path, self.header, repo_id=self.repo_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "source": self.source,
            "name": self.name,
            "size": self.size,
            "repo_id": self.repo_id,
            "quant": self.quant,
            "parts": [str(p) for p in self.parts],
            "runnable": self.runnable,
            "error": None if self.error is None else str(self.error),
            "summary": self.header.summary() if self.header else None,
        }


# --- where to look ------------------------------------------------------------------------------------------


def default_locations(
    *, home: Path | None = None, env: Mapping[str, str] | None = None, system: str | None = None
) -> list[Location]:
    """Default model folders of other apps on this OS (only the ones that exist are scanned later)."""
    home = home or Path.home()
    env = os.environ if env is None else env
    system = system or platform.system()
    out: list[Location] = []
    # LM Studio >= 0.3 keeps models in ~/.lmstudio/models on every OS; older versions used ~/.cache/lm-studio/models.
    out += [
        Location("lmstudio", home / ".lmstudio" / "models"),
        Location("lmstudio", home / ".cache" / "lm-studio" / "models"),
    ]
    # GPT4All's default download folder is its app-data folder.
    if system == "Windows":
        local = Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local")
        out.append(Location("gpt4all", local / "nomic.ai" / "GPT4All"))
    elif system == "Darwin":
        out.append(Location("gpt4all", home / "Library" / "Application Support" / "nomic.ai" / "GPT4All"))
    else:
        data = Path(env.get("XDG_DATA_HOME") or home / ".local" / "share")
        out.append(Location("gpt4all", data / "nomic.ai" / "GPT4All"))
    # Ollama: OLLAMA_MODELS overrides; the Linux service install keeps its store under /usr/share/ollama.
    if env.get("OLLAMA_MODELS"):
        out.append(Location("ollama", Path(env["OLLAMA_MODELS"])))
    out.append(Location("ollama", home / ".ollama" / "models"))
    if system == "Linux":
        out.append(Location("ollama", Path("/usr/share/ollama/.ollama/models")))
    return out


def _settings_path() -> Path:
    return paths.config_dir() / "library.json"


def user_folders() -> list[Path]:
    """Folders the user added (kept in the config folder)."""
    try:
        data = json.loads(_settings_path().read_text(encoding="utf-8"))
        return [Path(p) for p in data.get("folders", []) if isinstance(p, str)]
    except (OSError, ValueError, AttributeError):
        return []


def _save_user_folders(folders: list[Path]) -> None:
    # Was a plain write + rename without fsync: a crash could leave an empty library.json behind the new name.
    atomic_write_json(_settings_path(), {"folders": [str(p) for p in folders]}, indent=1)


def add_user_folder(folder: str | Path) -> list[Path]:
    p = Path(folder).expanduser()
    if not p.is_dir():
        raise UserInputError(msg("{path} is not a folder.", path=p))
    p = p.resolve()
    folders = user_folders()
    if p not in folders:
        folders.append(p)
        _save_user_folders(folders)
    return folders


def remove_user_folder(folder: str | Path) -> list[Path]:
    p = Path(folder).expanduser().resolve()
    folders = [f for f in user_folders() if f != p]
    _save_user_folders(folders)
    return folders


# --- finding files ------------------------------------------------------------------------------------------


def _walk_gguf(root: Path, max_depth: int = MAX_DEPTH) -> Iterable[Path]:
    """GGUF files under root (hidden folders and our own temporary files skipped; unreadable folders ignored)."""
    root_depth = len(root.parts)
    for dirpath, dirnames, filenames in os.walk(root, onerror=lambda _e: None):
        depth = len(Path(dirpath).parts) - root_depth
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and depth < max_depth)
        for name in sorted(filenames):
            if name.lower().endswith(".gguf") and not name.startswith("."):
                yield Path(dirpath) / name


def _is_projector(name: str) -> bool:
    return "mmproj" in name.lower()


def _group_parts(files: list[Path]) -> list[tuple[Path, tuple[Path, ...], Text | None]]:
    """(first file, all parts, problem) per model; a split set with parts missing is reported, not dropped."""
    singles: list[tuple[Path, tuple[Path, ...], Text | None]] = []
    splits: dict[tuple[Path, str], list[tuple[int, int, Path]]] = {}
    for f in files:
        info = split_info(f.name)
        if info is None:
            singles.append((f, (f,), None))
        else:
            splits.setdefault((f.parent, info.stem), []).append((info.index, info.count, f))
    for (_parent, _stem), parts in splits.items():
        parts.sort()
        count = parts[0][1]
        paths_ = tuple(p for _, _, p in parts)
        problem = None
        if [i for i, _, _ in parts] != list(range(1, count + 1)):
            problem = msg("split model is incomplete: {found} of {count} parts found", found=len(parts), count=count)
        singles.append((paths_[0], paths_, problem))
    return singles


def _validate(model: LocalModel) -> LocalModel:
    """Every part through the validator; a split model's header holds the tensors of all its parts."""
    from modelnest.core.catalogue.remote import merge_split_headers

    parts = model.parts or (model.path,)
    headers: list[GGUFHeader] = []
    for part in parts:
        try:
            headers.append(read_file(part))
        except GGUFError as exc:
            problem: Text = text_of(exc)
        except OSError as exc:
            problem = msg("cannot read the file: {reason}", reason=exc.strerror or str(exc))
        else:
            continue
        model.error = msg("part {part}: {problem}", part=part.name, problem=problem) if len(parts) > 1 else problem
        return model
    try:
        model.header = merge_split_headers(headers)
    except GGUFError as exc:
        model.error = text_of(exc)
    return model


def _size(parts: Iterable[Path]) -> int:
    total = 0
    for p in parts:
        try:
            total += p.stat().st_size
        except OSError:
            pass
    return total


def _from_files(source: str, root: Path, *, repo_from_layout: bool) -> list[LocalModel]:
    out: list[LocalModel] = []
    files = [f for f in _walk_gguf(root) if not _is_projector(f.name)]
    for first, parts, problem in _group_parts(files):
        repo_id = None
        if repo_from_layout:
            rel = first.relative_to(root).parts
            if source == "modelnest" and len(rel) >= 2 and "__" in rel[0]:
                repo_id = rel[0].replace("__", "/", 1)
            elif source == "lmstudio" and len(rel) >= 3:
                repo_id = f"{rel[0]}/{rel[1]}"
        model = LocalModel(first, source, first.name, _size(parts), repo_id, quant_of(first.name), parts, error=problem)
        out.append(model if problem else _validate(model))
    return out


def scan_ollama(root: Path) -> list[LocalModel]:
    """Ollama's store: manifests/<registry>/<namespace>/<model>/<tag> (JSON) name the model layer's blob."""
    out: list[LocalModel] = []
    manifests = root / "manifests"
    if not manifests.is_dir():
        return out
    for manifest in sorted(p for p in manifests.rglob("*") if p.is_file()):
        rel = manifest.relative_to(manifests).parts
        if len(rel) < 4:
            continue
        registry, namespace, model_name, tag = rel[0], rel[-3], rel[-2], rel[-1]
        name = f"{model_name}:{tag}" if namespace == "library" else f"{namespace}/{model_name}:{tag}"
        if registry not in ("registry.ollama.ai",):
            name = f"{registry}/{name}"
        try:
            doc = json.loads(manifest.read_text(encoding="utf-8"))
            layers = doc.get("layers", []) if isinstance(doc, dict) else []
        except (OSError, ValueError) as exc:
            out.append(LocalModel(manifest, "ollama", name, 0,
                                  error=msg("unreadable Ollama manifest: {error}", error=str(exc))))
            continue
        model_layers = [x for x in layers if isinstance(x, dict) and x.get("mediaType") == OLLAMA_MODEL_MEDIA_TYPE]
        if not model_layers:
            continue  # not a language model (e.g. an embedding-less template-only manifest)
        digest = str(model_layers[0].get("digest", ""))
        algo, _, hexdigest = digest.partition(":")
        if algo != "sha256" or len(hexdigest) != 64 or not all(c in "0123456789abcdef" for c in hexdigest):
            error = msg("Ollama manifest names an invalid blob {digest!r}", digest=digest)
            out.append(LocalModel(manifest, "ollama", name, 0, error=error))
            continue
        blob = root / "blobs" / f"sha256-{hexdigest}"
        if not blob.is_file():
            out.append(LocalModel(blob, "ollama", name, 0, error=msg("the Ollama blob this manifest names is missing")))
            continue
        model = LocalModel(blob, "ollama", name, _size([blob]), parts=(blob,), extra={"manifest": str(manifest)})
        out.append(_validate(model))
    return out


def scan_hf_cache(cache_dir: Path | None = None) -> list[LocalModel]:
    """GGUF files in the Hugging Face cache (huggingface_hub's scan_cache_dir), loaded through their snapshot links."""
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    try:
        info = scan_cache_dir(cache_dir)
    except (CacheNotFound, OSError, ValueError):
        return []
    files: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for repo in sorted(info.repos, key=lambda r: r.repo_id):
        if repo.repo_type != "model":
            continue
        for rev in sorted(repo.revisions, key=lambda r: r.commit_hash):
            for f in sorted(rev.files, key=lambda f: f.file_name):
                if not f.file_name.lower().endswith(".gguf") or _is_projector(f.file_name) or f.blob_path in seen:
                    continue
                seen.add(f.blob_path)
                files.append((Path(f.file_path), repo.repo_id))
    out: list[LocalModel] = []
    repo_of = dict(files)
    for first, parts, problem in _group_parts([p for p, _ in files]):
        model = LocalModel(first, "huggingface", first.name, _size(parts), repo_of[first], quant_of(first.name), parts,
                           error=problem)
        out.append(model if problem else _validate(model))
    return out


def scan_library(
    *,
    locations: list[Location] | None = None,
    extra_folders: list[Path] | None = None,
    hf_cache_dir: Path | None = None,
    include_hf_cache: bool = True,
) -> list[LocalModel]:
    """Every model found, the app's own folder first; the same file reached twice (links, overlapping folders) once."""
    found: list[LocalModel] = []
    found += _from_files("modelnest", paths.models_dir(), repo_from_layout=True)
    if include_hf_cache:
        found += scan_hf_cache(hf_cache_dir)
    for loc in locations if locations is not None else default_locations():
        if not loc.path.is_dir():
            continue
        if loc.source == "ollama":
            found += scan_ollama(loc.path)
        else:
            found += _from_files(loc.source, loc.path, repo_from_layout=loc.source == "lmstudio")
    for folder in (extra_folders if extra_folders is not None else user_folders()):
        if folder.is_dir():
            found += _from_files("folder", folder, repo_from_layout=False)
    unique: list[LocalModel] = []
    seen: set[Path] = set()
    for m in found:
        try:
            real = m.path.resolve()
        except OSError:
            real = m.path
        if real in seen:
            continue
        seen.add(real)
        unique.append(m)
    return unique


# --- names people read ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelLabel:
    """A model as a list shows it: "Qwen2.5 1.5B Instruct · Q4_K_M" rather than its file name."""

    name: str
    quant: str | None = None

    def __str__(self) -> str:
        return f"{self.name} · {self.quant}" if self.quant else self.name


def name_from_filename(filename: str) -> str:
    """The model's name in a file name: split suffix, extension and quantization tag removed.

    "Qwen2.5-1.5B-Instruct-Q4_K_M-00001-of-00002.gguf" -> "Qwen2.5-1.5B-Instruct"."""
    info = split_info(filename)
    stem = info.stem if info else filename
    if stem.lower().endswith(".gguf"):
        stem = stem[: -len(".gguf")]
    quant = quant_of(filename)
    if quant:
        at = stem.upper().rfind(quant)
        if at > 0:
            stem = stem[:at] + stem[at + len(quant):]
    cleaned = stem.strip("-._ ")
    return cleaned or filename


def repo_of_path(path: Path, models_dir: Path | None = None) -> str | None:
    """The hub repository of a file our downloader installed (<models>/<owner>__<repo>/<file>), else None."""
    root = models_dir or paths.models_dir()
    try:
        rel = path.resolve().relative_to(root.resolve()).parts
    except (OSError, ValueError):
        return None
    return rel[0].replace("__", "/", 1) if len(rel) >= 2 and "__" in rel[0] else None


def model_label(
    path: Path, header: GGUFHeader | None = None, *, repo_id: str | None = None,
    names: Mapping[str, str] | None = None,
) -> ModelLabel:
    """Name and quantization of a model file.

    The name is the catalogue's name for its repository (``names``: repo id -> name) when known, else the header's
    general.name, else the file name without its quantization tag; the quantization is the file name's tag (what
    the publisher called it, e.g. UD-Q4_K_XL) or, without one, the type the header declares."""
    name = (names or {}).get(repo_id or "") or (header.name.strip() if header is not None else "")
    quant = quant_of(path.name) or (header.file_type if header is not None and header.file_type != "unknown" else None)
    return ModelLabel(name or name_from_filename(path.name), quant)


# Reading a header with a 150k-token vocabulary takes ~0.6 s here (the validator parses every string), so a list
# of models is named from file names first and from headers in the background; a file read once is not read again
# until it changes (size or modification time).
_LABELS: dict[tuple[str, int, int], ModelLabel] = {}


def _stat_key(path: Path) -> tuple[str, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return str(path), st.st_size, st.st_mtime_ns


def label_for_file(path: Path, names: Mapping[str, str] | None = None) -> ModelLabel:
    """``model_label`` for a file on disk (its header read with the bounded validator; an unreadable one is named
    from its file name, so a broken file still shows up and Load explains what is wrong with it). Slow for a big
    vocabulary: call it off the GUI thread; ``quick_label`` is the instant stand-in."""
    key = _stat_key(path)
    if names is None and key is not None and key in _LABELS:
        return _LABELS[key]
    try:
        header: GGUFHeader | None = read_file(path)
    except (GGUFError, OSError):
        header = None
    label = model_label(path, header, repo_id=repo_of_path(path), names=names)
    if names is None and key is not None:
        _LABELS[key] = label
    return label


def quick_label(path: Path) -> tuple[ModelLabel, bool]:
    """(label, final) without reading the file: the one ``label_for_file`` found before if the file is unchanged,
    else a name from the file name (``final`` False: ask ``label_for_file`` in the background)."""
    key = _stat_key(path)
    if key is not None and key in _LABELS:
        return _LABELS[key], True
    return model_label(path), False


# --- deleting ------------------------------------------------------------------------------------------------


# Stores where one blob may serve several models or programs: deleting a file there would break them.
_SHARED_STORES = {"ollama": "Ollama", "huggingface": "Hugging Face cache"}


@dataclass(frozen=True)
class DeletePlan:
    """What deleting one model would remove, and whether it may be removed from this app at all."""

    files: tuple[Path, ...]
    size: int
    inside_models_dir: bool  # every file is in our models folder
    refusal: Message | None = None  # why the app will not delete it (a shared store)

    @property
    def folder(self) -> Path:
        return self.files[0].parent


def _split_parts(path: Path) -> tuple[Path, ...]:
    info = split_info(path.name)
    if info is None:
        return (path,)
    found = [p for p in path.parent.glob("*.gguf") if (s := split_info(p.name)) and s.stem == info.stem]
    return tuple(sorted(found)) or (path,)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (OSError, ValueError):
        return False
    return True


def plan_delete(
    path: Path, *, source: str | None = None, parts: tuple[Path, ...] = (), models_dir: Path | None = None
) -> DeletePlan:
    """The files deleting the model at ``path`` removes (all parts of a split model)."""
    root = models_dir or paths.models_dir()
    files = parts or _split_parts(path)
    inside = all(_inside(f, root) and not f.is_symlink() for f in files)
    refusal = None
    if not inside and (source in _SHARED_STORES or any(f.is_symlink() for f in files)):
        store = _SHARED_STORES.get(source or "", "")
        refusal = (msg("{path} is in a store where one file can serve several models or programs ({store}); "
                       "remove it with that program's own tools.", path=path, store=store) if store
                   else msg("{path} is a link to a file elsewhere; remove it where it really is.", path=path))
    return DeletePlan(files, _size(files), inside, refusal)


def delete_confirmation(plan: DeletePlan, label: ModelLabel | str, *, app: str | None = None) -> Message:
    """The question to ask before deleting: what, how big, and where — with the full path if it is not ours."""
    name, size, count = str(label), format_bytes(plan.size), len(plan.files)
    if plan.inside_models_dir:
        return msg("Delete {name} ({size}, {count} file(s)) from the ModelNest models folder? It is in {folder}. "
                   "You can download it again later.", name=name, size=size, count=count, folder=plan.folder)
    if app:
        return msg("Delete {name} ({size})? This file is not in the ModelNest models folder: it is {path}, in "
                   "{app}'s folder. Deleting it removes it for {app} too.", name=name, size=size,
                   path=plan.files[0], app=app)
    return msg("Delete {name} ({size})? This file is not in the ModelNest models folder: it is {path}, in a folder "
               "that belongs to you or to another app. Deleting it removes it for every app that uses it.",
               name=name, size=size, path=plan.files[0])


def delete_model(plan: DeletePlan, *, outside_confirmed: bool = False, models_dir: Path | None = None) -> list[Path]:
    """Delete the plan's files (the caller asked the user first); returns what was removed.

    A file outside our models folder is deleted only with ``outside_confirmed`` (the user saw its full path), and
    never in a shared store. An empty repository folder left in our models folder is removed too."""
    if plan.refusal is not None:
        raise UserInputError(plan.refusal)
    if not plan.inside_models_dir and not outside_confirmed:
        raise UserInputError(msg("{path} is outside the ModelNest models folder, so it was not deleted without "
                                 "asking.", path=plan.files[0]))
    removed: list[Path] = []
    for f in plan.files:
        try:
            f.unlink()
        except FileNotFoundError:
            continue  # already gone: the goal is reached
        except OSError as exc:
            raise ModelNestError(msg("Could not delete {path}: {reason}", path=f,
                                     reason=exc.strerror or str(exc))) from exc
        removed.append(f)
    root = models_dir or paths.models_dir()
    folder = plan.folder
    if plan.inside_models_dir and folder.resolve() != root.resolve():
        try:
            folder.rmdir()  # only when empty: a folder holding another quantization stays
        except OSError:
            pass
    return removed


__all__ = [
    "DeletePlan",
    "Location",
    "LocalModel",
    "ModelLabel",
    "OLLAMA_MODEL_MEDIA_TYPE",
    "SOURCES",
    "add_user_folder",
    "default_locations",
    "delete_confirmation",
    "delete_model",
    "label_for_file",
    "model_label",
    "name_from_filename",
    "plan_delete",
    "quick_label",
    "remove_user_folder",
    "repo_of_path",
    "scan_hf_cache",
    "scan_library",
    "scan_ollama",
    "user_folders",
]
