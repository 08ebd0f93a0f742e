<?php
declare(strict_types=1);

/** The placeholders the preview card's Dial button can be written as (FOP2 style). */
const PD_DIAL_BUTTON_PLACEHOLDERS = ['{DIALBUTTON|s}', '{DIALERBUTTON|s}', '{{DIALBUTTON:none}}', '{{DIALERBUTTON:none}}'];

/**
 * The preview card needs a Dial button, or agents cannot place the call: the
 * template must contain {DIALBUTTON|s} or {DIALERBUTTON|s}. Returns the
 * warning, or null when one is there. assets/settings.js mirrors this check
 * to warn while typing; this one is the rule.
 */
function pd_preview_template_problem(string $template): ?string
{
    foreach (PD_DIAL_BUTTON_PLACEHOLDERS as $placeholder) {
        if (str_contains($template, $placeholder)) {
            return null;
        }
    }
    return 'The preview template has no dial button: add {DIALBUTTON|s} or {DIALERBUTTON|s}, otherwise agents cannot place the call.';
}
