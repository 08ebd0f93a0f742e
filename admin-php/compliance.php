<?php
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';
require_once __DIR__ . '/lib/list_filters.php';
require_once __DIR__ . '/lib/csv_export.php';

// The compliance audit (migration 0018): one row per Originate with each check
// the engine made and the value it saw at that moment - do-not-call, the called
// party's local time against the campaign's window, the campaign's abandonment
// rate against its target over its window, the mode and the dial level. Kept
// for the plugin's audit_keep_days (30 by default). Newest first; CSV export.

pd_admin_page();

const PD_AUDIT_PAGE = 50;

$campaigns = pd_query('SELECT id, name FROM dialer_campaigns ORDER BY name')->fetchAll(PDO::FETCH_KEY_PAIR);

/**
 * Up to $limit audit rows matching $f, newest first, after the cursor
 * [originated_at, call_id] (null: from the newest): keyset paging over
 * ix_audit_time / ix_audit_campaign_time (their rows end in the call id).
 */
function pd_audit_page(ListFilter $f, ?array $after, int $limit): array
{
    [$where, $params] = pd_keyset_where($f, $after, 'a.originated_at', 'a.call_id');
    return pd_query('SELECT a.call_id, a.campaign_id, a.number_id, a.number, a.instance, a.originated_at, a.mode, a.dnc_checked, a.dnc_listed,
          a.party_zone, a.party_local_time, a.window_start, a.window_end, a.window_days, a.window_ok, a.abandon_rate_pct, a.abandon_target_pct,
          a.abandon_window, a.abandoned_in_window, a.answered_in_window, a.dial_level, a.predictive_fallback
        FROM dialer_compliance_audit a' . $where . ' ORDER BY a.originated_at DESC, a.call_id DESC LIMIT ' . $limit, $params)->fetchAll();
}

function pd_yes_no(mixed $flag): string
{
    return $flag ? 'yes' : 'no';
}

/** The campaign's hours as "09:00-21:00". */
function pd_audit_window(array $a): string
{
    return substr((string) $a['window_start'], 0, 5) . '-' . substr((string) $a['window_end'], 0, 5);
}

$filter = new Form($_GET);
$f = pd_compliance_filter($filter, $campaigns);
$campaignName = fn (array $a) => $campaigns[$a['campaign_id']] ?? $a['campaign_id'];
$cells = fn (array $a) => [$a['originated_at'], $a['call_id'], $campaignName($a), $a['number_id'], $a['number'], $a['mode'],
    pd_yes_no($a['dnc_checked']), pd_yes_no($a['dnc_listed']), $a['party_zone'], $a['party_local_time'], pd_audit_window($a), $a['window_days'],
    pd_yes_no($a['window_ok']), $a['abandon_rate_pct'], $a['abandon_target_pct'], $a['abandon_window'], $a['abandoned_in_window'],
    $a['answered_in_window'], $a['dial_level'], pd_yes_no($a['predictive_fallback']), $a['instance']];

if (($_GET['format'] ?? '') === 'csv') {
    if (!$filter->ok()) {
        pd_csv_refuse($filter);
    }
    $out = pd_csv_start('compliance-' . gmdate('Ymd-His') . '.csv', ['Originated (UTC)', 'Call id', 'Campaign', 'Number id', 'Number', 'Mode',
        'Do-not-call checked', 'On do-not-call list', 'Called party zone', 'Called party local time', 'Campaign window', 'Window days', 'Inside window',
        'Abandonment rate %', 'Abandonment target %', 'Abandonment window', 'Abandoned in window', 'Answered in window', 'Dial level',
        'Fallback (one call per free agent)', 'Engine']);
    pd_csv_stream($out, fn (?array $after) => pd_audit_page($f, $after, PD_CSV_CHUNK), fn (array $a) => [$a['originated_at'], $a['call_id']], $cells);
    exit;
}

$after = pd_page_cursor($filter, '[A-Za-z0-9_.-]{1,64}');
$rows = $filter->ok() ? pd_audit_page($f, $after, PD_AUDIT_PAGE + 1) : [];
$more = count($rows) > PD_AUDIT_PAGE;
$rows = array_slice($rows, 0, PD_AUDIT_PAGE);
$query = $f->query;

pd_page_start('Compliance');
?>
<p class="text-body-secondary">One row per call placed, with each check and the value it had at that moment. Rows are kept for the audit window (30 days unless the engine's <code>audit_keep_days</code> says otherwise).</p>
<?= $filter->ok() ? '' : '<div class="alert alert-danger" role="alert" id="pd-filter-errors">The filter is not valid: ' . h(implode(' ', $filter->errors)) . '</div>' ?>
<form method="get" action="compliance.php" class="row g-2 align-items-end mb-3" role="search" id="pd-filter" novalidate>
  <div class="col-sm-6 col-lg-3"><?= $filter->select('campaign', 'Campaign', ['' => 'All'] + $campaigns) ?></div>
  <div class="col-sm-3 col-lg-2"><?= $filter->input('from', 'From (UTC)', ['type' => 'date']) ?></div>
  <div class="col-sm-3 col-lg-2"><?= $filter->input('to', 'To (UTC)', ['type' => 'date']) ?></div>
  <div class="col-sm-6 col-lg-2"><?= $filter->input('q', 'Number starts with', ['type' => 'search']) ?></div>
  <div class="col-lg-3 mb-3">
    <button class="btn btn-primary" type="submit">Filter</button> <a class="btn btn-link" href="compliance.php">Clear</a>
    <?php if ($filter->ok()): ?>
    <a class="btn btn-outline-secondary" id="pd-export" href="<?= h('compliance.php' . pd_pager_link($query + ['format' => 'csv'])) ?>">Export CSV</a>
    <?php endif; ?>
  </div>
</form>
<div class="table-responsive">
<table class="table table-sm table-striped align-middle" id="pd-audit">
  <thead><tr>
    <th scope="col">Originated (UTC)</th><th scope="col">Campaign</th><th scope="col">Number</th><th scope="col">Mode</th>
    <th scope="col" title="Checked against the do-not-call list right before the call; listed?">Do-not-call</th>
    <th scope="col" title="The called party's zone and local time">Called party's time</th>
    <th scope="col" title="The campaign's hours and days, and whether the call was inside them">Window</th>
    <th scope="col" title="Abandoned / answered live calls over the campaign's window, against its target">Abandonment</th>
    <th scope="col">Dial level</th><th scope="col">Call id</th>
  </tr></thead>
  <tbody>
  <?php foreach ($rows as $a): ?>
    <tr data-call-id="<?= h($a['call_id']) ?>">
      <td><?= h(substr((string) $a['originated_at'], 0, 19)) ?></td>
      <td><?= h($campaignName($a)) ?></td>
      <td><?= h($a['number']) ?></td>
      <td><?= h($a['mode']) ?></td>
      <td data-role="dnc"><?= $a['dnc_checked'] ? ($a['dnc_listed'] ? 'checked, <strong class="text-danger">listed</strong>' : 'checked, not listed') : '<strong class="text-danger">not checked</strong>' ?></td>
      <td data-role="party-time"><?= h($a['party_local_time'] === null ? 'unknown' : substr((string) $a['party_local_time'], 0, 16)) ?> <small class="text-body-secondary"><?= h($a['party_zone']) ?></small></td>
      <td data-role="window"><?= h(pd_audit_window($a)) ?> <small class="text-body-secondary"><?= h($a['window_days']) ?></small> <?= $a['window_ok'] ? 'inside' : '<strong class="text-danger">outside</strong>' ?></td>
      <td data-role="abandonment"><?= h($a['abandon_rate_pct']) ?> % of <?= h($a['answered_in_window']) ?> <small class="text-body-secondary">(target <?= h($a['abandon_target_pct']) ?> %<?= $a['abandon_window'] === '' ? '' : ', ' . h($a['abandon_window']) ?>)</small><?= $a['predictive_fallback'] ? ' <span class="badge text-bg-warning">fallback</span>' : '' ?></td>
      <td><?= h($a['dial_level']) ?></td>
      <td class="pd-wrap"><small><?= h($a['call_id']) ?></small></td>
    </tr>
  <?php endforeach; ?>
  <?php if ($rows === []): ?><tr><td colspan="10">No calls match.</td></tr><?php endif; ?>
  </tbody>
</table>
</div>
<?= pd_pager_nav('Audit pages', $query, $after !== null, $more ? end($rows)['originated_at'] . '_' . end($rows)['call_id'] : null) ?>
<?php
pd_page_end();
