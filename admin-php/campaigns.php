<?php
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';
require __DIR__ . '/lib/destinations.php';

pd_admin_page();

const PD_WEEK_DAYS = ['mon' => 'Mon', 'tue' => 'Tue', 'wed' => 'Wed', 'thu' => 'Thu', 'fri' => 'Fri', 'sat' => 'Sat', 'sun' => 'Sun'];
const PD_MODES = ['automatic' => 'Automatic', 'progressive' => 'Progressive (queue only)', 'preview' => 'Preview (queue only)',
    'predictive' => 'Predictive (queue only)'];
const PD_WINDOWS = ['30d' => 'Rolling 30 days (US)', 'day' => 'Calendar day (UK)'];
const PD_KINDS = ['queue' => 'Queue', 'ivr' => 'IVR', 'custom' => 'Custom destination'];
const PD_LEGS = ['remote' => 'Remote (customer) first', 'local' => 'Local (queue/agent) first'];
const PD_DIAL_NAME = '/^[A-Za-z0-9_-]{1,64}$/';
const PD_COLUMNS = ['name', 'destination_kind', 'destination', 'queue_name', 'destination_amd', 'mode', 'initial_leg', 'dial_prefix', 'caller_id',
    'start_date', 'end_date', 'start_hour', 'end_hour', 'week_days', 'time_zone', 'group_by_name', 'dial_attempts', 'concurrent_calls',
    'retry_minutes', 'wrapup_seconds', 'valid_dtmf', 'script', 'enabled', 'callback_grace_minutes', 'crm_url_template',
    'abandon_target_pct', 'abandon_window', 'min_ring_seconds', 'connect_limit_seconds', 'abandon_recall_hours', 'abandon_message',
    'webhook_url', 'webhook_secret', 'webhook_state_changes'];

function pd_campaign_defaults(): array
{
    return ['destination_kind' => 'queue', 'mode' => 'progressive', 'initial_leg' => 'remote', 'start_hour' => '09:00', 'end_hour' => '18:00',
        'week_days' => ['mon', 'tue', 'wed', 'thu', 'fri'], 'time_zone' => 'UTC', 'dial_attempts' => '3', 'concurrent_calls' => '10',
        'retry_minutes' => '30', 'wrapup_seconds' => '0', 'group_by_name' => '0', 'enabled' => '0', 'inbound' => [], 'outbound' => [], 'callback_grace_minutes' => '15',
        'abandon_target_pct' => '3', 'abandon_window' => '30d', 'min_ring_seconds' => '15', 'connect_limit_seconds' => '2', 'abandon_recall_hours' => '72',
        'abandon_message' => ''];
}

function pd_load_campaign(int $id): ?array
{
    $row = pd_query('SELECT * FROM dialer_campaigns WHERE id = ?', [$id])->fetch();
    if ($row === false) {
        return null;
    }
    $row['week_days'] = $row['week_days'] === '' ? [] : explode(',', $row['week_days']);
    $row['start_hour'] = substr($row['start_hour'], 0, 5);
    $row['end_hour'] = substr($row['end_hour'], 0, 5);
    foreach (['inbound', 'outbound'] as $direction) {
        $row[$direction] = pd_query('SELECT disposition_id FROM dialer_campaign_dispositions WHERE campaign_id = ? AND direction = ? ORDER BY sort_order',
            [$id, $direction])->fetchAll(PDO::FETCH_COLUMN);
    }
    return array_map(fn ($v) => $v ?? '', $row);
}

/** Validates the posted campaign; returns the row to store (columns => values). */
function pd_validate_campaign(Form $form, int $id, array $dispositionIds): array
{
    $row = [];
    // Names, destinations, the prefix and the caller id follow the engine's rules (lib/validate.php),
    // so a saved campaign is never refused when it dials.
    $row['name'] = $form->rule('name', 'Name', 'pd_check_campaign_name');
    if ($row['name'] !== '' && pd_query('SELECT 1 FROM dialer_campaigns WHERE name = ? AND id <> ?', [$row['name'], $id])->fetchColumn()) {
        $form->error('name', 'Name: another campaign already has this name.');
    }
    $row['destination_kind'] = (string) $form->value('destination_kind');
    if (!isset(PD_KINDS[$row['destination_kind']])) {
        $form->error('destination_kind', 'Pick a destination type.');
    }
    $row['destination'] = $form->rule('destination', 'Destination', fn (string $t) => pd_check_destination($t, 'Destination'));
    $row['queue_name'] = $form->check('queue_name', 'Queue name', PD_DIAL_NAME, '1 to 64 letters, digits, _ or -.', $row['destination_kind'] === 'queue');
    $row['destination_amd'] = $form->rule('destination_amd', 'Machine-answer destination',
        fn (string $t) => pd_check_destination($t, 'Machine-answer destination'), false);
    $row['mode'] = (string) $form->value('mode');
    if (!isset(PD_MODES[$row['mode']])) {
        $form->error('mode', 'Pick a dialing mode.');
    } elseif ($row['mode'] !== 'automatic' && $row['destination_kind'] !== 'queue') {
        $form->error('mode', $row['mode'] === 'predictive'
            ? 'Predictive mode needs a queue destination: the answered call waits in the queue at most the connect limit, then hears the abandon message.'
            : 'Progressive and preview modes need a queue destination (their pace follows the queue\'s free agents).');
    }
    $row['initial_leg'] = (string) $form->value('initial_leg');
    if (!isset(PD_LEGS[$row['initial_leg']])) {
        $form->error('initial_leg', 'Pick which leg is dialed first.');
    }
    $row['dial_prefix'] = $form->rule('dial_prefix', 'Dial prefix', 'pd_check_dial_prefix', false);
    $row['caller_id'] = $form->rule('caller_id', 'Caller id', 'pd_check_caller_id', false);
    foreach (['start_date' => 'Start date', 'end_date' => 'End date'] as $field => $label) {
        $row[$field] = $form->text($field);
        if ($row[$field] !== '' && !pd_check_date($row[$field])) {
            $form->error($field, "$label must be a date (YYYY-MM-DD).");
        }
    }
    if ($row['start_date'] !== '' && $row['end_date'] !== '' && $row['end_date'] < $row['start_date'] && !isset($form->errors['start_date'])) {
        $form->error('end_date', 'End date must not be before the start date.');
    }
    foreach (['start_hour' => 'Start hour', 'end_hour' => 'End hour'] as $field => $label) {
        $row[$field] = $form->check($field, $label, '/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/', 'a time of day, HH:MM.');
    }
    $days = array_values(array_intersect(array_keys(PD_WEEK_DAYS), (array) $form->value('week_days', [])));
    if ($days === []) {
        $form->error('week_days', 'Pick at least one week day.');
    }
    $row['week_days'] = implode(',', $days);
    $row['time_zone'] = (string) $form->value('time_zone');
    if (!in_array($row['time_zone'], DateTimeZone::listIdentifiers(), true)) {
        $form->error('time_zone', 'Pick a time zone from the list.');
    }
    $row['group_by_name'] = (string) $form->value('group_by_name') === '1' ? 1 : 0;
    $row['enabled'] = (string) $form->value('enabled') === '1' ? 1 : 0;
    $row['dial_attempts'] = $form->integer('dial_attempts', 'Dial attempts', 1, 100);
    $row['concurrent_calls'] = $form->integer('concurrent_calls', 'Concurrent calls', 1, 1000);
    $row['retry_minutes'] = $form->integer('retry_minutes', 'Retry minutes', 0, 10080);
    $row['wrapup_seconds'] = (int) $form->rule('wrapup_seconds', 'Wrap-up seconds', 'pd_check_wrapup_seconds');
    // pd::core::kCallbackMaxGraceMinutes: a day at most.
    $row['callback_grace_minutes'] = $form->integer('callback_grace_minutes', 'Callback grace', 0, 1440);
    $row['valid_dtmf'] = $form->check('valid_dtmf', 'Valid DTMF digits', '/^[0-9*#]{1,16}$/', 'only 0-9, * and #.', false);
    $row['script'] = $form->plain('script', 'Script', 65535, true);
    $row['crm_url_template'] = $form->rule('crm_url_template', 'CRM link', 'pd_check_crm_url_template', false);
    // Predictive mode (pd::core::validate): the target, the window, the rings and limits, the message.
    $row['abandon_target_pct'] = $form->rule('abandon_target_pct', 'Abandon target', 'pd_check_abandon_target');
    $row['abandon_window'] = (string) $form->value('abandon_window');
    if (!isset(PD_WINDOWS[$row['abandon_window']])) {
        $form->error('abandon_window', 'Pick an abandonment window.');
    }
    $row['min_ring_seconds'] = $form->integer('min_ring_seconds', 'Minimum ring seconds', 1, 120);
    $row['connect_limit_seconds'] = $form->integer('connect_limit_seconds', 'Connect limit seconds', 1, 30);
    $row['abandon_recall_hours'] = $form->integer('abandon_recall_hours', 'Recall delay after an abandon (hours)', 0, 8760);
    $predictive = $row['mode'] === 'predictive';
    $row['abandon_message'] = $form->rule('abandon_message', 'Abandon message', 'pd_check_abandon_message', $predictive);
    if ($predictive && $row['initial_leg'] !== 'remote') {
        $form->error('initial_leg', 'Predictive mode dials the customer first: pick Remote (customer) first.');
    }
    // The engine's rules (pd::core::check_webhook_url / _secret), docs/webhooks.md.
    $row['webhook_url'] = $form->rule('webhook_url', 'Webhook URL', 'pd_check_webhook_url', false);
    $row['webhook_secret'] = $form->rule('webhook_secret', 'Webhook secret', 'pd_check_webhook_secret', false);
    $row['webhook_state_changes'] = (string) $form->value('webhook_state_changes') === '1' ? 1 : 0;
    foreach (['inbound', 'outbound'] as $direction) {
        $picked = array_map('strval', (array) $form->value($direction, []));
        if (array_diff($picked, array_map('strval', $dispositionIds)) !== []) {
            $form->error($direction, 'Pick dispositions from the list.');
        }
    }
    foreach (['queue_name', 'destination_amd', 'start_date', 'end_date'] as $nullable) {
        $row[$nullable] = $row[$nullable] === '' ? null : $row[$nullable];
    }
    return $row;
}

function pd_save_campaign(int $id, array $row, array $inbound, array $outbound): int
{
    return pd_transaction(function (PDO $pdo) use ($id, $row, $inbound, $outbound): int {
        if ($id === 0) {
            $pdo->prepare('INSERT INTO dialer_campaigns (' . implode(',', PD_COLUMNS) . ') VALUES (' . pd_placeholders(count(PD_COLUMNS)) . ')')
                ->execute(array_map(fn ($c) => $row[$c], PD_COLUMNS));
            $id = (int) $pdo->lastInsertId();
        } else {
            $pdo->prepare('UPDATE dialer_campaigns SET ' . implode(',', array_map(fn ($c) => "$c = ?", PD_COLUMNS)) . ' WHERE id = ?')
                ->execute([...array_map(fn ($c) => $row[$c], PD_COLUMNS), $id]);
        }
        $pdo->prepare('DELETE FROM dialer_campaign_dispositions WHERE campaign_id = ?')->execute([$id]);
        $insert = $pdo->prepare('INSERT INTO dialer_campaign_dispositions (campaign_id, disposition_id, direction, sort_order) VALUES (?, ?, ?, ?)');
        foreach (['inbound' => $inbound, 'outbound' => $outbound] as $direction => $ids) {
            foreach (array_values($ids) as $order => $dispositionId) {
                $insert->execute([$id, (int) $dispositionId, $direction, $order]);
            }
        }
        return $id;
    });
}

$dispositions = pd_query('SELECT id, name FROM dialer_dispositions ORDER BY name')->fetchAll(PDO::FETCH_KEY_PAIR);
$edit = $_GET['edit'] ?? null;
$id = ctype_digit((string) $edit) ? (int) $edit : 0;
$form = null;

if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $id = (int) ($_POST['id'] ?? 0);
    if (($_POST['action'] ?? '') === 'delete') {
        $name = pd_query('SELECT name FROM dialer_campaigns WHERE id = ?', [$id])->fetchColumn();
        pd_query('DELETE FROM dialer_campaigns WHERE id = ?', [$id]);
        pd_flash($name === false ? 'No such campaign.' : "Campaign $name deleted with its numbers.", $name === false ? 'danger' : 'success');
        pd_redirect('campaigns.php');
    }
    $form = new Form($_POST);
    $row = pd_validate_campaign($form, $id, array_keys($dispositions));
    if ($form->ok()) {
        $id = pd_save_campaign($id, $row, (array) $form->value('inbound', []), (array) $form->value('outbound', []));
        pd_flash("Campaign {$row['name']} saved.");
        pd_redirect('campaigns.php');
    }
    $edit = $id === 0 ? 'new' : (string) $id;
}

if ($edit !== null) {
    if ($form === null) {
        $loaded = $id > 0 ? pd_load_campaign($id) : pd_campaign_defaults();
        if ($loaded === null) {
            pd_flash('No such campaign.', 'danger');
            pd_redirect('campaigns.php');
        }
        $form = new Form(pd_restored_input('') ?? $loaded);
    }
    $zones = array_combine(DateTimeZone::listIdentifiers(), DateTimeZone::listIdentifiers());
    pd_page_start($id > 0 ? 'Edit campaign' : 'New campaign', '<script src="assets/campaigns.js" defer></script>');
    echo $form->summary();
    ?>
<form method="post" action="campaigns.php" novalidate>
  <?= pd_csrf_field() ?>
  <input type="hidden" name="id" value="<?= h($id) ?>">
  <div class="row">
    <div class="col-lg-6">
      <?= $form->input('name', 'Name', ['required' => true, 'maxlength' => 64, 'help' => 'Letters, digits, _ and - only; the dialplan and the queue of the same name use it.']) ?>
      <fieldset class="border rounded p-3 mb-3">
        <legend class="fs-6 float-none w-auto px-1">Destination</legend>
        <div class="mb-3">
          <label class="form-label" for="f-chooser">Pick a destination (fills the fields below)</label>
          <select class="form-select" id="f-chooser" aria-describedby="h-chooser">
            <option value="">Manual entry</option>
            <?php foreach (pd_destination_choices() as $group => $choices): ?>
            <optgroup label="<?= h($group) ?>">
              <?php foreach ($choices as $choice): ?>
              <option value="<?= h($choice['destination']) ?>"<?= $choice['destination'] === $form->text('destination') ? ' selected' : '' ?> data-kind="<?= h($choice['kind']) ?>" data-queue="<?= h($choice['queue']) ?>"><?= h($choice['label']) ?></option>
              <?php endforeach; ?>
            </optgroup>
            <?php endforeach; ?>
          </select>
          <div class="form-text" id="h-chooser">Queues, IVRs and custom destinations of IssabelPBX/FreePBX when its tables are in this database,
            else the queues the engine has seen; or type the destination below.</div>
        </div>
        <?= $form->select('destination_kind', 'Destination type', PD_KINDS) ?>
        <?= $form->input('destination', 'Destination (context,extension,priority)', ['required' => true, 'placeholder' => 'ext-queues,400,1']) ?>
        <?= $form->input('queue_name', 'Queue name (queue destinations)', ['maxlength' => 64]) ?>
        <?= $form->input('destination_amd', 'Machine-answer destination (optional, enables AMD)', ['placeholder' => 'context,extension,priority']) ?>
      </fieldset>
      <?= $form->select('mode', 'Dialing mode', PD_MODES, ['help' => 'Progressive, preview and predictive need a queue destination.']) ?>
      <?= $form->select('initial_leg', 'Leg dialed first', PD_LEGS) ?>
      <?= $form->input('dial_prefix', 'Dial prefix', ['maxlength' => 16, 'help' => 'Dialed before every number: digits, * and # (no +).']) ?>
      <?= $form->input('caller_id', 'Caller id', ['maxlength' => 80]) ?>
      <?= $form->checkbox('enabled', 'Enabled (playing)') ?>
      <?= $form->checkbox('group_by_name', 'Group by name (a success closes the contact\'s other numbers)') ?>
    </div>
    <div class="col-lg-6">
      <div class="row">
        <div class="col-sm-6"><?= $form->input('start_date', 'Start date', ['type' => 'date']) ?></div>
        <div class="col-sm-6"><?= $form->input('end_date', 'End date', ['type' => 'date']) ?></div>
        <div class="col-sm-6"><?= $form->input('start_hour', 'Start hour', ['type' => 'time', 'required' => true]) ?></div>
        <div class="col-sm-6"><?= $form->input('end_hour', 'End hour', ['type' => 'time', 'required' => true, 'help' => 'Before the start hour: the window crosses midnight.']) ?></div>
      </div>
      <?= $form->checkboxes('week_days', 'Week days', PD_WEEK_DAYS) ?>
      <?= $form->select('time_zone', 'Time zone', $zones) ?>
      <div class="row">
        <div class="col-sm-4"><?= $form->input('dial_attempts', 'Dial attempts', ['type' => 'number', 'min' => 1, 'max' => 100]) ?></div>
        <div class="col-sm-4"><?= $form->input('concurrent_calls', 'Concurrent calls', ['type' => 'number', 'min' => 1, 'max' => 1000]) ?></div>
        <div class="col-sm-4"><?= $form->input('retry_minutes', 'Retry minutes', ['type' => 'number', 'min' => 0, 'max' => 10080]) ?></div>
        <div class="col-sm-4"><?= $form->input('wrapup_seconds', 'Wrap-up seconds', ['type' => 'number', 'min' => 0, 'max' => 3600,
            'help' => 'After a call, the agent stays paused (reason wrap-up) until the disposition is saved, at most this long; 0 = until saved.']) ?></div>
      </div>
      <fieldset class="border rounded p-2 mb-3">
        <legend class="fs-6">Predictive mode</legend>
        <div class="row">
          <div class="col-sm-4"><?= $form->input('abandon_target_pct', 'Abandon target (%)', ['inputmode' => 'decimal',
              'help' => 'Answered calls no agent takes within the connect limit, over answered calls (machines excluded).']) ?></div>
          <div class="col-sm-8"><?= $form->select('abandon_window', 'Abandonment window', PD_WINDOWS) ?></div>
          <div class="col-sm-4"><?= $form->input('min_ring_seconds', 'Minimum ring seconds', ['type' => 'number', 'min' => 1, 'max' => 120]) ?></div>
          <div class="col-sm-4"><?= $form->input('connect_limit_seconds', 'Connect limit seconds', ['type' => 'number', 'min' => 1, 'max' => 30,
              'help' => 'The PBX waits this long for an agent after the answer.']) ?></div>
          <div class="col-sm-4"><?= $form->input('abandon_recall_hours', 'Recall delay (hours)', ['type' => 'number', 'min' => 0, 'max' => 8760,
              'help' => 'An abandoned number is not dialed again before this.']) ?></div>
        </div>
        <?= $form->input('abandon_message', 'Abandon message (sound file)', ['maxlength' => 128, 'placeholder' => 'custom/abandon-message',
            'help' => 'Required in predictive mode: who called and how to opt out; played, then the call is hung up.']) ?>
      </fieldset>
      <?= $form->input('callback_grace_minutes', 'Callback grace (minutes)', ['type' => 'number', 'min' => 0, 'max' => 1440,
          'help' => 'A personal callback waits this long after its time for its agent to log in, then goes to anyone.']) ?>
      <?= $form->input('valid_dtmf', 'Valid DTMF digits', ['maxlength' => 16, 'help' => 'Digits the callee may press: 0-9, * and #, e.g. 12#.']) ?>
      <?= $form->textarea('script', 'Agent script', ['rows' => 4]) ?>
      <?= $form->input('crm_url_template', 'CRM link', ['maxlength' => 1000, 'placeholder' => 'https://crm.example.com/contact?phone={NUMBER}&id={VARIABLE:customer_id}',
          'help' => 'Optional: a link on the agent\'s contact card. Placeholders {NUMBER}, {NAME}, {LEAD_ID}, {CALL_ID}, {CAMPAIGN}, {AGENT}, {VARIABLE:name}; each value is URL-encoded. http:// or https:// only.']) ?>
      <?= $form->input('webhook_url', 'Webhook URL', ['maxlength' => 1000, 'placeholder' => 'https://crm.example.com/hooks/dialer',
          'help' => 'Optional: receives a signed JSON POST at each call\'s final result (see docs/webhooks.md). http:// or https:// only.']) ?>
      <?= $form->input('webhook_secret', 'Webhook secret', ['maxlength' => 255, 'autocomplete' => 'off',
          'help' => 'Optional, 16 to 255 characters: signs each body (HMAC-SHA256, header X-PanelDialer-Signature).']) ?>
      <?= $form->checkbox('webhook_state_changes', 'Webhook also at each state change (dialing, answered)') ?>
      <div class="row">
        <div class="col-sm-6"><?= $form->multiselect('outbound', 'Outbound dispositions', array_map('strval', $dispositions), 'Offered to agents after dialer calls.') ?></div>
        <div class="col-sm-6"><?= $form->multiselect('inbound', 'Inbound dispositions', array_map('strval', $dispositions), 'Offered after inbound calls of the queue.') ?></div>
      </div>
    </div>
  </div>
  <button type="submit" class="btn btn-primary">Save campaign</button>
  <a class="btn btn-link" href="campaigns.php">Cancel</a>
</form>
    <?php
    pd_page_end();
    exit;
}

$campaigns = pd_query('SELECT id, name, mode, destination_kind, destination, enabled, start_date, end_date FROM dialer_campaigns ORDER BY name')->fetchAll();
pd_page_start('Campaigns');
?>
<p><a class="btn btn-primary" href="campaigns.php?edit=new">New campaign</a></p>
<div class="table-responsive">
<table class="table table-striped align-middle">
  <thead><tr><th scope="col">Name</th><th scope="col">Mode</th><th scope="col">Destination</th><th scope="col">Dates</th><th scope="col">Enabled</th><th scope="col">Actions</th></tr></thead>
  <tbody>
  <?php foreach ($campaigns as $c): ?>
    <tr>
      <td><?= h($c['name']) ?></td>
      <td><?= h($c['mode']) ?></td>
      <td><?= h($c['destination_kind'] . ': ' . $c['destination']) ?></td>
      <td><?= h(($c['start_date'] ?? '…') . ' – ' . ($c['end_date'] ?? '…')) ?></td>
      <td><?= $c['enabled'] ? 'yes' : 'no' ?></td>
      <td>
        <a class="btn btn-sm btn-outline-primary" href="campaigns.php?edit=<?= h($c['id']) ?>">Edit <span class="visually-hidden"><?= h($c['name']) ?></span></a>
        <form method="post" action="campaigns.php" class="d-inline" data-confirm="Delete campaign <?= h($c['name']) ?> and all its numbers?">
          <?= pd_csrf_field() ?>
          <input type="hidden" name="id" value="<?= h($c['id']) ?>">
          <button class="btn btn-sm btn-outline-danger" type="submit" name="action" value="delete">Delete <span class="visually-hidden"><?= h($c['name']) ?></span></button>
        </form>
      </td>
    </tr>
  <?php endforeach; ?>
  </tbody>
</table>
</div>
<?php
pd_page_end();
