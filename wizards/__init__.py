from . import (
    mailchimp_campaign_track,
    mailchimp_consent_update,
    mailchimp_export_existing,
    mailchimp_operation,
    mailing_mailing_mailchimp,
)
