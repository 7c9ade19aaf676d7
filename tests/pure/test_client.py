"""API client against the emulator over HTTP: auth, errors, retries, paging, batching."""

import logging
import socket

import pytest

from services import mailchimp_errors as mce
from services.mailchimp_client import (
    JOB_RETRY_LIMITS,
    MailchimpClient,
    parse_api_key,
    subscriber_hash,
)


class Sleeps(list):
    def __call__(self, seconds):
        self.append(seconds)


def make_client(emulator, key=None, **kw):
    kw.setdefault("backoff_base", 0.001)
    kw.setdefault("sleep", Sleeps())
    return MailchimpClient(key or emulator.api_key, emulator.base_url, **kw)


def closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_parse_api_key():
    assert parse_api_key("abc123-us6") == "us6"
    assert parse_api_key("  abc-def-us21 ") == "us21"
    for bad in ("abc123", "", None, "-us6", "abc-US6", "abc-6"):
        with pytest.raises(mce.MailchimpConfigError):
            parse_api_key(bad)


def test_subscriber_hash_is_md5_of_lowercased_email():
    assert subscriber_hash(" Ann@Example.COM ") == "257c57037d384ae37ea27a07e8a01665"
    assert subscriber_hash("Ann@Example.COM") == subscriber_hash("ann@example.com")
    assert len(subscriber_hash("a@b.c")) == 32


def test_base_url_from_datacenter_or_override(emulator):
    assert MailchimpClient("k-us6").base_url == "https://us6.api.mailchimp.com/3.0"
    assert MailchimpClient("k-us6", "http://127.0.0.1:1/3.0/").base_url == "http://127.0.0.1:1/3.0"


def test_ping_and_account(emulator):
    client = make_client(emulator)
    assert client.ping()["health_status"] == "Everything's Chimpy!"
    assert client.account_info()["account_name"] == "Emulated Account"
    assert client.last_server_time is not None


def test_rejected_key_raises_auth_error_without_retry(emulator):
    client = make_client(emulator, key="ffffffffffffffffffffffffffffffff-us6")
    with pytest.raises(mce.MailchimpAuthError) as info:
        client.ping()
    assert info.value.status == 401
    assert emulator.count_requests() == 1


def test_unreachable_host_raises_network_error():
    client = MailchimpClient(
        "k-us6", f"http://127.0.0.1:{closed_port()}/3.0", max_retries=1, sleep=Sleeps()
    )
    with pytest.raises(mce.MailchimpNetworkError) as info:
        client.ping()
    assert "127.0.0.1" in str(info.value)


def test_timeout_raises_timeout(emulator):
    emulator.faults.configure(delay=1.0)
    client = make_client(emulator, timeout=(1.0, 0.2), max_retries=0)
    with pytest.raises(mce.MailchimpTimeout):
        client.ping()


def test_not_found_is_mapped(emulator):
    client = make_client(emulator)
    with pytest.raises(mce.MailchimpNotFound):
        client.get("/lists/nope")
    assert emulator.count_requests() == 1


def upsert(client, list_id, email, body):
    """PUT a member (as Mailchimp's add-or-update), with status_if_new subscribed."""
    body = dict(body, email_address=email)
    body.setdefault("status_if_new", "subscribed")
    return client.put(f"/lists/{list_id}/members/{subscriber_hash(email)}", json=body)


def test_400_titles_are_mapped(emulator):
    client = make_client(emulator)
    list_id = emulator.state.add_list(name="L")
    emulator.state.add_member(list_id, "in@example.org")
    emulator.state.add_member(list_id, "out@example.org", status="unsubscribed")
    emulator.state.add_member(list_id, "gone@example.org")
    emulator.state.delete_permanent(list_id, "gone@example.org")
    with pytest.raises(mce.MailchimpMemberExists):
        client.post(
            f"/lists/{list_id}/members",
            json={"email_address": "in@example.org", "status": "subscribed"},
        )
    with pytest.raises(mce.MailchimpComplianceError):
        upsert(client, list_id, "out@example.org", {"status": "subscribed"})
    with pytest.raises(mce.MailchimpForgottenError):
        upsert(client, list_id, "gone@example.org", {"status": "subscribed"})
    with pytest.raises(mce.MailchimpInvalidResource) as info:
        upsert(client, list_id, "fake@example.invalid", {"status": "subscribed"})
    assert not isinstance(info.value, mce.MailchimpMergeFieldError)
    with pytest.raises(mce.MailchimpMergeFieldError) as info:
        upsert(client, list_id, "addr@example.org", {"merge_fields": {"ADDRESS": {"addr1": "x"}}})
    assert any(err.get("field") == "ADDRESS" for err in info.value.errors)
    assert emulator.count_requests(method="PUT") == 4, "no 4xx is retried"


class FakeResponse:
    def __init__(self, status, text="", headers=None):
        self.status_code = status
        self.text = text
        self.content = text.encode()
        self.reason = "Reason"
        self.headers = headers or {}

    def json(self):
        import json

        return json.loads(self.text)


def test_non_json_throttling_answers():
    error = mce.error_from_response(
        FakeResponse(429, "<html>slow down</html>", {"Retry-After": "3"})
    )
    assert isinstance(error, mce.MailchimpRateLimited) and error.retry_after == 3
    assert isinstance(mce.error_from_response(FakeResponse(403, "")), mce.MailchimpRateLimited)
    assert isinstance(mce.error_from_response(FakeResponse(503, "oops")), mce.MailchimpServerError)


def test_429_is_retried_honouring_retry_after(emulator):
    emulator.faults.configure(retry_after=2)
    emulator.faults.fail_next(2, status=429)
    client = make_client(emulator)
    assert client.ping()
    assert client._sleep[:2] == [pytest.approx(2, abs=0.01)] * 2
    assert emulator.count_requests() == 3


def test_5xx_and_dropped_connections_are_retried(emulator):
    client = make_client(emulator)
    emulator.faults.fail_next(2, status=503)
    assert client.ping()
    emulator.faults.fail_next(2, status="drop")
    assert client.ping()
    assert client.stats["retries"] == 4


def test_retries_are_bounded_by_count(emulator):
    emulator.faults.fail_next(10, status=500)
    client = make_client(emulator, max_retries=3)
    with pytest.raises(mce.MailchimpServerError):
        client.ping()
    assert emulator.count_requests() == 4


def test_retries_are_bounded_by_time(emulator):
    emulator.faults.configure(retry_after=5)
    emulator.faults.fail_next(10, status=429)
    client = make_client(emulator, max_retries=10, max_retry_time=12)
    with pytest.raises(mce.MailchimpRateLimited):
        client.ping()
    assert sum(client._sleep) <= 12
    assert len(client._sleep) == 2


def test_job_mode_raises_long_waits_instead_of_sleeping(emulator):
    """Inside a queue job the client sleeps a few seconds at most: a long Retry-After or a
    lasting outage is raised at once for queue_job to schedule the retry."""
    client = make_client(emulator, backoff_base=0.5, **JOB_RETRY_LIMITS)
    emulator.faults.configure(retry_after=120)
    emulator.faults.fail_next(1, status=429)
    with pytest.raises(mce.MailchimpRateLimited) as info:
        client.ping()
    assert info.value.retry_after == 120
    assert client._sleep == [], "no sleep at all"
    assert emulator.count_requests() == 1
    emulator.faults.clear()
    emulator.faults.fail_next(10, status=503)
    with pytest.raises(mce.MailchimpServerError):
        client.ping()
    assert emulator.count_requests() == 1 + 3, "two retries at most"
    assert len(client._sleep) == 2
    assert all(wait <= 2 for wait in client._sleep)
    # a short hiccup is still absorbed in-process
    emulator.faults.clear()
    emulator.faults.configure(retry_after=1)
    emulator.faults.fail_next(1, status=429)
    assert client.ping()
    assert client._sleep[-1] == pytest.approx(1, abs=0.01)


def test_default_mode_sleeps_what_mailchimp_asks(emulator):
    client = make_client(emulator)
    emulator.faults.configure(retry_after=120)
    emulator.faults.fail_next(1, status=429)
    assert client.ping()
    assert client._sleep == [pytest.approx(120, abs=0.01)]


def test_backoff_grows_with_jitter():
    client = MailchimpClient("k-us6", backoff_base=1, backoff_max=1000)
    client._random.seed(3)
    waits = [[client._backoff(attempt) for _ in range(200)] for attempt in range(5)]
    maxima = [max(w) for w in waits]
    assert maxima == sorted(maxima)
    assert all(m <= 2**attempt for attempt, m in enumerate(maxima))
    assert len({round(w, 6) for w in waits[4]}) > 150, "jittered"


def test_paged_read_with_30_percent_faults_returns_every_member_exactly_once(emulator):
    list_id = emulator.state.add_list(name="Big")
    emulator.state.seed_members(list_id, 10_000)
    expected = {m["email_address"] for m in emulator.state.members(list_id)}
    emulator.faults.configure(rate_429=0.15, rate_5xx=0.15, seed=11)
    client = make_client(emulator, max_retries=12)
    emails = [
        m["email_address"]
        for m in client.iter_pages(f"/lists/{list_id}/members", "members", fields=["email_address"])
    ]
    assert len(emails) == 10_000
    assert set(emails) == expected
    assert client.stats["retries"] > 0, "faults were injected"


def test_fields_and_count_are_sent(emulator):
    list_id = emulator.state.add_list(name="F")
    emulator.state.seed_members(list_id, 5)
    client = make_client(emulator)
    page = client.members_page(
        list_id, fields=["email_address"], count=5000, sort_field="last_changed"
    )
    query = emulator.requests[-1]["query"]
    assert query["count"] == "1000"
    assert query["fields"] == "members.email_address,total_items"
    assert query["sort_field"] == "last_changed" and query["sort_dir"] == "ASC"
    assert len(page["members"]) == 5 and set(page["members"][0]) == {"email_address"}


def test_members_pages_reads_each_page_when_asked(emulator):
    list_id = emulator.state.add_list(name="P")
    emulator.state.seed_members(list_id, 25)
    client = make_client(emulator)
    pages = client.members_pages(list_id, count=10, fields=["email_address"])
    first = next(pages)
    assert len(first["members"]) == 10 and first["total_items"] == 25
    assert emulator.count_requests(method="GET") == 1, "the next page only when asked for"
    rest = list(pages)
    assert [len(p["members"]) for p in rest] == [10, 5]
    assert emulator.count_requests(method="GET") == 3


def test_batch_subscribe_chunks_by_500_and_merges_errors(emulator):
    list_id = emulator.state.add_list(name="B")
    client = make_client(emulator)
    members = [
        {"email_address": f"user{i}@example.org", "status": "subscribed"} for i in range(1190)
    ] + [{"email_address": f"fake{i}@example.org", "status": "subscribed"} for i in range(10)]
    result = client.batch_subscribe(list_id, members)
    assert emulator.count_requests(method="POST") == 3
    assert result["total_created"] == 1190
    assert result["error_count"] == 10
    assert {e["email_address"] for e in result["errors"]} == {
        f"fake{i}@example.org" for i in range(10)
    }


def test_key_never_logged_nor_in_errors(emulator, caplog):
    key = "ffffffffffffffffffffffffffffffff-us6"
    client = make_client(emulator, key=key, logger=logging.getLogger("t"))
    emulator.faults.fail_next(1, status=503)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(mce.MailchimpAuthError) as info:
        client.ping()
    assert key not in str(info.value)
    assert key not in caplog.text
    assert "retry" in caplog.text


def test_archiving_an_archived_member_is_no_error(emulator):
    """Mailchimp answers 405 ("cannot be removed") to a DELETE of an archived member: the
    client takes it as done, once, without retrying."""
    list_id = emulator.state.add_list(name="Archive")
    emulator.state.add_member(list_id, "arch@example.org")
    client = make_client(emulator)
    client.archive_member(list_id, "arch@example.org")
    assert emulator.state.get_member(list_id, "arch@example.org")["status"] == "archived"
    before = emulator.count_requests()
    assert client.archive_member(list_id, "Arch@Example.org") is None
    assert emulator.count_requests() - before == 1
    with pytest.raises(mce.MailchimpNotFound):
        client.archive_member(list_id, "never@example.org")


def test_delete_member_permanent_then_mailchimp_answers_404_and_forgotten(emulator):
    """``delete-permanent`` answers 204; afterwards the member is a 404 (like an address never
    seen), a second erasure a 404 too, and re-adding it through the API is refused with
    'Forgotten Email Not Subscribed' until the person signs up again through a form."""
    list_id = emulator.state.add_list(name="Erase")
    emulator.state.add_member(list_id, "Erase.Me@example.org")
    client = make_client(emulator)
    assert client.delete_member_permanent(list_id, "erase.me@example.org") is None
    with pytest.raises(mce.MailchimpNotFound):
        client.member(list_id, "erase.me@example.org")
    with pytest.raises(mce.MailchimpNotFound):
        client.delete_member_permanent(list_id, "Erase.Me@example.org")
    with pytest.raises(mce.MailchimpForgottenError) as info:
        upsert(client, list_id, "erase.me@example.org", {"status": "subscribed"})
    assert info.value.status == 400
    assert "permanently deleted" in info.value.detail
    answer = client.batch_subscribe(
        list_id, [{"email_address": "erase.me@example.org", "status": "subscribed"}]
    )
    assert answer["error_count"] == 1
    # the person's own sign-up through a Mailchimp form brings them back, as a new member
    emulator.state.add_member(list_id, "erase.me@example.org", source="Hosted Signup Form")
    assert client.member(list_id, "erase.me@example.org")["status"] == "subscribed"
