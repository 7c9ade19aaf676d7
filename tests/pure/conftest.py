"""Shared fixtures of the pure (no Odoo) test suite."""

import os
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if not sys.path or sys.path[0] != REPO_ROOT:
    sys.path.insert(0, REPO_ROOT)


@pytest.fixture
def emulator():
    """A started Mailchimp emulator (seed 42) on a free port; stopped afterwards."""
    from mailchimp_emulator import Emulator

    emu = Emulator(seed=42).start()
    try:
        yield emu
    finally:
        emu.stop()


class EmulatorClient:
    """Tiny requests wrapper for emulator tests: paths are relative to /3.0."""

    def __init__(self, emu):
        import requests

        self.emu = emu
        self.session = requests.Session()
        self.session.auth = ("anystring", emu.api_key)

    def request(self, method, path, **kwargs):
        kwargs.setdefault("timeout", 10)
        return self.session.request(method, self.emu.base_url + path, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def mc(emulator):
    """An authenticated client of the ``emulator`` fixture."""
    client = EmulatorClient(emulator)
    try:
        yield client
    finally:
        client.session.close()


@pytest.fixture
def client(emulator):
    """The connector's API client (services/mailchimp_client.py) on the ``emulator``
    fixture, never sleeping between its retries."""
    from services.mailchimp_client import MailchimpClient

    cl = MailchimpClient(emulator.api_key, emulator.base_url, sleep=lambda s: None)
    try:
        yield cl
    finally:
        cl.close()
