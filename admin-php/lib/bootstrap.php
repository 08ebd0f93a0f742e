<?php
declare(strict_types=1);

// Every page starts with this: strict errors, session, CSRF check on POST, login.
error_reporting(E_ALL);
ini_set('display_errors', '0');

require_once __DIR__ . '/view.php';
require_once __DIR__ . '/db.php';
require_once __DIR__ . '/auth.php';
require_once __DIR__ . '/csrf.php';
require_once __DIR__ . '/limits.php';
require_once __DIR__ . '/validate.php';

set_exception_handler(function (Throwable $e): void {
    error_log('paneldialer admin: ' . $e);
    if (!headers_sent()) {
        http_response_code(500);
        header('Content-Type: text/plain; charset=utf-8');
    }
    echo "500 Internal error: the request could not be completed. Details are in the server log.\n";
});

pd_session_start();
pd_post_size_enforce();
pd_csrf_enforce();

/** For pages that need a logged-in admin and a working database. */
function pd_admin_page(): void
{
    if (pd_db_or_null() === null) {
        // Setup mode: without a working database only the connection settings can be shown.
        if (basename($_SERVER['SCRIPT_NAME'] ?? '') !== 'settings.php') {
            pd_redirect('settings.php');
        }
        return;
    }
    pd_require_login();
}
