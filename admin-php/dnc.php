<?php
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';

pd_admin_page();

const PD_DNC_PAGE = 100;
const PD_DNC_IMPORT_MAX_LINES = 100000;

/** Adds or refreshes DNC entries ([number, reason, expires|null]) and marks waiting leads; returns [added, marked]. */
function pd_dnc_add(array $entries): array
{
    return pd_transaction(function (PDO $pdo) use ($entries): array {
        $stored = 0;
        foreach (array_chunk($entries, 1000) as $chunk) {
            $stmt = $pdo->prepare('INSERT INTO dialer_dnc (number, reason, expires_at) VALUES ' . implode(',', array_fill(0, count($chunk), '(?,?,?)'))
                . ' ON DUPLICATE KEY UPDATE reason = VALUES(reason), expires_at = VALUES(expires_at)');
            $stmt->execute(array_merge(...$chunk));
            $stored += count($chunk);
        }
        return [$stored, pd_mark_dnc_leads($pdo, array_column($entries, 0))];
    });
}

/** One DNC entry from its fields; returns [number, reason, expires|null] or an error message. */
function pd_dnc_entry(string $number, string $reason, string $expires): array|string
{
    // Stored as the contacts are (555-0051 → 5550051), so the list matches them.
    $number = pd_normalize_number(trim($number));
    $reason = trim($reason);
    $expires = trim($expires);
    $error = pd_check_number($number) ?? pd_check_plain($reason, 'Reason', 255);
    if ($error === null && $expires !== '' && !pd_check_date($expires)) {
        $error = 'Expiry must be a date (YYYY-MM-DD) or empty (never expires).';
    }
    return $error ?? [$number, $reason, $expires === '' ? null : $expires . ' 23:59:59.999'];
}

function pd_dnc_message(int $stored, int $marked, int $bad = 0): string
{
    return "$stored numbers on the do-not-call list; $marked waiting campaign numbers marked dnc" . ($bad ? "; $bad bad lines skipped." : '.');
}

$addForm = new Form(pd_restored_input('add') ?? []);
$importForm = new Form(pd_restored_input('import') ?? []);
$importErrors = [];
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $action = $_POST['action'] ?? '';
    if ($action === 'add') {
        $addForm = new Form($_POST);
        $entry = pd_dnc_entry($addForm->text('number'), $addForm->text('reason'), $addForm->text('expires'));
        if (is_string($entry)) {
            $addForm->error(match (true) { str_starts_with($entry, 'Number') => 'number', str_starts_with($entry, 'Reason') => 'reason', default => 'expires' }, $entry);
        } else {
            pd_flash(pd_dnc_message(...pd_dnc_add([$entry])));
            pd_redirect('dnc.php');
        }
    } elseif ($action === 'remove') {
        $numbers = array_values(array_filter(array_map('strval', (array) ($_POST['numbers'] ?? []))));
        $removed = $numbers === [] ? 0 : pd_query('DELETE FROM dialer_dnc WHERE number IN (' . pd_placeholders(count($numbers)) . ')', $numbers)->rowCount();
        pd_flash("$removed numbers removed from the do-not-call list (campaign numbers already marked dnc stay so).");
        pd_redirect('dnc.php');
    } elseif ($action === 'import') {
        $importForm = new Form($_POST);
        $text = $importForm->text('list');
        $fileError = pd_upload_error($_FILES['file'] ?? []);
        if (($_FILES['file']['error'] ?? UPLOAD_ERR_NO_FILE) === UPLOAD_ERR_OK) {
            $text = (string) file_get_contents($_FILES['file']['tmp_name']);
        }
        $lines = preg_split('/\r\n|\n|\r/', $text);
        if ($fileError !== null) {
            $importForm->error('file', $fileError);
        } elseif (trim($text) === '') {
            $importForm->error('list', 'Paste numbers or choose a file.');
        } elseif (count($lines) > PD_DNC_IMPORT_MAX_LINES) {
            $importForm->error('list', 'At most ' . number_format(PD_DNC_IMPORT_MAX_LINES) . ' lines at once.');
        } else {
            $entries = [];
            foreach ($lines as $index => $line) {
                if (trim($line) === '' || ($index === 0 && preg_match('/^\s*number\s*(,|$)/i', $line))) {
                    continue;
                }
                $fields = str_getcsv($line, ',', '"', '');
                $entry = count($fields) > 3 ? 'expected number[,reason[,expiry]]' : pd_dnc_entry(...array_pad(array_map('strval', $fields), 3, ''));
                if (is_string($entry)) {
                    $importErrors[] = 'Line ' . ($index + 1) . ': ' . $entry;
                } else {
                    $entries[$entry[0]] = $entry;
                }
            }
            [$stored, $marked] = $entries === [] ? [0, 0] : pd_dnc_add(array_values($entries));
            pd_flash(pd_dnc_message($stored, $marked, count($importErrors)), $importErrors ? 'warning' : 'success');
            if ($importErrors === []) {
                pd_redirect('dnc.php');
            }
        }
    }
}

$search = is_string($_GET['q'] ?? null) ? trim($_GET['q']) : '';
$after = is_string($_GET['after'] ?? null) ? $_GET['after'] : '';
$rows = pd_query("SELECT number, reason, added_at, expires_at FROM dialer_dnc WHERE number LIKE CONCAT(?, '%') AND number > ? ORDER BY number LIMIT " . (PD_DNC_PAGE + 1),
    [pd_escape_like($search), $after])->fetchAll();
$more = count($rows) > PD_DNC_PAGE;
$rows = array_slice($rows, 0, PD_DNC_PAGE);
pd_page_start('Do-not-call list');
?>
<div class="row g-4">
  <div class="col-lg-4">
    <h2 class="h5">Add a number</h2>
    <form method="post" action="dnc.php" novalidate id="pd-dnc-add">
      <?= pd_csrf_field() ?>
      <input type="hidden" name="action" value="add">
      <?= $addForm->input('number', 'Number', ['required' => true]) ?>
      <?= $addForm->input('reason', 'Reason (optional)', ['maxlength' => 255]) ?>
      <?= $addForm->input('expires', 'Expires (optional)', ['type' => 'date', 'help' => 'Empty: never expires.']) ?>
      <button class="btn btn-primary" type="submit">Add</button>
    </form>
    <h2 class="h5 mt-4">Import</h2>
    <form method="post" action="dnc.php" enctype="multipart/form-data" novalidate id="pd-dnc-import">
      <?= pd_csrf_field() ?>
      <input type="hidden" name="action" value="import">
      <?= $importForm->textarea('list', 'Numbers', ['rows' => 5, 'help' => 'One number a line, or CSV number,reason,expiry (expiry YYYY-MM-DD, optional).']) ?>
      <?= $importForm->input('file', '…or a file', ['type' => 'file', 'accept' => '.csv,.txt,text/plain,text/csv',
          'help' => trim(pd_upload_limit_help() . ' At most ' . number_format(PD_DNC_IMPORT_MAX_LINES) . ' lines at once.')]) ?>
      <button class="btn btn-primary" type="submit">Import</button>
    </form>
    <?php if ($importErrors !== []): ?>
    <ul class="pd-errors small text-danger mt-3" aria-label="Bad lines">
      <?php foreach (array_slice($importErrors, 0, 500) as $error): ?><li><?= h($error) ?></li><?php endforeach; ?>
    </ul>
    <?php endif; ?>
  </div>
  <div class="col-lg-8">
    <form method="get" action="dnc.php" class="d-flex gap-2 mb-3" role="search">
      <label class="visually-hidden" for="f-q">Number starts with</label>
      <input class="form-control" type="search" id="f-q" name="q" value="<?= h($search) ?>" placeholder="Number starts with">
      <button class="btn btn-outline-primary" type="submit">Search</button>
    </form>
    <form method="post" action="dnc.php" id="pd-dnc-list">
      <?= pd_csrf_field() ?>
      <table class="table table-sm table-striped align-middle">
        <thead><tr><th scope="col"><input class="form-check-input" type="checkbox" data-select-all="numbers[]" aria-label="Select all shown"></th>
          <th scope="col">Number</th><th scope="col">Reason</th><th scope="col">Added (UTC)</th><th scope="col">Expires (UTC)</th></tr></thead>
        <tbody>
        <?php foreach ($rows as $r): ?>
          <tr>
            <td><input class="form-check-input" type="checkbox" name="numbers[]" value="<?= h($r['number']) ?>" aria-label="Select <?= h($r['number']) ?>"></td>
            <td><?= h($r['number']) ?></td><td><?= h($r['reason']) ?></td><td><?= h($r['added_at']) ?></td><td><?= h($r['expires_at'] ?? 'never') ?></td>
          </tr>
        <?php endforeach; ?>
        <?php if ($rows === []): ?><tr><td colspan="5">No numbers.</td></tr><?php endif; ?>
        </tbody>
      </table>
      <button class="btn btn-outline-danger" type="submit" name="action" value="remove">Remove selected</button>
    </form>
    <?php if ($more): ?><a class="btn btn-sm btn-outline-secondary mt-2" href="<?= h(pd_pager_link(['q' => $search, 'after' => end($rows)['number']])) ?>">Next page</a><?php endif; ?>
  </div>
</div>
<?php
pd_page_end();
