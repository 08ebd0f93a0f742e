-- The default preview card gains class names the agent panel styles and tests
-- address (.pd-name, .pd-number), the same text as templates/preview.tpl.
-- A template the admin has edited is left alone.
UPDATE dialer_settings
   SET value = '<div class="pd-card">\n  <h2 class="pd-name">{NAME}</h2>\n  <p class="pd-number">{NUMBER}</p>\n  {DIALBUTTON|s}\n</div>\n'
 WHERE name = 'preview_template'
   AND value = '<div class="pd-card">\n  <h2>{NAME}</h2>\n  <p class="pd-number">{NUMBER}</p>\n  {DIALBUTTON|s}\n</div>\n';
