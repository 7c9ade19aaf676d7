# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may read what the addon adds, and who may make Mailchimp write or import."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import MailchimpCase, new_user, new_users

#: every Mailchimp model holding company data
MAILCHIMP_MODELS = (
    "mailchimp.account",
    "mailchimp.list",
    "mailchimp.member",
    "mailchimp.merge.field",
    "mailchimp.field.mapping",
    "mailchimp.sync.run",
    "mailchimp.template",
    "mailchimp.campaign",
    "mailchimp.campaign.activity",
)


class AccessCommon(MailchimpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plain, cls.portal, cls.mailer = new_users(
            cls.env,
            {"login": "mc_plain", "groups": "base.group_user"},
            {"login": "mc_portal", "groups": "base.group_portal"},
            {
                "login": "mc_mailer",
                "groups": "base.group_user,mass_mailing.group_mass_mailing_user",
            },
        )

    def setUp(self):
        super().setUp()
        self.account.action_test_connection()
        self.state = self.emulator.state
        self.list_mc_id = self.state.add_list(name="Newsletter")
        self.state.add_member(self.list_mc_id, "member@example.org")
        self.audience = self.env["mailchimp.list"]._import_from_account(self.account)
        self.audience.write({"push_new": True, "push_unsubscribes": True, "push_fields": True})
        self.run = self.audience._start_member_import()
        self.run_jobs()
        self.assertEqual(self.run.state, "done")
        self.member = self.audience.member_ids
        self.assertEqual(len(self.member), 1)
        self.partner = self.env["res.partner"].create(
            {"name": "Ann Partner", "email": "ann@example.org"}
        )
        self.contact = self.env["mailing.contact"].create(
            {
                "name": "Bob Contact",
                "email": "bob@example.org",
                "list_ids": [(4, self.audience.mailing_list_id.id)],
            }
        )
        self.member.partner_id = self.partner
        self.campaign = self.env["mailchimp.campaign"].create(
            {
                "name": "Sent",
                "mc_id": "camp01",
                "account_id": self.account.id,
                "list_id": self.audience.id,
                "status": "sent",
                "send_time": fields.Datetime.now() - timedelta(days=1),
            }
        )
        self.activity = self.env["mailchimp.campaign.activity"].create(
            {
                "campaign_id": self.campaign.id,
                "email": "member@example.org",
                "email_normalized": "member@example.org",
                "action": "open",
                "timestamp": fields.Datetime.now(),
                "identity_key": "k1",
                "member_id": self.member.id,
            }
        )
        self.template = self.env["mailchimp.template"].create(
            {"name": "T", "mc_id": "1", "account_id": self.account.id}
        )
        self.env["mailchimp.member"].search([]).write({"need_push": False})
        self.jobs_before = self.mailchimp_jobs(states=("pending", "enqueued", "done"))

    def new_jobs(self):
        return self.mailchimp_jobs(states=("pending", "enqueued", "done")) - self.jobs_before

    def assertRefused(self, call, label):
        """``call`` raises AccessError, calls Mailchimp 0 times and queues no job (nor
        does running what is queued call Mailchimp)."""
        with self.assertMailchimpCalls(count=0):
            with self.assertRaises(AccessError, msg=label):
                call()
            self.assertFalse(self.new_jobs(), f"{label}: a job was queued")
            self.run_jobs()


@tagged("post_install", "-at_install")
class TestContactsReadAsBefore(AccessCommon):
    """Users outside the Mailchimp groups read partners and mailing contacts as before."""

    def test_internal_and_portal_users_read_partners(self):
        Partner = self.env["res.partner"]
        self.assertEqual(self.partner.mailchimp_member_count, 1)
        self.assertEqual(self.partner.mailchimp_activity_count, 1)
        for user, partner in (
            (self.plain, self.partner),
            (self.portal, self.portal.partner_id),
            (self.mailer, self.partner),
        ):
            as_user = partner.with_user(user)
            as_user.invalidate_recordset()
            if user == self.portal:
                # a portal user could never read() every field (bank_ids...): what it can
                names = [
                    name
                    for name in as_user.fields_get(attributes=["type"])
                    if not as_user._fields[name].relational
                    or self.env[as_user._fields[name].comodel_name]
                    .with_user(user)
                    .has_access("read")
                ]
                self.assertIn("name", names)
                values = as_user.read(names)[0]
            else:
                values = as_user.read()[0]
            self.assertEqual(values["name"], partner.name, user.login)
            self.assertFalse(
                {k for k in values if k.startswith("mailchimp_")}, f"{user.login} reads them"
            )
            self.assertNotIn("mailchimp_member_count", Partner.with_user(user).fields_get())
            self.assertNotIn("mailchimp_member_ids", Partner.with_user(user).fields_get())
            if user == self.portal:
                continue
            views = Partner.with_user(user).get_views([(False, "form")])
            arch = views["views"]["form"]["arch"]
            self.assertNotIn("mailchimp", arch, f"{user.login} sees the Mailchimp buttons")
            spec = {name: {} for name in views["models"]["res.partner"]["fields"]}
            record = as_user.web_read(spec)[0]
            self.assertEqual(record["name"], partner.name)

    def test_mass_mailing_user_reads_mailing_contacts(self):
        Contact = self.env["mailing.contact"]
        as_mailer = self.contact.with_user(self.mailer)
        values = as_mailer.read()[0]
        self.assertEqual(values["name"], "Bob Contact")
        self.assertFalse({k for k in values if k.startswith("mailchimp_")})
        self.assertNotIn("mailchimp_activity_count", Contact.with_user(self.mailer).fields_get())
        views = Contact.with_user(self.mailer).get_views([(False, "form"), (False, "list")])
        self.assertNotIn("mailchimp", views["views"]["form"]["arch"])
        spec = {name: {} for name in views["models"]["mailing.contact"]["fields"]}
        self.assertEqual(as_mailer.web_read(spec)[0]["name"], "Bob Contact")
        self.assertEqual(
            Contact.with_user(self.mailer).search_count([("id", "=", self.contact.id)]), 1
        )

    def test_mailchimp_users_still_see_the_buttons(self):
        partner = self.partner.with_user(self.mc_user)
        self.assertEqual(partner.read(["mailchimp_member_count"])[0]["mailchimp_member_count"], 1)
        arch = partner.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("mailchimp_member_count", arch)
        self.assertIn("action_view_mailchimp_activity", arch)
        contact = self.contact.with_user(self.manager)
        self.assertEqual(contact.mailchimp_member_count, 1)
        arch = contact.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("mailchimp_activity_count", arch)


@tagged("post_install", "-at_install")
class TestMailchimpWritesNeedTheGroup(AccessCommon):
    """Public methods that make Mailchimp write (or import) check the Mailchimp groups."""

    def test_plain_user_cannot_export_partners_nor_contacts(self):
        self.assertRefused(
            lambda: self.partner.with_user(self.plain).action_mailchimp_export(), "partner"
        )
        self.assertRefused(
            lambda: self.contact.with_user(self.mailer).action_mailchimp_export(), "contact"
        )
        self.assertFalse(self.state.get_member(self.list_mc_id, "ann@example.org"))
        self.assertFalse(self.state.get_member(self.list_mc_id, "bob@example.org"))
        self.assertFalse(
            self.env["mailchimp.member"].search([("partner_id", "=", self.partner.id)])
            - self.member,
            "no binding created",
        )

    def test_mailchimp_user_exports(self):
        self.partner.with_user(self.mc_user).action_mailchimp_export()
        self.assertEqual(len(self.new_jobs()), 1)
        self.run_jobs()
        self.assertEqual(
            self.state.get_member(self.list_mc_id, "ann@example.org")["status"], "subscribed"
        )

    def test_users_outside_the_groups_start_nothing(self):
        for user in (self.plain, self.mailer):
            calls = {
                "import members": lambda u=user: self.audience.with_user(u).action_import_members(),
                "full resync": lambda u=user: self.audience.with_user(u).action_full_resync(),
                "push now": lambda u=user: self.audience.with_user(u).action_push_now(),
                "export existing": lambda u=user: self.audience.with_user(
                    u
                ).action_export_existing(),
                "refresh report": lambda u=user: self.campaign.with_user(u).action_refresh_report(),
                "resubscribe": lambda u=user: self.member.with_user(u).action_resubscribe_pending(),
                "test connection": lambda u=user: self.account.with_user(
                    u
                ).action_test_connection(),
                "refresh status": lambda u=user: self.account.with_user(u).action_refresh_status(),
                "disconnect": lambda u=user: self.account.with_user(u).action_disconnect(),
                "reconnect": lambda u=user: self.account.with_user(u).action_reconnect(),
            }
            for label, call in calls.items():
                self.assertRefused(call, f"{user.login}: {label}")
        self.assertTrue(self.account.active)

    def test_mailchimp_user_cannot_push_nor_resubscribe(self):
        self.member.status = "unsubscribed"
        self.member.need_push = True
        for label, call in {
            "push now": lambda: self.audience.with_user(self.mc_user).action_push_now(),
            "resubscribe": lambda: self.member.with_user(self.mc_user).action_resubscribe_pending(),
        }.items():
            self.assertRefused(call, label)


@tagged("post_install", "-at_install")
class TestMultiCompany(AccessCommon):
    """A Mailchimp manager of company B only sees and starts nothing of company A."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.manager_b = new_user(
            cls.env,
            login="mc_manager_b",
            groups="base.group_user,mailchimp_connector.group_mailchimp_manager,"
            "mass_mailing.group_mass_mailing_user",
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
        )

    def test_company_a_records_are_invisible(self):
        self.assertEqual(self.account.company_id, self.env.company)
        self.assertNotEqual(self.account.company_id, self.company_b)
        # a campaign's activity read is a sync run of the campaign's company
        activity_run = self.env["mailchimp.sync.run"].create(
            {"kind": "campaign_activity", "campaign_id": self.campaign.id, "state": "done"}
        )
        self.assertEqual(activity_run.company_id, self.account.company_id)
        self.assertIn(
            activity_run, self.env["mailchimp.sync.run"].with_user(self.manager).search([])
        )
        for model in MAILCHIMP_MODELS:
            self.assertGreater(self.env[model].search_count([]), 0, f"{model}: no data in A")
            self.assertEqual(self.env[model].with_user(self.manager_b).search_count([]), 0, model)
        # and they are still visible to a manager of company A
        for model in MAILCHIMP_MODELS:
            self.assertGreater(self.env[model].with_user(self.manager).search_count([]), 0, model)

    def test_company_a_jobs_cannot_be_started(self):
        self.member.status = "unsubscribed"
        self.member.need_push = True
        user = self.manager_b
        Operation = self.env["mailchimp.operation"].with_user(user)
        calls = {
            "import members": lambda: self.audience.with_user(user).action_import_members(),
            "full resync": lambda: self.audience.with_user(user).action_full_resync(),
            "push now": lambda: self.audience.with_user(user).action_push_now(),
            "export existing": lambda: self.audience.with_user(user).action_export_existing(),
            "refresh report": lambda: self.campaign.with_user(user).action_refresh_report(),
            "resubscribe": lambda: self.member.with_user(user).action_resubscribe_pending(),
            "test connection": lambda: self.account.with_user(user).action_test_connection(),
            "refresh status": lambda: self.account.with_user(user).action_refresh_status(),
            "disconnect": lambda: self.account.with_user(user).action_disconnect(),
            "operations wizard": lambda: Operation.create(
                {"account_ids": [(6, 0, self.account.ids)], "import_members": True}
            ).action_process(),
            "track wizard": lambda: (
                self.env["mailchimp.campaign.track"]
                .with_user(user)
                .create({"account_id": self.account.id, "mc_id": "camp01"})
                .action_track()
            ),
        }
        for label, call in calls.items():
            self.assertRefused(call, label)
        self.assertTrue(self.account.active)
        self.assertEqual(self.account.state, "connected")
        self.assertEqual(self.member.status, "unsubscribed")

    def test_exports_of_company_b_find_no_audience_of_a(self):
        with self.assertMailchimpCalls(count=0):
            self.partner.with_user(self.manager_b).action_mailchimp_export()
            self.contact.with_user(self.manager_b).action_mailchimp_export()
            self.assertFalse(self.new_jobs())
            self.run_jobs()
        self.assertFalse(
            self.env["mailchimp.member"].search([("email_normalized", "=", "ann@example.org")])
        )
