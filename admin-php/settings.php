<?php
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';
require __DIR__ . '/lib/preview_check.php';

pd_admin_page();

const PD_DIALER_SETTINGS = ['dial_timeout', 'dial_context', 'extensions_conf', 'preview_template', 'preview_allow_raw_html', 'ok_disposition', 'calls_per_second', 'admin_time_zone', 'pause_reasons'];

$config = pd_database_config();
$dbUp = pd_db_or_null() !== null;
// Without a working database nobody can log in, so the connection form is open
// to anyone then: allow that only for a first setup, never to replace a saved
// connection that is merely unreachable (that would let anyone redirect the
// admin pages to a database of their own).
$dbEditable = $config['source'] !== 'env' && ($dbUp || $config['source'] !== 'file');
$pbx = pd_pbx_database_config();
$dbForm = new Form(pd_restored_input('database') ?? ['db_host' => $config['host'] ?? $pbx['host'] ?? 'localhost', 'db_port' => (string) ($config['port'] ?? $pbx['port'] ?? 3306),
    'db_user' => $config['user'] ?? $pbx['user'] ?? '', 'db_name' => $config['name'] ?? $pbx['name'] ?? '', 'db_socket' => $config['socket'] ?? '']);
$dialerForm = new Form(pd_restored_input('dialer') ?? ($dbUp ? pd_query('SELECT name, value FROM dialer_settings WHERE name IN (' . pd_placeholders(count(PD_DIALER_SETTINGS)) . ')', PD_DIALER_SETTINGS)->fetchAll(PDO::FETCH_KEY_PAIR) : []));

if ($_SERVER['REQUEST_METHOD'] === 'POST' && ($_POST['action'] ?? '') === 'database' && $dbEditable) {
    $dbForm = new Form($_POST);
    $new = [
        'host' => $dbForm->check('db_host', 'Host', '/^[A-Za-z0-9.:_-]{1,255}$/', 'a host name or address.'),
        'port' => $dbForm->integer('db_port', 'Port', 1, 65535),
        'user' => $dbForm->check('db_user', 'User', '/^[^\x00-\x1F]{1,80}$/', 'up to 80 characters.'),
        'pass' => (string) $dbForm->value('db_pass') !== '' ? (string) $dbForm->value('db_pass') : ($config['pass'] ?? $pbx['pass'] ?? ''),
        'name' => $dbForm->check('db_name', 'Database', '/^[A-Za-z0-9_$-]{1,64}$/', 'letters, digits, _ $ or -.'),
        'socket' => $dbForm->check('db_socket', 'Socket', '/^\/[^\x00-\x1F]{1,250}$/', 'an absolute path, or empty for TCP.', false),
    ];
    if ($dbForm->ok()) {
        try {
            pd_connect($new)->query('SELECT 1 FROM dialer_settings LIMIT 1');
        } catch (PDOException $e) {
            $dbForm->error('db_host', 'Connection failed: ' . $e->getMessage());
        }
    }
    if ($dbForm->ok()) {
        if (pd_save_database_config($new)) {
            pd_flash('Database connection saved.');
            pd_redirect($dbUp ? 'settings.php' : 'login.php');
        }
        $dbForm->error('db_host', 'Could not write ' . PD_CONFIG_FILE . ' (check its folder\'s permissions).');
    }
    $dbForm->values['db_pass'] = '';
} elseif ($_SERVER['REQUEST_METHOD'] === 'POST' && ($_POST['action'] ?? '') === 'dialer' && $dbUp) {
    $dialerForm = new Form($_POST);
    $values = [
        'dial_timeout' => (string) $dialerForm->integer('dial_timeout', 'Dial timeout', 5, 600),
        'dial_context' => $dialerForm->check('dial_context', 'Dial context', '/^[A-Za-z0-9_-]{1,80}$/', 'letters, digits, _ or - (a dialplan context name).'),
        'extensions_conf' => $dialerForm->check('extensions_conf', 'Extensions file', '/^\/[A-Za-z0-9_.\/-]{1,250}\.conf$/', 'an absolute path ending in .conf (letters, digits, _ . / -).'),
        'preview_template' => $dialerForm->plain('preview_template', 'Preview template', 65535, true),
        // An explicit choice: unticked (the default), a raw placeholder is refused below.
        'preview_allow_raw_html' => (string) $dialerForm->value('preview_allow_raw_html') === '1' ? '1' : '0',
        'ok_disposition' => $dialerForm->check('ok_disposition', 'Ok disposition', '/^[\p{L}\p{N} _.\-]{1,80}$/u', '1 to 80 letters, digits, spaces or _ . -'),
        'calls_per_second' => (string) $dialerForm->integer('calls_per_second', 'Calls per second', 1, 1000),
        // The day the Agents page counts in; '' = the server's zone (PHP's date.timezone).
        'admin_time_zone' => $dialerForm->rule('admin_time_zone', 'Admin time zone',
            fn (string $zone) => in_array($zone, DateTimeZone::listIdentifiers(), true) ? null : 'Pick a time zone from the list.', false),
        // What agents pick from to pause (pd_parse_pause_reasons; the engine checks the same rule), saved tidied.
        'pause_reasons' => $dialerForm->rule('pause_reasons', 'Pause reasons', 'pd_check_pause_reasons'),
    ];
    if (is_array($reasons = pd_parse_pause_reasons($values['pause_reasons']))) {
        $values['pause_reasons'] = implode(', ', $reasons);
    }
    $problem = pd_preview_template_problem($values['preview_template']);
    if ($problem !== null) {
        $dialerForm->error('preview_template', $problem);
    }
    $rawProblem = pd_preview_raw_problem($values['preview_template'], $values['preview_allow_raw_html'] === '1');
    if ($rawProblem !== null) {
        $dialerForm->error('preview_template', $rawProblem);
    }
    if ($dialerForm->ok()) {
        pd_transaction(function (PDO $pdo) use ($values): void {
            $stmt = $pdo->prepare('INSERT INTO dialer_settings (name, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)');
            foreach ($values as $name => $value) {
                $stmt->execute([$name, $value]);
            }
        });
        pd_flash('Dialer settings saved.');
        pd_redirect('settings.php');
    }
}

// Raw HTML allowed (saved, or ticked on a form shown again): say what that means.
// Not allowed while the saved template has raw placeholders (written before
// this rule, or straight into the database): say the agents' cards refuse it.
$rawAllowed = (string) $dialerForm->value('preview_allow_raw_html') === '1';
$rawInTemplate = pd_preview_raw_placeholders((string) $dialerForm->value('preview_template'));
$savedRawRefused = $_SERVER['REQUEST_METHOD'] !== 'POST' && !$rawAllowed && $rawInTemplate !== [];
pd_page_start('Settings', '<script src="assets/settings.js" defer></script>');
?>
<div class="row g-4">
  <section class="col-lg-5" aria-labelledby="db-title">
    <h2 class="h5" id="db-title">Database connection</h2>
    <?php if (!$dbUp): ?><div class="alert alert-warning" role="alert"><?= h(pd_db_error()) ?></div><?php endif; ?>
    <?php if ($config['source'] === 'file' && !$dbEditable): ?>
      <p>The saved connection (<code><?= h(PD_CONFIG_FILE) ?></code>) does not work. While the database is unreachable nobody can log in,
        so it cannot be changed here: fix the database server, or remove that file to enter the connection again.</p>
    <?php elseif (!$dbEditable): ?>
      <p>Set by the environment (<code>PD_MYSQL_DSN</code>): <?= h(($config['user'] ?? '') . '@' . (($config['socket'] ?? '') !== '' ? $config['socket'] : ($config['host'] ?? '') . ':' . ($config['port'] ?? '')) . '/' . ($config['name'] ?? '')) ?>.</p>
    <?php else: ?>
      <?php if ($pbx !== null && $config['source'] !== 'file'): ?><p class="form-text" id="pd-pbx-prefill">Pre-filled from the IssabelPBX/FreePBX configuration (<?= h($pbx['file']) ?>).</p><?php endif; ?>
      <form method="post" action="settings.php" novalidate id="pd-db-settings">
        <?= pd_csrf_field() ?>
        <input type="hidden" name="action" value="database">
        <?= $dbForm->input('db_host', 'Host') ?>
        <?= $dbForm->input('db_port', 'Port', ['type' => 'number', 'min' => 1, 'max' => 65535]) ?>
        <?= $dbForm->input('db_socket', 'Socket (optional, instead of host and port)') ?>
        <?= $dbForm->input('db_user', 'User', ['autocomplete' => 'off']) ?>
        <?= $dbForm->input('db_pass', 'Password', ['type' => 'password', 'autocomplete' => 'new-password', 'help' => 'Leave empty to keep the current one.']) ?>
        <?= $dbForm->input('db_name', 'Database') ?>
        <button class="btn btn-primary" type="submit">Test and save connection</button>
      </form>
    <?php endif; ?>
  </section>
  <?php if ($dbUp): ?>
  <section class="col-lg-7" aria-labelledby="dialer-title">
    <h2 class="h5" id="dialer-title">Dialer</h2>
    <form method="post" action="settings.php" novalidate id="pd-dialer-settings">
      <?= pd_csrf_field() ?>
      <input type="hidden" name="action" value="dialer">
      <?= $dialerForm->summary() ?>
      <div class="row">
        <div class="col-sm-6"><?= $dialerForm->input('dial_timeout', 'Dial timeout (seconds)', ['type' => 'number', 'min' => 5, 'max' => 600]) ?></div>
        <div class="col-sm-6"><?= $dialerForm->input('calls_per_second', 'Calls per second limit', ['type' => 'number', 'min' => 1, 'max' => 1000]) ?></div>
        <div class="col-sm-6"><?= $dialerForm->input('dial_context', 'Dial context', ['help' => 'Where Local/ channels dial out, e.g. from-internal.']) ?></div>
        <div class="col-sm-6"><?= $dialerForm->input('ok_disposition', 'Ok disposition', ['help' => 'The result that counts as a successful call.']) ?></div>
      </div>
      <?= $dialerForm->select('admin_time_zone', 'Admin time zone', ['' => 'The server\'s (' . date_default_timezone_get() . ')'] + array_combine(DateTimeZone::listIdentifiers(), DateTimeZone::listIdentifiers()),
          ['help' => 'The day the Agents page counts calls in.']) ?>
      <?= $dialerForm->input('pause_reasons', 'Pause reasons', ['maxlength' => 700,
          'help' => 'What agents pick from to pause, separated by commas (e.g. Break, Lunch, Meeting, Training). "wrap-up" is the dialer\'s own.']) ?>
      <?= $dialerForm->input('extensions_conf', 'Extensions file', ['help' => 'The helper contexts are written between ; BEGIN paneldialer / ; END paneldialer markers.']) ?>
      <?= $dialerForm->textarea('preview_template', 'Preview template', ['rows' => 8, 'spellcheck' => 'false',
          'help' => 'Placeholders: {NAME}, {NUMBER}, any {VARIABLE}; the Dial button: {DIALBUTTON|s} or {DIALERBUTTON|s} (required).']) ?>
      <?= $dialerForm->checkbox('preview_allow_raw_html', 'Allow raw HTML from contact data in the preview card ({NAME|s}, {VARIABLE|s})') ?>
      <?php if ($rawAllowed): ?>
      <div class="alert alert-warning" id="pd-raw-html-warning" role="alert">Raw HTML is allowed in the preview card<?= $rawInTemplate !== [] ? ': ' . h(implode(', ', $rawInTemplate)) . ' put' . (count($rawInTemplate) === 1 ? 's' : '') . ' contact data into the agent\'s card unescaped' : '' ?>.
        Markup in a contact's name or variables, from an import or a CRM, then runs in the agent's browser. Keep this only if every contact's data is trusted.</div>
      <?php elseif ($savedRawRefused): ?>
      <div class="alert alert-danger" id="pd-raw-html-refused" role="alert">The saved template shows contact data unescaped (<?= h(implode(', ', $rawInTemplate)) ?>) and raw HTML is not allowed:
        the agent panel refuses to show this card. Remove the |s, or allow raw HTML.</div>
      <?php endif; ?>
      <div class="alert alert-warning" id="pd-dialbutton-warning" role="alert" hidden>This template has no dial button ({DIALBUTTON|s} or {DIALERBUTTON|s}): agents could not place the call.</div>
      <button class="btn btn-primary" type="submit">Save dialer settings</button>
    </form>
  </section>
  <?php endif; ?>
</div>
<?php
pd_page_end();
