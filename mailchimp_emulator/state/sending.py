"""Campaigns made and sent through the API: creation and settings, content, the send
checklist, test emails, scheduling, sending and cancelling, with the status transitions a
campaign goes through on Mailchimp's clock.

Refusal texts: "Your Campaign is not ready to send." (400 Bad Request, on send while the
checklist has an error: drewm/mailchimp-api#209, MailChimp.Net#364) and "This campaign cannot
be scheduled: ." (400 Bad Request, a schedule time off the quarter hour: drewm/mailchimp-api#211
and #315, gibbon#243) are the ones integrators recorded. The other texts (marked
*unconfirmed*) follow the same style; no first-party source gives them.
"""

import re
from datetime import timedelta

from ..util import (
    ApiError,
    email_problem,
    fmt_ts,
    invalid,
    invalid_field,
    locked,
    parse_ts,
)

#: statuses whose settings and content may still change (and which may be sent/scheduled)
EDITABLE = ("save", "paused")
CAMPAIGN_TYPES = ("regular", "plaintext", "absplit", "rss", "variate")
NOT_READY = "Your Campaign is not ready to send."
CANNOT_SCHEDULE = "This campaign cannot be scheduled: ."
#: *unconfirmed* texts
CANNOT_UPDATE = "This campaign cannot be updated once it is scheduled, sending or sent."
NOT_SCHEDULED = "This campaign is not scheduled: it cannot be unscheduled."
NOT_SENDING = "This campaign is not sending: there is nothing to cancel."
CANCEL_PRO_ONLY = "Cancel Send is only available with Mailchimp Pro (paid plans)."
#: content larger than this is refused (*unconfirmed* limit: Mailchimp's help names a size
#: limit for campaign code without giving the API's answer)
MAX_CONTENT_BYTES = 1024 * 1024
#: seconds a campaign stays "sending" after it starts (then "sent"); "canceling" likewise
SEND_SECONDS = 60
_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"[ \t]+")


def bad_request(detail):
    return ApiError(400, "Bad Request", detail)


def plain_text(html):
    """The plain-text part Mailchimp generates when none is given (tags dropped, links kept
    in words only): enough for the emulator."""
    text = re.sub(r"(?is)<(script|style)[^>]*>.*?</\1>", "", html or "")
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</h\d>|</tr>", "\n", text)
    text = _TAG_RE.sub("", text)
    lines = [_SPACE_RE.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


class SendingMixin:
    #: domains verified for sending (the from/reply-to address must be at one of them)
    verified_domains = None
    #: Cancel Send needs a paid plan
    pro_enabled = True
    #: activity a send generates for its recipients (deterministic per campaign)
    send_rates = None

    def _sending_defaults(self):
        if self.verified_domains is None:
            self.verified_domains = {"emulated.example", "example.org", "example.net"}
        if self.send_rates is None:
            self.send_rates = {
                "open_rate": 0.4,
                "click_rate": 0.1,
                "bounce_rate": 0.02,
                "unsub_rate": 0.01,
            }

    # ------------------------------------------------------------------ clock
    def _tick_campaign(self, camp):
        """Move a campaign on along Mailchimp's clock: a scheduled one starts sending at its
        time, a sending one is sent (a canceling one canceled) SEND_SECONDS later."""
        info = camp["info"]
        now = self.now()
        if info["status"] == "schedule" and camp.get("schedule_time"):
            at = parse_ts(camp["schedule_time"])
            if now >= at:
                self._start_send(camp, at)
        if info["status"] in ("sending", "canceling") and camp.get("sending_until"):
            if now >= parse_ts(camp["sending_until"]):
                info["status"] = "sent" if info["status"] == "sending" else "canceled"
                camp["sending_until"] = None

    # ------------------------------------------------------------------ recipients
    def _campaign_recipients(self, camp):
        """The subscribed members a send reaches: the audience, or its segment."""
        lst = self.lists.get(camp["list_id"])
        if lst is None:
            return []
        members = [m for m in lst.members.values() if m["status"] == "subscribed"]
        opts = camp["info"]["recipients"].get("segment_opts") or {}
        seg_id = opts.get("saved_segment_id")
        if seg_id:
            seg = lst.segments.get(str(seg_id))
            web_ids = set(seg["members"]) if seg else set()
            members = [m for m in members if m["web_id"] in web_ids]
        if opts.get("conditions"):
            members = [m for m in members if self._meets_conditions(lst, m, opts)]
        return members

    def _segment_name(self, camp):
        lst = self.lists.get(camp["list_id"])
        opts = camp["info"]["recipients"].get("segment_opts") or {}
        seg_id = opts.get("saved_segment_id")
        if lst is not None and seg_id and str(seg_id) in lst.segments:
            return lst.segments[str(seg_id)]["info"]["name"]
        return None

    # ------------------------------------------------------------------ create / update
    def _apply_settings(self, camp, body, creating):
        info = camp["info"]
        settings = body.get("settings")
        if settings is not None and not isinstance(settings, dict):
            raise invalid_field("settings", "Schema describes object, string found instead")
        for key, value in (settings or {}).items():
            if key not in info["settings"]:
                continue
            if key == "reply_to" and value:
                problem = email_problem(value)
                if problem is not None:
                    raise invalid_field(
                        "settings.reply_to",
                        "This email address looks fake or invalid. Please enter a real "
                        "email address.",
                    )
            info["settings"][key] = value
        recipients = body.get("recipients")
        if recipients is not None:
            if not isinstance(recipients, dict):
                raise invalid_field("recipients", "Schema describes object, string found instead")
            if "list_id" in recipients:
                list_id = recipients["list_id"]
                if list_id not in self.lists:
                    raise invalid_field("recipients.list_id", "Invalid Resource: unknown list")
                camp["list_id"] = list_id
                info["recipients"]["list_id"] = list_id
                info["recipients"]["list_name"] = self.lists[list_id].info["name"]
            if "segment_opts" in recipients:
                opts = recipients["segment_opts"] or {}
                seg_id = opts.get("saved_segment_id")
                if seg_id and str(seg_id) not in self.lists[camp["list_id"]].segments:
                    raise invalid_field(
                        "recipients.segment_opts.saved_segment_id",
                        "Invalid Resource: unknown segment",
                    )
                self._check_conditions(self.lists[camp["list_id"]], opts, "recipients.segment_opts")
                info["recipients"]["segment_opts"] = dict(opts)
        elif creating:
            raise invalid_field("recipients.list_id", "This value should not be blank.")

    @locked
    def create_campaign(self, body):
        """POST /campaigns: a new draft (status save)."""
        self._sending_defaults()
        ctype = body.get("type")
        if ctype not in CAMPAIGN_TYPES:
            raise invalid_field("type", "Value is not one of the accepted values.")
        recipients = body.get("recipients") or {}
        list_id = recipients.get("list_id") if isinstance(recipients, dict) else None
        if not list_id or list_id not in self.lists:
            raise invalid_field("recipients.list_id", "Invalid Resource: unknown list")
        settings = body.get("settings") or {}
        cid = self.add_campaign(
            list_id,
            title=settings.get("title") or "",
            subject=settings.get("subject_line") or "",
            status="save",
            type=ctype,
            from_name=settings.get("from_name") or "",
            reply_to=settings.get("reply_to") or "",
            preview_text=settings.get("preview_text") or "",
            create_time=fmt_ts(self.now()),
        )
        camp = self.campaigns[cid]
        camp["info"]["content_type"] = "html"
        try:
            self._apply_settings(camp, body, creating=True)
        except ApiError:
            del self.campaigns[cid]
            raise
        return self._render_campaign(camp)

    @locked
    def update_campaign(self, campaign_id, body):
        """PATCH /campaigns/{id}: settings (required) and recipients of a draft."""
        camp = self.campaign(campaign_id)
        if "settings" not in body:
            raise invalid_field("settings", "This value should not be blank.")
        if camp["info"]["status"] not in EDITABLE:
            raise bad_request(CANNOT_UPDATE)
        self._apply_settings(camp, body, creating=False)
        return self._render_campaign(camp)

    @locked
    def delete_campaign(self, campaign_id):
        camp = self.campaign(campaign_id)
        if camp["info"]["status"] in ("sending", "sent", "canceling"):
            raise bad_request("This campaign cannot be deleted once it has been sent.")
        del self.campaigns[campaign_id]

    # ------------------------------------------------------------------ content
    @locked
    def set_campaign_content(self, campaign_id, body):
        """PUT /campaigns/{id}/content: html (plain text generated when left out)."""
        camp = self.campaign(campaign_id)
        if camp["info"]["status"] not in EDITABLE:
            raise bad_request(CANNOT_UPDATE)
        html = body.get("html")
        if html is None and not body.get("template") and not body.get("url"):
            raise invalid_field("html", "Either html, template, url or archive is required.")
        if html is not None and not isinstance(html, str):
            raise invalid_field("html", "Schema describes string, object found instead")
        if html is not None and len(html.encode("utf-8")) > MAX_CONTENT_BYTES:
            raise invalid_field("html", "The content is larger than the 1 MB Mailchimp accepts.")
        if body.get("template"):
            tpl = self._template((body["template"] or {}).get("id"))
            html = tpl["html"]
        camp["html"] = html or ""
        camp["plain_text"] = body.get("plain_text") or plain_text(camp["html"])
        camp["info"]["content_type"] = "template" if body.get("template") else "html"
        return self.campaign_content(campaign_id)

    @locked
    def campaign_content(self, campaign_id):
        camp = self.campaign(campaign_id)
        return {
            "html": camp.get("html") or "",
            "plain_text": camp.get("plain_text") or "",
            "archive_html": camp.get("html") or "",
        }

    # ------------------------------------------------------------------ checklist
    @locked
    def send_checklist(self, campaign_id):
        """GET /campaigns/{id}/send-checklist: Mailchimp's rules, each an item."""
        self._sending_defaults()
        camp = self.campaign(campaign_id)
        info = camp["info"]
        settings = info["settings"]
        items = []

        def item(kind, heading, details):
            items.append(
                {"type": kind, "id": len(items) + 1, "heading": heading, "details": details}
            )

        n_recipients = len(self._campaign_recipients(camp))
        lst = self.lists.get(camp["list_id"])
        list_name = lst.info["name"] if lst is not None else ""
        segment = self._segment_name(camp)
        if n_recipients:
            item("success", "List", f"MailChimp will deliver this to {n_recipients} recipients.")
        elif segment:
            item("error", "List", f'Your segment "{segment}" of list "{list_name}" is empty.')
        else:
            item("error", "List", f'Your list "{list_name}" has no subscribed recipients.')
        reply_to = settings.get("reply_to") or ""
        if not reply_to:
            item("error", "From email", "You need to enter a from email address.")
        else:
            domain = reply_to.rsplit("@", 1)[-1].lower()
            if domain in self.verified_domains:
                item("success", "From email", f"Your from email address is {reply_to}.")
            else:
                item(
                    "error",
                    "Domain verification",
                    f"The domain {domain} of your from email address {reply_to} is not "
                    "verified. Verify the domain or use an address at a verified domain.",
                )
        if settings.get("from_name"):
            item("success", "From name", f"Your from name is {settings['from_name']}.")
        else:
            item("error", "From name", "You need to enter a from name.")
        if settings.get("subject_line"):
            item("success", "Subject line", f"Your subject line is {settings['subject_line']}.")
        else:
            item("error", "Subject line", "You need to enter a subject line.")
        html = camp.get("html") or ""
        if not html.strip():
            item("error", "Content", "You need to add some content to your campaign.")
        else:
            item("success", "Content", "Your campaign has content.")
            if "*|UNSUB|*" not in html:
                item(
                    "warning",
                    "Unsubscribe link",
                    "Your content has no *|UNSUB|* link: Mailchimp adds its footer.",
                )
            if "*|LIST:ADDRESS" not in html and "*|HTML:LIST_ADDRESS" not in html:
                item(
                    "warning",
                    "Address",
                    "Your content has no *|HTML:LIST_ADDRESS_HTML|* tag: Mailchimp adds its "
                    "footer.",
                )
        is_ready = not any(i["type"] == "error" for i in items)
        return {"is_ready": is_ready, "items": items}

    def _check_ready(self, campaign_id):
        if not self.send_checklist(campaign_id)["is_ready"]:
            raise bad_request(NOT_READY)

    # ------------------------------------------------------------------ actions
    @locked
    def send_test(self, campaign_id, body):
        """POST actions/test: a test email to each address (recorded on the campaign)."""
        camp = self.campaign(campaign_id)
        emails = body.get("test_emails")
        send_type = body.get("send_type")
        if not isinstance(emails, list) or not emails:
            raise invalid_field("test_emails", "This value should not be blank.")
        if send_type not in ("html", "plaintext"):
            raise invalid_field("send_type", "Value is not one of the accepted values.")
        for email in emails:
            if email_problem(email) is not None:
                raise invalid_field(
                    "test_emails", f"{email} looks fake or invalid, please enter a real email."
                )
        if not (camp.get("html") or "").strip():
            raise bad_request(NOT_READY)
        camp.setdefault("tests", []).append(
            {"emails": list(emails), "send_type": send_type, "at": self.now_str()}
        )

    @locked
    def schedule_campaign(self, campaign_id, body):
        """POST actions/schedule: quarter hours only, in the future, a ready draft."""
        camp = self.campaign(campaign_id)
        if camp["info"]["status"] not in EDITABLE:
            raise bad_request(CANNOT_SCHEDULE)
        raw = body.get("schedule_time")
        if not raw:
            raise invalid_field("schedule_time", "This value should not be blank.")
        try:
            at = parse_ts(raw, "schedule_time")
        except ApiError:
            raise bad_request(CANNOT_SCHEDULE) from None
        if at.minute % 15 or at.second or at.microsecond or at <= self.now():
            raise bad_request(CANNOT_SCHEDULE)
        if at > self.now() + timedelta(days=365):
            raise bad_request(CANNOT_SCHEDULE)
        if body.get("timewarp") and body.get("batch_delivery"):
            raise invalid(
                "Timewarp and batch delivery cannot be used together.",
                [{"field": "batch_delivery", "message": "Not allowed with timewarp."}],
            )
        self._check_ready(campaign_id)
        camp["info"]["status"] = "schedule"
        camp["schedule_time"] = fmt_ts(at)
        camp["info"]["send_time"] = fmt_ts(at)

    @locked
    def unschedule_campaign(self, campaign_id):
        camp = self.campaign(campaign_id)
        if camp["info"]["status"] != "schedule":
            raise bad_request(NOT_SCHEDULED)
        camp["info"]["status"] = "save"
        camp["schedule_time"] = None
        camp["info"]["send_time"] = ""

    @locked
    def send_campaign(self, campaign_id):
        camp = self.campaign(campaign_id)
        if camp["info"]["status"] not in EDITABLE:
            raise bad_request(NOT_READY)
        self._check_ready(campaign_id)
        self._start_send(camp, self.now())

    @locked
    def cancel_send(self, campaign_id):
        camp = self.campaign(campaign_id)
        if not self.pro_enabled:
            raise ApiError(403, "Forbidden", CANCEL_PRO_ONLY)
        if camp["info"]["status"] != "sending":
            raise bad_request(NOT_SENDING)
        camp["info"]["status"] = "canceling"

    def _start_send(self, camp, at):
        """The campaign goes out: its recipients are recorded, their activity generated
        (opens, clicks, bounces, unsubscribes, deterministic), status sending."""
        self._sending_defaults()
        info = camp["info"]
        recipients = self._campaign_recipients(camp)
        info["status"] = "sending"
        info["send_time"] = fmt_ts(at)
        camp["schedule_time"] = None
        camp["sending_until"] = None
        self.seed_campaign_activity(
            info["id"], len(recipients), members=recipients, **self.send_rates
        )
        camp["sending_until"] = fmt_ts(at + timedelta(seconds=SEND_SECONDS))
        camp.setdefault("sends", 0)
        camp["sends"] += 1
