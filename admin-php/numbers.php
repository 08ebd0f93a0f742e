<?php
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';
require_once __DIR__ . '/lib/list_filters.php';
require_once __DIR__ . '/lib/csv_export.php';

pd_admin_page();

const PD_NUMBERS_PAGE = 50;
// Back to pending with 0 attempts. The last error goes: it explained the
// previous end, not the next try.
const PD_RECYCLE_SET = "state = 'pending', attempts = 0, next_try_at = '1970-01-01 00:00:00.000',
    last_error = NULL, claim_owner = NULL, claim_expires_at = NULL";
// What a recycle by filter takes of the matching numbers: only ended or
// waiting ones. Never a number in a call or claimed for one (reserved,
// dialing, answered: recycling would dial the lead twice), one marked
// do-not-call or on the do-not-call list now, or one that is pending anyway.
const PD_RECYCLABLE = "n.state IN ('retry','done','failed','closed','unknown')
    AND NOT EXISTS (SELECT 1 FROM dialer_dnc d WHERE d.number = n.number AND (d.expires_at IS NULL OR d.expires_at > UTC_TIMESTAMP(3)))";
const PD_RECYCLE_CHUNK = 1000;
const PD_NUMBER_COLUMNS = 'n.id, n.campaign_id, n.name, n.number, n.time_zone, n.state, n.attempts, n.disposition, n.agent_disposition,
    n.dial_status, n.last_error, n.unique_id, n.agent, n.updated_at';

$campaigns = pd_query('SELECT id, name FROM dialer_campaigns ORDER BY name')->fetchAll(PDO::FETCH_KEY_PAIR);

/** Up to $limit numbers matching $f, newest first, older than id $before (0: from the newest). */
function pd_numbers_page(ListFilter $f, int $before, int $limit): array
{
    $where = $f->where;
    $params = $f->params;
    if ($before > 0) {
        $where[] = 'n.id < ?';
        $params[] = $before;
    }
    return pd_query('SELECT ' . PD_NUMBER_COLUMNS . ' FROM dialer_numbers n' . ($where ? ' WHERE ' . implode(' AND ', $where) : '')
        . ' ORDER BY n.id DESC LIMIT ' . $limit, $params)->fetchAll();
}

if ($_SERVER['REQUEST_METHOD'] === 'POST' && ($_POST['action'] ?? '') === 'recycle') {
    $ids = array_values(array_filter(array_map('intval', (array) ($_POST['ids'] ?? [])), fn ($id) => $id > 0));
    if ($ids === []) {
        pd_flash('Select the numbers to recycle first.', 'warning');
    } else {
        // Calls in progress keep their state: recycling them would dial the lead twice.
        $recycled = pd_query('UPDATE dialer_numbers SET ' . PD_RECYCLE_SET . ' WHERE id IN (' . pd_placeholders(count($ids)) . ") AND state NOT IN ('dialing','answered')", $ids)->rowCount();
        $skipped = count($ids) - $recycled;
        pd_flash("$recycled numbers recycled" . ($skipped ? ", $skipped skipped (call in progress or already pending)." : '.'));
    }
    // Back to the same filtered page; only our own query keys survive the round trip.
    parse_str(is_string($_POST['return'] ?? null) ? $_POST['return'] : '', $back);
    $back = array_intersect_key(array_filter($back, 'is_string'), array_flip(['campaign', 'state', 'disposition', 'agent_disposition', 'q', 'before']));
    pd_redirect('numbers.php' . ($back ? '?' . http_build_query($back) : ''));
}

if ($_SERVER['REQUEST_METHOD'] === 'POST' && ($_POST['action'] ?? '') === 'recycle_filter') {
    $form = new Form($_POST);
    $f = pd_numbers_filter($form, $campaigns);
    if (!$form->ok()) {
        pd_flash('Nothing recycled: ' . implode(' ', $form->errors), 'danger');
    } else {
        // In chunks, each its own short transaction, so the engine's claims on
        // the same table wait at most for one chunk. A recycled number is
        // pending and so leaves PD_RECYCLABLE: the next chunk takes the next ones.
        $recycled = 0;
        do {
            $chunk = pd_query('UPDATE dialer_numbers n SET ' . PD_RECYCLE_SET . ' WHERE ' . implode(' AND ', [...$f->where, PD_RECYCLABLE])
                . ' LIMIT ' . PD_RECYCLE_CHUNK, $f->params)->rowCount();
            $recycled += $chunk;
        } while ($chunk === PD_RECYCLE_CHUNK);
        $expected = (int) ($_POST['expected'] ?? -1);
        pd_flash("$recycled numbers matching the filter recycled."
            . ($expected >= 0 && $expected !== $recycled ? " ($expected were counted when you confirmed: numbers changed meanwhile.)" : ''));
    }
    pd_redirect('numbers.php' . ($f->setQuery() ? '?' . http_build_query($f->setQuery()) : ''));
}

$filter = new Form($_GET);
$f = pd_numbers_filter($filter, $campaigns);

if (($_GET['format'] ?? '') === 'csv') {
    if (!$filter->ok()) {
        pd_csv_refuse($filter);
    }
    $out = pd_csv_start('numbers-' . gmdate('Ymd-His') . '.csv', ['Id', 'Campaign', 'Name', 'Number', 'Time zone', 'State', 'Attempts', 'Result',
        "Agent's disposition", 'Dial status', 'Last error', 'Unique id', 'Agent', 'Last update (UTC)']);
    pd_csv_stream($out, fn (?int $after) => pd_numbers_page($f, $after ?? 0, PD_CSV_CHUNK), fn (array $n) => (int) $n['id'],
        fn (array $n) => [$n['id'], $campaigns[$n['campaign_id']] ?? $n['campaign_id'], $n['name'], $n['number'], $n['time_zone'], $n['state'],
            $n['attempts'], $n['disposition'], $n['agent_disposition'], $n['dial_status'], $n['last_error'], $n['unique_id'], $n['agent'], $n['updated_at']]);
    exit;
}

$beforeText = $filter->text('before');
if ($beforeText !== '' && !preg_match('/^[1-9]\d{0,18}$/', $beforeText)) {
    $filter->error('before', 'Page: the "older" link is damaged; start again from the newest numbers.');
}
$before = $filter->ok() ? (int) $beforeText : 0;
$rows = $filter->ok() ? pd_numbers_page($f, $before, PD_NUMBERS_PAGE + 1) : [];
$more = count($rows) > PD_NUMBERS_PAGE;
$rows = array_slice($rows, 0, PD_NUMBERS_PAGE);
$query = $f->query;
$tags = pd_query("SELECT DISTINCT agent_disposition FROM dialer_numbers WHERE agent_disposition IS NOT NULL AND agent_disposition <> '' ORDER BY agent_disposition LIMIT 200")
    ->fetchAll(PDO::FETCH_COLUMN);

// The recycle by filter asks first, naming how many numbers it would take.
$confirm = null;
if (($_GET['recycle'] ?? '') === 'confirm' && $filter->ok()) {
    $confirm = pd_query('SELECT COUNT(*) AS matching, COALESCE(SUM(' . PD_RECYCLABLE . '), 0) AS recyclable FROM dialer_numbers n' . $f->sql(), $f->params)->fetch();
}

pd_page_start('Numbers');
?>
<?= $filter->ok() ? '' : '<div class="alert alert-danger" role="alert" id="pd-filter-errors">The filter is not valid: ' . h(implode(' ', $filter->errors)) . '</div>' ?>
<form method="get" action="numbers.php" class="row g-2 align-items-end mb-3" role="search" id="pd-filter">
  <div class="col-sm-6 col-lg-2"><?= $filter->select('campaign', 'Campaign', ['' => 'All'] + $campaigns) ?></div>
  <div class="col-sm-6 col-lg-1"><?= $filter->select('state', 'State', ['' => 'All'] + array_combine(PD_NUMBER_STATES, PD_NUMBER_STATES)) ?></div>
  <div class="col-sm-6 col-lg-2"><?= $filter->input('disposition', 'Result', ['help' => "The engine's: Ok, Failed, Agent, Abandoned…"]) ?></div>
  <div class="col-sm-6 col-lg-2"><?= $filter->select('agent_disposition', "Agent's disposition", pd_tag_options($tags, $f->query['agent_disposition'])) ?></div>
  <div class="col-sm-6 col-lg-2"><?= $filter->input('q', 'Name or number starts with', ['type' => 'search']) ?></div>
  <div class="col-lg-3 mb-3">
    <button class="btn btn-primary" type="submit">Filter</button> <a class="btn btn-link" href="numbers.php">Clear</a>
    <?php if ($filter->ok()): ?>
    <a class="btn btn-outline-secondary" id="pd-export" href="<?= h('numbers.php' . pd_pager_link($query + ['format' => 'csv'])) ?>">Export CSV</a>
    <?php endif; ?>
  </div>
</form>
<?php if ($confirm !== null): ?>
<div class="alert alert-warning" id="pd-recycle-confirm">
  <?php if ((int) $confirm['recyclable'] === 0): ?>
  <p class="mb-2">No number matching this filter can be recycled (<?= h($confirm['matching']) ?> match: they are pending already, in a call or claimed for one, or do-not-call).</p>
  <a class="btn btn-secondary" href="<?= h('numbers.php' . pd_pager_link($query)) ?>">Back</a>
  <?php else: ?>
  <form method="post" action="numbers.php">
    <?= pd_csrf_field() ?>
    <input type="hidden" name="action" value="recycle_filter">
    <input type="hidden" name="expected" value="<?= h($confirm['recyclable']) ?>">
    <?php foreach ($f->setQuery() as $name => $value): ?>
    <input type="hidden" name="<?= h($name) ?>" value="<?= h($value) ?>">
    <?php endforeach; ?>
    <p class="mb-2">Recycle <strong data-role="recyclable"><?= h($confirm['recyclable']) ?></strong> numbers matching this filter, on every page?
      <?php $left = (int) $confirm['matching'] - (int) $confirm['recyclable']; if ($left > 0): ?>
      <?= h($left) ?> more match but are left alone: pending already, in a call or claimed for one, or do-not-call.
      <?php endif; ?></p>
    <button class="btn btn-warning" type="submit">Recycle <?= h($confirm['recyclable']) ?> numbers</button>
    <a class="btn btn-link" href="<?= h('numbers.php' . pd_pager_link($query)) ?>">Cancel</a>
  </form>
  <?php endif; ?>
</div>
<?php endif; ?>
<form method="post" action="numbers.php" id="pd-numbers">
  <?= pd_csrf_field() ?>
  <input type="hidden" name="return" value="<?= h(http_build_query(array_filter($query + ['before' => $before ?: '']))) ?>">
  <div class="table-responsive">
  <table class="table table-sm table-striped align-middle">
    <thead><tr>
      <th scope="col"><input class="form-check-input" type="checkbox" data-select-all="ids[]" aria-label="Select all shown"></th>
      <th scope="col">Campaign</th><th scope="col">Name</th><th scope="col">Number</th><th scope="col">Time zone</th><th scope="col">State</th><th scope="col">Attempts</th>
      <th scope="col" title="The engine's result of the last call">Result</th><th scope="col" title="The latest disposition an agent chose for this number">Agent's disposition</th>
      <th scope="col">Dial status</th><th scope="col">Last error</th><th scope="col">Unique id</th><th scope="col">Agent</th><th scope="col">Last update (UTC)</th>
    </tr></thead>
    <tbody>
    <?php foreach ($rows as $n): ?>
      <tr>
        <td><input class="form-check-input" type="checkbox" name="ids[]" value="<?= h($n['id']) ?>" aria-label="Select <?= h($n['number']) ?>"></td>
        <td><?= h($campaigns[$n['campaign_id']] ?? $n['campaign_id']) ?></td>
        <td class="pd-wrap"><?= h($n['name']) ?></td>
        <td><?= h($n['number']) ?></td>
        <td class="pd-time-zone"><?= $n['time_zone'] === null || $n['time_zone'] === '' ? '<span class="text-body-secondary">campaign\'s</span>' : h($n['time_zone']) ?></td>
        <td><?= h($n['state']) ?></td>
        <td><?= h($n['attempts']) ?></td>
        <td><?= h($n['disposition']) ?></td>
        <td class="pd-wrap"><?= h($n['agent_disposition']) ?></td>
        <td><?= h($n['dial_status']) ?></td>
        <td class="pd-wrap pd-last-error"><?= h($n['last_error']) ?></td>
        <td><?= h($n['unique_id']) ?></td>
        <td><?= h($n['agent']) ?></td>
        <td><?= h($n['updated_at']) ?></td>
      </tr>
    <?php endforeach; ?>
    <?php if ($rows === []): ?><tr><td colspan="14">No numbers match.</td></tr><?php endif; ?>
    </tbody>
  </table>
  </div>
  <button class="btn btn-warning" type="submit" name="action" value="recycle">Recycle selected</button>
  <?php if ($filter->ok() && $confirm === null): ?>
  <a class="btn btn-outline-warning ms-2" id="pd-recycle-filter" href="<?= h('numbers.php' . pd_pager_link($query + ['recycle' => 'confirm'])) ?>">Recycle all matching the filter…</a>
  <?php endif; ?>
  <span class="form-text ms-2">Back to pending with 0 attempts; numbers in a call (dialing, answered) are left alone, and a recycle by filter also leaves reserved, pending and do-not-call numbers.</span>
</form>
<nav aria-label="Number pages" class="mt-3">
  <?php if ($before > 0): ?><a class="btn btn-sm btn-outline-secondary" href="<?= h(pd_pager_link($query)) ?>">Newest</a><?php endif; ?>
  <?php if ($more): ?><a class="btn btn-sm btn-outline-secondary" href="<?= h(pd_pager_link($query + ['before' => end($rows)['id']])) ?>">Older</a><?php endif; ?>
</nav>
<?php
pd_page_end();
