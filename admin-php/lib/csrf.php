<?php
declare(strict_types=1);

function pd_csrf_token(): string
{
    if (empty($_SESSION['csrf'])) {
        $_SESSION['csrf'] = bin2hex(random_bytes(32));
    }
    return $_SESSION['csrf'];
}

function pd_csrf_field(): string
{
    return '<input type="hidden" name="csrf" value="' . h(pd_csrf_token()) . '">';
}

/** Every POST must carry the session's token (form field or X-CSRF-Token header); else 403. */
function pd_csrf_enforce(): void
{
    if (($_SERVER['REQUEST_METHOD'] ?? 'GET') !== 'POST') {
        return;
    }
    $sent = $_POST['csrf'] ?? ($_SERVER['HTTP_X_CSRF_TOKEN'] ?? '');
    $expected = $_SESSION['csrf'] ?? '';
    if (is_string($sent) && $expected !== '' && hash_equals($expected, $sent)) {
        return;
    }
    http_response_code(403);
    header('Content-Type: text/plain; charset=utf-8');
    echo "403 Forbidden: this form was sent without a valid security (CSRF) token.\n"
        . "Reload the page and send it again.\n";
    exit;
}
