<?php
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';
require_once __DIR__ . '/lib/agents.php';
require_once __DIR__ . '/lib/callbacks.php';

// Scheduled callbacks (migration 0015): every number with a callback time, soonest first, and
// what the admin can do with one - move it (another time, another agent, or anyone) or cancel
// it. The time is typed in the customer's zone and checked by the rule the engine applies when
// an agent schedules one (lib/callbacks.php, tests/data/callback-cases.json).

pd_admin_page();

const PD_CALLBACKS_PAGE = 200;
const PD_AGENT_PATTERN = '/^[A-Za-z0-9_.@-]{1,80}$/';

$campaigns = pd_query('SELECT id, name FROM dialer_campaigns ORDER BY name')->fetchAll(PDO::FETCH_KEY_PAIR);
$adminZone = pd_admin_zone();

/** A callback with what the page shows and the move needs; null when the number has none. */
function pd_callback_row(int $id): ?array
{
    $row = pd_query('SELECT n.id, n.campaign_id, n.number, n.name, n.state, n.time_zone, n.callback_at, n.callback_agent, n.callback_until,
            c.name AS campaign, c.start_hour, c.end_hour, c.week_days, c.time_zone AS campaign_zone, c.start_date, c.end_date, c.callback_grace_minutes
        FROM dialer_numbers n JOIN dialer_campaigns c ON c.id = n.campaign_id WHERE n.id = ? AND n.callback_at IS NOT NULL', [$id])->fetch();
    return $row === false ? null : $row;
}

/** The zone the customer's time is read in: the number's own, else the campaign's. */
function pd_customer_zone(array $row): string
{
    return ($row['time_zone'] ?? '') !== '' ? (string) $row['time_zone'] : (string) $row['campaign_zone'];
}

/** "2026-12-01 10:30" in $zone from a UTC DATETIME column. */
function pd_local_minute(string $utc, string $zone): string
{
    try {
        return (new DateTimeImmutable($utc, new DateTimeZone('UTC')))->setTimezone(new DateTimeZone($zone))->format('Y-m-d H:i');
    } catch (Exception) {
        return substr($utc, 0, 16) . ' UTC';
    }
}

$moveId = (int) ($_GET['move'] ?? 0);
$moveForm = null;
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $id = (int) ($_POST['id'] ?? 0);
    $row = pd_callback_row($id);
    if ($row === null) {
        pd_flash('That number has no callback any more (it was dialed, moved or cancelled meanwhile).', 'warning');
        pd_redirect('callbacks.php');
    }
    if (($_POST['action'] ?? '') === 'cancel') {
        $cancelled = pd_query("UPDATE dialer_numbers SET state = 'closed', callback_at = NULL, callback_agent = NULL, callback_until = NULL,
              last_error = 'Callback cancelled on the Callbacks page'
            WHERE id = ? AND callback_at IS NOT NULL AND state IN ('callback', 'pending', 'retry')", [$id])->rowCount();
        pd_flash($cancelled ? "Callback of {$row['number']} cancelled; the number is closed." : "The callback of {$row['number']} is being dialed now and cannot be cancelled.",
            $cancelled ? 'success' : 'warning');
        pd_redirect('callbacks.php');
    }
    $moveForm = new Form($_POST);
    $moveId = $id;
    $local = $moveForm->text('local_time');
    $agent = $moveForm->text('agent');
    if ($agent !== '' && !preg_match(PD_AGENT_PATTERN, $agent)) {
        $moveForm->error('agent', 'Agent: an extension (letters, digits, _ . @ -), or empty for anyone.');
    }
    $campaign = ['start_hour' => $row['start_hour'], 'end_hour' => $row['end_hour'], 'week_days' => $row['week_days'],
        'time_zone' => $row['campaign_zone'], 'start_date' => $row['start_date'], 'end_date' => $row['end_date']];
    $plan = pd_callback_due($campaign, $row['time_zone'], $local, time());
    if (isset($plan['error'])) {
        $moveForm->error('local_time', 'Time: ' . $plan['error']);
    }
    if ($moveForm->ok()) {
        $due = gmdate('Y-m-d H:i:s', $plan['due']);
        $until = $agent === '' ? null : gmdate('Y-m-d H:i:s', $plan['due'] + 60 * (int) $row['callback_grace_minutes']);
        $moved = pd_query("UPDATE dialer_numbers SET state = IF(? = '', 'pending', 'callback'), next_try_at = ?, callback_at = ?,
              callback_agent = NULLIF(?, ''), callback_until = ?
            WHERE id = ? AND callback_at IS NOT NULL AND state IN ('callback', 'pending', 'retry')", [$agent, $due, $due, $agent, $until, $id])->rowCount();
        $after = $moved === 0 ? pd_callback_row($id) : null;
        if ($moved === 0 && ($after === null || !in_array($after['state'], ['callback', 'pending', 'retry'], true))) {
            pd_flash("The callback of {$row['number']} is being dialed now and cannot be moved.", 'warning');
        } else {
            pd_flash("Callback of {$row['number']} moved to $local (" . pd_customer_zone($row) . ') for ' . ($agent === '' ? 'anyone' : "agent $agent") . '.');
        }
        pd_redirect('callbacks.php');
    }
} elseif ($moveId > 0) {
    $row = pd_callback_row($moveId);
    if ($row === null) {
        pd_flash('That number has no callback any more.', 'warning');
        pd_redirect('callbacks.php');
    }
    $moveForm = new Form(pd_restored_input('move') ?? [
        'local_time' => str_replace(' ', 'T', pd_local_minute((string) $row['callback_at'], pd_customer_zone($row))),
        'agent' => $row['callback_until'] !== null && strtotime($row['callback_until'] . ' UTC') > time() ? (string) $row['callback_agent'] : '',
    ]);
}

$filter = new Form($_GET);
$campaignId = $filter->text('campaign');
$where = ['n.callback_at IS NOT NULL'];
$params = [];
if ($campaignId !== '' && isset($campaigns[(int) $campaignId])) {
    $where[] = 'n.campaign_id = ?';
    $params[] = (int) $campaignId;
}
$rows = pd_query('SELECT n.id, n.campaign_id, n.number, n.name, n.state, n.time_zone, n.callback_at, n.callback_agent, n.callback_until,
        c.time_zone AS campaign_zone, UTC_TIMESTAMP(3) AS now
    FROM dialer_numbers n FORCE INDEX (ix_number_callback_at) JOIN dialer_campaigns c ON c.id = n.campaign_id
    WHERE ' . implode(' AND ', $where) . ' ORDER BY n.callback_at, n.id LIMIT ' . (PD_CALLBACKS_PAGE + 1), $params)->fetchAll();
$more = count($rows) > PD_CALLBACKS_PAGE;
$rows = array_slice($rows, 0, PD_CALLBACKS_PAGE);

/** Who may take it now, in words. */
function pd_callback_for(array $r): string
{
    if ($r['callback_agent'] === null) {
        return 'Anyone';
    }
    if ($r['state'] === 'callback') {
        return "Agent {$r['callback_agent']}";
    }
    return "Anyone (was for agent {$r['callback_agent']})";
}

/** Where it stands, in words. */
function pd_callback_status(array $r, DateTimeZone $adminZone): string
{
    if (in_array($r['state'], ['reserved', 'dialing', 'answered'], true)) {
        return 'Being dialed';
    }
    $due = $r['callback_at'] <= $r['now'];
    if ($r['state'] === 'callback') {
        $until = (new DateTimeImmutable((string) $r['callback_until'], new DateTimeZone('UTC')))->setTimezone($adminZone)->format('H:i');
        return ($due ? 'Due: ' : 'Scheduled: ') . "waits for agent {$r['callback_agent']} until $until, then anyone";
    }
    return $due ? 'Due: the next free agent' : 'Scheduled';
}

pd_page_start('Callbacks');
?>
<p class="text-secondary">Times agents agreed with customers, soonest first. "Customer's time" is in the customer's zone (the number's own, else the
campaign's); the other column is in the admin zone (<?= h($adminZone->getName()) ?>, see Settings). A callback for one agent waits for that agent for
the campaign's grace period, then goes to anyone.</p>
<?php if ($moveForm !== null && ($row ?? null) !== null): ?>
<div class="card mb-4 pd-narrow">
  <div class="card-body">
    <h2 class="h5">Move the callback of <?= h($row['number']) ?><?= $row['name'] !== '' ? ' (' . h($row['name']) . ')' : '' ?></h2>
    <?= $moveForm->summary() ?>
    <form method="post" action="callbacks.php?move=<?= h($moveId) ?>" novalidate id="pd-callback-move">
      <?= pd_csrf_field() ?>
      <input type="hidden" name="action" value="move">
      <input type="hidden" name="id" value="<?= h($moveId) ?>">
      <?= $moveForm->input('local_time', "Customer's time (" . pd_customer_zone($row) . ')', ['type' => 'datetime-local', 'required' => true,
          'help' => "Inside the campaign's calling hours, in the campaign's zone and in the customer's."]) ?>
      <?= $moveForm->input('agent', 'For agent', ['maxlength' => 80, 'help' => 'An extension; empty: anyone.']) ?>
      <button class="btn btn-primary" type="submit">Move</button> <a class="btn btn-link" href="callbacks.php">Cancel</a>
    </form>
  </div>
</div>
<?php endif; ?>
<form method="get" action="callbacks.php" class="row g-2 align-items-end mb-3" role="search" id="pd-filter" novalidate>
  <div class="col-sm-6 col-lg-3"><?= $filter->select('campaign', 'Campaign', ['' => 'All'] + $campaigns) ?></div>
  <div class="col-lg-3 mb-3"><button class="btn btn-primary" type="submit">Filter</button> <a class="btn btn-link" href="callbacks.php">Clear</a></div>
</form>
<div class="table-responsive">
<table class="table table-sm table-striped align-middle" id="pd-callbacks">
  <thead><tr>
    <th scope="col">Customer's time</th><th scope="col">Time (<?= h($adminZone->getName()) ?>)</th><th scope="col">Number</th><th scope="col">Contact name</th>
    <th scope="col">Campaign</th><th scope="col">For</th><th scope="col">Status</th><th scope="col">Actions</th>
  </tr></thead>
  <tbody>
  <?php foreach ($rows as $r): ?>
    <tr data-number-id="<?= h($r['id']) ?>">
      <td><?= h(pd_local_minute((string) $r['callback_at'], pd_customer_zone($r))) ?> <span class="text-secondary small"><?= h(pd_customer_zone($r)) ?></span></td>
      <td><?= h(pd_local_minute((string) $r['callback_at'], $adminZone->getName())) ?></td>
      <td><?= h($r['number']) ?></td>
      <td class="pd-wrap"><?= h($r['name']) ?></td>
      <td><?= h($campaigns[$r['campaign_id']] ?? $r['campaign_id']) ?></td>
      <td><?= h(pd_callback_for($r)) ?></td>
      <td><?= h(pd_callback_status($r, $adminZone)) ?></td>
      <td class="text-nowrap">
        <a class="btn btn-sm btn-outline-primary" href="callbacks.php?move=<?= h($r['id']) ?>">Move <span class="visually-hidden"><?= h($r['number']) ?></span></a>
        <form method="post" action="callbacks.php" class="d-inline" data-confirm="Cancel this callback? The number is closed.">
          <?= pd_csrf_field() ?>
          <input type="hidden" name="id" value="<?= h($r['id']) ?>">
          <button class="btn btn-sm btn-outline-danger" type="submit" name="action" value="cancel">Cancel <span class="visually-hidden"><?= h($r['number']) ?></span></button>
        </form>
      </td>
    </tr>
  <?php endforeach; ?>
  <?php if ($rows === []): ?><tr><td colspan="8">No callbacks.</td></tr><?php endif; ?>
  </tbody>
</table>
</div>
<?php if ($more): ?><p class="text-secondary">Only the first <?= PD_CALLBACKS_PAGE ?> are shown: filter by campaign to see others.</p><?php endif; ?>
<?php
pd_page_end();
