# size: one typed method per Mailchimp endpoint the connector calls (the rule of the
# layer), with the transport, retries and OAuth2's login server client.
"""Mailchimp Marketing API v3 client: HTTP, auth, paging, batching, retries (no Odoo import).

One ``requests.Session`` per client (per account). Retries 429, 5xx and network errors with
exponential backoff and full jitter, honouring ``Retry-After``, bounded in count and time
(``JOB_RETRY_LIMITS``: the short bounds of a client inside a queue job); never retries
another 4xx. Errors are the classes of :mod:`.mailchimp_errors`.
"""

import email.utils
import logging
import random
import re
import time
from datetime import UTC, datetime
from urllib.parse import urlencode

import requests
from requests.auth import AuthBase

from . import mailchimp_errors as mce
from .identity import subscriber_hash  # noqa: F401 (one definition, re-exported)

_DC_RE = re.compile(r"^[a-z]+[0-9]+$")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_PAGE = 1000
BATCH_LIMIT = 500
#: retry limits of a client used inside a queue job: a few seconds of retries at most,
#: a longer wait (a 429's Retry-After, an outage) is raised for queue_job to schedule
JOB_RETRY_LIMITS = {"max_retries": 2, "backoff_max": 2.0, "max_sleep": 2.0, "max_retry_time": 5.0}


def check_datacenter(dc):
    """``dc`` when it is a datacenter label (``us6``); MailchimpConfigError otherwise."""
    if not isinstance(dc, str) or not _DC_RE.match(dc):
        raise mce.MailchimpConfigError("Malformed datacenter", "a datacenter is like 'us6'")
    return dc


class BearerAuth(AuthBase):
    """``Authorization: Bearer <token>``: an OAuth2 access token (its repr hides it)."""

    def __init__(self, token):
        self._token = token

    def __call__(self, request):
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self):
        return "<BearerAuth>"


def parse_api_key(api_key):
    """Return the datacenter of ``api_key`` ('<key>-<dc>'); MailchimpConfigError if malformed."""
    key = (api_key or "").strip()
    secret, _sep, dc = key.rpartition("-")
    if not secret or not _DC_RE.match(dc):
        raise mce.MailchimpConfigError(
            "Malformed API key", "an API key ends with '-<datacenter>', e.g. '-us6'"
        )
    return dc


def _iso(value):
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    return value


def _chunks(items, size):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


class MailchimpClient:
    def __init__(
        self,
        api_key,
        base_url=None,
        *,
        access_token=None,
        dc=None,
        timeout=(5.0, 60.0),
        max_retries=6,
        backoff_base=0.5,
        backoff_max=30.0,
        max_retry_time=300.0,
        max_sleep=None,
        session=None,
        sleep=time.sleep,
        logger=None,
        user_agent="mailchimp_connector/18.0",
        clock=None,
    ):
        if access_token:
            # an OAuth2 account: the token names no datacenter, the metadata gave it
            self.dc = check_datacenter(dc)
            self._auth = BearerAuth(access_token.strip())
        else:
            self.dc = parse_api_key(api_key)
            self._auth = ("mailchimp_connector", api_key.strip())
        self.base_url = (base_url or f"https://{self.dc}.api.mailchimp.com/3.0").rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_retry_time = max_retry_time
        #: a single wait longer than this (e.g. a long Retry-After) raises the error at once
        self.max_sleep = max_sleep
        self.session = session or requests.Session()
        self.session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
        self._sleep = sleep
        self._logger = logger or logging.getLogger(__name__)
        self._random = random.Random()
        self.stats = {"requests": 0, "retries": 0}
        #: the last refusal of the credentials (401/403), for the caller to act on
        self.auth_error = None
        #: Mailchimp's clock (naive UTC) at the last answer, from its Date header
        self.last_server_time = None
        self.clock_offset = None
        #: the clock the caller dates its own records with (naive UTC); the offset is
        #: measured against it
        self._clock = clock or (lambda: datetime.now(UTC).replace(tzinfo=None))

    def __repr__(self):
        return f"<MailchimpClient {self.base_url}>"

    def close(self):
        self.session.close()

    # ------------------------------------------------------------------ core
    def _backoff(self, attempt, retry_after=None):
        wait = self._random.uniform(0, min(self.backoff_max, self.backoff_base * 2**attempt))
        if retry_after:
            wait = max(wait, retry_after)
        return wait

    def _send(self, method, url, params, json):
        try:
            return self.session.request(
                method, url, params=params, json=json, auth=self._auth, timeout=self.timeout
            )
        except requests.Timeout as exc:
            raise mce.MailchimpTimeout(
                "Timeout", f"no answer from {self._host()} in time ({type(exc).__name__})"
            ) from None
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            raise mce.MailchimpNetworkError(
                "Network error",
                f"{self._host()} unreachable or connection dropped ({type(exc).__name__})",
            ) from None

    def _host(self):
        return self.base_url.split("//", 1)[-1].split("/", 1)[0]

    def _note_server_time(self, response):
        value = response.headers.get("Date")
        if not value:
            return
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return
        self.last_server_time = parsed.astimezone(UTC).replace(tzinfo=None)
        # Mailchimp's clock minus ours (whole seconds in the header): what an Odoo time is
        # shifted by before it is compared with a Mailchimp time (last_changed)
        self.clock_offset = (
            self.last_server_time - self._clock().replace(microsecond=0)
        ).total_seconds()

    def request(self, method, path, *, params=None, json=None, retry=True):
        """One API call; returns the decoded JSON (None for an empty answer)."""
        method = method.upper()
        url = path if path.startswith("http") else f"{self.base_url}/{path.lstrip('/')}"
        started = time.monotonic()
        slept = 0.0
        attempt = 0
        while True:
            self.stats["requests"] += 1
            self.stats[method] = self.stats.get(method, 0) + 1
            try:
                response = self._send(method, url, params, json)
            except mce.MailchimpNetworkError as exc:
                exc.method, exc.path = method, path
                error = exc
            else:
                self._note_server_time(response)
                if response.status_code < 400:
                    if response.status_code == 204 or not response.content:
                        return None
                    return response.json()
                error = mce.error_from_response(response, method=method, path=path)
            if isinstance(error, mce.MailchimpAuthError):
                self.auth_error = error
            if not (retry and error.retryable) or attempt >= self.max_retries:
                raise error
            wait = self._backoff(attempt, error.retry_after)
            if max(time.monotonic() - started, slept) + wait > self.max_retry_time:
                raise error
            if self.max_sleep is not None and wait > self.max_sleep:
                raise error
            attempt += 1
            self.stats["retries"] += 1
            self._logger.info(
                "Mailchimp %s %s: %s, retry %s/%s in %.2fs",
                method,
                path,
                error.code,
                attempt,
                self.max_retries,
                wait,
            )
            self._sleep(wait)
            slept += wait

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    # ------------------------------------------------------------------ paging
    def iter_page_batches(
        self, path, item_key, *, params=None, count=MAX_PAGE, fields=None, offset=0
    ):
        """Yield (offset, items, total_items) for each page of a collection."""
        count = max(1, min(MAX_PAGE, int(count)))
        base = dict(params or {})
        if fields:
            base["fields"] = ",".join([f"{item_key}.{f}" for f in fields] + ["total_items"])
        while True:
            page = self.get(path, params=dict(base, count=count, offset=offset)) or {}
            items = page.get(item_key) or []
            total = page.get("total_items", len(items))
            yield offset, items, total
            offset += len(items)
            if not items or len(items) < count or offset >= total:
                return

    def iter_pages(self, path, item_key, *, params=None, count=MAX_PAGE, fields=None):
        for _offset, items, _total in self.iter_page_batches(
            path, item_key, params=params, count=count, fields=fields
        ):
            yield from items

    # ------------------------------------------------------------------ resources
    # One method per endpoint the connector calls; models call only these.
    def ping(self, *, retry=True):
        """``GET /ping``: Mailchimp's health check (the key is valid when it answers)."""
        return self.request("GET", "/ping", retry=retry)

    def account_info(self, *, retry=True):
        """``GET /``: the account's name, login and id."""
        return self.request("GET", "/", retry=retry) or {}

    def lists(self):
        """Every audience (``GET /lists``, all pages)."""
        return self.iter_pages("/lists", "lists")

    def get_list(self, list_id):
        """One audience (its statistics); the response's Date header sets the server time."""
        return self.get(f"/lists/{list_id}")

    def members_page(
        self,
        list_id,
        *,
        count=MAX_PAGE,
        offset=0,
        fields=None,
        since_last_changed=None,
        before_last_changed=None,
        sort_field=None,
        sort_dir=None,
        status=None,
        since_timestamp_opt=None,
    ):
        """One page of ``GET /lists/{id}/members``: the dict with ``members`` and
        ``total_items``. ``fields``: member fields to return (``total_items`` always is).
        ``status``: only members of that status (e.g. ``archived``); ``since_timestamp_opt``:
        only members who opted in after that time."""
        params = {"count": max(1, min(MAX_PAGE, int(count))), "offset": int(offset)}
        if status:
            params["status"] = status
        if since_timestamp_opt:
            params["since_timestamp_opt"] = _iso(since_timestamp_opt)
        if fields:
            params["fields"] = ",".join([f"members.{f}" for f in fields] + ["total_items"])
        if since_last_changed:
            params["since_last_changed"] = _iso(since_last_changed)
        if before_last_changed:
            params["before_last_changed"] = _iso(before_last_changed)
        if sort_field:
            params["sort_field"] = sort_field
            params["sort_dir"] = sort_dir or "ASC"
        return self.get(f"/lists/{list_id}/members", params=params) or {}

    def members_pages(self, list_id, **filters):
        """Every page of ``GET /lists/{id}/members`` for ``filters`` (those of
        :meth:`members_page`), each read only when the caller asks for it."""
        offset = 0
        while True:
            page = self.members_page(list_id, offset=offset, **filters)
            yield page
            members = page.get("members") or []
            offset += len(members)
            if not members or offset >= int(page.get("total_items") or 0):
                return

    def member(self, list_id, email_or_hash, *, fields=None):
        """One member; raises MailchimpNotFound when Mailchimp has no such member (never
        added, or permanently deleted)."""
        params = {"fields": ",".join(fields)} if fields else None
        return self.get(self._member_path(list_id, email_or_hash), params=params)

    def _member_path(self, list_id, email_or_hash):
        ident = email_or_hash if "@" not in email_or_hash else subscriber_hash(email_or_hash)
        return f"/lists/{list_id}/members/{ident}"

    def patch_member(self, list_id, email, body):
        return self.patch(self._member_path(list_id, email), json=body)

    def archive_member(self, list_id, email):
        """Archive a member (DELETE). Mailchimp answers 405 ("cannot be removed") for a member
        already archived: that is the state asked for, so it is no error here."""
        try:
            return self.delete(self._member_path(list_id, email))
        except mce.MailchimpError as exc:
            if exc.status == 405:
                return None
            raise

    def delete_member_permanent(self, list_id, email):
        """Erase a member for good (``POST .../actions/delete-permanent``, 204). Afterwards
        Mailchimp answers 404 on the member and refuses to re-add it through the API (400
        'Forgotten Email Not Subscribed'); a member it does not hold answers 404
        (``MailchimpNotFound``), raised here: the caller decides what it means."""
        return self.post(f"{self._member_path(list_id, email)}/actions/delete-permanent")

    def update_member_tags(self, list_id, email, body):
        """``POST /lists/{id}/members/{hash}/tags`` (204): a member's tags made active or
        inactive (``body`` from mailchimp_data.member_tags_body)."""
        return self.post(f"{self._member_path(list_id, email)}/tags", json=body)

    def batch_subscribe(self, list_id, members, *, update_existing=True, sync_tags=False):
        """Batch subscribe in calls of at most 500; failures come back inside the 200."""
        merged = {
            "new_members": [],
            "updated_members": [],
            "errors": [],
            "total_created": 0,
            "total_updated": 0,
            "error_count": 0,
        }
        for chunk in _chunks(members, BATCH_LIMIT):
            body = {"members": chunk, "update_existing": update_existing, "sync_tags": sync_tags}
            result = self.post(f"/lists/{list_id}", json=body) or {}
            for key in ("new_members", "updated_members", "errors"):
                merged[key].extend(result.get(key) or [])
            for key in ("total_created", "total_updated", "error_count"):
                merged[key] += result.get(key) or 0
        return merged

    # static segments (tags): an Odoo selection kept as a Mailchimp segment
    def create_segment(self, list_id, body):
        """``POST /lists/{id}/segments``: a new segment (``body`` from mailchimp_data)."""
        return self.post(f"/lists/{list_id}/segments", json=body) or {}

    def static_segments(self, list_id):
        """Every static segment (tag) of an audience: ``GET /lists/{id}/segments``, all
        pages, their id and name."""
        return self.iter_pages(
            f"/lists/{list_id}/segments",
            "segments",
            params={"type": "static"},
            fields=("id", "name"),
        )

    def segment(self, list_id, segment_id):
        """``GET /lists/{id}/segments/{seg}``; MailchimpNotFound once it was deleted."""
        return self.get(f"/lists/{list_id}/segments/{segment_id}") or {}

    def rename_segment(self, list_id, segment_id, name):
        """``PATCH /lists/{id}/segments/{seg}`` with its new name only."""
        return self.patch(f"/lists/{list_id}/segments/{segment_id}", json={"name": name}) or {}

    def delete_segment(self, list_id, segment_id):
        """``DELETE /lists/{id}/segments/{seg}``: the segment (its members stay)."""
        return self.delete(f"/lists/{list_id}/segments/{segment_id}")

    def segment_members_pages(self, list_id, segment_id, *, fields=None, count=MAX_PAGE):
        """Every page of ``GET /lists/{id}/segments/{seg}/members``, members of every status
        (Mailchimp leaves out unsubscribed, cleaned and transactional ones unless asked)."""
        params = {
            "include_unsubscribed": "true",
            "include_cleaned": "true",
            "include_transactional": "true",
        }
        path = f"/lists/{list_id}/segments/{segment_id}/members"
        for _offset, items, total in self.iter_page_batches(
            path, "members", params=params, count=count, fields=fields
        ):
            yield {"members": items, "total_items": total}

    def update_segment_members(self, list_id, segment_id, body):
        """``POST /lists/{id}/segments/{seg}``: one call of ``members_to_add`` /
        ``members_to_remove`` (at most 500 each: the caller pairs them); failures come back
        inside the 200."""
        for key in ("members_to_add", "members_to_remove"):
            if len(body.get(key) or ()) > BATCH_LIMIT:
                raise ValueError(f"{key}: at most {BATCH_LIMIT} addresses a call")
        return self.post(f"/lists/{list_id}/segments/{segment_id}", json=body) or {}

    # interest groups: an audience's interest categories and their interests
    def interest_categories(self, list_id):
        """Every interest category of an audience (``GET /lists/{id}/interest-categories``,
        all pages of at most 1,000)."""
        return self.iter_pages(f"/lists/{list_id}/interest-categories", "categories")

    def create_interest_category(self, list_id, body):
        """``POST /lists/{id}/interest-categories`` (``body`` from mailchimp_data)."""
        return self.post(f"/lists/{list_id}/interest-categories", json=body) or {}

    def interests(self, list_id, category_id):
        """Every interest of a category (``GET …/interest-categories/{cat}/interests``, all
        pages of at most 1,000)."""
        return self.iter_pages(
            f"/lists/{list_id}/interest-categories/{category_id}/interests", "interests"
        )

    def create_interest(self, list_id, category_id, body):
        """``POST …/interest-categories/{cat}/interests``: Mailchimp refuses (400) past 60
        interests in the audience."""
        return (
            self.post(f"/lists/{list_id}/interest-categories/{category_id}/interests", json=body)
            or {}
        )

    def automations(self):
        """Every classic automation of the account (``GET /automations``, all pages)."""
        return self.iter_pages("/automations", "automations")

    def automation_emails(self, workflow_id):
        """The emails of a classic automation (``GET /automations/{id}/emails``)."""
        page = self.get(f"/automations/{workflow_id}/emails") or {}
        return list(page.get("emails") or [])

    def queue_automation_email(self, workflow_id, email_id, email):
        """Add a subscriber to an automation email's queue (``POST /automations/{id}/emails/
        {email_id}/queue``); Mailchimp queues a person once per email."""
        return self.post(
            f"/automations/{workflow_id}/emails/{email_id}/queue", json={"email_address": email}
        )

    def webhooks(self, list_id):
        """The audience's webhooks (``GET /lists/{id}/webhooks``): a list of dicts with
        ``id``, ``url``, ``events``, ``sources``."""
        page = self.get(f"/lists/{list_id}/webhooks") or {}
        return list(page.get("webhooks") or [])

    def create_webhook(self, list_id, url, *, events=None, sources=None):
        """Register a webhook (``POST /lists/{id}/webhooks``); Mailchimp checks the URL
        answers first. ``events``/``sources``: {name: bool}. Returns the webhook (its id)."""
        body = {"url": url}
        if events is not None:
            body["events"] = dict(events)
        if sources is not None:
            body["sources"] = dict(sources)
        return self.post(f"/lists/{list_id}/webhooks", json=body) or {}

    def delete_webhook(self, list_id, webhook_id):
        """Delete a webhook; MailchimpNotFound when it is already gone."""
        return self.delete(f"/lists/{list_id}/webhooks/{webhook_id}")

    def get_merge_fields(self, list_id):
        return list(self.iter_pages(f"/lists/{list_id}/merge-fields", "merge_fields"))

    def campaigns(self, *, fields=None):
        """Every campaign (``GET /campaigns``, all pages)."""
        return self.iter_pages("/campaigns", "campaigns", fields=fields)

    def campaign(self, campaign_id, *, fields=None):
        """One campaign; MailchimpNotFound once it is deleted."""
        params = {"fields": ",".join(fields)} if fields else None
        return self.get(f"/campaigns/{campaign_id}", params=params)

    def report(self, campaign_id, *, fields=None):
        """A sent campaign's report (``GET /reports/{id}``)."""
        params = {"fields": ",".join(fields)} if fields else None
        return self.get(f"/reports/{campaign_id}", params=params)

    def email_activity_page(
        self, campaign_id, *, offset=0, count=MAX_PAGE, fields=None, since=None
    ):
        """One page of a campaign's per-recipient activity (``/email-activity``): the dict
        with ``emails`` and ``total_items``; ``since``: only activity after that time."""
        params = {"count": max(1, min(MAX_PAGE, int(count))), "offset": int(offset)}
        if fields:
            params["fields"] = ",".join([f"emails.{f}" for f in fields] + ["total_items"])
        if since:
            params["since"] = _iso(since)
        return self.get(f"/reports/{campaign_id}/email-activity", params=params) or {}

    def unsubscribes_page(self, campaign_id, *, offset=0, count=MAX_PAGE, fields=None):
        """One page of the members a campaign unsubscribed (``/unsubscribed``): the dict
        with ``unsubscribes`` and ``total_items``."""
        params = {"count": max(1, min(MAX_PAGE, int(count))), "offset": int(offset)}
        if fields:
            params["fields"] = ",".join([f"unsubscribes.{f}" for f in fields] + ["total_items"])
        return self.get(f"/reports/{campaign_id}/unsubscribed", params=params) or {}

    def templates(self, *, fields=None):
        """Every template (``GET /templates``, all pages)."""
        return self.iter_pages("/templates", "templates", fields=fields)

    def template(self, template_id, *, fields=None):
        """One template; MailchimpNotFound when it is gone."""
        params = {"fields": ",".join(fields)} if fields else None
        return self.get(f"/templates/{template_id}", params=params)

    # ------------------------------------------------------------------ sending campaigns
    # Actions that change what Mailchimp sends are never retried blindly (``retry=False``):
    # an answer lost after Mailchimp applied the call would apply it twice. The caller reads
    # the campaign's status and decides.
    def create_campaign(self, body):
        """``POST /campaigns``: a new draft (status ``save``); never retried (a lost
        answer would leave two drafts): the caller looks for the draft it may have made."""
        return self.request("POST", "/campaigns", json=body, retry=False) or {}

    def campaigns_page(self, *, offset=0, count=MAX_PAGE, fields=None, **filters):
        """One page of ``GET /campaigns`` (filters: ``status``, ``list_id``,
        ``since_create_time``…): the dict with ``campaigns`` and ``total_items``."""
        params = {"count": max(1, min(MAX_PAGE, int(count))), "offset": int(offset)}
        for key, value in filters.items():
            if value:
                params[key] = _iso(value)
        if fields:
            params["fields"] = ",".join([f"campaigns.{f}" for f in fields] + ["total_items"])
        return self.get("/campaigns", params=params) or {}

    def update_campaign(self, campaign_id, body):
        """``PATCH /campaigns/{id}`` (``settings`` required): a draft's settings and
        recipients (idempotent)."""
        return self.patch(f"/campaigns/{campaign_id}", json=body) or {}

    def set_campaign_content(self, campaign_id, html, *, plain_text=None):
        """``PUT /campaigns/{id}/content`` with the HTML (Mailchimp generates the plain
        text when it is left out); idempotent."""
        body = {"html": html}
        if plain_text is not None:
            body["plain_text"] = plain_text
        return self.put(f"/campaigns/{campaign_id}/content", json=body) or {}

    def send_checklist(self, campaign_id):
        """``GET /campaigns/{id}/send-checklist``: ``is_ready`` and the ``items`` (type
        success|warning|error, heading, details)."""
        return self.get(f"/campaigns/{campaign_id}/send-checklist") or {}

    def test_campaign(self, campaign_id, emails, *, send_type="html"):
        """``POST /campaigns/{id}/actions/test``: a test email to each address."""
        body = {"test_emails": list(emails), "send_type": send_type}
        return self.request(
            "POST", f"/campaigns/{campaign_id}/actions/test", json=body, retry=False
        )

    def schedule_campaign(self, campaign_id, schedule_time):
        """``POST /campaigns/{id}/actions/schedule`` at ``schedule_time`` (UTC, a quarter
        hour: Mailchimp refuses any other minute)."""
        body = {"schedule_time": _iso(schedule_time)}
        return self.request(
            "POST", f"/campaigns/{campaign_id}/actions/schedule", json=body, retry=False
        )

    def unschedule_campaign(self, campaign_id):
        """``POST /campaigns/{id}/actions/unschedule`` (before sending starts)."""
        return self.request("POST", f"/campaigns/{campaign_id}/actions/unschedule", retry=False)

    def send_campaign(self, campaign_id):
        """``POST /campaigns/{id}/actions/send``: never retried here (see above)."""
        return self.request("POST", f"/campaigns/{campaign_id}/actions/send", retry=False)

    def cancel_send_campaign(self, campaign_id):
        """``POST /campaigns/{id}/actions/cancel-send`` (while sending; paid plans)."""
        return self.request("POST", f"/campaigns/{campaign_id}/actions/cancel-send", retry=False)


class MailchimpOAuth:
    """Mailchimp's OAuth2 server (``https://login.mailchimp.com``): the authorization-code
    flow of an app (client id and secret). No retries: a person is waiting, and a code is
    single-use. Errors are MailchimpOAuthError (the server's OAuth2 error code as title),
    MailchimpAuthError (a token refused), MailchimpNetworkError / MailchimpTimeout; none
    carries the secret, the code or the token."""

    LOGIN_URL = "https://login.mailchimp.com"

    def __init__(self, client_id, client_secret, *, base_url=None, timeout=(5.0, 30.0)):
        self.client_id = client_id
        self._client_secret = client_secret
        self.base_url = (base_url or self.LOGIN_URL).rstrip("/")
        self.timeout = timeout

    def __repr__(self):
        return f"<MailchimpOAuth {self.base_url}>"

    def authorize_url(self, redirect_uri, state):
        """Where the user's browser is sent to allow the app (``/oauth2/authorize``)."""
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "state": state,
            }
        )
        return f"{self.base_url}/oauth2/authorize?{query}"

    def _call(self, method, path, **kwargs):
        url = f"{self.base_url}{path}"
        host = self.base_url.split("//", 1)[-1]
        try:
            response = requests.request(method, url, timeout=self.timeout, **kwargs)
        except requests.Timeout:
            raise mce.MailchimpTimeout("Timeout", f"no answer from {host} in time") from None
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            raise mce.MailchimpNetworkError(
                "Network error", f"{host} unreachable ({type(exc).__name__})"
            ) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code < 400 and isinstance(body, dict):
            return body
        error = body.get("error") if isinstance(body, dict) else None
        detail = body.get("error_description") if isinstance(body, dict) else None
        kwargs = {"status": response.status_code, "method": method, "path": path}
        if response.status_code >= 500:
            raise mce.MailchimpServerError(response.reason or "Server error", detail, **kwargs)
        if error == "invalid_token" or (response.status_code == 401 and path.endswith("metadata")):
            raise mce.MailchimpAuthError(error or "invalid_token", detail, **kwargs)
        raise mce.MailchimpOAuthError(
            error or "invalid_response", detail or "unexpected answer", **kwargs
        )

    def exchange_code(self, code, redirect_uri):
        """The access token for an authorization code (``POST /oauth2/token``)."""
        body = self._call(
            "POST",
            "/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "client_id": self.client_id,
                "client_secret": self._client_secret,
                "redirect_uri": redirect_uri,
                "code": code,
            },
        )
        token = body.get("access_token")
        if not isinstance(token, str) or not token.strip():
            raise mce.MailchimpOAuthError("invalid_response", "no access token in the answer")
        return token.strip()

    def metadata(self, token):
        """The token's account (``GET /oauth2/metadata``): ``dc``, ``api_endpoint``,
        ``accountname``, ``login`` ..."""
        return self._call("GET", "/oauth2/metadata", headers={"Authorization": f"OAuth {token}"})
