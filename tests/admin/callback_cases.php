<?php
declare(strict_types=1);

// The admin side of the callback time rule: every case of tests/data/callback-cases.json gets
// the due instant or the refusal the file states from pd_callback_due() (the Callbacks page).
// tests/core/callback_cases_test.cpp holds the engine (pd::core::plan_callback) to the same file.
// Usage: php callback_cases.php [cases.json]; exit status 1 on any mismatch.

require __DIR__ . '/../../admin-php/lib/callbacks.php';

$file = $argv[1] ?? __DIR__ . '/../data/callback-cases.json';
$data = json_decode((string) file_get_contents($file), true, 512, JSON_THROW_ON_ERROR);
$failures = 0;
foreach ($data['cases'] as $index => $case) {
    $campaign = $data['campaigns'][$case['campaign']];
    $now = (new DateTimeImmutable($case['now']))->getTimestamp();
    $got = pd_callback_due($campaign, $case['number_zone'], $case['local'], $now);
    $label = "case $index ({$case['why']})";
    if (isset($case['due'])) {
        $want = (new DateTimeImmutable($case['due']))->getTimestamp();
        if (($got['due'] ?? null) !== $want) {
            echo "FAIL $label: expected due {$case['due']}, got " . json_encode($got) . "\n";
            $failures++;
        }
    } elseif (!isset($got['error']) || !str_contains($got['error'], $case['error'])) {
        echo "FAIL $label: expected an error containing " . json_encode($case['error']) . ', got ' . json_encode($got) . "\n";
        $failures++;
    }
}
$total = count($data['cases']);
if ($total < 20) {
    echo "FAIL: only $total cases\n";
    $failures++;
}
echo $failures === 0 ? "ok: $total callback cases\n" : "$failures of $total callback cases failed\n";
exit($failures === 0 ? 0 : 1);
