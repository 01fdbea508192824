"""ModelNest's local OpenAI-compatible HTTP API: one loaded model, safe by default (loopback, token, Host/Origin)."""

from __future__ import annotations

from modelnest.core.server.config import ServerConfig, ServerError
from modelnest.core.server.worker import EngineWorker, Job, QueueFull

__all__ = ["EngineWorker", "Job", "QueueFull", "ServerConfig", "ServerError"]
