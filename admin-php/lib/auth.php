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

function pd_login(string $username, string $password): bool
{
    $hash = pd_query('SELECT password_hash FROM dialer_admins WHERE username = ?', [$username])->fetchColumn();
    // Verify against a dummy hash for unknown users so timing does not tell who exists.
    $ok = password_verify($password, is_string($hash) ? $hash : '$2y$10$usesomesillystringfore7hnbRJHxXVLeakoG8K30oukPsA.ztMG');
    if (!$ok || !is_string($hash)) {
        return false;
    }
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
