<?php
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';

pd_admin_page();

const PD_PAGE_SIZE = 50;

/** Adds one contact, or every number of a range; returns a message or fills the form's errors. */
function pd_add_contacts(Form $form): ?string
{
    $numberText = $form->text('number');
    $range = pd_parse_range($numberText);
    $numbers = [$numberText];
    if (is_string($range)) {
        $form->error('number', $range);
    } elseif (is_array($range)) {
        $numbers = pd_range_numbers($range);
    }
    $checked = pd_check_contact($form->text('group_name'), $form->text('name'), $numbers[0], $form->text('caller_id'), $form->text('variables'),
        $form->text('time_zone'));
    if (is_string($checked)) {
        $form->error(pd_contact_error_field($checked), $checked);
    }
    if (!$form->ok()) {
        return null;
    }
    // One number is stored as normalised (555-0051 → 5550051); a range is digits already.
    $rows = array_map(fn ($n) => [$checked[0], $checked[1], $n, $checked[3], $checked[4], $checked[5]], is_array($range) ? $numbers : [$checked[2]]);
    $added = pd_transaction(fn (PDO $pdo) => pd_insert_contacts($pdo, $rows));
    return $added === 1 ? "Contact {$checked[2]} added to {$checked[0]}." : "$added contacts ($numberText) added to {$checked[0]}.";
}

/**
 * INSERT IGNORE … SELECT of a group into a campaign, skipping do-not-call numbers; returns the result message.
 * Each number takes its contact's time zone (NULL: the campaign's), which the engine's dial gate honours.
 */
function pd_add_group_to_campaign(int $campaignId, string $group, string $callerId, int $priority): string
{
    return pd_transaction(function (PDO $pdo) use ($campaignId, $group, $callerId, $priority): string {
        $dncNow = '(SELECT 1 FROM dialer_dnc d WHERE d.number = c.number AND (d.expires_at IS NULL OR d.expires_at > UTC_TIMESTAMP(3)))';
        $count = $pdo->prepare("SELECT COUNT(*) AS total, COALESCE(SUM(EXISTS $dncNow), 0) AS dnc FROM dialer_contacts c WHERE c.group_name = ?");
        $count->execute([$group]);
        $counts = $count->fetch();
        $insert = $pdo->prepare("INSERT IGNORE INTO dialer_numbers (campaign_id, contact_id, name, number, caller_id, variables, time_zone, priority)
            SELECT ?, c.id, c.name, c.number, IF(c.caller_id = '', ?, c.caller_id), c.variables, c.time_zone, ?
            FROM dialer_contacts c WHERE c.group_name = ? AND NOT EXISTS $dncNow ORDER BY c.id");
        $insert->execute([$campaignId, $callerId, $priority, $group]);
        $added = $insert->rowCount();
        $duplicates = (int) $counts['total'] - (int) $counts['dnc'] - $added;
        return sprintf('%d added, %d duplicates, %d skipped (do-not-call).', $added, $duplicates, (int) $counts['dnc']);
    });
}

$group = is_string($_GET['group'] ?? null) ? $_GET['group'] : '';
$addForm = new Form(pd_restored_input('add') ?? ['group_name' => $group]);
$campaignForm = new Form(pd_restored_input('to_campaign') ?? ['group' => $group, 'priority' => '0'], 'gc-');
$restoredEdit = pd_restored_input('edit');
$editForm = $restoredEdit === null ? null : new Form($restoredEdit);

if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $action = $_POST['action'] ?? '';
    if ($action === 'add') {
        $addForm = new Form($_POST);
        $message = pd_add_contacts($addForm);
        if ($message !== null) {
            pd_flash($message);
            pd_redirect('groups.php?group=' . rawurlencode($addForm->text('group_name')));
        }
        $group = $addForm->text('group_name');
    } elseif ($action === 'edit') {
        $editForm = new Form($_POST);
        $checked = pd_check_contact($editForm->text('group_name'), $editForm->text('name'), $editForm->text('number'), $editForm->text('caller_id'),
            $editForm->text('variables'), $editForm->text('time_zone'));
        if (is_string($checked)) {
            $editForm->error(pd_contact_error_field($checked), $checked);
        } else {
            // Numbers already copied into campaigns keep the zone they were copied with.
            pd_query('UPDATE dialer_contacts SET group_name = ?, name = ?, number = ?, caller_id = ?, variables = ?, time_zone = ? WHERE id = ?', [...$checked, (int) $_POST['id']]);
            pd_flash("Contact {$checked[2]} saved.");
            pd_redirect('groups.php?group=' . rawurlencode($checked[0]));
        }
    } elseif ($action === 'delete') {
        $deleted = pd_query('DELETE FROM dialer_contacts WHERE id = ?', [(int) ($_POST['id'] ?? 0)])->rowCount();
        pd_flash($deleted ? 'Contact deleted.' : 'No such contact.', $deleted ? 'success' : 'danger');
        pd_redirect('groups.php?group=' . rawurlencode($group));
    } elseif ($action === 'delete_group') {
        $deleted = pd_query('DELETE FROM dialer_contacts WHERE group_name = ?', [(string) ($_POST['group'] ?? '')])->rowCount();
        pd_flash("$deleted contacts deleted.");
        pd_redirect('groups.php');
    } elseif ($action === 'to_campaign') {
        $campaignForm = new Form($_POST, 'gc-');
        $campaignId = (int) $campaignForm->value('campaign_id');
        if (!pd_query('SELECT 1 FROM dialer_campaigns WHERE id = ?', [$campaignId])->fetchColumn()) {
            $campaignForm->error('campaign_id', 'Pick a campaign.');
        }
        $target = $campaignForm->text('group');
        if (!pd_query('SELECT 1 FROM dialer_contacts WHERE group_name = ? LIMIT 1', [$target])->fetchColumn()) {
            $campaignForm->error('group', 'Pick a group that has contacts.');
        }
        $callerId = $campaignForm->rule('caller_id', 'Caller id', 'pd_check_caller_id', false);
        $priority = $campaignForm->integer('priority', 'Priority', -1000, 1000);
        if ($campaignForm->ok()) {
            pd_flash("Group $target → campaign: " . pd_add_group_to_campaign($campaignId, $target, $callerId, $priority));
            pd_redirect('groups.php?group=' . rawurlencode($target));
        }
    }
}

if (isset($_GET['edit']) && $editForm === null) {
    $contact = pd_query('SELECT id, group_name, name, number, caller_id, variables, time_zone FROM dialer_contacts WHERE id = ?', [(int) $_GET['edit']])->fetch();
    $editForm = $contact === false ? null : new Form($contact);
}

$groups = pd_query('SELECT group_name, COUNT(*) AS n FROM dialer_contacts GROUP BY group_name ORDER BY group_name')->fetchAll(PDO::FETCH_KEY_PAIR);
$campaigns = pd_query('SELECT id, name FROM dialer_campaigns ORDER BY name')->fetchAll(PDO::FETCH_KEY_PAIR);
$after = max(0, (int) ($_GET['after'] ?? 0));
$contacts = $group === '' ? [] : pd_query('SELECT id, name, number, caller_id, variables, time_zone FROM dialer_contacts WHERE group_name = ? AND id > ? ORDER BY id LIMIT ' . (PD_PAGE_SIZE + 1),
    [$group, $after])->fetchAll();
$more = count($contacts) > PD_PAGE_SIZE;
$contacts = array_slice($contacts, 0, PD_PAGE_SIZE);

$zoneHelp = 'An IANA name such as Europe/Madrid; empty: the campaign\'s. Calls go out only when the campaign\'s hours are open there too.';
pd_page_start('Call groups', '<script src="assets/import.js" defer></script>');
?>
<datalist id="pd-time-zones">
  <?php foreach (DateTimeZone::listIdentifiers() as $zone): ?><option value="<?= h($zone) ?>"><?php endforeach; ?>
</datalist>
<div class="row g-4">
  <div class="col-lg-4">
    <h2 class="h5">Groups</h2>
    <ul class="list-group mb-4" id="pd-groups">
      <?php foreach ($groups as $name => $count): ?>
      <li class="list-group-item d-flex justify-content-between<?= $name === $group ? ' active' : '' ?>">
        <a class="<?= $name === $group ? 'link-light' : '' ?>" href="groups.php?group=<?= h(rawurlencode((string) $name)) ?>"<?= $name === $group ? ' aria-current="true"' : '' ?>><?= h($name) ?></a>
        <span class="badge text-bg-secondary"><?= h($count) ?></span>
      </li>
      <?php endforeach; ?>
      <?php if ($groups === []): ?><li class="list-group-item">No groups yet.</li><?php endif; ?>
    </ul>

    <?php if ($editForm !== null): ?>
    <h2 class="h5">Edit contact</h2>
    <form method="post" action="groups.php?group=<?= h(rawurlencode($group)) ?>" novalidate id="pd-edit-contact">
      <?= pd_csrf_field() ?>
      <input type="hidden" name="action" value="edit">
      <input type="hidden" name="id" value="<?= h($editForm->value('id')) ?>">
      <?= $editForm->input('group_name', 'Group') ?>
      <?= $editForm->input('name', 'Name') ?>
      <?= $editForm->input('number', 'Number') ?>
      <?= $editForm->input('caller_id', 'Caller id') ?>
      <?= $editForm->input('variables', 'Variables', ['help' => 'name=value pairs separated by |, e.g. a=1|b=2']) ?>
      <?= $editForm->input('time_zone', 'Time zone', ['list' => 'pd-time-zones', 'autocomplete' => 'off', 'help' => $zoneHelp]) ?>
      <button class="btn btn-primary" type="submit">Save contact</button>
      <a class="btn btn-link" href="groups.php?group=<?= h(rawurlencode($group)) ?>">Cancel</a>
    </form>
    <?php else: ?>
    <h2 class="h5">Add contacts</h2>
    <form method="post" action="groups.php" novalidate id="pd-add-contact">
      <?= pd_csrf_field() ?>
      <input type="hidden" name="action" value="add">
      <?= $addForm->summary() ?>
      <?= $addForm->input('group_name', 'Group', ['required' => true]) ?>
      <?= $addForm->input('name', 'Name') ?>
      <?= $addForm->input('number', 'Number or range', ['required' => true, 'help' => 'One number, or a range like 555000-555099 (at most ' . number_format(PD_MAX_RANGE) . ' numbers).']) ?>
      <?= $addForm->input('caller_id', 'Caller id') ?>
      <?= $addForm->input('variables', 'Variables', ['help' => 'name=value pairs separated by |, e.g. a=1|b=2']) ?>
      <?= $addForm->input('time_zone', 'Time zone', ['list' => 'pd-time-zones', 'autocomplete' => 'off', 'help' => $zoneHelp]) ?>
      <button class="btn btn-primary" type="submit">Add</button>
    </form>
    <?php endif; ?>

    <h2 class="h5 mt-4">Import a CSV file</h2>
    <form id="pd-import" novalidate>
      <div class="mb-3">
        <label class="form-label" for="f-csv">CSV file</label>
        <input class="form-control" type="file" id="f-csv" accept=".csv,text/csv,text/plain" aria-describedby="h-csv">
        <div class="form-text" id="h-csv">One contact a line: <code>group,name,number,callerid,variables,time_zone</code>
          (callerid, variables and time_zone may be left out; fields with commas go in double quotes).
          Example: <code>sales,"Doe, Jane",5551234,,lang=en|vip=1,America/New_York</code>.
          <code>time_zone</code> is the contact's own IANA time zone (<code>Europe/Madrid</code>; letter case matters); empty: the campaign's.
          A number is called only when the campaign's hours are open both in the campaign's zone and in its own.
          A first line naming the columns (it has <code>group</code> and <code>number</code>) is not imported and sets their order:
          <code>group,number,time_zone</code> is fine; a column it does not know stops the import.
          Numbers may be written with spaces, dashes, dots or parentheses (<code>(555) 010-0000</code>); they are stored without.
          A number already in its group is skipped. Files that are not UTF-8 are read as Windows-1252 (Latin-1).
          Bad lines are listed with their line number and reason; the good ones are imported (so import only the corrected bad lines again).
          Large files are fine: the file is sent and imported in chunks.</div>
      </div>
      <button class="btn btn-primary" type="submit">Import</button>
    </form>
    <div class="progress mt-3" id="pd-import-progress" role="progressbar" aria-label="Import progress" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0" hidden>
      <div class="progress-bar" id="pd-import-bar">0%</div>
    </div>
    <p id="pd-import-status" class="mt-2" aria-live="polite"></p>
    <ul id="pd-import-errors" class="pd-errors small text-danger list-unstyled" aria-label="Bad lines"></ul>
  </div>

  <div class="col-lg-8">
    <h2 class="h5">Add a group to a campaign</h2>
    <form method="post" action="groups.php" novalidate class="row g-2 align-items-start mb-4" id="pd-to-campaign">
      <?= pd_csrf_field() ?>
      <input type="hidden" name="action" value="to_campaign">
      <div class="col-sm-6 col-xl-3"><?= $campaignForm->select('group', 'Group', ['' => '—'] + array_combine(array_map('strval', array_keys($groups)), array_map('strval', array_keys($groups)))) ?></div>
      <div class="col-sm-6 col-xl-3"><?= $campaignForm->select('campaign_id', 'Campaign', ['' => '—'] + $campaigns) ?></div>
      <div class="col-sm-6 col-xl-3"><?= $campaignForm->input('caller_id', 'Caller id', ['help' => 'Used where the contact has none.']) ?></div>
      <div class="col-sm-6 col-xl-2"><?= $campaignForm->input('priority', 'Priority', ['type' => 'number', 'min' => -1000, 'max' => 1000, 'help' => 'Higher first.']) ?></div>
      <div class="col-12"><button class="btn btn-primary" type="submit">Add to campaign</button></div>
    </form>

    <?php if ($group !== ''): ?>
    <div class="d-flex justify-content-between align-items-center">
      <h2 class="h5">Contacts of <?= h($group) ?></h2>
      <form method="post" action="groups.php" data-confirm="Delete every contact of <?= h($group) ?>?">
        <?= pd_csrf_field() ?>
        <input type="hidden" name="action" value="delete_group">
        <input type="hidden" name="group" value="<?= h($group) ?>">
        <button class="btn btn-sm btn-outline-danger" type="submit">Delete group</button>
      </form>
    </div>
    <div class="table-responsive">
    <table class="table table-sm table-striped align-middle" id="pd-contacts">
      <thead><tr><th scope="col">Name</th><th scope="col">Number</th><th scope="col">Caller id</th><th scope="col">Variables</th><th scope="col">Time zone</th><th scope="col">Actions</th></tr></thead>
      <tbody>
      <?php foreach ($contacts as $c): ?>
        <tr>
          <td class="pd-wrap"><?= h($c['name']) ?></td>
          <td><?= h($c['number']) ?></td>
          <td><?= h($c['caller_id']) ?></td>
          <td class="pd-wrap"><?= h($c['variables']) ?></td>
          <td class="pd-time-zone"><?= $c['time_zone'] === null ? '<span class="text-body-secondary">campaign\'s</span>' : h($c['time_zone']) ?></td>
          <td class="text-nowrap">
            <a class="btn btn-sm btn-outline-primary" href="groups.php?group=<?= h(rawurlencode($group)) ?>&amp;edit=<?= h($c['id']) ?>">Edit <span class="visually-hidden"><?= h($c['number']) ?></span></a>
            <form method="post" action="groups.php?group=<?= h(rawurlencode($group)) ?>" class="d-inline" data-confirm="Delete contact <?= h($c['number']) ?>?">
              <?= pd_csrf_field() ?>
              <input type="hidden" name="action" value="delete">
              <input type="hidden" name="id" value="<?= h($c['id']) ?>">
              <button class="btn btn-sm btn-outline-danger" type="submit">Delete <span class="visually-hidden"><?= h($c['number']) ?></span></button>
            </form>
          </td>
        </tr>
      <?php endforeach; ?>
      </tbody>
    </table>
    </div>
    <nav aria-label="Contact pages">
      <?php if ($after > 0): ?><a class="btn btn-sm btn-outline-secondary" href="<?= h(pd_pager_link(['group' => $group])) ?>">First page</a><?php endif; ?>
      <?php if ($more): ?><a class="btn btn-sm btn-outline-secondary" href="<?= h(pd_pager_link(['group' => $group, 'after' => end($contacts)['id']])) ?>">Next page</a><?php endif; ?>
    </nav>
    <?php endif; ?>
  </div>
</div>
<?php
pd_page_end();
