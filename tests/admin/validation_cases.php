<?php
declare(strict_types=1);

// The admin side of the shared validation rules: every case of
// tests/data/validation-cases.json gets the verdict the file states from the
// functions the forms and the CSV import use (admin-php/lib/validate.php).
// tests/core/validation_cases_test.cpp holds the engine to the same file.
// Usage: php validation_cases.php [cases.json]; exit status 1 on any mismatch.

require __DIR__ . '/../../admin-php/lib/validate.php';

$file = $argv[1] ?? __DIR__ . '/../data/validation-cases.json';
$cases = json_decode((string) file_get_contents($file), true, 512, JSON_THROW_ON_ERROR);

/** "input" or, for bytes JSON cannot carry as text, "input_hex". */
function pd_case_text(array $case, string $key): string
{
    if (isset($case[$key . '_hex'])) {
        return (string) hex2bin($case[$key . '_hex']);
    }
    if (!array_key_exists($key, $case)) {
        throw new RuntimeException("a case without $key: " . json_encode($case));
    }
    return $case[$key];
}

// kind => [minimum number of cases, the field every message starts with, verdict: fn (input, case) => null (valid) or the message]
$kinds = [
    'campaign_names' => [8, 'Name', fn (string $in) => pd_check_campaign_name($in)],
    'numbers' => [15, 'Number', function (string $in, array $case): ?string {
        $normalized = pd_normalize_number($in);
        $expected = pd_case_text($case, 'normalized');
        if ($normalized !== $expected) {
            return 'MISMATCH normalised to ' . json_encode($normalized) . ', expected ' . json_encode($expected);
        }
        return pd_check_number($normalized);
    }],
    'dial_prefixes' => [8, 'Dial prefix', fn (string $in) => pd_check_dial_prefix($in)],
    'variables' => [20, 'Variables', fn (string $in) => pd_check_variables($in)],
    'caller_ids' => [8, 'Caller id', fn (string $in) => pd_check_caller_id($in)],
    'destinations' => [10, 'Destination', fn (string $in) => pd_check_destination($in, 'Destination')],
    'time_zones' => [20, 'Time zone', fn (string $in) => pd_check_time_zone($in)],
    'crm_url_templates' => [20, 'CRM link', fn (string $in) => pd_check_crm_url_template($in)],
    'wrapup_seconds' => [8, 'Wrap-up seconds', fn (string $in) => pd_check_wrapup_seconds($in)],
    'pause_reasons' => [12, 'Pause reasons', fn (string $in) => pd_check_pause_reasons($in)],
    'abandon_targets' => [12, 'Abandon target', fn (string $in) => pd_check_abandon_target($in)],
    'abandon_messages' => [10, 'Abandon message', fn (string $in) => pd_check_abandon_message($in)],
    'webhook_urls' => [20, 'Webhook URL', fn (string $in) => pd_check_webhook_url($in)],
    'webhook_secrets' => [6, 'Webhook secret', fn (string $in) => pd_check_webhook_secret($in)],
];

$failures = [];
$checked = 0;
foreach ($kinds as $kind => [$minimum, $field, $verdict]) {
    $list = $cases[$kind] ?? [];
    if (count($list) < $minimum) {
        $failures[] = "$kind: " . count($list) . " cases, expected at least $minimum";
    }
    foreach ($list as $i => $case) {
        $input = pd_case_text($case, 'input');
        $error = $verdict($input, $case);
        $checked++;
        $mismatch = $error !== null && str_starts_with($error, 'MISMATCH');
        if ($mismatch || ($error === null) !== $case['valid']) {
            $failures[] = sprintf('%s #%d %s: expected %s, got %s', $kind, $i, json_encode($input, JSON_INVALID_UTF8_SUBSTITUTE),
                $case['valid'] ? 'valid' : 'invalid', $error ?? 'valid');
        } elseif ($error !== null && !str_starts_with($error, $field)) {
            // The forms show the message next to the field; it still names it ("Dial prefix: ...").
            $failures[] = "$kind #$i: the message does not start with $field: $error";
        }
    }
}
foreach ($failures as $failure) {
    fwrite(STDERR, "FAIL $failure\n");
}
printf("%d cases checked, %d failures\n", $checked, count($failures));
exit($failures === [] ? 0 : 1);
