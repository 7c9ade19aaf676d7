# isort: off
# first: the models below inherit the live mixin, which must be in the registry before them,
# and mailchimp_webhook extends the webhook event model
from . import mailchimp_live
from . import mailchimp_webhook_event

# isort: on
from . import (
    mail_blacklist,
    mailchimp_account,
    mailchimp_account_oauth,
    mailchimp_audit_log,
    mailchimp_campaign,
    mailchimp_campaign_activity,
    mailchimp_campaign_mailing,
    mailchimp_campaign_report,
    mailchimp_consent,
    mailchimp_erasure,
    mailchimp_field_mapping,
    mailchimp_interest,
    mailchimp_interest_sync,
    mailchimp_list,
    mailchimp_member,
    mailchimp_member_consent,
    mailchimp_member_export,
    mailchimp_member_import,
    mailchimp_membership_mixin,
    mailchimp_merge_field,
    mailchimp_segment,
    mailchimp_segment_skip,
    mailchimp_sync_run,
    mailchimp_tag_sync,
    mailchimp_template,
    mailchimp_webhook,
    mailchimp_welcome,
    mailing_contact,
    mailing_mailing,
    mailing_subscription,
    queue_job,
    res_partner,
)
