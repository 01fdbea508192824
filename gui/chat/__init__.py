"""The chat feature: page (sidebar, conversation view, model panel), controller and worker threads."""

from modelnest.gui.chat.controller import ChatController
from modelnest.gui.chat.page import ChatPage

__all__ = ["ChatController", "ChatPage"]
