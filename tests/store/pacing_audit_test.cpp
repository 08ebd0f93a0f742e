// Migration 0018: the pacing figures in dialer_campaign_status, a sample a
// minute (dialer_pacing_samples), the compliance audit (one row per
// Originate, written in batches with the call writes) and the bounded purge.
#include <doctest/doctest.h>

#include <limits>
#include <string>
#include <vector>

#include "db_fixture.h"
#include "pd/store/store.h"

using namespace pd::store;
using namespace std::chrono_literals;
using pd::store::testing::open_scratch_db;

namespace {

CampaignFigures figures(double abandon_pct, bool fallback) {
  CampaignFigures f;
  f.dial_level = 1.8;
  f.answer_rate_pct = 27.5;
  f.abandon_rate_pct = abandon_pct;
  f.abandoned_in_window = 15;
  f.answered_in_window = 500;
  f.abandon_target_pct = 3;
  f.occupancy_pct = 82.25;
  f.fallback = fallback;
  return f;
}

ComplianceAudit audit(std::string call_id, std::uint32_t campaign, TimePoint at) {
  ComplianceAudit a;
  a.call_id = std::move(call_id);
  a.campaign_id = campaign;
  a.number_id = 77;
  a.number = "5550100";
  a.originated_at = at;
  a.mode = "predictive";
  a.dnc_checked = true;
  a.dnc_listed = false;
  a.party_zone = "America/New_York";
  a.party_local_time = *parse_datetime("2026-11-27 10:15:00");
  a.window_start_s = 9 * 3600;
  a.window_end_s = 21 * 3600;
  a.window_days = "mon,tue,wed,thu,fri";
  a.window_ok = true;
  a.figures = figures(2.5, false);
  a.abandon_window = "30d";
  return a;
}

}  // namespace

TEST_CASE("pacing figures: the status row carries them, a wild value is written at its bound") {
  auto db = open_scratch_db();
  if (!db) return;
  auto& conn = db->conn();
  const auto campaign = db->add_campaign("figures");
  Store store(conn, "engine-f");
  CampaignStatus row;
  row.campaign_id = campaign;
  row.open_now = true;
  row.figures = figures(3.1, true);
  REQUIRE(store.record_campaign_status(std::vector<CampaignStatus>{row}).has_value());
  CHECK(db->text("SELECT CONCAT_WS('|', dial_level, answer_rate_pct, abandon_rate_pct,"
                 " abandoned_in_window, answered_in_window, abandon_target_pct, occupancy_pct,"
                 " predictive_fallback) FROM dialer_campaign_status") ==
        "1.800|27.50|3.10|15|500|3.00|82.25|1");

  row.figures = figures(0, false);
  row.figures.occupancy_pct = 250;                                    // impossible: written as 100
  row.figures.answer_rate_pct = -4;                                   // written as 0
  row.figures.dial_level = std::numeric_limits<double>::quiet_NaN();  // written as 0
  REQUIRE(store.record_campaign_status(std::vector<CampaignStatus>{row}).has_value());
  CHECK(db->text("SELECT CONCAT_WS('|', dial_level, answer_rate_pct, occupancy_pct,"
                 " predictive_fallback) FROM dialer_campaign_status") == "0.000|0.00|100.00|0");
}

TEST_CASE("pacing samples: one row per campaign and minute, a second sample replaces the first") {
  auto db = open_scratch_db();
  if (!db) return;
  auto& conn = db->conn();
  const auto a = db->add_campaign("samples_a");
  const auto b = db->add_campaign("samples_b");
  Store store(conn, "engine-s");
  const TimePoint minute = *parse_datetime("2026-11-28 09:30:00");
  std::vector<PacingSample> samples{{a, minute + 5s, figures(1.0, false), 4},
                                    {b, minute + 5s, figures(2.0, false), 2}};
  REQUIRE(store.record_samples(samples).has_value());
  samples[0].minute = minute + 50s;  // the same minute, later
  samples[0].figures = figures(1.5, true);
  samples[1].minute = minute + 65s;  // the next minute
  REQUIRE(store.record_samples(samples).has_value());
  CHECK(db->count("dialer_pacing_samples") == 3);
  CHECK(
      db->text("SELECT CONCAT_WS('|', minute_at, abandon_rate_pct, predictive_fallback, live_calls)"
               " FROM dialer_pacing_samples WHERE campaign_id = " +
               std::to_string(a)) == "2026-11-28 09:30:00|1.50|1|4");
  CHECK(db->text("SELECT GROUP_CONCAT(minute_at ORDER BY minute_at) FROM dialer_pacing_samples"
                 " WHERE campaign_id = " +
                 std::to_string(b)) == "2026-11-28 09:30:00,2026-11-28 09:31:00");
  CHECK(store.record_samples(std::vector<PacingSample>{}).has_value());
}

TEST_CASE("compliance audit: a batch of Originates writes one row each with every check") {
  auto db = open_scratch_db();
  if (!db) return;
  auto& conn = db->conn();
  const auto campaign = db->add_campaign("audited");
  Store store(conn, "engine-a");
  const TimePoint at = *parse_datetime("2026-11-27 15:15:00.250");
  // 250 audits (three multi-row INSERTs) with an ordinary write between them.
  std::vector<WriteOp> ops;
  for (int i = 0; i < 150; ++i) ops.push_back(audit("a-" + std::to_string(i), campaign, at));
  ops.push_back(PendingPrompt{"a-0", "101", campaign, false, 77, "5550100", at});
  for (int i = 150; i < 250; ++i) ops.push_back(audit("a-" + std::to_string(i), campaign, at));
  auto report = store.write(ops);
  REQUIRE_MESSAGE(report.has_value(), (report ? "" : report.error().describe()));
  CHECK(report->applied == 251);
  CHECK(db->count("dialer_compliance_audit") == 250);
  CHECK(db->count("dialer_pending_dispositions") == 1);
  CHECK(db->text("SELECT CONCAT_WS('|', campaign_id = " + std::to_string(campaign) +
                 ", number_id, number, instance, originated_at, mode, dnc_checked,"
                 " dnc_listed, party_zone, party_local_time, window_start, window_end,"
                 " window_days, window_ok, abandon_rate_pct, abandon_target_pct,"
                 " abandon_window, abandoned_in_window, answered_in_window, dial_level,"
                 " predictive_fallback) FROM dialer_compliance_audit WHERE call_id = 'a-149'") ==
        "1|77|5550100|engine-a|2026-11-27 15:15:00.250|predictive|1|0|America/New_York|"
        "2026-11-27 10:15:00|09:00:00|21:00:00|mon,tue,wed,thu,fri|1|2.50|3.00|30d|15|500|"
        "1.800|0");

  // Written again (a COMMIT in doubt): nothing doubles.
  auto again = store.write(ops);
  REQUIRE(again.has_value());
  CHECK(again->duplicates >= 250);
  CHECK(db->count("dialer_compliance_audit") == 250);

  // A zone that could not be loaded: no local time, the window not ok.
  ComplianceAudit unknown = audit("a-unknown", campaign, at);
  unknown.party_zone = "Mars/Olympus";
  unknown.party_local_time.reset();
  unknown.window_ok = false;
  REQUIRE(store.write(std::vector<WriteOp>{unknown}).has_value());
  CHECK(db->text("SELECT CONCAT_WS('|', party_zone, IFNULL(party_local_time, 'none'), window_ok)"
                 " FROM dialer_compliance_audit WHERE call_id = 'a-unknown'") ==
        "Mars/Olympus|none|0");
}

TEST_CASE("purge: audit rows past their window and old samples go, at most `limit` a call") {
  auto db = open_scratch_db();
  if (!db) return;
  auto& conn = db->conn();
  const auto campaign = db->add_campaign("purged");
  Store store(conn, "engine-p");
  const TimePoint now = *parse_datetime("2026-11-28 12:00:00");
  std::vector<WriteOp> ops;
  for (int i = 0; i < 5; ++i)
    ops.push_back(audit("old-" + std::to_string(i), campaign, now - 31 * 24h));
  for (int i = 0; i < 3; ++i)
    ops.push_back(audit("new-" + std::to_string(i), campaign, now - 29 * 24h));
  REQUIRE(store.write(ops).has_value());
  std::vector<PacingSample> samples;
  for (int i = 0; i < 4; ++i) samples.push_back({campaign, now - 8 * 24h + i * 1min, {}, 0});
  samples.push_back({campaign, now - 6 * 24h, {}, 0});
  REQUIRE(store.record_samples(samples).has_value());

  auto first = store.purge_history(now - 30 * 24h, now - 7 * 24h, 3);
  REQUIRE_MESSAGE(first.has_value(), (first ? "" : first.error().describe()));
  CHECK(first->audit_rows == 3);
  CHECK(first->samples == 3);
  auto second = store.purge_history(now - 30 * 24h, now - 7 * 24h, 3);
  REQUIRE(second.has_value());
  CHECK(second->audit_rows == 2);
  CHECK(second->samples == 1);
  auto third = store.purge_history(now - 30 * 24h, now - 7 * 24h, 3);
  REQUIRE(third.has_value());
  CHECK(third->audit_rows == 0);
  CHECK(third->samples == 0);
  CHECK(db->count("dialer_compliance_audit") == 3);
  CHECK(db->count("dialer_compliance_audit", "call_id LIKE 'new-%'") == 3);
  CHECK(db->count("dialer_pacing_samples") == 1);
}
