-- Screen pop (issue 11, item 3): an optional CRM link per campaign, shown on
-- the agent's contact card when a call reaches them. A URL template
-- (https://crm.example/x?phone={NUMBER}&id={VARIABLE:customer_id}); its rules
-- are pd::core::check_url_template and pd_check_crm_url_template (the admin
-- form), held to tests/data/validation-cases.json. Empty: no link.
ALTER TABLE dialer_campaigns
  ADD COLUMN crm_url_template VARCHAR(1000) NOT NULL DEFAULT '';
