# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from lxml import etree

from odoo.tests import tagged

from .common import MailchimpCase

#: the report's figures, each with the one name every view gives it
FIGURES = {
    "emails_sent": "Recipients Sent",
    "unique_opens": "Recipients Who Opened",
    "unique_subscriber_clicks": "Recipients Who Clicked",
    "unique_clicks": "Unique Link Clicks",
    "open_rate_percent": "Open Rate (%)",
    "click_rate_percent": "Click Rate (%)",
}


@tagged("post_install", "-at_install")
class TestCampaignFigures(MailchimpCase):
    """One campaign, read in its list, its form (funnel and report), the pivot and the graph:
    every figure has one name, and the same value wherever it shows."""

    def setUp(self):
        super().setUp()
        state = self.emulator.state
        self.list_mc_id = state.add_list("Figures")
        state.seed_members(self.list_mc_id, 40, statuses=["subscribed"])
        emails = [f"member{i:05d}@example.org" for i in range(40)]
        cid = state.add_campaign(
            self.list_mc_id,
            title="Newsletter #3",
            subject="Figures",
            send_time=state.now() - timedelta(days=1),
            recipients=emails,
        )
        for email in emails[:12]:
            state.add_campaign_event(cid, email, "open")
        # 5 recipients click, 3 of them two links: 8 unique link clicks, 5 recipients
        for email in emails[:5]:
            state.add_campaign_event(cid, email, "click", url="https://example.org/a")
        for email in emails[:3]:
            state.add_campaign_event(cid, email, "click", url="https://example.org/b")
        self.account.action_test_connection()
        self.env["mailchimp.operation"].create(
            {"account_ids": [(6, 0, self.account.ids)], "import_campaigns": True}
        ).action_process()
        self.run_jobs()
        self.campaign = self.env["mailchimp.campaign"].search([("mc_id", "=", cid)])

    def arch(self, view_type):
        views = self.env["mailchimp.campaign"].get_views([(False, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    def test_one_name_and_one_value_per_figure_in_every_view(self):
        campaign = self.campaign
        self.assertRecordValues(
            campaign,
            [{"emails_sent": 40, "unique_opens": 12, "unique_subscriber_clicks": 5}],
        )
        self.assertEqual(campaign.unique_clicks, 8, "Mailchimp counts a click once per link")
        fields = self.env["mailchimp.campaign"].fields_get(list(FIGURES))
        for name, label in FIGURES.items():
            self.assertEqual(fields[name]["string"], label, name)
        # no view renames a figure
        for view_type in ("list", "form", "pivot", "graph"):
            for node in self.arch(view_type).iter("field"):
                if node.get("name") in FIGURES:
                    self.assertIsNone(node.get("string"), f"{view_type}: {node.get('name')}")
        # the list: recipients who clicked (not link clicks) beside the rates, in percent
        shown = {n.get("name"): n for n in self.arch("list").iter("field")}
        self.assertNotEqual(shown["unique_subscriber_clicks"].get("optional"), "hide")
        self.assertEqual(shown["unique_clicks"].get("optional"), "hide")
        for rate in ("open_rate", "click_rate"):
            self.assertEqual(shown[rate].get("widget"), "percentage")
        # the form's funnel: recipients at every step, its headings the fields' names
        funnel = self.arch("form").find(".//div[@name='funnel']")
        steps = [
            (box.find("div").text, box.find(".//field").get("name"))
            for box in funnel
            if box.find(".//field") is not None
        ]
        self.assertEqual(
            steps,
            [
                ("Recipients Sent", "emails_sent"),
                ("Recipients Who Opened", "unique_opens"),
                ("Recipients Who Clicked", "unique_subscriber_clicks"),
            ],
        )
        # the pivot and the graph: rates in percent only, the same values as the list's
        for view_type in ("pivot", "graph"):
            arch = self.arch(view_type)
            measures = [n.get("name") for n in arch.iter("field") if n.get("type") == "measure"]
            hidden = {n.get("name") for n in arch.iter("field") if n.get("invisible") == "1"}
            self.assertNotIn("unique_clicks", measures, view_type)
            self.assertLessEqual({"open_rate", "click_rate"}, hidden, view_type)
        groups = self.env["mailchimp.campaign"].read_group(
            [("id", "=", campaign.id)],
            [
                "emails_sent:sum",
                "unique_opens:sum",
                "unique_subscriber_clicks:sum",
                "open_rate_percent:avg",
                "click_rate_percent:avg",
            ],
            ["name"],
        )
        self.assertEqual(len(groups), 1)
        row = groups[0]
        self.assertEqual(row["emails_sent"], campaign.emails_sent)
        self.assertEqual(row["unique_opens"], campaign.unique_opens)
        self.assertEqual(row["unique_subscriber_clicks"], campaign.unique_subscriber_clicks)
        self.assertAlmostEqual(row["open_rate_percent"], round(campaign.open_rate * 100, 2))
        self.assertAlmostEqual(row["click_rate_percent"], round(campaign.click_rate * 100, 2))
        self.assertAlmostEqual(row["open_rate_percent"], 30.0)
        self.assertAlmostEqual(row["click_rate_percent"], 12.5)
