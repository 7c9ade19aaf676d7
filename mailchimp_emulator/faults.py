"""Fault injection for API requests (429, 5xx, dropped connections, delays)."""

import random
import threading
from dataclasses import dataclass


@dataclass
class Fault:
    kind: str  # "status", "drop" or "apply_drop" (the call is applied, its answer lost)
    status: int = 0
    retry_after: int = 0


class Faults:
    """Thread-safe, seeded fault plan. Faults only ever apply to /3.0 API paths."""

    def __init__(self, seed=None):
        self._lock = threading.Lock()
        self._base_seed = seed
        self.clear()

    def clear(self):
        with self._lock:
            self.rate_429 = 0.0
            self.rate_5xx = 0.0
            self.rate_drop = 0.0
            self.delay = 0.0
            self.retry_after = 0
            self.paths = None
            self._queue = []  # list of [remaining, status, paths]
            self._rng = random.Random(self._base_seed)

    def configure(
        self,
        rate_429=0.0,
        rate_5xx=0.0,
        rate_drop=0.0,
        delay=0.0,
        retry_after=0,
        seed=None,
        paths=None,
    ):
        """Set random fault rates (0..1), a delay in seconds and the Retry-After value.

        ``paths``: optional list of path prefixes (with or without "/3.0") the faults apply
        to; None means every API path. Pending ``fail_next`` entries are kept.
        """
        for name, value in (
            ("rate_429", rate_429),
            ("rate_5xx", rate_5xx),
            ("rate_drop", rate_drop),
        ):
            if not 0.0 <= float(value) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        with self._lock:
            self.rate_429 = float(rate_429)
            self.rate_5xx = float(rate_5xx)
            self.rate_drop = float(rate_drop)
            self.delay = max(0.0, float(delay))
            self.retry_after = int(retry_after)
            self.paths = list(paths) if paths else None
            if seed is not None:
                self._rng = random.Random(seed)
        return self.snapshot()

    def fail_next(self, n, status=503, paths=None):
        """Make the next ``n`` API requests (optionally only under ``paths``) fail with
        ``status`` (an int), ``"drop"`` (connection closed without a response) or
        ``"apply_drop"`` (the call is applied, then the connection closed before the answer:
        the client cannot know whether it was)."""
        if status not in ("drop", "apply_drop"):
            status = int(status)
        with self._lock:
            self._queue.append([int(n), status, list(paths) if paths else None])

    def snapshot(self):
        return {
            "rate_429": self.rate_429,
            "rate_5xx": self.rate_5xx,
            "rate_drop": self.rate_drop,
            "delay": self.delay,
            "retry_after": self.retry_after,
            "paths": self.paths,
            "fail_next": sum(q[0] for q in self._queue),
        }

    @staticmethod
    def _matches(path, prefixes):
        if not prefixes:
            return True
        short = path[4:] if path.startswith("/3.0") else path
        short = short or "/"
        return any(path.startswith(p) or short.startswith(p) for p in prefixes)

    def decide(self, path):
        """Return (delay_seconds, Fault or None) for an API request path."""
        with self._lock:
            for entry in self._queue:
                if entry[0] > 0 and self._matches(path, entry[2]):
                    entry[0] -= 1
                    self._queue = [q for q in self._queue if q[0] > 0]
                    if entry[1] in ("drop", "apply_drop"):
                        return self.delay, Fault(entry[1])
                    return self.delay, Fault("status", entry[1], self.retry_after)
            if not self._matches(path, self.paths):
                return 0.0, None
            total = self.rate_drop + self.rate_429 + self.rate_5xx
            if total <= 0:
                return self.delay, None
            r = self._rng.random()
            if r < self.rate_drop:
                return self.delay, Fault("drop")
            if r < self.rate_drop + self.rate_429:
                return self.delay, Fault("status", 429, self.retry_after)
            if r < total:
                return self.delay, Fault("status", self._rng.choice((500, 502, 503)))
            return self.delay, None
