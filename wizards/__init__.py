from . import mailchimp_campaign_track, mailchimp_operation
