# isort: off
# first: the models below inherit its mixin, which must be in the registry before them
from . import mailchimp_live

# isort: on
from . import (
    mail_blacklist,
    mailchimp_account,
    mailchimp_campaign,
    mailchimp_campaign_activity,
    mailchimp_campaign_report,
    mailchimp_field_mapping,
    mailchimp_list,
    mailchimp_member,
    mailchimp_member_export,
    mailchimp_member_import,
    mailchimp_membership_mixin,
    mailchimp_merge_field,
    mailchimp_sync_run,
    mailchimp_template,
    mailchimp_webhook,
    mailchimp_webhook_event,
    mailing_contact,
    mailing_subscription,
    queue_job,
    res_partner,
)
