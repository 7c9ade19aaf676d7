"""One email identity (services/identity.py): Mailchimp's lower-cased address, nothing else."""

import hashlib

import pytest

from services.identity import (
    INVALID_EMPTY,
    INVALID_FORM,
    invalid_reason,
    member_key,
    same_member,
    subscriber_hash,
)

# (raw value, member key or '' when it is not exactly one address)
CORPUS = [
    ("Jane.Doe@Example.COM", "jane.doe@example.com"),
    ("  x+tag@sub.example.org ", "x+tag@sub.example.org"),
    ("o'brien@example.org", "o'brien@example.org"),
    ("first_last%x@example.co.uk", "first_last%x@example.co.uk"),
    # unicode: the whole address is lower-cased, as Mailchimp's hash is of the lower-cased one
    ("ÉLODIE@exämple.fr", "élodie@exämple.fr"),
    ("élodie@EXÄMPLE.fr", "élodie@exämple.fr"),
    ("ÄRCHIV@exämple.org", "ärchiv@exämple.org"),
    ("Straße@beispiel.de", "straße@beispiel.de"),  # lower(), not casefold(): ß stays ß
    ("user@xn--exmple-cua.org", "user@xn--exmple-cua.org"),  # IDN in ASCII form: as given
    ("用户@例子.广告", "用户@例子.广告"),
    # a display name around one address is that address
    ("Jane Doe <Jane@Example.org>", "jane@example.org"),
    ("<jane@example.org>", "jane@example.org"),
    # not one address: refused, never read as another address
    ("a,b@example.org", ""),
    ("a;b@example.org", ""),
    ("a b@example.org", ""),
    ("a@b@example.org", ""),
    ('"quoted ,x"@example.org', ""),
    ('"Bob <b@x.org>" <a@x.org>', ""),
    ("Name <a@x.org>, <b@x.org>", ""),
    ("a..b@example.org", ""),
    (".lead@example.org", ""),
    ("trail.@example.org", ""),
    ("user@localhost", ""),
    ("user@1.2.3.4", ""),
    ("user@-bad.org", ""),
    ("user@bad_.org", ""),
    ("user@ex.c0m", ""),
    ("nul\x00@example.org", ""),
    ("not an address", ""),
    ("", ""),
    (None, ""),
    (42, ""),
]


@pytest.mark.parametrize(("raw", "key"), CORPUS)
def test_member_key_corpus(raw, key):
    assert member_key(raw) == key


def test_keys_are_idempotent_and_case_insensitive():
    for raw, key in CORPUS:
        if key:
            assert member_key(key) == key
            assert member_key(raw.upper() if isinstance(raw, str) else raw) == key.upper().lower()
            assert same_member(raw, key)


def test_subscriber_hash_is_md5_of_the_key():
    assert subscriber_hash("Jane@Example.org") == hashlib.md5(b"jane@example.org").hexdigest()
    assert subscriber_hash("ÉLODIE@exämple.fr") == subscriber_hash("élodie@EXÄMPLE.fr")
    assert subscriber_hash("Jane Doe <jane@example.org>") == subscriber_hash("jane@example.org")


def test_invalid_reason_codes():
    assert invalid_reason("") == INVALID_EMPTY
    assert invalid_reason("a,b@example.org") == INVALID_FORM
    assert invalid_reason("a@example.org") == ""


def test_different_addresses_are_never_one_member():
    assert not same_member("a,b@example.org", "b@example.org")
    assert not same_member("a b@example.org", "b@example.org")
    assert not same_member("", "")
    assert not same_member("straße@beispiel.de", "strasse@beispiel.de")
