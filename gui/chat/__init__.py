"""The chat feature: the page and its parts (sidebar, view, gauges, banners, model panel) and the controller.

The controller's one worker thread owns the engine; everything else runs through the app's context.
"""

from modelnest.gui.chat.controller import ChatController
from modelnest.gui.chat.page import ChatPage

__all__ = ["ChatController", "ChatPage"]
