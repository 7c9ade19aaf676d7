-- neutralization of Mailchimp Connector: a copied database must never talk to the real account
UPDATE mailchimp_account
   SET api_key = NULL,
       api_base_url = NULL,
       state = 'draft',
       auto_sync_member = False;
