<?php
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';

// The webhook outbox (dialer_webhook_events, migration 0020; docs/webhooks.md):
// the events still to send and those the engine gave up on, with their last
// error, and a Replay button that puts a failed event back in line (pending,
// due now, its attempts counted from zero again; the same SQL as
// pd::store::Store::replay_webhook). The page never sends anything itself:
// the engine's webhook worker does.

pd_admin_page();

const PD_WEBHOOK_PAGE = 100;
const PD_WEBHOOK_STATES = ['failed' => 'Failed', 'pending' => 'Pending', 'delivered' => 'Delivered'];

if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $action = $_POST['action'] ?? '';
    $back = 'webhooks.php?' . http_build_query(array_filter(['state' => $_POST['state'] ?? '', 'campaign' => $_POST['campaign'] ?? ''],
        fn ($v) => is_string($v) && $v !== ''));
    if ($action === 'replay') {
        $id = filter_var($_POST['id'] ?? '', FILTER_VALIDATE_INT, ['options' => ['min_range' => 1]]);
        $done = $id === false ? 0 : pd_query("UPDATE dialer_webhook_events SET state = 'pending', attempts = 0, next_attempt_at = UTC_TIMESTAMP(3),"
            . " claim_token = NULL WHERE id = ? AND state IN ('failed','pending')", [$id])->rowCount();
        pd_flash($done ? "Event $id queued again: the engine sends it within a second." : 'That event cannot be replayed (delivered already, or gone).');
    } elseif ($action === 'replay_failed') {
        $campaign = filter_var($_POST['campaign'] ?? '', FILTER_VALIDATE_INT, ['options' => ['min_range' => 1]]);
        $done = pd_query("UPDATE dialer_webhook_events SET state = 'pending', attempts = 0, next_attempt_at = UTC_TIMESTAMP(3), claim_token = NULL"
            . " WHERE state = 'failed'" . ($campaign === false ? '' : ' AND campaign_id = ?'), $campaign === false ? [] : [$campaign])->rowCount();
        pd_flash("$done failed events queued again.");
    }
    pd_redirect($back);
}

$state = is_string($_GET['state'] ?? null) && isset(PD_WEBHOOK_STATES[$_GET['state']]) ? $_GET['state'] : 'failed';
$campaign = filter_var($_GET['campaign'] ?? '', FILTER_VALIDATE_INT, ['options' => ['min_range' => 1]]);
$before = filter_var($_GET['before'] ?? '', FILTER_VALIDATE_INT, ['options' => ['min_range' => 1]]);
$where = 'e.state = ?';
$params = [$state];
if ($campaign !== false) {
    $where .= ' AND e.campaign_id = ?';
    $params[] = $campaign;
}
if ($before !== false) {
    $where .= ' AND e.id < ?';
    $params[] = $before;
}
$rows = pd_query('SELECT e.id, e.event_id, e.event, e.call_id, c.name AS campaign, e.attempts, e.next_attempt_at, e.last_status, e.last_error,'
    . " e.created_at, e.delivered_at FROM dialer_webhook_events e JOIN dialer_campaigns c ON c.id = e.campaign_id WHERE $where ORDER BY e.id DESC LIMIT "
    . (PD_WEBHOOK_PAGE + 1), $params)->fetchAll();
$more = count($rows) > PD_WEBHOOK_PAGE;
$rows = array_slice($rows, 0, PD_WEBHOOK_PAGE);
$counts = array_column(pd_query('SELECT state, COUNT(*) AS n FROM dialer_webhook_events' . ($campaign === false ? '' : ' WHERE campaign_id = ?')
    . ' GROUP BY state', $campaign === false ? [] : [$campaign])->fetchAll(), 'n', 'state');
$campaigns = pd_query("SELECT id, name FROM dialer_campaigns ORDER BY name")->fetchAll(PDO::FETCH_KEY_PAIR);
pd_page_start('Webhooks');
?>
<p>Each campaign with a webhook URL gets a signed POST at every call's final result (see <code>docs/webhooks.md</code>). Failed POSTs are retried
with backoff; an event that still fails is kept here until you replay it.</p>
<form method="get" action="webhooks.php" class="row g-2 mb-3" id="pd-webhooks-filter">
  <div class="col-auto">
    <label class="visually-hidden" for="f-state">State</label>
    <select class="form-select" id="f-state" name="state">
      <?php foreach (PD_WEBHOOK_STATES as $value => $label): ?>
        <option value="<?= h($value) ?>"<?= $value === $state ? ' selected' : '' ?>><?= h($label . ' (' . (int) ($counts[$value] ?? 0) . ')') ?></option>
      <?php endforeach; ?>
    </select>
  </div>
  <div class="col-auto">
    <label class="visually-hidden" for="f-campaign">Campaign</label>
    <select class="form-select" id="f-campaign" name="campaign">
      <option value="">All campaigns</option>
      <?php foreach ($campaigns as $id => $name): ?>
        <option value="<?= h($id) ?>"<?= $campaign === (int) $id ? ' selected' : '' ?>><?= h($name) ?></option>
      <?php endforeach; ?>
    </select>
  </div>
  <div class="col-auto"><button class="btn btn-outline-primary" type="submit">Show</button></div>
</form>
<?php if ($state === 'failed' && $rows !== []): ?>
<form method="post" action="webhooks.php" class="mb-3" data-confirm="Send every failed event<?= $campaign === false ? '' : ' of this campaign' ?> again?">
  <?= pd_csrf_field() ?>
  <input type="hidden" name="state" value="failed">
  <input type="hidden" name="campaign" value="<?= h($campaign === false ? '' : $campaign) ?>">
  <button class="btn btn-outline-primary" type="submit" name="action" value="replay_failed">Replay all failed</button>
</form>
<?php endif; ?>
<div class="table-responsive">
<table class="table table-sm table-striped align-middle" id="pd-webhook-events">
  <thead><tr><th scope="col">Event</th><th scope="col">Campaign</th><th scope="col">Call</th><th scope="col">Created (UTC)</th>
    <th scope="col">Attempts</th><th scope="col"><?= $state === 'delivered' ? 'Delivered (UTC)' : 'Next attempt (UTC)' ?></th><th scope="col">Last error</th><th scope="col">Actions</th></tr></thead>
  <tbody>
  <?php foreach ($rows as $r): ?>
    <tr data-event-id="<?= h($r['event_id']) ?>">
      <td><?= h($r['event']) ?><br><small class="text-muted"><?= h($r['event_id']) ?></small></td>
      <td><?= h($r['campaign']) ?></td>
      <td><?= h($r['call_id']) ?></td>
      <td><?= h($r['created_at']) ?></td>
      <td><?= h($r['attempts']) ?></td>
      <td><?= h($state === 'delivered' ? ($r['delivered_at'] ?? '') : ($state === 'failed' ? '—' : $r['next_attempt_at'])) ?></td>
      <td class="pd-last-error"><?= h($r['last_error'] ?? '') ?></td>
      <td>
        <?php if ($state !== 'delivered'): ?>
        <form method="post" action="webhooks.php" class="d-inline">
          <?= pd_csrf_field() ?>
          <input type="hidden" name="id" value="<?= h($r['id']) ?>">
          <input type="hidden" name="state" value="<?= h($state) ?>">
          <input type="hidden" name="campaign" value="<?= h($campaign === false ? '' : $campaign) ?>">
          <button class="btn btn-sm btn-outline-primary" type="submit" name="action" value="replay">Replay <span class="visually-hidden"><?= h($r['event_id']) ?></span></button>
        </form>
        <?php endif; ?>
      </td>
    </tr>
  <?php endforeach; ?>
  <?php if ($rows === []): ?><tr><td colspan="8">No <?= h(strtolower(PD_WEBHOOK_STATES[$state])) ?> events.</td></tr><?php endif; ?>
  </tbody>
</table>
</div>
<?php if ($more): ?><a class="btn btn-sm btn-outline-secondary" href="<?= h(pd_pager_link(['state' => $state, 'campaign' => $campaign === false ? '' : $campaign, 'before' => end($rows)['id']])) ?>">Older</a><?php endif; ?>
<?php
pd_page_end();
