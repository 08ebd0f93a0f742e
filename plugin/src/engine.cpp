// The engine's life: start, configuration, the AMI link, ticks and the
// periodic housekeeping (heartbeat, lease renewal, call expiry).
#include "engine.h"

#include "lead_mapping.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "pd/dialplan/dialplan.h"
#include "pd/store/dsn.h"
#include "worker_lead_store.h"

namespace pd::plugin {

namespace {

constexpr const char* kVersion = "0.1.0";
constexpr int64_t kHeartbeatMs = 5000;
constexpr int64_t kExpireMs = 1000;
constexpr int64_t kQueuePublishMs = 30000;
constexpr int64_t kMigrateRetryMs = 2000;

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string base36(uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  do {
    out.insert(out.begin(), kDigits[value % 36]);
    value /= 36;
  } while (value > 0);
  return out;
}

// What the worker prepares from a configuration snapshot.
struct PreparedConfig {
  EngineSettings settings;
  std::vector<PreparedCampaign> campaigns;
  std::string dialplan_error;
  bool dialplan_changed = false;
  // The extensions file the helpers go to (this engine writes them), else empty.
  std::string dialplan_file;
  std::string preview_default;
};

// What the background thread makes of a configuration snapshot: settings
// with their defaults, each campaign prepared (time zones read from disk), and
// the dialplan helpers rendered and written when that is this engine's job.
PreparedConfig prepare_config(const pd::store::ConfigSnapshot& snapshot,
                              const std::string& templates, const std::string& extensions_override,
                              bool write_dialplan) {
  PreparedConfig prepared;
  prepared.settings = read_settings(snapshot.settings);
  prepared.preview_default = read_text_file(templates + "/preview.tpl");
  pd::core::TimeZoneCache zones;
  if (!prepared.settings.admin_time_zone.empty()) {
    if (auto zone = zones.get(prepared.settings.admin_time_zone))
      prepared.settings.day_zone = *zone;
  }
  if (!prepared.settings.day_zone) prepared.settings.day_zone = pd::core::TimeZone::utc();
  std::vector<pd::dialplan::HelperCampaign> helpers;
  for (const auto& row : snapshot.campaigns) {
    PreparedCampaign campaign = prepare_campaign(row, zones);
    if (campaign.runnable()) {
      pd::dialplan::HelperCampaign helper;
      helper.name = campaign.campaign.name;
      helper.mode = std::string(pd::core::to_string(campaign.campaign.mode));
      helper.dest_kind = std::string(pd::core::to_string(campaign.campaign.destination_kind));
      auto destination =
          pd::dialplan::parse_destination(campaign.campaign.destination, "destination");
      if (destination) helper.destination = *destination;
      if (!campaign.campaign.destination_amd.empty()) {
        auto amd =
            pd::dialplan::parse_destination(campaign.campaign.destination_amd, "destination AMD");
        if (amd) {
          helper.has_amd = true;
          helper.amd_destination = *amd;
        }
      }
      if (campaign.campaign.predictive()) {
        helper.predictive = true;
        helper.queue = campaign.campaign.queue_name;
        helper.connect_limit_s = campaign.campaign.connect_limit_seconds;
        helper.abandon_message = campaign.campaign.abandon_message;
      }
      if (destination) helpers.push_back(std::move(helper));
    }
    prepared.campaigns.push_back(std::move(campaign));
  }
  if (!write_dialplan) return prepared;
  const std::string file =
      extensions_override.empty() ? prepared.settings.extensions_conf : extensions_override;
  prepared.dialplan_file = file;
  const std::string tpl = read_text_file(templates + "/dialplan.tpl");
  if (tpl.empty()) {
    prepared.dialplan_error = "cannot read " + templates + "/dialplan.tpl";
    return prepared;
  }
  pd::dialplan::HelperSettings helper_settings;
  helper_settings.dial_context = prepared.settings.dial_context;
  helper_settings.dial_timeout_s = prepared.settings.dial_timeout_s;
  auto block = pd::dialplan::render_helpers(tpl, helpers, helper_settings);
  if (!block) {
    prepared.dialplan_error = block.error().message;
    return prepared;
  }
  auto changed = pd::dialplan::write_block(file, *block);
  if (!changed) {
    prepared.dialplan_error = changed.error().message;
  } else {
    prepared.dialplan_changed = *changed;
  }
  return prepared;
}

// Wall time for the plugin: the store's clock (UTC milliseconds).
class SystemClock final : public pd::core::Clock {
 public:
  pd::core::EpochMs now_ms() const override {
    return pd::store::now_ms().time_since_epoch().count();
  }
};

}  // namespace

Engine::Engine(const pd_host_services_v1* services, PluginConfig config,
               std::unique_ptr<LeadStore> store, std::unique_ptr<Background> background,
               const pd::core::Clock& clock)
    : host_(services),
      config_(std::move(config)),
      store_(std::move(store)),
      background_(std::move(background)),
      clock_(clock) {
  const int64_t now = now_ms();
  started_at_ = pd::store::TimePoint(std::chrono::milliseconds(now));
  call_id_prefix_ = config_.instance_id + "-" + base36(uint64_t(now));
  std::weak_ptr<bool> alive = alive_;
  store_->on_write_refused([this, alive](const pd::Error& error) {
    if (!alive.expired() && *alive.lock()) write_refused(error);
  });
}

std::unique_ptr<Engine> Engine::create(const pd_host_services_v1* services, PluginConfig config,
                                       std::unique_ptr<LeadStore> store,
                                       std::unique_ptr<Background> background,
                                       const pd::core::Clock& clock) {
  return std::unique_ptr<Engine>(
      new Engine(services, std::move(config), std::move(store), std::move(background), clock));
}

pd::Result<std::unique_ptr<Engine>> Engine::start(const pd_host_services_v1* services,
                                                  std::string_view config_json) {
  static const SystemClock system_clock;
  HostLink host(services);
  auto config = parse_plugin_config(config_json, host.plugin_dir());
  if (!config) return pd::fail(config.error());
  auto dsn = config->mysql_dsn.empty() ? pd::store::dsn_from_environment()
                                       : pd::store::parse_dsn(config->mysql_dsn);
  if (!dsn) {
    return pd::fail(pd::Error::invalid("database: " + dsn.error().message +
                                       " (set the plugin's mysql_dsn or PD_MYSQL_DSN)"));
  }
  // The store's health reports only need the host's log, which outlives the
  // store; the writes it refuses go to the engine (LeadStore::on_write_refused).
  WorkerLeadStoreOptions options;
  options.dsn = *dsn;
  options.instance = config->instance_id;
  options.post = [host](std::function<void()> task) { host.post(std::move(task)); };
  options.on_health = [host](bool healthy, const std::string& why) {
    host.log(healthy ? PD_LOG_INFO : PD_LOG_WARN, std::string("database ") +
                                                      (healthy ? "connected" : "unavailable") +
                                                      (why.empty() ? "" : ": " + why));
  };
  options.webhooks.policy.backoff_ms = config->webhook_retry_ms;
  options.webhooks.policy.max_attempts = config->webhook_max_attempts;
  options.webhooks.max_in_flight = static_cast<std::size_t>(config->webhook_concurrency);
  options.webhooks.request_timeout = config->webhook_timeout;
  // Called on the webhook worker's thread: post() is the one host service
  // that thread may use; the log call runs on the host loop.
  options.webhooks.log = [host](int level, const std::string& message) {
    host.post([host, level, message] {
      host.log(level == 0 ? PD_LOG_INFO : level == 1 ? PD_LOG_WARN : PD_LOG_ERROR, message);
    });
  };
  host.log(PD_LOG_INFO, "engine " + config->instance_id + " starting; database " + dsn->redacted());
  return create(services, std::move(*config), std::make_unique<WorkerLeadStore>(std::move(options)),
                std::make_unique<ThreadBackground>(), system_clock);
}

Engine::~Engine() {
  stop();
}

void Engine::stop() {
  if (!store_) return;
  *alive_ = false;
  alive_ = std::make_shared<bool>(false);
  background_->stop();
  std::vector<uint64_t> unused = unused_leads();
  const size_t n_unused = unused.size();
  const LeadStore::StopReport report = store_->stop(std::chrono::seconds(5), std::move(unused));
  if (report.unwritten > 0) {
    host_.log(PD_LOG_ERROR, std::to_string(report.unwritten) +
                                " call results could not be written before stopping; their leads "
                                "come back when their lease expires");
  }
  if (!report.give_back_error.empty()) {
    host_.log(PD_LOG_WARN, std::to_string(n_unused) +
                               " unused leads come back only when their lease expires: " +
                               report.give_back_error);
  }
  store_.reset();
  if (!stats_.agent_to_originate.us.empty()) {
    char line[200];
    std::snprintf(
        line, sizeof line, "free agent to Originate: p50 %.3f ms, p99 %.3f ms over %zu calls",
        stats_.agent_to_originate.percentile_ms(0.50),
        stats_.agent_to_originate.percentile_ms(0.99), stats_.agent_to_originate.us.size());
    host_.log(PD_LOG_INFO, line);
  }
  host_.log(PD_LOG_INFO,
            "engine stopped: " + std::to_string(stats_.claims) + " claims, " +
                std::to_string(stats_.originates) + " originates (" +
                std::to_string(stats_.originate_refusals) + " refused by the host, " +
                std::to_string(stats_.id_refusals) +
                " refused by Asterisk before any channel: id in use, " +
                std::to_string(stats_.originates_queued) + " waited in its queue, longest " +
                std::to_string(stats_.host_wait_max_ms) + " ms, " +
                std::to_string(stats_.queued_dropped) + " dropped there with the link), " +
                std::to_string(stats_.calls_ended) + " calls ended, " +
                std::to_string(stats_.dnc_skipped) + " numbers skipped as do-not-call" +
                (stats_.audits_unqueued > 0 ? ", " + std::to_string(stats_.audits_unqueued) +
                                                  " compliance audit rows not recorded (write "
                                                  "queue full)"
                                            : std::string()));
}

// Leads claimed but not dialed: the store gives them back at stop, so another
// instance (or this one, restarted) need not wait for their lease.
std::vector<uint64_t> Engine::unused_leads() {
  std::vector<uint64_t> unused;
  for (auto& [id, run] : campaigns_) {
    for (uint64_t lead : run.drain()) unused.push_back(lead);
  }
  for (uint64_t id : desk_.card_leads(/*undialed_only=*/true)) unused.push_back(id);
  return unused;
}

int64_t Engine::now_ms() const {
  return clock_.now_ms();
}

void Engine::try_migrate(int64_t now) {
  if (migrated_ || migrate_in_flight_ || refused_ || now < next_migrate_ms_) return;
  migrate_in_flight_ = true;
  const std::string dir = config_.migrations_dir;
  const bool apply = config_.apply_migrations;
  std::weak_ptr<bool> alive = alive_;
  store_->migrate(dir, apply, [this, alive](pd::Result<std::vector<std::string>> applied) {
    if (alive.expired() || !*alive.lock()) return;
    migrate_in_flight_ = false;
    if (!applied) {
      if (applied.error().code == pd::ErrorCode::kUnavailable) {
        next_migrate_ms_ = now_ms() + kMigrateRetryMs;
        return;
      }
      refused_ = applied.error().code == pd::ErrorCode::kConflict;
      host_.log(PD_LOG_ERROR, "database schema: " + applied.error().message +
                                  (refused_ ? "; the engine will not dial" : ""));
      next_migrate_ms_ = now_ms() + kMigrateRetryMs * 5;
      return;
    }
    for (const auto& name : *applied) host_.log(PD_LOG_INFO, "applied migration " + name);
    migrated_ = true;
    next_heartbeat_ms_ = 0;  // show the engine alive on the dashboard at once
    // Calls left in flight by an earlier run are adopted once the
    // campaigns are loaded (install_campaigns), so that their results
    // follow the campaigns' own retry rules.
    std::weak_ptr<bool> watch_alive = alive_;
    store_->watch_config(std::chrono::milliseconds(1000),
                         [this, watch_alive](pd::store::ConfigSnapshot snapshot) {
                           if (watch_alive.expired() || !*watch_alive.lock()) return;
                           apply_config(std::move(snapshot));
                         });
  });
}

void Engine::apply_config(pd::store::ConfigSnapshot snapshot) {
  // Zone files and the dialplan file are read and written off the host loop,
  // and off the database's threads.
  std::weak_ptr<bool> alive = alive_;
  const HostLink host = host_;
  const bool taken = background_->run([snapshot = std::move(snapshot), host, alive,
                                       templates = config_.templates_dir,
                                       extensions_override = config_.extensions_conf,
                                       write_dialplan = config_.write_dialplan, this]() {
    auto prepared = std::make_shared<PreparedConfig>(
        prepare_config(snapshot, templates, extensions_override, write_dialplan));
    host.post([this, alive, prepared]() {
      if (alive.expired() || !*alive.lock()) return;
      preview_default_ = std::move(prepared->preview_default);
      dialplan_file_ = std::move(prepared->dialplan_file);
      install_campaigns(std::move(prepared->settings), std::move(prepared->campaigns),
                        std::move(prepared->dialplan_error), prepared->dialplan_changed);
    });
  });
  if (!taken) {
    host_.log(PD_LOG_ERROR,
              "configuration change not applied: the background queue is full; it is applied "
              "with the next change");
  }
}

void Engine::install_campaigns(EngineSettings settings, std::vector<PreparedCampaign> prepared,
                               std::string dialplan_error, bool dialplan_changed) {
  for (const auto& problem : settings.problems) host_.log(PD_LOG_WARN, "setting " + problem);
  settings_ = std::move(settings);
  // A tenth of a second's worth of burst: in any one second the PBX sees at
  // most 1.1 times the setting (docs/rates.md), not twice it.
  pacer_.limiter().set_rate(settings_.calls_per_second,
                            std::max(1.0, settings_.calls_per_second / 10.0), now_ms());
  host_rate_note_.clear();  // said again for the new setting, if it still applies
  if (!dialplan_error.empty()) host_.log(PD_LOG_ERROR, "dialplan helpers: " + dialplan_error);
  if (dialplan_changed) {
    host_.log(PD_LOG_INFO, "dialplan helpers written");
    if (ami_up_) {
      send_command("dialplan reload");
    } else {
      reload_pending_ = true;
    }
  }

  // What a campaign dials into is checked when it is new or that changed; a
  // dialplan reload (answered by check_dialplan) checks every campaign.
  const bool reload_checks_all = dialplan_changed && ami_up_;
  std::vector<int64_t> to_check;
  std::unordered_set<int64_t> seen;
  for (auto& campaign : prepared) {
    const int64_t id = campaign.campaign.id;
    seen.insert(id);
    auto it = campaigns_.find(id);
    const bool was_runnable = it != campaigns_.end() && it->second.runnable();
    if (!campaign.runnable()) {
      host_.log(PD_LOG_WARN,
                "campaign '" + campaign.campaign.name + "' cannot run: " + campaign.error);
    }
    if (it == campaigns_.end()) {
      CampaignRun run;
      run.prepared = std::move(campaign);
      if (run.runnable())
        host_.log(PD_LOG_INFO, "campaign '" + run.prepared.campaign.name + "' on");
      campaigns_.emplace(id, std::move(run));
      to_check.push_back(id);
      continue;
    }
    CampaignRun& run = it->second;
    if (dialplan_check_needed(run, campaign)) to_check.push_back(id);
    run.prepared = std::move(campaign);
    if (was_runnable && !run.runnable()) retire_campaign(run, "paused");
    if (!was_runnable && run.runnable()) {
      host_.log(PD_LOG_INFO, "campaign '" + run.prepared.campaign.name + "' on");
    }
  }
  for (auto it = campaigns_.begin(); it != campaigns_.end();) {
    if (seen.contains(it->first)) {
      ++it;
      continue;
    }
    retire_campaign(it->second, "deleted");
    it = campaigns_.erase(it);
  }
  campaigns_by_queue_.clear();
  for (const auto& [id, run] : campaigns_) {
    const auto& campaign = run.prepared.campaign;
    if (!campaign.queue_name.empty()) campaigns_by_queue_[campaign.queue_name].push_back(id);
  }
  const bool first_config = !config_loaded_;
  config_loaded_ = true;
  refresh_host_queue();  // says whether the host's cap carries the setting
  // The calls to tag name their campaign and its options: lists sent before
  // (a panel that opened while the engine started) are sent again. The first
  // time the database is known to be up and migrated, so a load that failed
  // then is made again.
  for (const auto& agent : desk_.open_agents()) {
    send_pending(agent);
    if (first_config) load_prompts(agent);
  }
  const int64_t now = now_ms();
  if (!reload_checks_all) {
    for (int64_t id : to_check) {
      if (auto it = campaigns_.find(id); it != campaigns_.end()) {
        check_campaign_dialplan(it->second, now);
      }
    }
  }
  publish_status(now);  // the dashboard sees a change at once
}

// Stops new calls of a campaign; calls in flight go on to their end.
void Engine::retire_campaign(CampaignRun& run, std::string_view why) {
  host_.log(PD_LOG_INFO, "campaign '" + run.prepared.campaign.name + "' " + std::string(why) +
                             ": no new calls; live calls go on");
  release_leads(run.drain());
  for (const auto& agent : desk_.undialed_cards(run.id())) {
    give_back_card(agent, "campaign " + std::string(why));
  }
}

void Engine::on_ami_link(bool up) {
  ami_up_ = up;
  const int64_t now = now_ms();
  if (!up) {
    host_.log(PD_LOG_WARN, "AMI link down: no new calls until it is back");
    // The host dropped what still waited in its queue: those calls never
    // went out.
    end_queued_calls(now);
    if (link_lost_ms_ == 0) link_lost_ms_ = now;
    // Whatever was asked is not answered on this link: the reconciliation
    // and the checks start again when it is back.
    reconciling_ = false;
    core_show_action_.clear();
    pending_.clear();
    milestone_reads_ = 0;
    for (auto& [id, run] : campaigns_) {
      ++run.check_generation;
      run.dialplan_checked = false;
      run.checks_pending = 0;
      run.checks_failed = 0;
    }
    publish_status(now);
    return;
  }
  link_up_ms_ = now;
  queues_.clear();
  desk_.forget_interfaces();
  auto status = host_.send_action({{"Action", "QueueStatus"}});
  if (status) {
    queue_status_action_ = *status;
    queues_.begin_snapshot(queue_status_action_);
  }
  if (reload_pending_) {
    reload_pending_ = false;
    send_command("dialplan reload");  // the dialplan is checked when it answers
  } else {
    check_dialplan(now);
  }
  // Events may have been missed while down: ask what is still alive.
  if (calls_.size() > 0) {
    reconcile_calls(now);
  } else {
    link_lost_ms_ = 0;
  }
}

void Engine::send_command(const std::string& command) {
  auto sent = host_.send_action({{"Action", "Command"}, {"Command", command}});
  if (!sent) {
    host_.log(PD_LOG_WARN, "could not send '" + command + "': " + sent.error().message);
    reload_pending_ = true;
    return;
  }
  PendingAction reload;
  reload.kind = PendingAction::Kind::kReload;
  reload.sent_ms = now_ms();
  pending_.insert_or_assign(std::move(*sent), std::move(reload));
}

void Engine::on_tick(uint64_t) {
  if (!store_) return;
  const int64_t now = now_ms();
  last_tick_ms_ = now;
  try_migrate(now);
  if (config_loaded_ && !leads_recovered_ && !recovery_in_flight_ && now >= next_recover_ms_) {
    recover_own_leads();
  }
  if (now >= next_heartbeat_ms_) {
    next_heartbeat_ms_ = now + kHeartbeatMs;
    refresh_host_queue();
    heartbeat();
    publish_status(now);
  }
  if (now >= next_renew_ms_) {
    next_renew_ms_ = now + config_.lease.count() * 1000 / 3;
    renew_leases();
  }
  if (now >= next_expire_ms_) {
    next_expire_ms_ = now + kExpireMs;
    expire_calls(now);
    expire_pending(now);
  }
  if (now >= next_sample_ms_ && migrated_ && config_loaded_) {
    next_sample_ms_ = now + kSampleMs;
    publish_samples(now);
  }
  if (ami_up_ && now >= next_queue_publish_ms_) {
    next_queue_publish_ms_ = now + kQueuePublishMs;
    publish_queues();
  }
  if (may_pace()) pace(now);
  check_card_numbers(now);
  expire_wrapups(now);
  claim_due_callbacks(now);
  answer_api_reserves(now);
  open_expired_callbacks(now);
}

void Engine::refresh_host_queue() {
  const auto pacing = host_.ami_pacing();
  if (!pacing) {
    host_queue_ = {};
    return;
  }
  host_queue_.known = true;
  host_queue_.queued = int(std::min<uint32_t>(pacing->queued, INT32_MAX));
  host_queue_.rate_per_s = pacing->rate_per_s;
  if (!config_loaded_) return;  // the setting is not known yet
  std::string note = pd::core::host_rate_shortfall(settings_.calls_per_second, pacing->rate_per_s);
  if (note != host_rate_note_) {
    host_rate_note_ = note;
    if (!note.empty()) host_.log(PD_LOG_WARN, note + " (see docs/rates.md)");
  }
}

void Engine::heartbeat() {
  if (!migrated_) return;
  pd::store::Heartbeat beat;
  beat.version = kVersion;
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  beat.hostname = host;
  beat.started_at = started_at_;
  const int queued = calls_.queued_total();
  beat.active_calls = uint32_t(calls_.size() - size_t(queued));
  beat.calls_queued = uint32_t(queued);
  if (host_queue_.known) {
    beat.ami_queued = uint32_t(std::max(0, host_queue_.queued));
    if (host_queue_.rate_per_s > 0) {
      beat.ami_rate = host_queue_.rate_per_s;
      beat.cps_ceiling = pd::core::host_calls_per_second(host_queue_.rate_per_s);
    }
  }
  beat.ami_up = ami_up_;
  beat.writes_dialplan = config_.write_dialplan;
  beat.extensions_conf = dialplan_file_;
  beat.writes_refused = write_refusals_.count;
  if (write_refusals_.count > 0) {
    beat.last_write_error = write_refusals_.last_error;
    beat.last_write_error_at =
        pd::store::TimePoint(std::chrono::milliseconds(write_refusals_.last_at_ms));
  }
  std::weak_ptr<bool> alive = alive_;
  store_->heartbeat(beat, [this, alive](pd::Result<bool> done) {
    if (!done && !alive.expired() && *alive.lock()) background_failed("heartbeat", done.error());
  });
}

// The call's record stays incomplete (the store dropped the write): the log
// says which error, the dashboard how many since the start and the last one.
void Engine::write_refused(const pd::Error& error) {
  host_.log(PD_LOG_ERROR, "a call result was refused: " + error.message);
  if (write_refusals_.count < UINT32_MAX) ++write_refusals_.count;
  write_refusals_.last_error = error.message;
  write_refusals_.last_at_ms = now_ms();
}

void Engine::renew_leases() {
  std::vector<uint64_t> ids;
  for (const auto& [id, run] : campaigns_) {
    for (const auto& lead : run.hopper) ids.push_back(lead.id);
  }
  for (const auto& [call_id, call] : live_) ids.push_back(call.lead.id);
  for (uint64_t id : desk_.card_leads(/*undialed_only=*/false)) ids.push_back(id);
  if (ids.empty() || !migrated_) return;
  const size_t asked = ids.size();
  std::weak_ptr<bool> alive = alive_;
  store_->renew(std::move(ids), config_.lease, [this, alive, asked](pd::Result<size_t> renewed) {
    if (alive.expired() || !*alive.lock()) return;
    if (renewed && *renewed >= asked) return;
    // Some lease may be gone (expired, taken by another instance):
    // no lead still waiting here is dialed without a new claim.
    host_.log(PD_LOG_WARN, renewed ? "lease renewal covered " + std::to_string(*renewed) + " of " +
                                         std::to_string(asked) +
                                         " leads; the waiting leads are claimed again"
                                   : "lease renewal failed (" + renewed.error().message +
                                         "); the waiting leads are claimed again");
    drop_waiting_leads("lease not renewed");
  });
}

// The leads claimed but not yet dialed (hoppers, preview cards not dialed)
// go back: their leases are in doubt, so only a new claim may dial them.
void Engine::drop_waiting_leads(std::string_view why) {
  std::vector<uint64_t> ids;
  for (auto& [id, run] : campaigns_) {
    for (uint64_t lead : run.drain()) ids.push_back(lead);
  }
  release_leads(std::move(ids));  // only rows this instance still owns change
  for (const auto& agent : desk_.undialed_cards()) give_back_card(agent, why);
}

// A background write that failed (heartbeat, dashboard status, queues): the
// next period writes again; say so once per kind of failure, not every time.
void Engine::background_failed(std::string_view what, const pd::Error& error) {
  std::string message = std::string(what) + " not written: " + error.message;
  if (message == last_background_error_) return;
  last_background_error_ = message;
  host_.log(PD_LOG_WARN, message + " (tried again periodically)");
}

// Each campaign as this engine sees it, for the dashboard (one job, one
// upsert per campaign).
void Engine::publish_status(int64_t now) {
  if (!migrated_ || !config_loaded_ || campaigns_.empty()) return;
  std::vector<pd::store::CampaignStatus> rows;
  const int64_t now_s = now / 1000;
  for (auto& [id, run] : campaigns_) {
    pd::store::CampaignStatus row;
    row.campaign_id = uint32_t(id);
    row.live_calls = uint32_t(calls_.live_calls(id));
    row.queued_calls = uint32_t(calls_.queued_calls(id));
    int64_t since = 0;
    row.problem = current_problem(run, since, now);
    if (row.problem != run.problem) {
      run.problem = row.problem;
      run.problem_since_ms = since;
    }
    if (!row.problem.empty()) {
      row.problem_since = pd::store::TimePoint(std::chrono::milliseconds(run.problem_since_ms));
    }
    if (run.prepared.schedule) {
      const auto& schedule = *run.prepared.schedule;
      row.open_now = schedule.is_open(now_s);
      row.seconds_left_today = schedule.seconds_to_call_today(now_s);
      if (auto next = schedule.next_open(now_s)) {
        row.next_open_at = pd::store::TimePoint(std::chrono::seconds(*next));
      }
    }
    row.figures = to_store_figures(run.figures);
    rows.push_back(std::move(row));
  }
  store_->record_campaign_status(
      std::move(rows), [this, alive = std::weak_ptr<bool>(alive_)](pd::Result<size_t> done) {
        if (!done && !alive.expired() && *alive.lock()) {
          background_failed("campaign status", done.error());
        }
      });
}

pd::core::PacingFigures* Engine::pacing_figures(int64_t campaign_id) {
  auto it = campaigns_.find(campaign_id);
  return it == campaigns_.end() ? nullptr : &it->second.figures;
}

void Engine::publish_samples(int64_t now) {
  if (!migrated_ || !config_loaded_) return;
  std::weak_ptr<bool> alive = alive_;
  if (!campaigns_.empty()) {
    std::vector<pd::store::PacingSample> samples;
    samples.reserve(campaigns_.size());
    for (const auto& [id, run] : campaigns_) {
      pd::store::PacingSample sample;
      sample.campaign_id = uint32_t(id);
      sample.minute = time_of(now);
      sample.figures = to_store_figures(run.figures);
      sample.live_calls = uint32_t(calls_.live_calls(id));
      samples.push_back(std::move(sample));
    }
    store_->record_samples(std::move(samples), [this, alive](pd::Result<size_t> done) {
      if (!done && !alive.expired() && *alive.lock()) {
        background_failed("pacing samples", done.error());
      }
    });
  }
  constexpr int64_t kDayMs = 86'400'000;
  store_->purge_history(time_of(now - int64_t(config_.audit_keep_days) * kDayMs),
                        time_of(now - kSampleKeepDays * kDayMs), kPurgeLimit,
                        [this, alive](pd::Result<pd::store::PurgeReport> done) {
                          if (!done && !alive.expired() && *alive.lock()) {
                            background_failed("audit and sample purge", done.error());
                          }
                        });
}

// The queues this PBX has, for the admin's destination chooser.
void Engine::publish_queues() {
  if (!migrated_) return;
  std::vector<pd::store::QueueSeen> seen;
  for (const auto& name : queues_.queue_names()) {
    seen.push_back(
        {name, uint32_t(queues_.member_count(name)), uint32_t(queues_.free_count(name))});
  }
  if (seen.empty()) return;
  store_->record_queues(std::move(seen),
                        [this, alive = std::weak_ptr<bool>(alive_)](pd::Result<size_t> done) {
                          if (!done && !alive.expired() && *alive.lock())
                            background_failed("queues seen", done.error());
                        });
}

void Engine::release_leads(std::vector<uint64_t> ids) {
  if (ids.empty()) return;
  std::weak_ptr<bool> alive = alive_;
  store_->release(std::move(ids), [this, alive](pd::Result<size_t> released) {
    if (!released && !alive.expired() && *alive.lock()) {
      host_.log(PD_LOG_WARN,
                "leads not released (their lease will expire): " + released.error().message);
    }
  });
}

// Leads outside the hours of their own time zone: back to the store, not
// claimed again before they open.
void Engine::defer_leads(std::vector<uint64_t> ids, pd::core::EpochS not_before) {
  if (ids.empty()) return;
  std::weak_ptr<bool> alive = alive_;
  store_->defer(std::move(ids), not_before, [this, alive](pd::Result<size_t> deferred) {
    if (!deferred && !alive.expired() && *alive.lock()) {
      host_.log(PD_LOG_WARN,
                "leads not deferred (their lease will expire): " + deferred.error().message);
    }
  });
}

// A final state for leads that were never dialed (do-not-call, closed by the
// agent, an undialable number). Only leads this instance holds. A reason
// (refused before dialing) is kept on the lead for the admin pages.
void Engine::finish_unused(std::vector<uint64_t> ids, pd::store::NumberState state,
                           std::string reason) {
  if (ids.empty()) return;
  std::weak_ptr<bool> alive = alive_;
  store_->finish_unused(
      std::move(ids), state, std::move(reason), [this, alive](pd::Result<size_t> finished) {
        if (!finished && !alive.expired() && *alive.lock()) {
          host_.log(PD_LOG_WARN,
                    "leads not finished (their lease will expire): " + finished.error().message);
        }
      });
}

double LatencySamples::percentile_ms(double p) const {
  if (us.empty()) return 0;
  std::vector<int64_t> sorted = us;
  const size_t index = std::min(sorted.size() - 1, size_t(p * double(sorted.size())));
  std::nth_element(sorted.begin(), sorted.begin() + long(index), sorted.end());
  return double(sorted[index]) / 1000.0;
}

}  // namespace pd::plugin
