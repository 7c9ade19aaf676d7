from . import (
    mailchimp_campaign_track,
    mailchimp_erasure_wizard,
    mailchimp_export_existing,
    mailchimp_operation,
    mailing_mailing_mailchimp,
)
