// Configuration reads: settings, campaigns with their dispositions, and the
// fingerprint the worker polls to notice admin edits.
#include <map>

#include "pd/store/store.h"

namespace pd::store {
namespace {

DestinationKind parse_destination_kind(std::string_view s) {
  if (s == "ivr") return DestinationKind::kIvr;
  if (s == "custom") return DestinationKind::kCustom;
  return DestinationKind::kQueue;
}

DialMode parse_mode(std::string_view s) {
  if (s == "automatic") return DialMode::kAutomatic;
  if (s == "preview") return DialMode::kPreview;
  if (s == "predictive") return DialMode::kPredictive;
  return DialMode::kProgressive;
}

std::uint8_t parse_week_days(std::string_view set) {
  static constexpr std::string_view kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  std::uint8_t mask = 0;
  while (!set.empty()) {
    auto comma = set.find(',');
    std::string_view day = set.substr(0, comma);
    for (std::size_t i = 0; i < 7; ++i) {
      if (kDays[i] == day) mask |= static_cast<std::uint8_t>(1u << i);
    }
    if (comma == std::string_view::npos) break;
    set.remove_prefix(comma + 1);
  }
  return mask;
}

}  // namespace

pd::Result<Settings> Store::load_settings() {
  auto rows = conn_.query("SELECT name, value FROM dialer_settings");
  if (!rows) return pd::fail(rows.error());
  Settings settings;
  for (const Row& r : rows->rows)
    settings.values.emplace(std::string(r.str(0)), std::string(r.str(1)));
  return settings;
}

pd::Result<std::vector<Campaign>> Store::load_campaigns() {
  auto rows = conn_.query(
      "SELECT id, name, destination_kind, destination, queue_name, destination_amd, mode,"
      " initial_leg, dial_prefix, caller_id, start_date, end_date, start_hour, end_hour,"
      " week_days, time_zone, group_by_name, dial_attempts, concurrent_calls, retry_minutes,"
      " valid_dtmf, script, enabled, created_at, updated_at, wrapup_seconds, crm_url_template,"
      " callback_grace_minutes, abandon_target_pct, abandon_window, min_ring_seconds,"
      " connect_limit_seconds, abandon_recall_hours, abandon_message"
      " FROM dialer_campaigns ORDER BY id");
  if (!rows) return pd::fail(rows.error());
  std::vector<Campaign> campaigns;
  std::map<std::uint32_t, std::size_t> index;
  for (const Row& r : rows->rows) {
    Campaign c;
    c.id = static_cast<std::uint32_t>(r.u64(0));
    c.name = r.str(1);
    c.destination_kind = parse_destination_kind(r.str(2));
    c.destination = r.str(3);
    c.queue_name = r.opt(4);
    c.destination_amd = r.opt(5);
    c.mode = parse_mode(r.str(6));
    c.initial_leg = r.str(7) == "local" ? InitialLeg::kLocal : InitialLeg::kRemote;
    c.dial_prefix = r.str(8);
    c.caller_id = r.str(9);
    if (!r.is_null(10)) c.start_date = parse_date(r.str(10));
    if (!r.is_null(11)) c.end_date = parse_date(r.str(11));
    c.start_hour = parse_time_of_day(r.str(12)).value_or(c.start_hour);
    c.end_hour = parse_time_of_day(r.str(13)).value_or(c.end_hour);
    c.week_days = parse_week_days(r.str(14));
    c.time_zone = r.str(15);
    c.group_by_name = r.i64(16) != 0;
    c.dial_attempts = static_cast<std::uint16_t>(r.u64(17));
    c.concurrent_calls = static_cast<std::uint16_t>(r.u64(18));
    c.retry_minutes = static_cast<std::uint16_t>(r.u64(19));
    c.valid_dtmf = r.str(20);
    c.script = r.str(21);
    c.enabled = r.i64(22) != 0;
    c.created_at = r.time(23).value_or(TimePoint{});
    c.updated_at = r.time(24).value_or(TimePoint{});
    c.wrapup_seconds = static_cast<std::uint16_t>(r.u64(25));
    c.crm_url_template = r.str(26);
    c.callback_grace_minutes = static_cast<std::uint16_t>(r.u64(27));
    c.abandon_target_pct = r.f64(28);
    c.abandon_window = r.str(29);
    c.min_ring_seconds = static_cast<std::uint16_t>(r.u64(30));
    c.connect_limit_seconds = static_cast<std::uint16_t>(r.u64(31));
    c.abandon_recall_hours = static_cast<std::uint16_t>(r.u64(32));
    c.abandon_message = r.str(33);
    index[c.id] = campaigns.size();
    campaigns.push_back(std::move(c));
  }

  auto dispositions = conn_.query(
      "SELECT cd.campaign_id, cd.direction, d.name, d.is_callback FROM "
      "dialer_campaign_dispositions cd"
      " JOIN dialer_dispositions d ON d.id = cd.disposition_id"
      " ORDER BY cd.campaign_id, cd.direction, cd.sort_order, d.name");
  if (!dispositions) return pd::fail(dispositions.error());
  for (const Row& r : dispositions->rows) {
    auto it = index.find(static_cast<std::uint32_t>(r.u64(0)));
    if (it == index.end()) continue;  // a campaign inserted between the two reads
    Campaign& c = campaigns[it->second];
    (r.str(1) == "inbound" ? c.inbound_dispositions : c.outbound_dispositions)
        .emplace_back(r.str(2));
    if (r.i64(3) != 0 && r.str(1) != "inbound") c.callback_dispositions.emplace_back(r.str(2));
  }
  return campaigns;
}

pd::Result<ConfigFingerprint> Store::config_fingerprint() {
  auto rows = conn_.query(
      "SELECT"
      " (SELECT COUNT(*) FROM dialer_campaigns),"
      " (SELECT COALESCE(SUM(id), 0) FROM dialer_campaigns),"
      " (SELECT COALESCE(MAX(updated_at), '') FROM dialer_campaigns),"
      " (SELECT COUNT(*) FROM dialer_settings),"
      " (SELECT COALESCE(MAX(updated_at), '') FROM dialer_settings),"
      " (SELECT COUNT(*) FROM dialer_campaign_dispositions),"
      " (SELECT COALESCE(BIT_XOR(CRC32(CONCAT_WS(',', cd.campaign_id, cd.direction,"
      "   cd.sort_order, d.name, d.is_callback))), 0)"
      "  FROM dialer_campaign_dispositions cd JOIN dialer_dispositions d"
      "  ON d.id = cd.disposition_id)");
  if (!rows) return pd::fail(rows.error());
  if (rows->rows.size() != 1) return pd::fail(pd::Error::protocol("fingerprint: expected one row"));
  const Row& r = rows->rows[0];
  ConfigFingerprint f;
  f.campaigns = r.u64(0);
  f.campaign_id_sum = r.u64(1);
  f.campaigns_updated = r.str(2);
  f.settings = r.u64(3);
  f.settings_updated = r.str(4);
  f.dispositions = r.u64(5);
  f.dispositions_hash = r.u64(6);
  return f;
}

}  // namespace pd::store
