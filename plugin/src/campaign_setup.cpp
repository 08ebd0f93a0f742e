#include "campaign_setup.h"

#include "pd/core/agent_pause.h"
#include "pd/core/names.h"

namespace pd::plugin {

namespace {

pd::core::DialMode mode_of(pd::store::DialMode mode) {
  switch (mode) {
    case pd::store::DialMode::kAutomatic:
      return pd::core::DialMode::kAutomatic;
    case pd::store::DialMode::kPreview:
      return pd::core::DialMode::kPreview;
    case pd::store::DialMode::kPredictive:
      return pd::core::DialMode::kPredictive;
    case pd::store::DialMode::kProgressive:
      break;
  }
  return pd::core::DialMode::kProgressive;
}

pd::core::DestinationKind kind_of(pd::store::DestinationKind kind) {
  switch (kind) {
    case pd::store::DestinationKind::kIvr:
      return pd::core::DestinationKind::kIvr;
    case pd::store::DestinationKind::kCustom:
      return pd::core::DestinationKind::kCustom;
    case pd::store::DestinationKind::kQueue:
      break;
  }
  return pd::core::DestinationKind::kQueue;
}

}  // namespace

EngineSettings read_settings(const pd::store::Settings& settings) {
  EngineSettings out;
  const int64_t timeout = settings.get_int("dial_timeout", 30);
  if (timeout >= 1 && timeout <= 600) {
    out.dial_timeout_s = int(timeout);
  } else {
    out.problems.push_back("dial_timeout must be 1..600 seconds; using 30");
  }
  const std::string context = settings.get("dial_context", "from-internal");
  if (pd::core::is_dialplan_name(context)) {
    out.dial_context = context;
  } else {
    out.problems.push_back("dial_context '" + context +
                           "' is not a valid context; using from-internal");
  }
  out.extensions_conf = settings.get("extensions_conf", out.extensions_conf);
  out.ok_disposition = settings.get("ok_disposition", "ANSWER");
  const int64_t cps = settings.get_int("calls_per_second", 10);
  if (cps >= 0 && cps <= 1000) {
    out.calls_per_second = double(cps);
  } else {
    out.problems.push_back("calls_per_second must be 0..1000; using 10");
  }
  out.preview_template = settings.get("preview_template", "");
  out.preview_allow_raw_html = settings.get("preview_allow_raw_html", "0") == "1";
  if (auto reasons = pd::core::parse_pause_reasons(
          settings.get("pause_reasons", "Break, Lunch, Meeting, Training"));
      reasons) {
    out.pause_reasons = std::move(*reasons);
  } else {
    out.problems.push_back(reasons.error().message + "; using Break, Lunch, Meeting, Training");
  }
  out.admin_time_zone = settings.get("admin_time_zone", "");
  return out;
}

PreparedCampaign prepare_campaign(const pd::store::Campaign& row, pd::core::TimeZoneCache& zones) {
  PreparedCampaign prepared;
  pd::core::Campaign& c = prepared.campaign;
  c.id = row.id;
  c.name = row.name;
  c.mode = mode_of(row.mode);
  c.initial_leg = row.initial_leg == pd::store::InitialLeg::kLocal ? pd::core::InitialLeg::kLocal
                                                                   : pd::core::InitialLeg::kRemote;
  c.destination_kind = kind_of(row.destination_kind);
  c.destination = row.destination;
  c.destination_amd = row.destination_amd.value_or("");
  c.queue_name = row.queue_name.value_or("");
  c.dial_prefix = row.dial_prefix;
  c.caller_id = row.caller_id;
  c.schedule.start_date = row.start_date;
  c.schedule.end_date = row.end_date;
  c.schedule.start_s = int32_t(row.start_hour.count());
  c.schedule.end_s = int32_t(row.end_hour.count());
  c.schedule.week_days = row.week_days;
  c.schedule.time_zone = row.time_zone;
  c.dial_attempts = row.dial_attempts;
  c.retry_minutes = row.retry_minutes;
  c.wrapup_seconds = row.wrapup_seconds;
  c.concurrent_calls = row.concurrent_calls;
  c.group_by_name = row.group_by_name;
  c.valid_dtmf = row.valid_dtmf;
  c.enabled = row.enabled;
  c.script = row.script;
  c.outbound_dispositions = row.outbound_dispositions;
  c.inbound_dispositions = row.inbound_dispositions;
  c.callback_dispositions = row.callback_dispositions;
  c.callback_grace_minutes = row.callback_grace_minutes;
  c.crm_url_template = row.crm_url_template;
  c.abandon_target_pct = row.abandon_target_pct;
  c.min_ring_seconds = row.min_ring_seconds;
  c.connect_limit_seconds = row.connect_limit_seconds;
  c.abandon_recall_hours = row.abandon_recall_hours;
  c.abandon_message = row.abandon_message;
  if (auto window = pd::core::parse_abandon_window(row.abandon_window); window) {
    c.abandon_window = *window;
  } else {
    prepared.error = window.error().message;
    return prepared;
  }
  if (auto ok = pd::core::validate(c); !ok) {
    prepared.error = ok.error().message;
    return prepared;
  }
  auto zone = zones.get(c.schedule.time_zone);
  if (!zone) {
    prepared.error = "time zone: " + zone.error().message;
    return prepared;
  }
  prepared.schedule = std::make_shared<const pd::core::Schedule>(c.schedule, *zone);
  return prepared;
}

}  // namespace pd::plugin
