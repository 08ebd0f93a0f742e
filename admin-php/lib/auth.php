<?php
declare(strict_types=1);

function pd_session_start(): void
{
    if (session_status() === PHP_SESSION_ACTIVE) {
        return;
    }
    session_name('pd_admin');
    session_set_cookie_params([
        'lifetime' => 0,
        'path' => '/',
        'httponly' => true,
        'samesite' => 'Strict',
        'secure' => ($_SERVER['HTTPS'] ?? '') !== '' && ($_SERVER['HTTPS'] ?? '') !== 'off',
    ]);
    ini_set('session.use_strict_mode', '1');
    session_start();
}

function pd_current_admin(): ?string
{
    return $_SESSION['admin'] ?? null;
}

/** After this many failures within PD_LOGIN_WINDOW_MINUTES a user name is refused from that address. */
const PD_LOGIN_MAX_FAILURES = 5;
const PD_LOGIN_WINDOW_MINUTES = 15;

function pd_client_address(): string
{
    return substr((string) ($_SERVER['REMOTE_ADDR'] ?? 'unknown'), 0, 64);
}

/** Minutes until this address may try this user name again; 0 when it may now. */
function pd_login_wait_minutes(string $username): int
{
    $row = pd_query('SELECT failures, TIMESTAMPDIFF(SECOND, first_at, UTC_TIMESTAMP(3)) AS age FROM dialer_admin_login_failures WHERE address = ? AND username = ?',
        [pd_client_address(), substr($username, 0, 64)])->fetch();
    if ($row === false || (int) $row['failures'] < PD_LOGIN_MAX_FAILURES || (int) $row['age'] >= PD_LOGIN_WINDOW_MINUTES * 60) {
        return 0;
    }
    return max(1, (int) ceil((PD_LOGIN_WINDOW_MINUTES * 60 - (int) $row['age']) / 60));
}

function pd_record_login_failure(string $username): void
{
    // A window that is over starts again from this failure.
    pd_query('INSERT INTO dialer_admin_login_failures (address, username, failures, first_at, last_at) VALUES (?, ?, 1, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))
        ON DUPLICATE KEY UPDATE failures = IF(first_at < UTC_TIMESTAMP(3) - INTERVAL ' . PD_LOGIN_WINDOW_MINUTES . ' MINUTE, 1, failures + 1),
          first_at = IF(first_at < UTC_TIMESTAMP(3) - INTERVAL ' . PD_LOGIN_WINDOW_MINUTES . ' MINUTE, UTC_TIMESTAMP(3), first_at), last_at = UTC_TIMESTAMP(3)',
        [pd_client_address(), substr($username, 0, 64)]);
}

function pd_login(string $username, string $password): bool
{
    $hash = pd_query('SELECT password_hash FROM dialer_admins WHERE username = ?', [$username])->fetchColumn();
    // Verify against a dummy hash for unknown users so timing does not tell who exists.
    $ok = password_verify($password, is_string($hash) ? $hash : '$2y$10$usesomesillystringfore7hnbRJHxXVLeakoG8K30oukPsA.ztMG');
    if (!$ok || !is_string($hash)) {
        pd_record_login_failure($username);
        return false;
    }
    pd_query('DELETE FROM dialer_admin_login_failures WHERE address = ? AND username = ?', [pd_client_address(), substr($username, 0, 64)]);
    session_regenerate_id(true);
    $_SESSION['admin'] = $username;
    $_SESSION['csrf'] = bin2hex(random_bytes(32));
    return true;
}

function pd_logout(): void
{
    $_SESSION = [];
    session_regenerate_id(true);
}

function pd_require_login(): void
{
    if (pd_current_admin() !== null) {
        return;
    }
    if (str_contains($_SERVER['HTTP_ACCEPT'] ?? '', 'application/json') || ($_SERVER['REQUEST_METHOD'] ?? '') === 'POST') {
        http_response_code(401);
        header('Content-Type: application/json');
        echo json_encode(['error' => 'Not logged in.']);
        exit;
    }
    pd_redirect('login.php');
}

/** Creates or updates an admin; returns an error message or null. */
function pd_set_admin_password(string $username, string $password): ?string
{
    if (!preg_match('/^[A-Za-z0-9_.@-]{1,64}$/', $username)) {
        return 'User names are 1 to 64 letters, digits or _ . @ -';
    }
    if (strlen($password) < 8) {
        return 'The password must have at least 8 characters.';
    }
    pd_query('INSERT INTO dialer_admins (username, password_hash) VALUES (?, ?) ON DUPLICATE KEY UPDATE password_hash = VALUES(password_hash)',
        [$username, password_hash($password, PASSWORD_DEFAULT)]);
    return null;
}
