from . import (
    mailchimp_campaign_track,
    mailchimp_consent_update,
    mailchimp_erasure_wizard,
    mailchimp_export_existing,
    mailchimp_interest_create,
    mailchimp_operation,
    mailchimp_partner_push,
    mailing_mailing_mailchimp,
)
