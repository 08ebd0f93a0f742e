<?php
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';
require __DIR__ . '/lib/csv_import.php';

// JSON endpoint of the CSV import (driven by assets/import.js):
//   POST action=start            → {id}
//   POST action=append&id=…      raw body: the next piece of the file
//   POST action=chunk&id=…       → progress, counts and this chunk's bad lines
pd_admin_page();
if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
    pd_json(['error' => 'POST only.'], 405);
}
$action = $_GET['action'] ?? '';
if ($action === 'start') {
    pd_json(['id' => pd_import_start(), 'max_bytes' => PD_IMPORT_MAX_BYTES]);
}
$state = &pd_import_state((string) ($_GET['id'] ?? ''));
if ($state === null) {
    pd_json(['error' => 'Unknown or finished import; start it again.'], 404);
}
if ($action === 'append') {
    $error = pd_import_append($state, (string) file_get_contents('php://input'));
    pd_json($error === null ? ['ok' => true] : ['error' => $error], $error === null ? 200 : 413);
}
if ($action === 'chunk') {
    if ($state['done']) {
        pd_json(['error' => 'This import is finished.'], 409);
    }
    pd_json(pd_import_chunk($state));
}
pd_json(['error' => 'Unknown action.'], 400);
