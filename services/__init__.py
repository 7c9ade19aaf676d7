"""Pure-Python services of mailchimp_connector (no Odoo import): API client, sync rules."""
