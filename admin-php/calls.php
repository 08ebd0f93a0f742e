<?php
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';
require_once __DIR__ . '/lib/list_filters.php';
require_once __DIR__ . '/lib/csv_export.php';

// The call log: one row per call of dialer_calls, outbound attempts and the
// inbound queue calls agents tagged, newest first.

pd_admin_page();

const PD_CALLS_PAGE = 50;

$campaigns = pd_query('SELECT id, name FROM dialer_campaigns ORDER BY name')->fetchAll(PDO::FETCH_KEY_PAIR);

/**
 * Up to $limit calls matching $f, newest first, after the cursor
 * [started_at, id] (null: from the newest): keyset paging over ix_call_started
 * / ix_call_campaign / ix_call_agent (their rows end in the primary key).
 */
function pd_calls_page(ListFilter $f, ?array $after, int $limit): array
{
    [$where, $params] = pd_keyset_where($f, $after, 'c.started_at', 'c.id');
    return pd_query('SELECT c.id, c.started_at, c.direction, c.number, n.name, c.campaign_id, c.agent, c.dial_status, c.disposition, c.agent_disposition,
          IF(c.answered_at IS NULL OR c.ended_at IS NULL, NULL, TIMESTAMPDIFF(SECOND, c.answered_at, c.ended_at)) AS talk_seconds, c.dtmf, c.call_id
        FROM dialer_calls c LEFT JOIN dialer_numbers n ON n.id = c.number_id' . $where
        . ' ORDER BY c.started_at DESC, c.id DESC LIMIT ' . $limit, $params)->fetchAll();
}

/** A page cursor as the "Older" link carries it: the last row's start and id. */
function pd_calls_cursor(array $row): string
{
    return $row['started_at'] . '_' . $row['id'];
}

$filter = new Form($_GET);
$f = pd_calls_filter($filter, $campaigns);
$cells = fn (array $c) => [$c['started_at'], $c['direction'], $c['number'], $c['name'], $campaigns[$c['campaign_id']] ?? $c['campaign_id'], $c['agent'],
    $c['dial_status'], $c['disposition'], $c['agent_disposition'], $c['talk_seconds'], $c['dtmf'], $c['call_id']];

if (($_GET['format'] ?? '') === 'csv') {
    if (!$filter->ok()) {
        pd_csv_refuse($filter);
    }
    $out = pd_csv_start('calls-' . gmdate('Ymd-His') . '.csv', ['Started (UTC)', 'Direction', 'Number', 'Contact name', 'Campaign', 'Agent', 'Dial status',
        'Result', "Agent's disposition", 'Talk time (s)', 'DTMF', 'Call id']);
    pd_csv_stream($out, fn (?array $after) => pd_calls_page($f, $after, PD_CSV_CHUNK), fn (array $c) => [$c['started_at'], (int) $c['id']], $cells);
    exit;
}

$after = pd_page_cursor($filter, '[1-9]\d{0,18}');
if ($after !== null) {
    $after[1] = (int) $after[1];
}
$rows = $filter->ok() ? pd_calls_page($f, $after, PD_CALLS_PAGE + 1) : [];
$more = count($rows) > PD_CALLS_PAGE;
$rows = array_slice($rows, 0, PD_CALLS_PAGE);
$query = $f->query;
// Read through ix_call_agent and ix_call_agent_disposition: one step per name.
$agents = pd_query("SELECT DISTINCT agent FROM dialer_calls WHERE agent IS NOT NULL AND agent <> '' ORDER BY agent LIMIT 500")->fetchAll(PDO::FETCH_COLUMN);
$tags = pd_query("SELECT DISTINCT agent_disposition FROM dialer_calls WHERE agent_disposition IS NOT NULL AND agent_disposition <> '' ORDER BY agent_disposition LIMIT 200")
    ->fetchAll(PDO::FETCH_COLUMN);
$agentOptions = ['' => 'All'] + array_combine($agents, $agents);
if ($query['agent'] !== '' && !isset($agentOptions[$query['agent']])) {
    $agentOptions[$query['agent']] = $query['agent'];
}

pd_page_start('Calls');
?>
<?= $filter->ok() ? '' : '<div class="alert alert-danger" role="alert" id="pd-filter-errors">The filter is not valid: ' . h(implode(' ', $filter->errors)) . '</div>' ?>
<form method="get" action="calls.php" class="row g-2 align-items-end mb-3" role="search" id="pd-filter" novalidate>
  <div class="col-sm-6 col-lg-2"><?= $filter->select('campaign', 'Campaign', ['' => 'All'] + $campaigns) ?></div>
  <div class="col-sm-3 col-lg-2"><?= $filter->input('from', 'From (UTC)', ['type' => 'date']) ?></div>
  <div class="col-sm-3 col-lg-2"><?= $filter->input('to', 'To (UTC)', ['type' => 'date']) ?></div>
  <div class="col-sm-6 col-lg-2"><?= $filter->select('agent', 'Agent', $agentOptions) ?></div>
  <div class="col-sm-6 col-lg-2"><?= $filter->select('agent_disposition', "Agent's disposition", pd_tag_options($tags, $query['agent_disposition'])) ?></div>
  <div class="col-sm-6 col-lg-2"><?= $filter->input('result', 'Result') ?></div>
  <div class="col-sm-6 col-lg-2"><?= $filter->input('q', 'Number starts with', ['type' => 'search']) ?></div>
  <div class="col-lg-3 mb-3">
    <button class="btn btn-primary" type="submit">Filter</button> <a class="btn btn-link" href="calls.php">Clear</a>
    <?php if ($filter->ok()): ?>
    <a class="btn btn-outline-secondary" id="pd-export" href="<?= h('calls.php' . pd_pager_link($query + ['format' => 'csv'])) ?>">Export CSV</a>
    <?php endif; ?>
  </div>
</form>
<div class="table-responsive">
<table class="table table-sm table-striped align-middle" id="pd-calls">
  <thead><tr>
    <th scope="col">Started (UTC)</th><th scope="col">Direction</th><th scope="col">Number</th><th scope="col">Contact name</th><th scope="col">Campaign</th>
    <th scope="col">Agent</th><th scope="col">Dial status</th><th scope="col" title="The engine's result">Result</th>
    <th scope="col" title="The disposition the agent chose">Agent's disposition</th><th scope="col" title="From answer to hang-up">Talk time</th><th scope="col">DTMF</th>
  </tr></thead>
  <tbody>
  <?php foreach ($rows as $c): ?>
    <tr>
      <td><?= h(substr((string) $c['started_at'], 0, 19)) ?></td>
      <td><?= h($c['direction']) ?></td>
      <td><?= h($c['number']) ?></td>
      <td class="pd-wrap"><?= h($c['name']) ?></td>
      <td><?= h($campaigns[$c['campaign_id']] ?? $c['campaign_id']) ?></td>
      <td><?= h($c['agent']) ?></td>
      <td><?= h($c['dial_status']) ?></td>
      <td><?= h($c['disposition']) ?></td>
      <td class="pd-wrap"><?= h($c['agent_disposition']) ?></td>
      <td><?= h(pd_duration($c['talk_seconds'])) ?></td>
      <td><?= h($c['dtmf']) ?></td>
    </tr>
  <?php endforeach; ?>
  <?php if ($rows === []): ?><tr><td colspan="11">No calls match.</td></tr><?php endif; ?>
  </tbody>
</table>
</div>
<?= pd_pager_nav('Call pages', $query, $after !== null, $more ? pd_calls_cursor(end($rows)) : null) ?>
<?php
pd_page_end();
