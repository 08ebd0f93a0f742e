<?php
declare(strict_types=1);

// CSV downloads of the admin pages' lists (Numbers, Calls): streamed as the
// rows are read, never built in memory, and safe to open in a spreadsheet.

/**
 * A cell a spreadsheet will show as text, not run as a formula: a value that
 * starts with = + - @ (or a tab or carriage return, which some programs skip
 * before reading the =) gets a leading apostrophe. A plain number such as
 * +4930123456 or -3 cannot carry a formula and is kept as it is, so phone
 * numbers in E.164 form stay usable.
 */
function pd_csv_cell(mixed $value): string
{
    $text = $value === null ? '' : (string) $value;
    if ($text === '' || !in_array($text[0], ['=', '+', '-', '@', "\t", "\r"], true)) {
        return $text;
    }
    if (preg_match('/^[+-]?\d+(\.\d+)?$/', $text)) {
        return $text;
    }
    return "'" . $text;
}

/**
 * Starts a download named $filename: sends the headers, ends the session's
 * lock (a long export must not block the admin's other tabs), turns off
 * output buffering and writes the header row. Returns the stream for
 * pd_csv_row().
 *
 * @param list<string> $header
 * @return resource
 */
function pd_csv_start(string $filename, array $header)
{
    if (session_status() === PHP_SESSION_ACTIVE) {
        session_write_close();
    }
    header('Content-Type: text/csv; charset=utf-8');
    header('Content-Disposition: attachment; filename="' . preg_replace('/[^A-Za-z0-9._-]/', '_', $filename) . '"');
    header('Cache-Control: no-store');
    header('X-Content-Type-Options: nosniff');
    while (ob_get_level() > 0) {
        ob_end_flush();
    }
    $out = fopen('php://output', 'wb');
    pd_csv_row($out, $header);
    return $out;
}

/** @param resource $out */
function pd_csv_row($out, array $cells): void
{
    fputcsv($out, array_map('pd_csv_cell', array_values($cells)), ',', '"', '');
}

/**
 * Streams every row of a keyset-paged query: $page($after) returns the next
 * rows (at most a chunk) after the cursor $after (null: from the start), and
 * $cursor($row) the cursor of a row. Each chunk is flushed to the client.
 *
 * @param resource $out
 */
function pd_csv_stream($out, callable $page, callable $cursor, callable $cells): int
{
    $after = null;
    $count = 0;
    do {
        $rows = $page($after);
        foreach ($rows as $row) {
            pd_csv_row($out, $cells($row));
            ++$count;
        }
        flush();
        if ($rows !== []) {
            $after = $cursor(end($rows));
        }
    } while (count($rows) === PD_CSV_CHUNK);
    return $count;
}

/** Rows read per query while exporting. */
const PD_CSV_CHUNK = 1000;

/** A plain-text 400 for an export whose filter is wrong (the page shows the same messages beside the fields). */
function pd_csv_refuse(Form $filter): never
{
    http_response_code(400);
    header('Content-Type: text/plain; charset=utf-8');
    echo "The export was not made: the filter is not valid.\n";
    foreach ($filter->errors as $message) {
        echo "- $message\n";
    }
    exit;
}
