<?php
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';

pd_admin_page();

$restored = pd_restored_input('');
$form = new Form($restored ?? []);
$editId = (int) ($_GET['edit'] ?? 0);
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $id = (int) ($_POST['id'] ?? 0);
    if (($_POST['action'] ?? '') === 'delete') {
        $deleted = pd_query('DELETE FROM dialer_dispositions WHERE id = ?', [$id])->rowCount();
        pd_flash($deleted ? 'Disposition deleted.' : 'No such disposition.', $deleted ? 'success' : 'danger');
        pd_redirect('dispositions.php');
    }
    $form = new Form($_POST);
    $name = $form->check('name', 'Name', '/^[\p{L}\p{N} _.\-]{1,80}$/u', '1 to 80 letters, digits, spaces or _ . -');
    $description = $form->plain('description', 'Description', 255);
    $isCallback = (string) $form->value('is_callback') === '1' ? 1 : 0;
    if ($name !== '' && pd_query('SELECT 1 FROM dialer_dispositions WHERE name = ? AND id <> ?', [$name, $id])->fetchColumn()) {
        $form->error('name', 'Name: this disposition exists already.');
    }
    if ($form->ok()) {
        if ($id > 0) {
            pd_query('UPDATE dialer_dispositions SET name = ?, description = ?, is_callback = ? WHERE id = ?', [$name, $description, $isCallback, $id]);
        } else {
            pd_query('INSERT INTO dialer_dispositions (name, description, is_callback) VALUES (?, ?, ?)', [$name, $description, $isCallback]);
        }
        pd_flash("Disposition $name saved.");
        pd_redirect('dispositions.php');
    }
    $editId = $id;
} elseif ($editId > 0 && $restored === null) {
    $row = pd_query('SELECT id, name, description, is_callback FROM dialer_dispositions WHERE id = ?', [$editId])->fetch();
    $form = new Form($row === false ? [] : $row);
}

$dispositions = pd_query('SELECT d.id, d.name, d.description, d.is_callback, COUNT(cd.campaign_id) AS campaigns FROM dialer_dispositions d
    LEFT JOIN dialer_campaign_dispositions cd ON cd.disposition_id = d.id GROUP BY d.id ORDER BY d.name')->fetchAll();
pd_page_start('Dispositions');
?>
<div class="row g-4">
  <div class="col-lg-4">
    <h2 class="h5"><?= $editId > 0 ? 'Edit disposition' : 'Add a disposition' ?></h2>
    <form method="post" action="dispositions.php" novalidate>
      <?= pd_csrf_field() ?>
      <input type="hidden" name="id" value="<?= h($editId) ?>">
      <?= $form->input('name', 'Name', ['required' => true, 'maxlength' => 80]) ?>
      <?= $form->input('description', 'Description', ['maxlength' => 255]) ?>
      <?= $form->checkbox('is_callback', 'Callback: the agent agrees a time with the customer, and the number is called again then') ?>
      <button class="btn btn-primary" type="submit">Save</button>
      <?php if ($editId > 0): ?><a class="btn btn-link" href="dispositions.php">Cancel</a><?php endif; ?>
    </form>
  </div>
  <div class="col-lg-8">
    <table class="table table-striped align-middle">
      <thead><tr><th scope="col">Name</th><th scope="col">Description</th><th scope="col">Used by</th><th scope="col">Actions</th></tr></thead>
      <tbody>
      <?php foreach ($dispositions as $d): ?>
        <tr>
          <td><?= h($d['name']) ?></td>
          <td><?= h($d['description']) ?><?php if ($d['is_callback']): ?> <span class="badge text-bg-info">callback</span><?php endif; ?></td>
          <td><?= h($d['campaigns']) ?> campaign links</td>
          <td class="text-nowrap">
            <a class="btn btn-sm btn-outline-primary" href="dispositions.php?edit=<?= h($d['id']) ?>">Edit <span class="visually-hidden"><?= h($d['name']) ?></span></a>
            <form method="post" action="dispositions.php" class="d-inline" data-confirm="Delete disposition <?= h($d['name']) ?>?">
              <?= pd_csrf_field() ?>
              <input type="hidden" name="id" value="<?= h($d['id']) ?>">
              <button class="btn btn-sm btn-outline-danger" type="submit" name="action" value="delete">Delete <span class="visually-hidden"><?= h($d['name']) ?></span></button>
            </form>
          </td>
        </tr>
      <?php endforeach; ?>
      <?php if ($dispositions === []): ?><tr><td colspan="4">No dispositions yet.</td></tr><?php endif; ?>
      </tbody>
    </table>
  </div>
</div>
<?php
pd_page_end();
