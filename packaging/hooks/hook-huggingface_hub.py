"""PyInstaller hook: huggingface_hub checks its own and its optional packages' versions through metadata."""

from PyInstaller.utils.hooks import copy_metadata

datas = copy_metadata("huggingface_hub")
hiddenimports = []
try:  # hf_xet: the Xet storage backend (a compiled extension) that huggingface_hub imports lazily when present
    datas += copy_metadata("hf_xet")
    hiddenimports.append("hf_xet")
except Exception:  # noqa: BLE001 - not installed: downloads use plain HTTP
    pass
