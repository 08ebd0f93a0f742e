<?php
declare(strict_types=1);

// php admin-php/bin/create-admin.php USER PASS — creates the admin, or sets a new password.
if (PHP_SAPI !== 'cli') {
    http_response_code(404);
    exit;
}
require_once __DIR__ . '/../lib/db.php';
require_once __DIR__ . '/../lib/auth.php';

if ($argc !== 3) {
    fwrite(STDERR, "usage: php {$argv[0]} USER PASSWORD\n");
    exit(2);
}
if (pd_db_or_null() === null) {
    fwrite(STDERR, 'error: ' . pd_db_error() . " (set PD_MYSQL_DSN)\n");
    exit(1);
}
$error = pd_set_admin_password($argv[1], $argv[2]);
if ($error !== null) {
    fwrite(STDERR, "error: $error\n");
    exit(1);
}
echo "admin {$argv[1]} ready\n";
