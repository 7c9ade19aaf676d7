"""The emulated account's state; see :class:`State`."""

from .core import State

__all__ = ["State"]
