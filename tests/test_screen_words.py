# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree

from odoo import models
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import MailchimpCase


@tagged("post_install", "-at_install")
class TestScreenWords(MailchimpCase):
    """Every window and record has a real title; members are found by name."""

    def test_every_record_of_the_connector_has_a_real_name(self):
        missing = []
        for name in sorted(self.env.registry):
            if not name.startswith("mailchimp.") or self.env[name]._abstract:
                continue
            Model = self.env[name]
            overridden = (
                type(Model)._compute_display_name is not models.BaseModel._compute_display_name
            )
            if not overridden and Model._rec_name not in Model._fields:
                missing.append(name)
        self.assertEqual(missing, [], "shown as 'model,id' in breadcrumbs and dialogs")
        wizard = self.env["mailchimp.operation"].create({"account_ids": [(6, 0, self.account.ids)]})
        self.assertEqual(wizard.display_name, "MailChimp Operations")

    def test_export_existing_dialog_has_a_title(self):
        audience = self.env["mailchimp.list"].create(
            {"name": "Titles", "mc_id": "t1", "account_id": self.account.id, "push_new": True}
        )
        action = audience.action_export_existing()
        self.assertEqual(action["name"], "Export Existing Contacts")

    def test_members_are_found_by_name_contact_and_partner(self):
        audience = self.env["mailchimp.list"].create(
            {"name": "Search", "mc_id": "s1", "account_id": self.account.id}
        )
        contact = self.env["mailing.contact"].create({"name": "Ada Lovelace", "email": "a@x.org"})
        partner = self.env["res.partner"].create({"name": "Grace Hopper", "email": "g@x.org"})
        Member = self.env["mailchimp.member"]
        ada, grace, other = Member.create(
            [
                {
                    "list_id": audience.id,
                    "email": "a@x.org",
                    "email_normalized": "a@x.org",
                    "mailing_contact_id": contact.id,
                },
                {
                    "list_id": audience.id,
                    "email": "g@x.org",
                    "email_normalized": "g@x.org",
                    "partner_id": partner.id,
                },
                {
                    "list_id": audience.id,
                    "email": "z@x.org",
                    "email_normalized": "z@x.org",
                    "synced_first_name": "Zoë",
                    "synced_last_name": "Zed",
                },
            ]
        )
        arch = etree.fromstring(Member.get_views([(False, "search")])["views"]["search"]["arch"])
        member_field = next(n for n in arch.iter("field") if n.get("string") == "Member")

        def find(text):
            domain = safe_eval(member_field.get("filter_domain"), {"self": text})
            return Member.search(domain + [("list_id", "=", audience.id)])

        # which record's name Mailchimp receives
        self.assertEqual(ada.name_source, "Ada Lovelace (the mailing contact)")
        self.assertEqual(grace.name_source, "Grace Hopper (the contact)")
        self.assertFalse(other.name_source)
        self.assertEqual(find("lovelace"), ada)
        self.assertEqual(find("Hopper"), grace)
        self.assertEqual(find("zed"), other)
        self.assertEqual(find("g@x"), grace)
        self.assertFalse(find("nobody"))

    def test_the_no_member_help_only_when_there_is_no_member(self):
        Member = self.env["mailchimp.member"]
        Member.search([]).unlink()
        self.assertIn(
            "No Mailchimp member yet", Member.get_empty_list_help("<p>No Mailchimp member yet</p>")
        )
        audience = self.env["mailchimp.list"].create(
            {"name": "Help", "mc_id": "h1", "account_id": self.account.id}
        )
        Member.create(
            {"list_id": audience.id, "email": "one@x.org", "email_normalized": "one@x.org"}
        )
        help_text = Member.get_empty_list_help("<p>No Mailchimp member yet</p>")
        self.assertNotIn("No Mailchimp member yet", help_text)
        self.assertIn("No Mailchimp member matches this search", help_text)

    def test_the_activity_graph_shows_no_invented_series(self):
        """With no activity yet, the graph's sample data drew a 'None' series (a sample
        action left empty): the graph shows the real rows or its help, never samples."""
        arch = etree.fromstring(
            self.env["mailchimp.campaign.activity"].get_views([(False, "graph")])["views"]["graph"][
                "arch"
            ]
        )
        self.assertNotIn(arch.get("sample"), ("1", "True", "true"))
        actions = dict(self.env["mailchimp.campaign.activity"]._fields["action"].selection)
        self.assertNotIn(False, actions)
        self.assertTrue(self.env["mailchimp.campaign.activity"]._fields["action"].required)
