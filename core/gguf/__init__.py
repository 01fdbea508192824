"""GGUF files: a bounded validator/reader of headers (local files and remote prefixes) and type tables."""

from modelnest.core.gguf.reader import (
    ArraySummary,
    GGUFError,
    GGUFHeader,
    NeedMoreData,
    TensorInfo,
    read_file,
    read_header,
    read_prefix,
)

__all__ = [
    "ArraySummary",
    "GGUFError",
    "GGUFHeader",
    "NeedMoreData",
    "TensorInfo",
    "read_file",
    "read_header",
    "read_prefix",
]
