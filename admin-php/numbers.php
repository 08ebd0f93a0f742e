<?php
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';

pd_admin_page();

const PD_NUMBER_STATES = ['pending', 'reserved', 'dialing', 'answered', 'retry', 'done', 'failed', 'closed', 'dnc', 'unknown'];
const PD_NUMBERS_PAGE = 50;

if ($_SERVER['REQUEST_METHOD'] === 'POST' && ($_POST['action'] ?? '') === 'recycle') {
    $ids = array_values(array_filter(array_map('intval', (array) ($_POST['ids'] ?? [])), fn ($id) => $id > 0));
    if ($ids === []) {
        pd_flash('Select the numbers to recycle first.', 'warning');
    } else {
        // Calls in progress keep their state: recycling them would dial the lead twice.
        // The last error goes: it explained the previous end, not the next try.
        $recycled = pd_query("UPDATE dialer_numbers SET state = 'pending', attempts = 0, next_try_at = '1970-01-01 00:00:00.000',
            last_error = NULL, claim_owner = NULL, claim_expires_at = NULL WHERE id IN (" . pd_placeholders(count($ids)) . ") AND state NOT IN ('dialing','answered')", $ids)->rowCount();
        $skipped = count($ids) - $recycled;
        pd_flash("$recycled numbers recycled" . ($skipped ? ", $skipped skipped (call in progress or already pending)." : '.'));
    }
    // Back to the same filtered page; only our own query keys survive the round trip.
    parse_str(is_string($_POST['return'] ?? null) ? $_POST['return'] : '', $back);
    $back = array_intersect_key(array_filter($back, 'is_string'), array_flip(['campaign', 'state', 'disposition', 'q', 'before']));
    pd_redirect('numbers.php' . ($back ? '?' . http_build_query($back) : ''));
}

$filter = new Form($_GET);
$campaigns = pd_query('SELECT id, name FROM dialer_campaigns ORDER BY name')->fetchAll(PDO::FETCH_KEY_PAIR);
$where = [];
$params = [];
$campaign = (string) $filter->value('campaign');
if ($campaign !== '' && isset($campaigns[(int) $campaign])) {
    $where[] = 'campaign_id = ?';
    $params[] = (int) $campaign;
}
$state = (string) $filter->value('state');
if (in_array($state, PD_NUMBER_STATES, true)) {
    $where[] = 'state = ?';
    $params[] = $state;
}
$disposition = $filter->text('disposition');
if ($disposition !== '') {
    $where[] = 'disposition = ?';
    $params[] = $disposition;
}
$search = $filter->plain('q', 'Search', 160);
if ($search !== '' && $filter->ok()) {
    // Prefix match: served by the (campaign_id, number) and (campaign_id, name) keys.
    $where[] = "(number LIKE CONCAT(?, '%') OR name LIKE CONCAT(?, '%'))";
    array_push($params, pd_escape_like($search), pd_escape_like($search));
}
$before = (int) $filter->value('before', 0);
if ($before > 0) {
    $where[] = 'id < ?';
    $params[] = $before;
}
$rows = pd_query('SELECT n.id, n.campaign_id, n.name, n.number, n.time_zone, n.state, n.attempts, n.disposition, n.dial_status, n.last_error, n.unique_id, n.agent, n.updated_at
    FROM dialer_numbers n' . ($where ? ' WHERE ' . implode(' AND ', $where) : '') . ' ORDER BY n.id DESC LIMIT ' . (PD_NUMBERS_PAGE + 1), $params)->fetchAll();
$more = count($rows) > PD_NUMBERS_PAGE;
$rows = array_slice($rows, 0, PD_NUMBERS_PAGE);
$query = ['campaign' => $campaign, 'state' => $state, 'disposition' => $disposition, 'q' => $search];

pd_page_start('Numbers');
?>
<form method="get" action="numbers.php" class="row g-2 align-items-end mb-3" role="search" id="pd-filter">
  <div class="col-sm-6 col-lg-2"><?= $filter->select('campaign', 'Campaign', ['' => 'All'] + $campaigns) ?></div>
  <div class="col-sm-6 col-lg-2"><?= $filter->select('state', 'State', ['' => 'All'] + array_combine(PD_NUMBER_STATES, PD_NUMBER_STATES)) ?></div>
  <div class="col-sm-6 col-lg-2"><?= $filter->input('disposition', 'Disposition') ?></div>
  <div class="col-sm-6 col-lg-3"><?= $filter->input('q', 'Name or number starts with', ['type' => 'search']) ?></div>
  <div class="col-lg-2 mb-3"><button class="btn btn-primary" type="submit">Filter</button> <a class="btn btn-link" href="numbers.php">Clear</a></div>
</form>
<form method="post" action="numbers.php" id="pd-numbers">
  <?= pd_csrf_field() ?>
  <input type="hidden" name="return" value="<?= h(http_build_query(array_filter($query + ['before' => $before ?: '']))) ?>">
  <div class="table-responsive">
  <table class="table table-sm table-striped align-middle">
    <thead><tr>
      <th scope="col"><input class="form-check-input" type="checkbox" data-select-all="ids[]" aria-label="Select all shown"></th>
      <th scope="col">Campaign</th><th scope="col">Name</th><th scope="col">Number</th><th scope="col">Time zone</th><th scope="col">State</th><th scope="col">Attempts</th>
      <th scope="col">Disposition</th><th scope="col">Dial status</th><th scope="col">Last error</th><th scope="col">Unique id</th><th scope="col">Agent</th><th scope="col">Last update (UTC)</th>
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
        <td><?= h($n['dial_status']) ?></td>
        <td class="pd-wrap pd-last-error"><?= h($n['last_error']) ?></td>
        <td><?= h($n['unique_id']) ?></td>
        <td><?= h($n['agent']) ?></td>
        <td><?= h($n['updated_at']) ?></td>
      </tr>
    <?php endforeach; ?>
    <?php if ($rows === []): ?><tr><td colspan="13">No numbers match.</td></tr><?php endif; ?>
    </tbody>
  </table>
  </div>
  <button class="btn btn-warning" type="submit" name="action" value="recycle">Recycle selected</button>
  <span class="form-text ms-2">Back to pending with 0 attempts; numbers in a call (dialing, answered) are left alone.</span>
</form>
<nav aria-label="Number pages" class="mt-3">
  <?php if ($before > 0): ?><a class="btn btn-sm btn-outline-secondary" href="<?= h(pd_pager_link($query)) ?>">Newest</a><?php endif; ?>
  <?php if ($more): ?><a class="btn btn-sm btn-outline-secondary" href="<?= h(pd_pager_link($query + ['before' => end($rows)['id']])) ?>">Older</a><?php endif; ?>
</nav>
<?php
pd_page_end();
