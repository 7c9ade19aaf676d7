-- neutralization of Mailchimp Connector: a copied database must never talk to the real account
UPDATE mailchimp_account
   SET api_key = NULL,
       api_base_url = NULL,
       oauth_token = NULL,
       oauth_nonce_hash = NULL,
       state = 'draft',
       auto_sync_member = False;
-- webhooks: the copy answers no webhook URL (404) and keeps no secret
UPDATE mailchimp_list
   SET webhook_secret = NULL,
       webhook_token_hash = NULL,
       webhook_mc_id = NULL,
       webhook_state = 'none';
-- the Mailchimp app's client secret (OAuth2) and the login server override
DELETE FROM ir_config_parameter
 WHERE key IN ('mailchimp_connector.oauth_client_secret', 'mailchimp_connector.oauth_base_url');
