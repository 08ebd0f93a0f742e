// Turning what the store loaded into what the engine runs on: settings with
// their defaults and checks, and each campaign converted to the core's type,
// validated, with its schedule's time zone loaded. Runs on a worker thread
// (it reads zone files); the result is handed to the host loop.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pd/core/campaign.h"
#include "pd/core/schedule.h"
#include "pd/core/time_zone.h"
#include "pd/store/records.h"

namespace pd::plugin {

// dialer_settings as the engine uses them; bad values fall back to defaults
// (and are reported in `problems`).
struct EngineSettings {
  int dial_timeout_s = 30;
  std::string dial_context = "from-internal";
  std::string extensions_conf = "/etc/asterisk/extensions_custom.conf";
  std::string ok_disposition = "ANSWER";
  double calls_per_second = 10;
  std::string preview_template;
  // preview_allow_raw_html = '1': the admin allowed raw placeholders ({X|s}) in
  // the preview card; anything else keeps them refused (pd::preview::render).
  bool preview_allow_raw_html = false;
  // What an agent may pause for (pause_reasons; pd::core::parse_pause_reasons).
  std::vector<std::string> pause_reasons = {"Break", "Lunch", "Meeting", "Training"};
  // The zone the agent's figures of "today" are counted in (admin_time_zone,
  // as the Agents page; loaded by prepare_config, UTC when empty or unknown).
  std::string admin_time_zone;
  std::shared_ptr<const pd::core::TimeZone> day_zone;
  std::vector<std::string> problems;
};

EngineSettings read_settings(const pd::store::Settings& settings);

// A campaign ready to run: the core's type (the store's row is not kept, so
// nothing above this point depends on the database's records).
struct PreparedCampaign {
  pd::core::Campaign campaign;
  std::shared_ptr<const pd::core::Schedule> schedule;  // null when invalid
  std::string error;  // why the campaign cannot run; empty when it can
  bool runnable() const { return error.empty(); }
};

PreparedCampaign prepare_campaign(const pd::store::Campaign& row, pd::core::TimeZoneCache& zones);

}  // namespace pd::plugin
