<?php
declare(strict_types=1);
// Router for PHP's built-in server (`php -S host:port -t admin-php admin-php/router.php`, as
// scripts/run and the tests start it): serves the pages and assets, and answers everything else
// - a missing address, and the folders that are code or configuration, not pages - with the
// admin pages' own 404 page (404.php). Apache does the same with .htaccess.

$path = rawurldecode((string) parse_url((string) ($_SERVER['REQUEST_URI'] ?? '/'), PHP_URL_PATH));
$file = realpath(__DIR__ . $path);
$private = '#^/(lib|bin|config)(/|$)|/\.#';
if ($path === '/' || ($file !== false && str_starts_with($file, __DIR__ . '/') && is_file($file)
        && !preg_match($private, $path) && basename($file) !== 'router.php')) {
    return false;  // the built-in server serves it (a page runs, an asset is sent)
}
$_SERVER['PD_ADMIN_BASE'] = '/404.php';
require __DIR__ . '/404.php';
