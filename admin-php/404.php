<?php
declare(strict_types=1);
// "Page not found", in the admin pages' own layout: for addresses that name no page (router.php
// under `php -S`, ErrorDocument 404 under Apache, see .htaccess) and for the folders that are not
// pages (lib/, bin/, config/).
require __DIR__ . '/lib/bootstrap.php';

http_response_code(404);
// Links resolve against the admin pages' folder, whatever depth the missing address had.
$base = rtrim(str_replace('\\', '/', dirname($_SERVER['PD_ADMIN_BASE'] ?? $_SERVER['SCRIPT_NAME'] ?? '/404.php')), '/') . '/';
pd_page_start('Page not found', '<base href="' . h($base) . '">');
$asked = (string) parse_url((string) ($_SERVER['REQUEST_URI'] ?? ''), PHP_URL_PATH);
?>
<p>There is no page at <code><?= h($asked) ?></code>. It may have moved, or the address was mistyped.</p>
<p><a class="btn btn-primary" href="index.php">Go to the dashboard</a>
<?php if (pd_current_admin() === null): ?> <a class="btn btn-outline-secondary" href="login.php">Log in</a><?php endif; ?></p>
<?php
pd_page_end();
