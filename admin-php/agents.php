<?php
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';
require __DIR__ . '/lib/agents.php';

pd_admin_page();

// What each agent (extension) did: calls taken, talk time and the
// dispositions chosen, today and over a chosen range of days, counted in the
// admin's zone (pd_admin_zone).
$zone = pd_admin_zone();
$now = new DateTimeImmutable('now', $zone);
$today = $now->setTime(0, 0);
$sort = is_string($_GET['sort'] ?? null) && isset(PD_AGENT_SORTS[$_GET['sort']]) ? $_GET['sort'] : 'calls';
$fromText = is_string($_GET['from'] ?? null) ? trim($_GET['from']) : '';
$toText = is_string($_GET['to'] ?? null) ? trim($_GET['to']) : '';
$range = pd_agent_range($fromText, $toText, $now);
if (is_array($range)) {
    $fromText = $range['from']->format('Y-m-d');
    $toText = $range['to']->format('Y-m-d');
}

$tables = [['id' => 'pd-agents-today', 'title' => 'Today (' . $today->format('Y-m-d') . ')',
    'rows' => pd_agent_activity($today, $today->modify('+1 day'), $sort)]];
if (is_array($range)) {
    $tables[] = ['id' => 'pd-agents-range', 'title' => 'From ' . $fromText . ' to ' . $toText,
        'rows' => pd_agent_activity($range['from'], $range['to']->modify('+1 day'), $sort)];
}
$link = fn (string $by) => 'agents.php?' . http_build_query(['from' => $fromText, 'to' => $toText, 'sort' => $by]);

pd_page_start('Agents', '<script src="assets/agents.js" defer></script>');
?>
<p>Calls each agent took, counted in <strong><?= h($zone->getName()) ?></strong> time by the day they started.
  Talk time runs from the answer to the hang-up; inbound calls are recorded only when the agent tags them, so they count with no talk time.
  Wrap-up and pause time count the wrap-ups and pauses that ended (one still running counts once it ends), by the day they started.</p>
<form method="get" action="agents.php" class="row g-2 align-items-end mb-3" id="pd-agents-range-form" novalidate>
  <input type="hidden" name="sort" value="<?= h($sort) ?>">
  <div class="col-auto"><label class="form-label" for="f-from">From</label>
    <input class="form-control<?= is_string($range) ? ' is-invalid' : '' ?>" type="date" id="f-from" name="from" value="<?= h($fromText) ?>"<?= is_string($range) ? ' aria-describedby="e-range" aria-invalid="true"' : '' ?>></div>
  <div class="col-auto"><label class="form-label" for="f-to">To</label>
    <input class="form-control<?= is_string($range) ? ' is-invalid' : '' ?>" type="date" id="f-to" name="to" value="<?= h($toText) ?>"<?= is_string($range) ? ' aria-describedby="e-range" aria-invalid="true"' : '' ?>></div>
  <div class="col-auto"><button class="btn btn-primary" type="submit">Show</button></div>
</form>
<?php if (is_string($range)): ?>
<div class="alert alert-danger" role="alert" id="e-range"><?= h($range) ?></div>
<?php endif; ?>
<?php foreach ($tables as $table): ?>
<section class="mb-4" aria-labelledby="<?= h($table['id']) ?>-title">
  <h2 class="h5" id="<?= h($table['id']) ?>-title"><?= h($table['title']) ?></h2>
  <?php if ($table['rows'] === []): ?>
  <p class="text-body-secondary" data-role="empty">No calls taken, wrap-ups or pauses by an agent.</p>
  <?php else: ?>
  <table class="table table-sm table-striped align-middle" id="<?= h($table['id']) ?>">
    <thead><tr>
      <?php foreach (['agent' => 'Agent', 'calls' => 'Calls', 'talk' => 'Talk time'] as $by => $label): ?>
      <th scope="col"<?= $sort === $by ? ' aria-sort="' . ($by === 'agent' ? 'ascending' : 'descending') . '"' : '' ?>><a href="<?= h($link($by)) ?>"><?= h($label) ?></a></th>
      <?php endforeach; ?>
      <th scope="col">Wrap-up</th>
      <th scope="col">Pauses</th>
      <th scope="col">Dispositions chosen</th>
      <th scope="col">Not tagged</th>
    </tr></thead>
    <tbody>
    <?php foreach ($table['rows'] as $a): ?>
      <tr data-agent="<?= h($a['agent']) ?>">
        <td data-role="agent"><?= h($a['agent']) ?></td>
        <td data-role="calls"><?= h($a['calls']) ?></td>
        <td data-role="talk"><?= h(pd_format_talk($a['talk_seconds'])) ?></td>
        <td data-role="wrapup"><?= h(pd_format_talk($a['wrapup_seconds'])) ?></td>
        <td data-role="pauses"><?= h(pd_format_talk($a['pause_seconds'])) ?><?= $a['pauses'] > 0 ? ' <span class="text-body-secondary">(' . h($a['pauses']) . ')</span>' : '' ?></td>
        <td data-role="dispositions"><?php foreach ($a['dispositions'] as $i => $d): ?><?= $i > 0 ? ', ' : '' ?><span class="text-nowrap"><span class="pd-swatch" data-colour="<?= h($d['colour']) ?>" aria-hidden="true"></span><?= h($d['disposition']) ?> <?= h($d['count']) ?></span><?php endforeach; ?></td>
        <td data-role="untagged"><?= h($a['untagged']) ?></td>
      </tr>
    <?php endforeach; ?>
    </tbody>
  </table>
  <?php endif; ?>
</section>
<?php endforeach; ?>
<?php
pd_page_end();
