<?php
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';

if (pd_db_or_null() === null) {
    pd_redirect('settings.php');
}
if (pd_current_admin() !== null) {
    pd_redirect(pd_local_page((string) ($_GET['next'] ?? '')) ?? 'index.php');
}
$form = new Form($_SERVER['REQUEST_METHOD'] === 'POST' ? $_POST : (pd_restored_input() ?? []));
// Where to go after logging in: the page that sent the user here (an expired session).
$next = pd_local_page((string) ($_GET['next'] ?? '')) ?? 'index.php';
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $username = $form->text('username');
    if ($username === '') {
        $form->error('username', 'User name is required.');
    }
    if ((string) $form->value('password') === '') {
        $form->error('password', 'Password is required.');
    }
    $wait = $form->ok() ? pd_login_wait_minutes($username) : 0;
    if ($wait > 0) {
        $form->error('password', "Too many failed logins for this user from your address. Try again in $wait minute" . ($wait === 1 ? '' : 's') . '.');
    } elseif ($form->ok()) {
        if (pd_login($username, (string) $form->value('password'))) {
            pd_redirect($next);
        }
        $form->error('password', 'Wrong user name or password.');
    }
    $form->values['password'] = '';
}
pd_page_start('Log in');
?>
<div class="row"><div class="col-sm-8 col-md-5 col-lg-4">
<form method="post" action="login.php<?= $next === 'index.php' ? '' : '?next=' . h(rawurlencode($next)) ?>" novalidate>
  <?= pd_csrf_field() ?>
  <?= $form->input('username', 'User name', ['autocomplete' => 'username', 'required' => true, 'autofocus' => true]) ?>
  <?= $form->input('password', 'Password', ['type' => 'password', 'autocomplete' => 'current-password', 'required' => true]) ?>
  <button type="submit" class="btn btn-primary">Log in</button>
</form>
</div></div>
<?php
pd_page_end();
