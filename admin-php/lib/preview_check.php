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

/**
 * The placeholders that put contact data into the card unescaped, as written,
 * each once, in order: {NAME|s} (FOP2 style, any name but the dial button's)
 * or, in a native ctemplate text (one that holds "{{"), a marker whose
 * modifiers include :none ({{NOTE:none}}). The engine's renderer
 * (pd::preview::raw_placeholders) finds the same ones; both are checked
 * against templates/preview-check-cases.json.
 *
 * @return list<string>
 */
function pd_preview_raw_placeholders(string $template): array
{
    $found = [];
    if (str_contains($template, '{{')) {
        preg_match_all('/\{\{([A-Za-z0-9_]+)((?::[^:{}]*)*)\}\}/', $template, $all, PREG_SET_ORDER);
        foreach ($all as [$marker, $name, $modifiers]) {
            $names = array_map(fn (string $m) => explode('=', $m, 2)[0], array_slice(explode(':', $modifiers), 1));
            if (in_array('none', $names, true) && !in_array($name, ['DIALBUTTON', 'DIALERBUTTON'], true)) {
                $found[$marker] = true;
            }
        }
        return array_keys($found);
    }
    preg_match_all('/\{([A-Za-z0-9_]+)\|s\}/', $template, $all, PREG_SET_ORDER);
    foreach ($all as [$marker, $name]) {
        if (!in_array($name, ['DIALBUTTON', 'DIALERBUTTON'], true)) {
            $found[$marker] = true;
        }
    }
    return array_keys($found);
}

/**
 * Why a template with raw contact placeholders is refused while the admin has
 * not allowed raw HTML, or null when it has none (or raw HTML is allowed).
 */
function pd_preview_raw_problem(string $template, bool $allowRawHtml): ?string
{
    $raw = pd_preview_raw_placeholders($template);
    if ($raw === [] || $allowRawHtml) {
        return null;
    }
    return 'The preview template shows contact data unescaped: ' . implode(', ', $raw) . '. Markup (even a script) in a contact\'s data would then run in the agent\'s card.'
        . ' Write the placeholder without |s (or :none) to show it as text, or tick "Allow raw HTML" if the data is trusted.';
}
