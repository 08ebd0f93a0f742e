<?php
declare(strict_types=1);

// CSV import of contacts: the browser uploads the file in pieces, then asks for
// it to be processed a chunk of rows at a time; the state lives in the session.

const PD_IMPORT_ROWS_PER_CHUNK = 2000;
const PD_IMPORT_MAX_BYTES = 64 * 1024 * 1024;
const PD_IMPORT_GROUPS_LISTED = 20;
// Duplicate numbers are counted; this many of their line numbers are listed.
const PD_IMPORT_DUPLICATES_LISTED = 10;
const PD_CSV_UNCLOSED = 'unclosed quote: a field opened with " is not closed on this line (fields may not go on over lines); the line is skipped.';

function pd_import_dir(): string
{
    $dir = sys_get_temp_dir() . '/paneldialer-imports';
    if (!is_dir($dir)) {
        mkdir($dir, 0700, true);
    }
    return $dir;
}

const PD_IMPORT_STALE_SECONDS = 86400;

function pd_import_start(): string
{
    // Imports abandoned half-way (tab closed) leave their upload behind.
    foreach (glob(pd_import_dir() . '/*.csv') ?: [] as $old) {
        if (filemtime($old) < time() - PD_IMPORT_STALE_SECONDS) {
            @unlink($old);
        }
    }
    $id = bin2hex(random_bytes(16));
    $path = pd_import_dir() . '/' . $id . '.csv';
    touch($path);
    $_SESSION['imports'][$id] = ['path' => $path, 'offset' => 0, 'line' => 0, 'added' => 0, 'bad' => 0, 'done' => false, 'groups' => [],
        'encoding' => null, 'duplicates' => 0, 'duplicate_lines' => [], 'normalized' => 0, 'columns' => PD_CSV_COLUMNS];
    return $id;
}

function &pd_import_state(string $id): ?array
{
    $none = null;
    if (!preg_match('/^[0-9a-f]{32}$/', $id) || !isset($_SESSION['imports'][$id])) {
        return $none;
    }
    return $_SESSION['imports'][$id];
}

/** Appends one uploaded piece; returns an error message or null. */
function pd_import_append(array $state, string $bytes): ?string
{
    if (filesize($state['path']) + strlen($bytes) > PD_IMPORT_MAX_BYTES) {
        return sprintf('The file is larger than %d MB.', PD_IMPORT_MAX_BYTES >> 20);
    }
    return file_put_contents($state['path'], $bytes, FILE_APPEND) === false ? 'Could not store the upload.' : null;
}

// The columns of a contact line, in the order a file without a header row gives them.
const PD_CSV_COLUMNS = ['group', 'name', 'number', 'callerid', 'variables', 'time_zone'];
// What a header may call them: lower case, spaces, - and _ dropped ("Caller ID", "time-zone").
const PD_CSV_COLUMN_NAMES = ['group' => 'group', 'name' => 'name', 'number' => 'number', 'callerid' => 'callerid',
    'variables' => 'variables', 'timezone' => 'time_zone', 'tz' => 'time_zone'];

/** A header's name for a column as the import knows it ('time_zone', …), or null for a name it does not know. */
function pd_csv_column_name(string $field): ?string
{
    return PD_CSV_COLUMN_NAMES[str_replace([' ', '-', '_'], '', strtolower(trim($field)))] ?? null;
}

/**
 * A first line that names the columns: one of its fields is "group", one is "number", and none is a
 * phone number (so a contact of a group called "group" whose name is "Number" is still a contact).
 */
function pd_is_header_row(array $fields): bool
{
    $names = array_map(fn ($field) => pd_csv_column_name((string) $field), $fields);
    foreach ($fields as $field) {
        if (pd_check_number(pd_normalize_number(trim((string) $field))) === null) {
            return false;
        }
    }
    return in_array('group', $names, true) && in_array('number', $names, true);
}

/**
 * The column order a header row gives (a header may leave out, reorder or rename columns), or the
 * reason it cannot be used: a column it does not know or names twice would put values in the wrong
 * field, so the file is not imported. Empty names at the end (a spreadsheet's blank columns) are dropped.
 */
function pd_csv_header_columns(array $fields): array|string
{
    while ($fields !== [] && trim((string) end($fields)) === '') {
        array_pop($fields);
    }
    $columns = [];
    foreach ($fields as $i => $field) {
        $column = pd_csv_column_name((string) $field);
        if (trim((string) $field) === '') {
            return sprintf('the header leaves column %d without a name (known: %s); nothing is imported: name it and import the file again.',
                $i + 1, implode(', ', PD_CSV_COLUMNS));
        }
        if ($column === null) {
            return sprintf("the header names a column '%s' the import does not know (known: %s); nothing is imported: rename or remove that column and import the file again.",
                trim((string) $field), implode(', ', PD_CSV_COLUMNS));
        }
        if (in_array($column, $columns, true)) {
            return sprintf("the header names the column %s twice; nothing is imported: remove one and import the file again.", $column);
        }
        $columns[] = $column;
    }
    return $columns;
}

/**
 * A line's fields as [group, name, number, callerid, variables, time_zone] by the file's columns, or the
 * reason it has the wrong count. Empty fields past the last column (a spreadsheet's blank columns) hold nothing and are dropped.
 */
function pd_csv_contact_fields(array $fields, array $columns): array|string
{
    while (count($fields) > count($columns) && trim((string) end($fields)) === '') {
        array_pop($fields);
    }
    $least = max(array_search('group', $columns, true), array_search('number', $columns, true)) + 1;
    if (count($fields) < $least || count($fields) > count($columns)) {
        $expected = $least === count($columns) ? (string) $least : "$least to " . count($columns);
        return sprintf('expected %s fields (%s), found %d.', $expected, implode(',', $columns), count($fields));
    }
    $byName = array_fill_keys(PD_CSV_COLUMNS, '');
    foreach ($fields as $i => $value) {
        $byName[$columns[$i]] = (string) $value;
    }
    return array_values($byName);
}

/** How many bytes at the end of $bytes are the start of a UTF-8 character cut off there (0 to 3). */
function pd_utf8_cut_tail(string $bytes): int
{
    $length = strlen($bytes);
    for ($back = 1; $back <= min(3, $length); $back++) {
        $byte = ord($bytes[$length - $back]);
        if ($byte < 0x80) {
            return 0;
        }
        if ($byte >= 0xC0) {
            $needed = $byte >= 0xF0 ? 4 : ($byte >= 0xE0 ? 3 : 2);
            return $needed > $back ? $back : 0;
        }
    }
    return 0;
}

/**
 * 'UTF-8' when the whole file is valid UTF-8, else 'Windows-1252': spreadsheets on Windows save
 * "CSV" in the ANSI code page, and Latin-1 (ISO-8859-1) is the same for every letter. One verdict
 * for the file: a lone line that happens to be valid UTF-8 is not read differently from the rest.
 */
function pd_import_detect_encoding(string $path): string
{
    $file = fopen($path, 'rb');
    if ($file === false) {
        throw new RuntimeException('Cannot read the uploaded file.');
    }
    try {
        $carry = '';
        while (!feof($file)) {
            $piece = fread($file, 1 << 20);
            if ($piece === false) {
                throw new RuntimeException('Cannot read the uploaded file.');
            }
            $piece = $carry . $piece;
            // A character cut at the end of the piece is checked with the next piece.
            $cut = pd_utf8_cut_tail($piece);
            $carry = substr($piece, strlen($piece) - $cut);
            if (preg_match('//u', substr($piece, 0, strlen($piece) - $cut)) !== 1) {
                return 'Windows-1252';
            }
        }
        return $carry === '' ? 'UTF-8' : 'Windows-1252';
    } finally {
        fclose($file);
    }
}

/** Windows-1252 text as UTF-8 (the WHATWG mapping browsers use; no mbstring needed). */
function pd_cp1252_to_utf8(string $text): string
{
    static $map = null;
    if ($map === null) {
        // 0x80-0x9F: the code page's own characters; the five it leaves undefined stay C1 codes as in Latin-1.
        $high = [0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
            0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178];
        $map = [];
        for ($byte = 0x80; $byte <= 0xFF; $byte++) {
            $point = $byte < 0xA0 ? $high[$byte - 0x80] : $byte;
            $map[chr($byte)] = $point < 0x800
                ? chr(0xC0 | ($point >> 6)) . chr(0x80 | ($point & 0x3F))
                : chr(0xE0 | ($point >> 12)) . chr(0x80 | (($point >> 6) & 0x3F)) . chr(0x80 | ($point & 0x3F));
        }
    }
    return strtr($text, $map);
}

/**
 * True when a quoted field of this line is still open at its end. As fgetcsv: a quote opens a
 * field only at its start (after blanks) and "" inside it is a quote; elsewhere " is a plain character.
 */
function pd_csv_quote_open(string $line): bool
{
    $end = strlen($line);
    $at = 0;
    while ($at <= $end) {
        $blanks = strspn($line, " \t\v\f", $at);
        if (($line[$at + $blanks] ?? '') === '"') {
            $at += $blanks + 1;
            do {
                $quote = strpos($line, '"', $at);
                if ($quote === false) {
                    return true;
                }
                $at = $quote + 2;
            } while (($line[$quote + 1] ?? '') === '"');
            $at--;
        }
        $comma = strpos($line, ',', min($at, $end));
        if ($comma === false) {
            return false;
        }
        $at = $comma + 1;
    }
    return false;
}

/**
 * Reads the next line as a record: [line number, fields | null (blank line) | error message], or
 * null at the end. A contact field never holds a line break, so a quote still open at the end of a
 * line is a missing quote: that line is reported and reading goes on with the next one (fgetcsv
 * would read on to the next quote, swallowing lines and shifting every line number after it).
 */
function pd_csv_next_record($file, int &$line, bool $cp1252): ?array
{
    $text = fgets($file);
    if ($text === false) {
        return null;
    }
    $line++;
    $text = preg_replace('/\r?\n\z/', '', $cp1252 ? pd_cp1252_to_utf8($text) : $text);
    if ($text === '') {
        return [$line, null];
    }
    if (str_contains($text, '"') && pd_csv_quote_open($text)) {
        return [$line, PD_CSV_UNCLOSED];
    }
    return [$line, str_getcsv($text, ',', '"', '')];
}

/**
 * Finds rows whose number the group has already (earlier imports, earlier chunks of this file)
 * or had on an earlier line of this chunk; returns [indexes of the rows to keep, indexes of the duplicates].
 */
function pd_import_find_duplicates(array $rows): array
{
    $known = [];
    $byGroup = [];
    foreach ($rows as $row) {
        $byGroup[$row[0]][] = $row[2];
    }
    foreach ($byGroup as $group => $numbers) {
        foreach (array_chunk(array_values(array_unique($numbers)), 1000) as $chunk) {
            // The database's collation decides what "the same group" is, as on the groups page.
            $found = pd_query('SELECT DISTINCT number FROM dialer_contacts WHERE group_name = ? AND number IN (' . pd_placeholders(count($chunk)) . ')',
                [$group, ...$chunk])->fetchAll(PDO::FETCH_COLUMN);
            foreach ($found as $number) {
                $known[$group . "\0" . $number] = true;
            }
        }
    }
    $kept = [];
    $duplicates = [];
    foreach ($rows as $i => $row) {
        $key = $row[0] . "\0" . $row[2];
        if (isset($known[$key])) {
            $duplicates[] = $i;
            continue;
        }
        $known[$key] = true;
        $kept[] = $i;
    }
    return [$kept, $duplicates];
}

/** The sentences shown under the counts when the import is done. */
function pd_import_notes(array $state): array
{
    $notes = [];
    if ($state['encoding'] === 'Windows-1252') {
        $notes[] = 'The file is not UTF-8: it was read as Windows-1252 (Latin-1).';
    }
    if ($state['duplicates'] > 0) {
        $lines = implode(', ', $state['duplicate_lines']);
        $notes[] = sprintf('%d duplicate number%s skipped (already in their group): line%s %s%s.', $state['duplicates'], $state['duplicates'] > 1 ? 's' : '',
            count($state['duplicate_lines']) > 1 ? 's' : '', $lines,
            $state['duplicates'] > count($state['duplicate_lines']) ? ' and ' . ($state['duplicates'] - count($state['duplicate_lines'])) . ' more' : '');
    }
    if ($state['normalized'] > 0) {
        $notes[] = sprintf('%d of the numbers added had spaces, dashes, dots or parentheses removed.', $state['normalized']);
    }
    return $notes;
}

/**
 * Processes up to PD_IMPORT_ROWS_PER_CHUNK rows from where the last chunk stopped.
 * Good rows of the chunk are inserted in one transaction, so a failure leaves
 * none of them and the chunk can be sent again.
 */
function pd_import_chunk(array &$state): array
{
    // An import started before these counts existed carries on with them at zero.
    $state += ['encoding' => null, 'duplicates' => 0, 'duplicate_lines' => [], 'normalized' => 0, 'columns' => PD_CSV_COLUMNS];
    $state['encoding'] ??= pd_import_detect_encoding($state['path']);
    $cp1252 = $state['encoding'] !== 'UTF-8';
    $file = fopen($state['path'], 'rb');
    if ($file === false) {
        throw new RuntimeException('Cannot read the uploaded file.');
    }
    fseek($file, $state['offset']);
    $rows = [];
    $rowLines = [];
    $rowChanged = [];
    $errors = [];
    $line = $state['line'];
    if ($state['offset'] === 0 && fread($file, 3) !== "\xEF\xBB\xBF") {
        rewind($file);
    }
    $refused = false;
    while (count($rows) + count($errors) < PD_IMPORT_ROWS_PER_CHUNK && ($record = pd_csv_next_record($file, $line, $cp1252)) !== null) {
        [$first, $fields] = $record;
        if ($first === 1 && is_array($fields) && pd_is_header_row($fields)) {
            $columns = pd_csv_header_columns($fields);
            if (is_string($columns)) {
                // Read on by position and values would land in the wrong fields: stop here.
                $errors[] = ['line' => $first, 'reason' => $columns];
                $refused = true;
                break;
            }
            $state['columns'] = $columns;
            continue;
        }
        if ($fields === null) {
            continue;
        }
        if (is_string($fields)) {
            $errors[] = ['line' => $first, 'reason' => $fields];
            continue;
        }
        $contact = pd_csv_contact_fields($fields, $state['columns']);
        if (is_string($contact)) {
            $errors[] = ['line' => $first, 'reason' => $contact];
            continue;
        }
        $checked = pd_check_contact(...$contact);
        if (is_string($checked)) {
            $errors[] = ['line' => $first, 'reason' => $checked];
            continue;
        }
        $rows[] = $checked;
        $rowLines[] = $first;
        $rowChanged[] = $checked[2] !== trim($contact[2]);
    }
    $offset = ftell($file);
    $atEnd = $refused || feof($file) || fgetc($file) === false;
    fclose($file);
    [$kept, $duplicates] = $rows === [] ? [[], []] : pd_import_find_duplicates($rows);
    $duplicateLines = array_map(fn (int $i) => $rowLines[$i], $duplicates);
    $normalized = count(array_filter($kept, fn (int $i) => $rowChanged[$i]));
    $rows = array_map(fn (int $i) => $rows[$i], $kept);
    $added = $rows === [] ? 0 : pd_transaction(fn (PDO $pdo) => pd_insert_contacts($pdo, $rows));
    // The groups the file filled, for the links shown when it is done (a few suffice).
    foreach ($rows as $row) {
        if (count($state['groups']) >= PD_IMPORT_GROUPS_LISTED) {
            break;
        }
        $state['groups'][$row[0]] = true;
    }
    $state['offset'] = $offset;
    $state['line'] = $line;
    $state['added'] += $added;
    $state['bad'] += count($errors);
    $state['normalized'] += $normalized;
    $state['duplicates'] += count($duplicateLines);
    $state['duplicate_lines'] = array_slice([...$state['duplicate_lines'], ...$duplicateLines], 0, PD_IMPORT_DUPLICATES_LISTED);
    $state['done'] = $atEnd;
    if ($atEnd) {
        @unlink($state['path']);
    }
    return [
        'done' => $atEnd,
        'lines' => $line,
        'offset' => $offset,
        'size' => $atEnd ? $offset : filesize($state['path']),
        'added' => $state['added'],
        'bad' => $state['bad'],
        'duplicates' => $state['duplicates'],
        'normalized' => $state['normalized'],
        'encoding' => $state['encoding'],
        'errors' => $errors,
        'notes' => $atEnd ? pd_import_notes($state) : [],
        'groups' => array_map('strval', array_keys($state['groups'])),
    ];
}
