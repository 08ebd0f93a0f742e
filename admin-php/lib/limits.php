<?php
declare(strict_types=1);

// The web server's size limits on what a form may send (PHP's post_max_size and
// upload_max_filesize), stated on the forms and named in the refusals, so that an
// oversized form never ends in an unrelated error.

/** An ini size ("8M", "512K", "2G", "1048576") in bytes; 0 means no limit. */
function pd_ini_bytes(string $value): int
{
    $value = trim($value);
    if ($value === '' || !preg_match('/^(\d+)\s*([kmg]?)/i', $value, $m)) {
        return 0;
    }
    return (int) $m[1] * match (strtolower($m[2])) { 'k' => 1 << 10, 'm' => 1 << 20, 'g' => 1 << 30, default => 1 };
}

/** "8 MB", "512 KB", "1.5 MB". */
function pd_format_bytes(int $bytes): string
{
    if ($bytes >= 1 << 20) {
        return rtrim(rtrim(number_format($bytes / (1 << 20), 1, '.', ''), '0'), '.') . ' MB';
    }
    return max(1, (int) round($bytes / 1024)) . ' KB';
}

/** The most a whole form may carry (post_max_size); 0 when unlimited. */
function pd_post_limit(): int
{
    return pd_ini_bytes((string) ini_get('post_max_size'));
}

/** The largest file a form can upload: upload_max_filesize, and no more than the form limit. */
function pd_upload_limit(): int
{
    $file = pd_ini_bytes((string) ini_get('upload_max_filesize'));
    $post = pd_post_limit();
    return $post === 0 ? $file : ($file === 0 ? $post : min($file, $post));
}

/** The sentence a form with a file input shows under it. */
function pd_upload_limit_help(): string
{
    $limit = pd_upload_limit();
    return $limit === 0 ? '' : 'Files up to ' . pd_format_bytes($limit) . ' (this server\'s upload limit).';
}

/**
 * A POST larger than post_max_size arrives with no fields at all (PHP drops them), which would
 * otherwise read as a missing security token. Say what happened, naming the limit, and go back.
 */
function pd_post_size_enforce(): void
{
    if (($_SERVER['REQUEST_METHOD'] ?? 'GET') !== 'POST' || $_POST !== [] || $_FILES !== []) {
        return;
    }
    $length = (int) ($_SERVER['CONTENT_LENGTH'] ?? 0);
    $limit = pd_post_limit();
    if ($limit === 0 || $length <= $limit) {
        return;
    }
    $message = 'The form sent ' . pd_format_bytes($length) . ', more than this server accepts in one form (' . pd_format_bytes($limit)
        . ', PHP post_max_size), so nothing was saved and what was typed could not be kept. Send a smaller file, or split it.';
    if (isset($_SERVER['HTTP_X_CSRF_TOKEN']) || str_contains($_SERVER['HTTP_ACCEPT'] ?? '', 'application/json')) {
        pd_json(['error' => $message], 413);
    }
    pd_flash($message, 'danger');
    pd_redirect(pd_same_origin_page() ?? 'index.php');
}

/** Why an uploaded file was refused, naming the limit; null when it arrived (or none was chosen). */
function pd_upload_error(array $file): ?string
{
    return match ($file['error'] ?? UPLOAD_ERR_NO_FILE) {
        UPLOAD_ERR_OK, UPLOAD_ERR_NO_FILE => null,
        UPLOAD_ERR_INI_SIZE, UPLOAD_ERR_FORM_SIZE => 'The file is larger than this server accepts (' . pd_format_bytes(pd_upload_limit())
            . ', PHP upload_max_filesize). Split it into smaller files.',
        UPLOAD_ERR_PARTIAL => 'The file arrived only in part. Send it again.',
        default => 'The server could not store the uploaded file (upload error ' . (int) $file['error'] . '). See the web server\'s log.',
    };
}
