"""Consent: anyone may withdraw it, only the person may give it (issue 26).

Pure rules, free of the ORM: who decided a change made in Odoo, what an opt-in made there
does given what Mailchimp says of the address, and which Mailchimp status is the person's
consent. The models (``models/mailing_subscription.py``, ``models/mail_blacklist.py``, the
import's ``services/sync_rules.py``) apply the answers.
"""

from .statuses import STATUS_CLEANED, STATUS_PENDING, STATUS_SUBSCRIBED, STATUS_UNSUBSCRIBED

#: the kinds of a consent record (``mailchimp.consent``)
KIND_GIVEN = "given"
KIND_WITHDRAWN = "withdrawn"
KIND_PENDING = "pending"
KIND_CONFIRMED = "confirmed"
#: where a consent decision was made or learned
SOURCE_IMPORT = "mailchimp_import"
SOURCE_WEBHOOK = "webhook"
SOURCE_USER = "odoo_user"
SOURCE_PERSON = "odoo_person"
SOURCE_OPT_OUT = "odoo_opt_out"
SOURCE_BLACKLIST = "odoo_blacklist"
SOURCE_EXPORT = "export"
SOURCE_DOUBLE_OPT_IN = "double_opt_in"
SOURCE_ERASURE = "erasure"

#: an opt-in made in Odoo is applied as asked
OPT_IN_APPLY = "apply"
#: the opt-out stays; Mailchimp is asked to send the person a confirmation (double opt-in,
#: status pending), and the person's confirmation lifts it
OPT_IN_REQUEST = "request"
#: the opt-out stays: the address bounces (cleaned), a fact no one in Odoo can undo
OPT_IN_KEPT = "kept"


def decided_by_person(share_user, acting_for_person=False):
    """Whether a change made in Odoo is the person's own decision: made through Odoo's public
    pages (the unsubscribe page runs as the public user; a portal user manages their own
    subscriptions: ``share_user``), or by code acting on the person's request
    (``acting_for_person``). A backend user's change, or a job's, is not."""
    return bool(share_user or acting_for_person)


def odoo_opt_in(statuses, by_person):
    """What an opt-in made in Odoo (an opt-out lifted, a blacklist entry removed) does, given
    the statuses Mailchimp has for the address where the opt-in applies (as Odoo last read
    them; ``statuses``: an iterable, empty when Mailchimp has no member). The person's own
    opt-in is their newest decision (``OPT_IN_APPLY``). A user's opt-in of someone
    Mailchimp says bounced is refused (``OPT_IN_KEPT``: a bounce is a fact); of someone
    Mailchimp says unsubscribed it is only a request (``OPT_IN_REQUEST``); else (subscribed,
    pending, not a member) Mailchimp holds the person's consent, and it applies."""
    if by_person:
        return OPT_IN_APPLY
    statuses = set(statuses)
    if STATUS_CLEANED in statuses:
        return OPT_IN_KEPT
    if STATUS_UNSUBSCRIBED in statuses:
        return OPT_IN_REQUEST
    return OPT_IN_APPLY


def counts_as_opt_in(by_person, by_connector=False):
    """Whether an opt-in made in Odoo is dated as a consent decision that an older
    unsubscribe or bounce read from Mailchimp does not undo: the person's own, or the
    connector's when it follows Mailchimp (a re-subscription read there); never a user's
    (a user's opt-in of someone Mailchimp says unsubscribed or bounced is undone by the next
    read of that status)."""
    return bool(by_person or by_connector)


def lifts_odoo_opt_out(status):
    """Whether Mailchimp's status is the person's consent, which lifts an opt-out Odoo holds:
    subscribed only. Pending is a confirmation asked and not given yet: the opt-out stays
    until the person confirms."""
    return status == STATUS_SUBSCRIBED


def consent_state(status):
    """The opt status a Mailchimp status means (``KIND_GIVEN``, ``KIND_PENDING``,
    ``KIND_WITHDRAWN``), None for the statuses that say nothing of consent (archived,
    permanently deleted, transactional, none)."""
    if status == STATUS_SUBSCRIBED:
        return KIND_GIVEN
    if status == STATUS_PENDING:
        return KIND_PENDING
    if status in (STATUS_UNSUBSCRIBED, STATUS_CLEANED):
        return KIND_WITHDRAWN
    return None


def consent_change(last_kind, state, new_decision=False):
    """The consent record a decision writes, or None for a no-op: ``last_kind`` is the kind
    of the address's last record on the audience (None: none yet), ``state`` the opt status
    now (:func:`consent_state`), ``new_decision`` whether it is a decision Odoo had not seen
    even when it reads like the last one (the person opted in and out again, say). A
    confirmation is a given consent after a pending one."""
    if state is None:
        return None
    last = KIND_GIVEN if last_kind == KIND_CONFIRMED else last_kind
    if state == last and not new_decision:
        return None
    if state == KIND_GIVEN and last == KIND_PENDING:
        return KIND_CONFIRMED
    return state
