<?php
declare(strict_types=1);

// The admin side of the shared preview template checks: every case of
// templates/preview-check-cases.json gets the verdict the file states from the
// functions the Settings page uses (admin-php/lib/preview_check.php);
// tests/preview/preview_test.cpp holds the plugin's renderer to the same file.
// Usage: php preview_cases.php [cases.json]; exit status 1 on any mismatch.

require __DIR__ . '/../../admin-php/lib/preview_check.php';

$file = $argv[1] ?? __DIR__ . '/../../templates/preview-check-cases.json';
$cases = json_decode((string) file_get_contents($file), true, 512, JSON_THROW_ON_ERROR);
$failures = 0;
$checked = 0;
foreach ($cases['cases'] as $case) {
    $checked++;
    if ((pd_preview_template_problem($case['template']) === null) !== $case['has_dial_button']) {
        $failures++;
        fwrite(STDERR, 'dial button: ' . json_encode($case) . "\n");
    }
}
foreach ($cases['raw_placeholder_cases'] as $case) {
    $checked++;
    $found = pd_preview_raw_placeholders($case['template']);
    if ($found !== $case['raw_placeholders']) {
        $failures++;
        fwrite(STDERR, 'raw placeholders: ' . json_encode($case) . ' found ' . json_encode($found) . "\n");
    }
    // Refused unless allowed, naming every raw placeholder.
    $problem = pd_preview_raw_problem($case['template'], false);
    $named = $problem !== null && array_reduce($found, fn (bool $all, string $m) => $all && str_contains($problem, $m), true);
    if (($found === [] ? $problem !== null : !$named) || pd_preview_raw_problem($case['template'], true) !== null) {
        $failures++;
        fwrite(STDERR, 'raw problem: ' . json_encode($case) . ' said ' . json_encode($problem) . "\n");
    }
}
if (count($cases['raw_placeholder_cases']) < 5) {
    $failures++;
    fwrite(STDERR, "fewer than 5 raw placeholder cases\n");
}
echo "$checked preview template cases, $failures failed\n";
exit($failures === 0 ? 0 : 1);
