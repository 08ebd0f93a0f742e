<?php
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';
require __DIR__ . '/lib/dashboard.php';

pd_admin_page();

if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    // Play/pause: flips `enabled`; the engine picks the change up on its next refresh.
    $id = filter_var($_POST['campaign_id'] ?? '', FILTER_VALIDATE_INT);
    $enable = ($_POST['enable'] ?? '') === '1';
    $changed = $id !== false && pd_query('UPDATE dialer_campaigns SET enabled = ? WHERE id = ?', [(int) $enable, $id])->rowCount() > 0;
    if (str_contains($_SERVER['HTTP_ACCEPT'] ?? '', 'application/json')) {
        pd_json(['ok' => $changed]);
    }
    $name = $id !== false ? pd_query('SELECT name FROM dialer_campaigns WHERE id = ?', [$id])->fetchColumn() : false;
    pd_flash($name === false ? 'No such campaign.' : "Campaign $name " . ($enable ? 'playing.' : 'paused.'), $name === false ? 'danger' : 'success');
    pd_redirect('index.php');
}

$data = pd_dashboard_data();
const PD_STATE_CLASS = ['active' => 'text-bg-success', 'inactive' => 'text-bg-warning', 'expired' => 'text-bg-danger'];
// The two breakdowns of each card: what the engine made of each finished number,
// and what the agents chose (their tags). Keys are the fields of pd_dashboard_data().
const PD_BREAKDOWNS = [
    'dispositions' => ['title' => 'Engine results', 'role' => 'dispositions', 'total' => 'finished', 'unit' => 'finished numbers',
        'column' => 'Result', 'percent' => '% of finished', 'empty' => 'No finished numbers yet.'],
    'agent_dispositions' => ['title' => "Agents' dispositions", 'role' => 'agent-dispositions', 'total' => 'agent_tagged', 'unit' => 'tagged calls',
        'column' => 'Disposition', 'percent' => '% of tagged', 'empty' => 'No call tagged by an agent yet.'],
];
pd_page_start('Dashboard', '<script src="asset.php?f=chart.js" defer></script><script src="assets/dashboard.js" defer></script>');
?>
<p id="pd-engine" aria-live="polite">
  <span class="pd-engine-dot <?= $data['engine_up'] ? 'pd-engine-up' : 'pd-engine-down' ?>" aria-hidden="true"></span>
  Engine: <strong data-role="engine-text"><?= $data['engine_up'] ? 'running' : 'not running' ?></strong>
  <small class="text-body-secondary">(updated <span data-role="updated"><?= h($data['generated_at']) ?></span>)</small>
</p>
<?php $health = $data['engine_health']; ?>
<div id="pd-engine-health">
  <p class="text-warning-emphasis fw-semibold" role="status" data-role="pbx-down"<?= $health['pbx_down'] ? '' : ' hidden' ?>>PBX link down</p>
  <!-- The time ago changes on every refresh: not read out again for that alone. -->
  <!-- Calls handed to panelhost and waiting behind its AMI rate cap (docs/rates.md). -->
  <p class="text-warning-emphasis" role="status" data-role="calls-queued"<?= $health['calls_queued'] > 0 ? '' : ' hidden' ?>><span data-role="calls-queued-count"><?= h($health['calls_queued_label']) ?></span> queued in panelhost behind its AMI rate cap (ami.rate <span data-role="ami-rate"><?= h($health['ami_rate']) ?></span> a second): not dialed yet, not counted as live</p>
  <p class="alert alert-warning py-1 px-2" role="note" data-role="rate-note"<?= $health['rate_note'] === '' ? ' hidden' : '' ?>><?= h($health['rate_note']) ?></p>
  <p class="alert alert-danger py-1 px-2" role="alert" data-role="writes-refused"<?= $health['writes_refused'] > 0 ? '' : ' hidden' ?>><span data-role="writes-refused-count"><?= h($health['writes_refused_label']) ?></span> could not be saved (last: <span data-role="write-error"><?= h($health['last_write_error']) ?></span>, <span data-role="write-error-ago" aria-live="off"><?= h($health['last_write_error_ago']) ?></span>) — see the engine log</p>
</div>
<?php if ($data['campaigns'] === []): ?>
<p>No campaigns yet. <a href="campaigns.php?edit=new">Create one</a>.</p>
<?php endif; ?>
<div class="row g-3" id="pd-campaigns">
<?php foreach ($data['campaigns'] as $c): ?>
  <div class="col-md-6 col-xl-4">
    <section class="card h-100" data-campaign-id="<?= h($c['id']) ?>" aria-labelledby="c-title-<?= h($c['id']) ?>">
      <div class="card-header d-flex justify-content-between align-items-center">
        <h2 class="h5 mb-0" id="c-title-<?= h($c['id']) ?>"><?= h($c['name']) ?> <small class="text-body-secondary">(<?= h($c['mode']) ?>)</small></h2>
        <span class="badge pd-state <?= PD_STATE_CLASS[$c['state']] ?>" data-role="state"><?= h($c['state']) ?></span>
      </div>
      <div class="card-body">
        <p class="alert alert-danger py-1 px-2 small" role="note" data-role="problem"<?= $c['problem'] === '' ? ' hidden' : '' ?>>The engine will not dial this campaign: <span data-role="problem-text"><?= h($c['problem']) ?></span> <span class="text-nowrap" data-role="problem-since"><?= h($c['problem_since']) ?></span></p>
        <dl class="row mb-2">
          <dt class="col-7">Total entries</dt><dd class="col-5" data-role="total"><?= h($c['total']) ?></dd>
          <dt class="col-7">Time left today</dt><dd class="col-5" data-role="time-left"><?= h($c['time_left_today']) ?></dd>
          <dt class="col-7">Active calls</dt><dd class="col-5" data-role="active-calls"><?= h($c['active_calls']) ?></dd>
          <dt class="col-7" data-role="queued-calls-label"<?= $c['queued_calls'] > 0 ? '' : ' hidden' ?>>Queued in panelhost</dt><dd class="col-5" data-role="queued-calls"<?= $c['queued_calls'] > 0 ? '' : ' hidden' ?>><?= h($c['queued_calls']) ?></dd>
        </dl>
        <?php $p = $c['pacing']; ?>
        <!-- The engine's live pacing figures (migration 0018) and their chart over the campaign's day. -->
        <section class="pd-pacing mb-2" data-role="pacing" aria-labelledby="c-pacing-<?= h($c['id']) ?>"<?= $p === null ? ' hidden' : '' ?>>
          <h3 class="h6 mb-1" id="c-pacing-<?= h($c['id']) ?>">Pacing</h3>
          <p class="alert alert-warning py-1 px-2 small" role="status" data-role="fallback"<?= $p !== null && $p['fallback'] ? '' : ' hidden' ?>>Fallback: one call per free agent. The abandonment rate reached its target; the campaign places one call per free agent until it is back under.</p>
          <dl class="row mb-2">
            <dt class="col-7">Dial level</dt><dd class="col-5" data-role="dial-level"><?= h($p['dial_level'] ?? '') ?></dd>
            <dt class="col-7">Answer rate</dt><dd class="col-5" data-role="answer-rate"><?= h($p['answer_rate'] ?? '') ?></dd>
            <dt class="col-7">Abandonment rate (window)</dt>
            <dd class="col-5"><span data-role="abandon-rate" class="<?= $p !== null && $p['over_target'] ? 'text-danger fw-semibold' : '' ?>"><?= h($p['abandon_rate'] ?? '') ?></span> <small class="text-body-secondary">target <span data-role="abandon-target"><?= h($p['abandon_target'] ?? '') ?></span>; <span data-role="abandoned"><?= h($p['abandoned'] ?? '') ?></span> of <span data-role="answered"><?= h($p['answered'] ?? '') ?></span> answered</small></dd>
            <dt class="col-7">Agent occupancy</dt><dd class="col-5" data-role="occupancy"><?= h($p['occupancy'] ?? '') ?></dd>
          </dl>
          <div class="pd-day-chart" hidden><canvas data-chart="pacing" role="img" aria-label="Pacing figures of <?= h($c['name']) ?> over the day"></canvas></div>
        </section>
        <?php foreach (PD_BREAKDOWNS as $key => $b): ?>
        <section class="pd-breakdown" data-breakdown="<?= h($key) ?>" aria-labelledby="c-<?= h($key) ?>-<?= h($c['id']) ?>">
          <h3 class="h6 mb-1" id="c-<?= h($key) ?>-<?= h($c['id']) ?>"><?= h($b['title']) ?> <small class="text-body-secondary">(<span data-role="<?= h($b['role']) ?>-total"><?= h($c[$b['total']]) ?></span> <?= h($b['unit']) ?>)</small></h3>
          <p class="small text-body-secondary mb-1" data-role="<?= h($b['role']) ?>-empty"<?= $c[$key] === [] ? '' : ' hidden' ?>><?= h($b['empty']) ?></p>
          <table class="table table-sm mb-2">
            <caption class="visually-hidden"><?= h($b['title']) ?> of <?= h($c['name']) ?></caption>
            <thead><tr><th scope="col"><?= h($b['column']) ?></th><th scope="col">Count</th><th scope="col"><?= h($b['percent']) ?></th></tr></thead>
            <tbody data-role="<?= h($b['role']) ?>">
            <?php foreach ($c[$key] as $d): ?>
              <tr><td><span class="pd-swatch" data-colour="<?= h($d['colour']) ?>" aria-hidden="true"></span><?= h($d['disposition']) ?></td><td><?= h($d['count']) ?></td><td><?= h(number_format($d['percent'], 1)) ?>%</td></tr>
            <?php endforeach; ?>
            </tbody>
          </table>
          <canvas class="pd-chart" data-chart="<?= h($key) ?>" role="img" aria-label="<?= h($b['title']) ?> chart of <?= h($c['name']) ?>"></canvas>
        </section>
        <?php endforeach; ?>
      </div>
      <div class="card-footer">
        <form method="post" action="index.php" class="d-inline">
          <?= pd_csrf_field() ?>
          <input type="hidden" name="campaign_id" value="<?= h($c['id']) ?>">
          <input type="hidden" name="enable" value="<?= $c['enabled'] ? '0' : '1' ?>">
          <button type="submit" class="btn btn-sm <?= $c['enabled'] ? 'btn-outline-warning' : 'btn-outline-success' ?>" data-role="toggle">
            <?= $c['enabled'] ? 'Pause' : 'Play' ?> <span class="visually-hidden"><?= h($c['name']) ?></span>
          </button>
        </form>
        <a class="btn btn-sm btn-outline-secondary" href="campaigns.php?edit=<?= h($c['id']) ?>">Edit</a>
        <a class="btn btn-sm btn-outline-secondary" href="numbers.php?campaign=<?= h($c['id']) ?>">Numbers</a>
      </div>
    </section>
  </div>
<?php endforeach; ?>
</div>
<?php
pd_page_end();
