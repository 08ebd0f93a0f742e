<?php
declare(strict_types=1);
require __DIR__ . '/lib/bootstrap.php';
require __DIR__ . '/lib/dashboard.php';

pd_admin_page();
pd_json(pd_dashboard_data());
