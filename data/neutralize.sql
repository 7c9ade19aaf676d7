-- neutralization of Mailchimp Connector: a copied database must never talk to the real account
UPDATE mailchimp_account
   SET api_key = NULL,
       api_base_url = NULL,
       state = 'draft',
       auto_sync_member = False;
-- webhooks: the copy answers no webhook URL (404) and keeps no secret
UPDATE mailchimp_list
   SET webhook_secret = NULL,
       webhook_token_hash = NULL,
       webhook_mc_id = NULL,
       webhook_state = 'none';
