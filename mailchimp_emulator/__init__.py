"""Mailchimp Marketing API v3 emulator (pure standard library)."""

from .auth import DEFAULT_API_KEY
from .emulator import Emulator
from .state import State
from .util import subscriber_hash

__all__ = ["DEFAULT_API_KEY", "Emulator", "State", "subscriber_hash"]
