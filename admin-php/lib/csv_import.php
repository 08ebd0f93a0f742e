<?php
declare(strict_types=1);

// CSV import of contacts: the browser uploads the file in pieces, then asks for
// it to be processed a chunk of rows at a time; the state lives in the session.

const PD_IMPORT_ROWS_PER_CHUNK = 2000;
const PD_IMPORT_MAX_BYTES = 64 * 1024 * 1024;
const PD_IMPORT_GROUPS_LISTED = 20;

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
    $_SESSION['imports'][$id] = ['path' => $path, 'offset' => 0, 'line' => 0, 'added' => 0, 'bad' => 0, 'done' => false, 'groups' => []];
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

function pd_is_header_row(array $fields): bool
{
    return strtolower(trim((string) ($fields[0] ?? ''))) === 'group' && strtolower(trim((string) ($fields[2] ?? ''))) === 'number';
}

/**
 * Processes up to PD_IMPORT_ROWS_PER_CHUNK rows from where the last chunk stopped.
 * Good rows of the chunk are inserted in one transaction, so a failure leaves
 * none of them and the chunk can be sent again.
 */
function pd_import_chunk(array &$state): array
{
    $file = fopen($state['path'], 'rb');
    fseek($file, $state['offset']);
    $rows = [];
    $errors = [];
    $line = $state['line'];
    if ($state['offset'] === 0 && fread($file, 3) !== "\xEF\xBB\xBF") {
        rewind($file);
    }
    while (count($rows) + count($errors) < PD_IMPORT_ROWS_PER_CHUNK && ($fields = fgetcsv($file, 0, ',', '"', '')) !== false) {
        // Lines of the file, not records: a quoted field may hold line breaks.
        $first = $line + 1;
        $line = $first + array_sum(array_map(fn ($f) => substr_count((string) $f, "\n"), $fields));
        if ($fields === [null] || ($first === 1 && pd_is_header_row($fields))) {
            continue;
        }
        if (count($fields) < 3 || count($fields) > 5) {
            $errors[] = ['line' => $first, 'reason' => sprintf('expected 3 to 5 fields (group,name,number,callerid,variables), found %d.', count($fields))];
            continue;
        }
        $checked = pd_check_contact(...array_map('strval', array_pad($fields, 5, '')));
        if (is_string($checked)) {
            $errors[] = ['line' => $first, 'reason' => $checked];
            continue;
        }
        $rows[] = $checked;
    }
    $offset = ftell($file);
    $atEnd = feof($file) || fgetc($file) === false;
    fclose($file);
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
        'errors' => $errors,
        'groups' => array_map('strval', array_keys($state['groups'])),
    ];
}
