"""Classic automations: workflows, their emails and the API queue of an email.

Mailchimp's ``POST /automations/{workflow_id}/emails/{workflow_email_id}/queue`` adds a
subscriber of the workflow's audience to the email's queue ("Add subscriber to workflow
email"). The refusals follow what integrators report; their exact wording is *unconfirmed*
(no first-party source gives it): a workflow that is not sending (paused, draft), an address
that is not a subscribed member of the workflow's audience, and an address already queued
to (or sent) that email, which Mailchimp queues once per person.
"""

from ..util import ApiError, fmt_ts, locked, not_found, page, subscriber_hash

#: the statuses of a classic automation (``GET /automations``)
AUTOMATION_STATUSES = ("save", "paused", "sending")


def _bad_request(detail):
    return ApiError(400, "Bad Request", detail)


class AutomationMixin:
    def _automation(self, workflow_id):
        workflow = self.automations.get(workflow_id)
        if workflow is None:
            raise not_found()
        return workflow

    def _automation_email(self, workflow, email_id):
        email = workflow["emails"].get(email_id)
        if email is None:
            raise not_found()
        return email

    @locked
    def add_automation(
        self,
        list_id,
        title="Welcome",
        status="sending",
        emails=("Welcome email",),
        workflow_type="api",
    ):
        """A classic automation of ``list_id`` with one email per subject in ``emails``;
        returns the workflow id (its emails: :meth:`automation_emails`)."""
        self._list(list_id)
        if status not in AUTOMATION_STATUSES:
            raise ValueError(f"unknown automation status {status!r}")
        workflow_id = self._hex_id(self.automations)
        now = self.now_str()
        workflow = {
            "id": workflow_id,
            "create_time": now,
            "start_time": now if status == "sending" else "",
            "status": status,
            "emails_sent": 0,
            "recipients": {"list_id": list_id, "list_is_active": True},
            "settings": {"title": title, "from_name": "Emma Ulator", "reply_to": ""},
            "trigger_settings": {"workflow_type": workflow_type},
            "emails": {},
        }
        taken = set()
        for position, subject in enumerate(emails, start=1):
            email_id = self._hex_id(taken)
            taken.add(email_id)
            workflow["emails"][email_id] = {
                "id": email_id,
                "workflow_id": workflow_id,
                "position": position,
                "status": status,
                "emails_sent": 0,
                "settings": {"subject_line": subject, "title": subject},
                "delay": {"amount": 0, "type": "now", "direction": "after", "action": "api"},
                "queue": {},
            }
        self.automations[workflow_id] = workflow
        return workflow_id

    @locked
    def set_automation_status(self, workflow_id, status):
        """Pause (``paused``) or start (``sending``) a workflow and its emails."""
        workflow = self._automation(workflow_id)
        workflow["status"] = status
        for email in workflow["emails"].values():
            email["status"] = status

    @staticmethod
    def _render_automation(workflow):
        out = {k: v for k, v in workflow.items() if k != "emails"}
        out["recipients"] = dict(workflow["recipients"])
        out["settings"] = dict(workflow["settings"])
        out["trigger_settings"] = dict(workflow["trigger_settings"])
        return out

    @staticmethod
    def _render_automation_email(workflow, email):
        out = {k: v for k, v in email.items() if k != "queue"}
        out["settings"] = dict(email["settings"])
        out["delay"] = dict(email["delay"])
        out["recipients"] = dict(workflow["recipients"])
        return out

    @locked
    def automation_page(self, query):
        """``GET /automations``: the account's classic automations."""
        items = list(self.automations.values())
        status = query.get("status")
        if status:
            items = [w for w in items if w["status"] == status]
        return page(query, "automations", items, self._render_automation)

    @locked
    def get_automation(self, workflow_id):
        return self._render_automation(self._automation(workflow_id))

    @locked
    def automation_emails(self, workflow_id):
        """``GET /automations/{id}/emails``: every email of the workflow (not paged)."""
        workflow = self._automation(workflow_id)
        emails = sorted(workflow["emails"].values(), key=lambda e: e["position"])
        return {
            "emails": [self._render_automation_email(workflow, e) for e in emails],
            "total_items": len(emails),
        }

    @locked
    def queue_automation_email(self, workflow_id, email_id, email_address):
        """``POST …/queue``: add a subscribed member of the workflow's audience to the queue
        of one of its emails, once."""
        workflow = self._automation(workflow_id)
        email = self._automation_email(workflow, email_id)
        address = (email_address or "").strip()
        if not address:
            raise ApiError(
                400,
                "Invalid Resource",
                "The resource submitted could not be validated.",
                errors=[{"field": "email_address", "message": "This value should not be blank."}],
            )
        if workflow["status"] != "sending" or email["status"] != "sending":
            raise _bad_request(
                "You can only add subscribers to the queue of an automation email that is "
                "sending; this one is " + email["status"] + "."
            )
        list_id = workflow["recipients"]["list_id"]
        member = self._find_member(self._list(list_id), address)
        if member is None or member["status"] != "subscribed":
            raise _bad_request(f"{address} is not a subscribed member of this audience.")
        key = subscriber_hash(address)
        if key in email["queue"]:
            raise _bad_request("You have already sent this email to this subscriber.")
        entry = {
            "id": key,
            "workflow_id": workflow_id,
            "email_id": email_id,
            "list_id": list_id,
            "list_is_active": True,
            "email_address": member["email_address"],
            "next_send": fmt_ts(self.now()),
        }
        email["queue"][key] = entry
        return dict(entry)

    @locked
    def automation_queue(self, workflow_id, email_id):
        """``GET …/queue``: the addresses queued to that email."""
        workflow = self._automation(workflow_id)
        email = self._automation_email(workflow, email_id)
        queue = [dict(entry) for entry in email["queue"].values()]
        return {
            "workflow_id": workflow_id,
            "email_id": email_id,
            "queue": queue,
            "total_items": len(queue),
        }

    @locked
    def queued_addresses(self, workflow_id=None):
        """Tests: every (workflow id, email id, address) queued so far, in queue order."""
        out = []
        for workflow in self.automations.values():
            if workflow_id and workflow["id"] != workflow_id:
                continue
            for email in workflow["emails"].values():
                out.extend(
                    (workflow["id"], email["id"], entry["email_address"])
                    for entry in email["queue"].values()
                )
        return out
