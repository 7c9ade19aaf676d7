"""The garbage collector's thresholds (services/gc_tuning.py): Odoo 19's, only over Python's
defaults, never when the server's configuration turns it off."""

import gc

import pytest

from services.gc_tuning import SERVER_THRESHOLDS, tune_gc, tuning_enabled


class FakeGC:
    def __init__(self, *thresholds):
        self.thresholds = thresholds
        self.calls = 0

    def get_threshold(self):
        return self.thresholds

    def set_threshold(self, *thresholds):
        self.calls += 1
        self.thresholds = thresholds


@pytest.mark.parametrize("defaults", [(700, 10, 10), (2000, 10, 10)])
def test_python_defaults_become_the_server_thresholds(defaults):
    fake = FakeGC(*defaults)
    assert tune_gc(fake) == defaults
    assert fake.thresholds == SERVER_THRESHOLDS == (12_000, 20, 25)
    assert tune_gc(fake) is None, "once per process: the second call finds them set"
    assert fake.calls == 1


def test_thresholds_set_by_someone_else_are_kept():
    fake = FakeGC(5000, 15, 15)
    assert tune_gc(fake) is None
    assert (fake.thresholds, fake.calls) == ((5000, 15, 15), 0)


def test_turned_off_by_the_configuration():
    fake = FakeGC(700, 10, 10)
    assert tune_gc(fake, enabled=tuning_enabled("False")) is None
    assert (fake.thresholds, fake.calls) == ((700, 10, 10), 0)


@pytest.mark.parametrize(
    ("value", "enabled"),
    [
        (None, True),
        (True, True),
        ("True", True),
        ("1", True),
        (False, False),
        ("False", False),
        (" off ", False),
        ("0", False),
        ("no", False),
    ],
)
def test_configuration_flag(value, enabled):
    assert tuning_enabled(value) is enabled


def test_the_real_module_has_the_interface():
    previous = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        assert tune_gc(gc) == (700, 10, 10)
        assert gc.get_threshold() == SERVER_THRESHOLDS
    finally:
        gc.set_threshold(*previous)
