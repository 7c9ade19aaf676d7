# Copyright 2026 mailchimp_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Mailchimp Connector",
    "summary": "Two-way sync of Mailchimp audiences, members, templates and campaigns",
    "version": "18.0.1.0.0",
    "category": "Marketing/Email Marketing",
    "website": "https://github.com/mailchimp-connector/mailchimp_connector",
    "author": "mailchimp_connector contributors",
    "license": "LGPL-3",
    "depends": ["mass_mailing", "contacts", "queue_job"],
    "external_dependencies": {"python": ["requests", "phonenumbers"]},
    "post_load": "_post_load",
    "data": [
        "security/mailchimp_security.xml",
        "security/ir.model.access.csv",
        "data/queue_job_data.xml",
        "data/mailing_optout_data.xml",
        "data/ir_cron_data.xml",
        "wizards/mailchimp_campaign_track_views.xml",
        "views/mailchimp_template_views.xml",
        "views/mailchimp_campaign_views.xml",
        "views/mailchimp_campaign_activity_views.xml",
        "views/mailchimp_account_views.xml",
        "views/mailchimp_oauth_templates.xml",
        "views/mailchimp_webhook_event_views.xml",
        "views/mailchimp_list_views.xml",
        "views/mailchimp_sync_run_views.xml",
        "views/mailchimp_member_views.xml",
        "views/mailing_contact_views.xml",
        "views/res_partner_views.xml",
        "wizards/mailchimp_operation_views.xml",
        "wizards/mailchimp_export_existing_views.xml",
        "views/mailchimp_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "mailchimp_connector/static/src/live/**/*",
        ],
        "web.assets_tests": [
            "mailchimp_connector/static/src/tours/**/*",
        ],
    },
}
