#include "host_app.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "ami_client.h"
#include "log.h"
#include "pd/panel/panel_server.h"
#include "plugin_loader.h"
#include "plugin_registry.h"
#include "plugin_runtime.h"

namespace pd::host {

namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kTickPeriod = std::chrono::milliseconds(50);  // 20 ticks a second

uint64_t monotonic_ms() {
  return uint64_t(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
          .count());
}

// Plugin folders in name order, so the start order does not depend on the file system.
std::vector<std::string> plugin_folders(const std::string& root) {
  std::vector<std::string> folders;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    // ".staging-*", ".old-*": `panelhost plugin` at work, never loaded.
    if (entry.path().filename().string().starts_with(".")) continue;
    if (entry.is_directory(ec) && fs::exists(entry.path() / "manifest.json", ec)) {
      folders.push_back(entry.path().string());
    }
  }
  std::sort(folders.begin(), folders.end());
  return folders;
}

pd::Result<pd::panel::PanelConfig> panel_config(const HostConfig& config) {
  pd::panel::PanelConfig panel;
  panel.listen = config.panel_listen;
#ifdef PD_PANEL_SHELL_DIR
  panel.shell_dir = PD_PANEL_SHELL_DIR;
#endif
  if (config.panel.isMember("shell_dir")) panel.shell_dir = config.panel["shell_dir"].asString();
  for (const Json::Value& agent : config.agents) {
    if (!agent.isObject() || !agent["extension"].isString() || !agent["secret_hash"].isString()) {
      return pd::fail(pd::Error::invalid(
          "config 'agents': each entry needs string \"extension\" and \"secret_hash\""));
    }
    panel.agents.push_back({agent["extension"].asString(), agent["secret_hash"].asString(),
                            agent.get("name", agent["extension"]).asString()});
  }
  const Json::Value& api = config.api;
  for (const std::string& key : api.getMemberNames()) {
    if (key != "tokens" && key != "max_in_flight" && key != "timeout_s" && key != "max_body") {
      return pd::fail(pd::Error::invalid("config 'api': unknown key '" + key +
                                         "' (known: tokens, max_in_flight, timeout_s, max_body)"));
    }
  }
  if (api.isMember("tokens") && !api["tokens"].isArray()) {
    return pd::fail(pd::Error::invalid("config 'api.tokens': expected an array"));
  }
  for (const Json::Value& token : api.get("tokens", Json::Value(Json::arrayValue))) {
    const std::string scope = token.isObject() ? token.get("scope", "").asString() : "";
    if (!token.isObject() || !token["name"].isString() || !token["secret"].isString() ||
        (scope != "read" && scope != "write")) {
      return pd::fail(pd::Error::invalid(
          "config 'api.tokens': each entry needs string \"name\", \"secret\" and \"scope\" "
          "(\"read\" or \"write\")"));
    }
    panel.api_tokens.push_back(
        {token["name"].asString(), token["secret"].asString(), scope == "write"});
  }
  auto limit = [&](const char* key, int64_t min, int64_t max) -> pd::Result<int64_t> {
    const Json::Value& value = api[key];
    if (!value.isInt64() || value.asInt64() < min || value.asInt64() > max) {
      return pd::fail(pd::Error::invalid("config 'api." + std::string(key) + "': an integer from " +
                                         std::to_string(min) + " to " + std::to_string(max)));
    }
    return value.asInt64();
  };
  if (api.isMember("max_in_flight")) {
    auto n = limit("max_in_flight", 1, 10000);
    if (!n) return pd::fail(n.error());
    panel.api_max_in_flight = size_t(*n);
  }
  if (api.isMember("timeout_s")) {
    auto n = limit("timeout_s", 1, 600);
    if (!n) return pd::fail(n.error());
    panel.api_timeout = std::chrono::seconds(*n);
  }
  if (api.isMember("max_body")) {
    auto n = limit("max_body", 1024, 64 << 20);
    if (!n) return pd::fail(n.error());
    panel.api_max_body = size_t(*n);
  }
  return panel;
}

// Counts of what the PBX reported, for the run summary.
void count_call_events(const pd::ami::MessageView& message, RunSummary& summary) {
  const std::string_view event = message.get("Event");
  if (event == "OriginateResponse") {
    ++summary.originate_responses;
    if (message.get("Reason") == "4") ++summary.calls_answered;
  } else if (event == "Hangup") {
    ++summary.hangups;
  }
}

}  // namespace

pd::Result<RunSummary> run_host(const HostConfig& config, double duration_s) {
  RunSummary summary;
  const auto started = Clock::now();
  asio::io_context io(1);

  auto panel_settings = panel_config(config);
  if (!panel_settings) return pd::fail(panel_settings.error());

  std::unique_ptr<pd::panel::PanelServer> panel;
  std::unique_ptr<AmiClient> ami;
  std::unique_ptr<PluginRuntime> runtime;

  RuntimeSinks sinks;
  sinks.ami_send = [&](std::span<const pd::ami::FieldView> fields, std::string_view action_id,
                       std::string* why,
                       uint32_t owner) { return ami->send(fields, action_id, why, owner); };
  sinks.ami_pacing = [&](uint32_t owner, pd_ami_pacing& out) {
    out.queued = uint32_t(ami->queued(owner));
    out.queued_all = uint32_t(ami->queued());
    out.queue_max = uint32_t(std::min<size_t>(ami->queue_max(), UINT32_MAX));
    out.rate_per_s = ami->rate();
    out.oldest_wait_ms = uint64_t(ami->oldest_wait_ms(owner));
  };
  sinks.panel_send = [&](std::string_view agent, std::string_view json) {
    return panel ? panel->send(agent, json) : PD_ENOTFOUND;
  };
  sinks.http_reply = [&](uint64_t id, int status, std::string_view json) {
    return panel ? panel->api_reply(id, status, json) : PD_ENOTFOUND;
  };
  runtime = std::make_unique<PluginRuntime>(io, std::move(sinks));

  pd::panel::Callbacks panel_callbacks;
  panel_callbacks.on_message = [&](std::string_view agent, std::string_view json) {
    runtime->panel_message(agent, json);
  };
  panel_callbacks.on_log = [](int level, std::string_view line) {
    log(static_cast<pd_log_level>(level), "panel", line);
  };
  auto started_panel =
      pd::panel::PanelServer::start(io, std::move(*panel_settings), std::move(panel_callbacks));
  if (!started_panel) return pd::fail(started_panel.error());
  panel = std::move(*started_panel);

  AmiClientOptions ami_options;
  ami_options.host = config.ami_host;
  ami_options.port = config.ami_port;
  ami_options.user = config.ami_user;
  ami_options.secret = config.ami_secret;
  ami_options.rate = config.ami_rate;
  ami_options.queue_max = config.ami_queue_max;
  ami_options.ping_interval = std::chrono::seconds(config.ping_interval_s);
  AmiClient::Callbacks ami_callbacks;
  ami_callbacks.on_link = [&](bool up) { runtime->link_changed(up); };
  ami_callbacks.on_message = [&](const pd::ami::MessageView& message) {
    count_call_events(message, summary);
    runtime->dispatch_ami(message);
  };
  ami_callbacks.log = [](pd_log_level level, std::string_view line) { log(level, "ami", line); };
  ami_callbacks.on_written = [&](uint32_t owner, std::string_view action_id, int64_t epoch_ms) {
    runtime->action_written(owner, action_id, epoch_ms);
  };
  ami = std::make_unique<AmiClient>(io, ami_options, std::move(ami_callbacks));
  log_info("host", "AMI actions capped at " + std::to_string(int64_t(config.ami_rate)) +
                       " a second (ami.rate), at most " + std::to_string(config.ami_queue_max) +
                       " waiting (ami.queue_max); see docs/rates.md");

  // Plugins: one broken plugin is logged and skipped; the others run.
  std::error_code dir_error;
  if (!fs::is_directory(config.plugins_dir, dir_error)) {
    log_warn("host", "plugin folder " + config.plugins_dir + " does not exist: no plugins loaded");
  }
  // The registry (plugins.json, `panelhost plugin`) says which are disabled. A
  // damaged one loads nothing: a plugin disabled on purpose must not start.
  auto registry = read_registry(config.plugins_dir);
  if (!registry) log_error("host", registry.error().message + ": no plugins loaded");
  for (const std::string& dir :
       registry ? plugin_folders(config.plugins_dir) : std::vector<std::string>{}) {
    auto manifest = read_manifest(dir);
    if (manifest) {
      if (const RegistryEntry* entry = registry->find(manifest->id); entry && !entry->enabled) {
        log_info("host", "plugin '" + manifest->id + "' is disabled (plugins.json): not loaded");
        continue;
      }
    }
    auto loaded = load_plugin(dir);
    if (!loaded) {
      ++summary.plugins_failed;
      log_error("host", loaded.error().message);
      continue;
    }
    const std::string id = loaded->manifest.id;
    const std::string panel_static = loaded->manifest.panel_static;
    const std::string http_prefix = loaded->http_prefix;
    const Json::Value overrides =
        config.plugins.isMember(id) ? config.plugins[id] : Json::Value(Json::objectValue);
    const std::string settings = merge_settings(loaded->manifest.settings, overrides);
    if (auto ok = runtime->start(std::move(*loaded), settings); !ok) {
      ++summary.plugins_failed;
      log_error("host", ok.error().message);
      continue;
    }
    ++summary.plugins_loaded;
    log_info("host", "plugin '" + id + "' started from " + dir);
    if (!http_prefix.empty()) {
      const size_t index = runtime->index_of(id);
      auto routed =
          panel->add_api_route(http_prefix, [&runtime, index](const pd::panel::ApiRequest& r) {
            return runtime->http_request(index, r);
          });
      if (!routed) {
        log_warn("host", "plugin '" + id + "' API not served: " + routed.error().message);
      } else {
        log_info("host", "plugin '" + id + "' serves the API under " + http_prefix);
      }
    }
    if (!panel_static.empty()) {
      if (auto mounted = panel->add_static_mount("/plugins/" + id + "/", panel_static); !mounted) {
        log_warn("host", "plugin '" + id + "' panel files not served: " + mounted.error().message);
      }
    }
  }

  // Ticks at a fixed period; a late tick does not try to catch up.
  asio::steady_timer tick_timer(io);
  std::function<void()> arm_tick = [&] {
    tick_timer.expires_after(kTickPeriod);
    tick_timer.async_wait([&](const boost::system::error_code& error) {
      if (error) return;
      runtime->tick(monotonic_ms());
      arm_tick();
    });
  };

  bool stopping = false;
  asio::steady_timer duration_timer(io);
  auto shut_down = [&](std::string_view why) {
    if (stopping) return;
    stopping = true;
    log_info("host", "stopping (" + std::string(why) + ")");
    tick_timer.cancel();
    duration_timer.cancel();
    runtime->stop_all();
    panel->stop();
    ami->stop([&io] { io.stop(); });
  };

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& error, int number) {
    if (!error) shut_down(number == SIGINT ? "SIGINT" : "SIGTERM");
  });
  if (duration_s > 0) {
    duration_timer.expires_after(std::chrono::milliseconds(int64_t(duration_s * 1000)));
    duration_timer.async_wait([&](const boost::system::error_code& error) {
      if (!error) shut_down("--duration elapsed");
    });
  }

  ami->start();
  arm_tick();
  io.run();

  const AmiClientStats& stats = ami->stats();
  summary.ami_connects = stats.connects;
  summary.ami_link_losses = stats.link_losses;
  summary.ami_login_failures = stats.login_failures;
  summary.ami_events = stats.events_in;
  summary.ami_actions_sent = stats.actions_sent;
  summary.ami_actions_dropped = stats.actions_dropped;
  summary.run_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  signals.cancel();
  return summary;
}

std::string format_summary(const RunSummary& s) {
  std::string text;
  auto line = [&](std::string_view name, auto value) {
    text.append(name).append(": ").append(std::to_string(value)).push_back('\n');
  };
  line("run_seconds", int64_t(s.run_seconds + 0.5));
  line("plugins_loaded", s.plugins_loaded);
  line("plugins_failed", s.plugins_failed);
  line("ami_connects", s.ami_connects);
  line("ami_link_losses", s.ami_link_losses);
  line("ami_login_failures", s.ami_login_failures);
  line("ami_events", s.ami_events);
  line("ami_actions_sent", s.ami_actions_sent);
  line("ami_actions_dropped", s.ami_actions_dropped);
  line("calls_originated", s.originate_responses);
  line("calls_answered", s.calls_answered);
  line("hangups", s.hangups);
  return text;
}

}  // namespace pd::host
