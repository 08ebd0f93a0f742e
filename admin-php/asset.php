<?php
declare(strict_types=1);

// Serves the few npm-installed browser files (Bootstrap, Chart.js) from
// node_modules: no CDN, nothing copied into the repository.
$assets = [
    'bootstrap.css' => ['bootstrap/dist/css/bootstrap.min.css', 'text/css'],
    'bootstrap.js' => ['bootstrap/dist/js/bootstrap.bundle.min.js', 'text/javascript'],
    'chart.js' => ['chart.js/dist/chart.umd.js', 'text/javascript'],
];
$modules = getenv('PD_NODE_MODULES') ?: dirname(__DIR__) . '/node_modules';
$name = $_GET['f'] ?? '';
if (!is_string($name) || !isset($assets[$name]) || !is_readable($path = $modules . '/' . $assets[$name][0])) {
    http_response_code(404);
    header('Content-Type: text/plain; charset=utf-8');
    echo "Unknown asset, or npm packages not installed (run scripts/setup).\n";
    exit;
}
$etag = '"' . filemtime($path) . '-' . filesize($path) . '"';
header('Content-Type: ' . $assets[$name][1] . '; charset=utf-8');
header('Cache-Control: public, max-age=86400');
header('ETag: ' . $etag);
header('X-Content-Type-Options: nosniff');
if (($_SERVER['HTTP_IF_NONE_MATCH'] ?? '') === $etag) {
    http_response_code(304);
    exit;
}
readfile($path);
