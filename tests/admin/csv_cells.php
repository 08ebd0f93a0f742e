<?php
declare(strict_types=1);

// The CSV exports' cells (admin-php/lib/csv_export.php): a spreadsheet must
// show every exported value as text, never run it as a formula; and the
// Calls log's talk time (admin-php/lib/list_filters.php). Pure PHP, no
// database. Usage: php csv_cells.php; exit status 1 on any mismatch.

require __DIR__ . '/../../admin-php/lib/csv_export.php';
require __DIR__ . '/../../admin-php/lib/list_filters.php';

$failures = 0;
$check = function (string $what, mixed $got, mixed $want) use (&$failures): void {
    if ($got !== $want) {
        ++$failures;
        fwrite(STDERR, "FAIL $what: got " . var_export($got, true) . ', want ' . var_export($want, true) . "\n");
    }
};

$cells = [
    // Formula starters are quoted...
    ['=1+1', "'=1+1"],
    ['=HYPERLINK("http://x","y")', "'=HYPERLINK(\"http://x\",\"y\")"],
    ['+SUM(A1:A2)', "'+SUM(A1:A2)"],
    ['-1+cmd|\' /C calc\'!A0', "'-1+cmd|' /C calc'!A0"],
    ['@SUM(1)', "'@SUM(1)"],
    ["\t=1+1", "'\t=1+1"],
    ["\r=1+1", "'\r=1+1"],
    ['+1 555 0100', "'+1 555 0100"],
    ['-', "'-"],
    // ...plain numbers cannot carry a formula and stay as they are...
    ['+4930123456', '+4930123456'],
    ['-3', '-3'],
    ['-2.5', '-2.5'],
    // ...and so does everything else.
    ['', ''],
    [null, ''],
    [42, '42'],
    ['Ana', 'Ana'],
    ['a=b', 'a=b'],
    ["'quoted", "'quoted"],
    ['Ok', 'Ok'],
];
foreach ($cells as [$in, $want]) {
    $check('pd_csv_cell(' . var_export($in, true) . ')', pd_csv_cell($in), $want);
}

foreach ([[null, ''], ['', ''], [0, '0:00'], ['45', '0:45'], [125, '2:05'], [3600, '1:00:00'], [3725, '1:02:05'], [-4, '0:00']] as [$in, $want]) {
    $check('pd_duration(' . var_export($in, true) . ')', pd_duration($in), $want);
}

// A row as the export writes it: RFC 4180 quoting, no backslash escapes.
$out = fopen('php://memory', 'w+b');
pd_csv_row($out, ['=cmd', 'with "quotes", and comma', 'back\\slash"', '+4930123456']);
rewind($out);
$check('pd_csv_row', stream_get_contents($out), "'=cmd,\"with \"\"quotes\"\", and comma\",\"back\\slash\"\"\",+4930123456\n");

echo $failures === 0 ? "csv cells: all " . (count($cells) + 9) . " checks pass\n" : "csv cells: $failures failures\n";
exit($failures === 0 ? 0 : 1);
