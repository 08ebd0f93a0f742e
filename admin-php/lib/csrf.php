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

/** Form fields never kept for a refused form: passwords and secrets are typed again. */
const PD_DRAFT_SECRET_FIELD = '/pass|secret|csrf/i';

/**
 * Every POST must carry the session's token (form field or X-CSRF-Token header).
 *
 * A refusal says why and loses nothing the user typed: a form sent from one of our own pages
 * (its Origin, when the browser sends one, is this host) is kept in the session as a draft for
 * the page it came from (pd_restored_input()), secrets left out, and the user goes back to that
 * page (through the login page when the session had expired) with a message. Scripted requests
 * (X-CSRF-Token or Accept: application/json) get a 403 JSON error. A form from another site is
 * refused with a plain 403 and nothing kept, so no other site can fill our forms.
 */
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
    $loggedIn = pd_current_admin() !== null;
    $why = $loggedIn
        ? 'The form was older than your current login (opened before you last logged in, or in another session), so it was not accepted and nothing was saved.'
        : 'Your session had expired (or the admin pages were restarted), so the form was not accepted and nothing was saved.';
    if (isset($_SERVER['HTTP_X_CSRF_TOKEN']) || str_contains($_SERVER['HTTP_ACCEPT'] ?? '', 'application/json')) {
        pd_json(['error' => $why . ' Reload the page and try again.'], 403);
    }
    $back = pd_same_origin_page();
    if ($back === null) {
        http_response_code(403);
        header('Content-Type: text/plain; charset=utf-8');
        echo "403 Forbidden: this form did not come from the admin pages (no valid security (CSRF) token); nothing was saved.\n";
        exit;
    }
    $draft = array_filter($_POST, fn ($key) => !preg_match(PD_DRAFT_SECRET_FIELD, (string) $key), ARRAY_FILTER_USE_KEY);
    $secretsLeftOut = array_filter(array_keys($_POST), fn ($key) => $key !== 'csrf' && preg_match(PD_DRAFT_SECRET_FIELD, (string) $key)) !== [];
    $_SESSION['draft'] = ['page' => strtok($back, '?'), 'values' => $draft];
    $viaLogin = !$loggedIn && basename((string) strtok($back, '?')) !== 'login.php';
    $kept = ($draft === [] ? '' : ($viaLogin ? ' Log in again, and what you typed will be back in the form' : ' What you typed is back in the form')
            . ($secretsLeftOut ? ' (passwords and secrets excepted: type them again)' : '') . ': check it and send it again.')
        . ($_FILES !== [] ? ' Choose the file again.' : '');
    pd_flash($why . $kept, 'warning');
    if ($viaLogin) {
        pd_redirect('login.php?next=' . rawurlencode($back));
    }
    pd_redirect($back);
}

/**
 * The admin page (script name and query, e.g. "campaigns.php?edit=3") a POST came from, when the
 * browser says it came from this host; else null. The Referer names the page that showed the form
 * (the form's action may be another URL); without one, the script that was posted to.
 */
function pd_same_origin_page(): ?string
{
    $host = (string) ($_SERVER['HTTP_HOST'] ?? '');
    $origin = $_SERVER['HTTP_ORIGIN'] ?? null;
    if ($origin !== null && $origin !== 'null' && parse_url((string) $origin, PHP_URL_HOST) . (($port = parse_url((string) $origin, PHP_URL_PORT)) ? ":$port" : '') !== $host) {
        return null;
    }
    $referer = (string) ($_SERVER['HTTP_REFERER'] ?? '');
    $source = $_SERVER['REQUEST_URI'] ?? '/index.php';
    if ($referer !== '') {
        $refHost = parse_url($referer, PHP_URL_HOST) . (($port = parse_url($referer, PHP_URL_PORT)) ? ":$port" : '');
        if ($refHost !== $host) {
            return null;
        }
        $source = $referer;
    } elseif ($origin === null) {
        return null;  // neither Origin nor Referer: nothing says the form is ours
    }
    return pd_local_page((string) parse_url($source, PHP_URL_PATH) . (($q = parse_url($source, PHP_URL_QUERY)) ? "?$q" : ''));
}

/** "dir/campaigns.php?edit=3" → "campaigns.php?edit=3" when it names an admin page of ours; else null. */
function pd_local_page(string $target): ?string
{
    $page = basename((string) strtok($target, '?'));
    $query = str_contains($target, '?') ? substr($target, strpos($target, '?')) : '';
    if ($page === '' || $page === '/') {
        $page = 'index.php';
    }
    if (!preg_match('/^[a-z][a-z0-9-]*\.php$/', $page) || !is_file(__DIR__ . '/../' . $page) || preg_match('/[\r\n]/', $query)) {
        return null;
    }
    return $page . $query;
}

/**
 * The values of a form of this page that was refused (pd_csrf_enforce()), once; null when there
 * are none, or when `$action` is given and the refused form's `action` field was another ('' for
 * a form without one).
 */
function pd_restored_input(?string $action = null): ?array
{
    $draft = $_SESSION['draft'] ?? null;
    if (!is_array($draft) || basename((string) $draft['page']) !== basename($_SERVER['SCRIPT_NAME'] ?? '')) {
        return null;
    }
    if ($action !== null && (string) ($draft['values']['action'] ?? '') !== $action) {
        return null;
    }
    unset($_SESSION['draft']);
    return $draft['values'];
}
