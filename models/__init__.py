from . import (
    mailchimp_account,
    mailchimp_campaign,
    mailchimp_campaign_activity,
    mailchimp_list,
    mailchimp_member,
    mailchimp_membership_mixin,
    mailchimp_merge_field,
    mailchimp_sync_run,
    mailchimp_template,
    mailing_contact,
    queue_job,
    res_partner,
)
