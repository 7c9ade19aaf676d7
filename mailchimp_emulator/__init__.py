"""Mailchimp Marketing API v3 emulator (pure standard library)."""

from .auth import DEFAULT_API_KEY
from .emulator import Emulator
from .state import State
from .state.members import ADMIN_UNSUB_REASON, UNSUBSCRIBE_REASONS
from .util import subscriber_hash

__all__ = [
    "ADMIN_UNSUB_REASON",
    "DEFAULT_API_KEY",
    "UNSUBSCRIBE_REASONS",
    "Emulator",
    "State",
    "subscriber_hash",
]
