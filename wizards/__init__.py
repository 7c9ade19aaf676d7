from . import mailchimp_operation
