// bench-engine-events: AMI events through the plugin's C ABI, as the host
// delivers them, for calls the engine really placed.
//
// The real libpaneldialer.so is started on a scratch database with an
// automatic campaign; a stand-in host captures its Originates. Each captured
// call then gets the events of the real transcript 02 (answered, queued,
// bridged to an agent: 166 events, half of them VarSet/Newexten noise) with
// the trace's ChannelId and ActionID replaced by the call's, interleaved
// across 1,000 calls at a time. Only the on_ami_event calls are timed.
//
// Prints: engine_events, engine_calls, engine_events_per_s, engine_ns_per_event.
#include <dlfcn.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bench_db.h"
#include "paneldialer/pd_plugin.h"
#include "pd/ami/parser.h"
#include "pd/thread_annotations.h"

namespace {

constexpr int kCalls = 6000;  // about 1M events
constexpr int kBatch = 1000;  // calls interleaved at a time
constexpr const char* kTraceChannelId = "7aaf4638-93dd-404c-9df5-d81f9340f53f";
constexpr const char* kTraceActionId = "orig-b";

struct Originate {
  std::string call_id;
  std::string action_id;
};

}  // namespace

// The stand-in host: captures Originates, queues posted work for the loop.
struct pd_host {
  pd::Mutex mutex;
  struct Posted {
    pd_task_fn fn;
    void* arg;
    pd_drop_fn drop;
  };
  std::deque<Posted> posted GUARDED_BY(mutex);
  bool open GUARDED_BY(mutex) = true;  // false once stopping: post() then refuses
  std::vector<Originate> originates;
  std::vector<std::string> dialplan_checks;  // ShowDialPlan ActionIDs to answer "exists"
  uint64_t sequence = 0;
};

namespace {

int host_ami_send(pd_host* host, const pd_ami_field* fields, size_t n, char* action_id_out,
                  size_t cap) {
  const std::string action_id = "p0-" + std::to_string(++host->sequence);
  if (action_id_out != nullptr && cap > action_id.size()) {
    std::snprintf(action_id_out, cap, "%s", action_id.c_str());
  }
  if (n > 0 && std::string(fields[0].value) == "ShowDialPlan") {
    host->dialplan_checks.push_back(action_id);
  }
  if (n > 0 && std::string(fields[0].value) == "Originate") {
    for (size_t i = 0; i < n; ++i) {
      if (std::string(fields[i].key) == "ChannelId") {
        host->originates.push_back({fields[i].value, action_id});
      }
    }
  }
  return PD_OK;
}

int host_panel_send(pd_host*, const char*, const char*) {
  return PD_ENOTFOUND;
}

int host_post(pd_host* host, pd_task_fn fn, void* arg, pd_drop_fn drop) {
  pd::MutexLock lock(host->mutex);
  if (!host->open) return PD_ESTATE;
  host->posted.push_back({fn, arg, drop});
  return PD_OK;
}

void host_log(pd_host*, pd_log_level level, const char* message) {
  if (level >= PD_LOG_WARN) std::fprintf(stderr, "bench-engine-events: plugin: %s\n", message);
}

void run_posted(pd_host& host) {
  std::deque<pd_host::Posted> tasks;
  {
    pd::MutexLock lock(host.mutex);
    tasks.swap(host.posted);
  }
  for (const auto& task : tasks) task.fn(task.arg);
}

// What pd_plugin.h asks of a host before stop(): pending work is dropped.
void drop_posted(pd_host& host) {
  std::deque<pd_host::Posted> tasks;
  {
    pd::MutexLock lock(host.mutex);
    host.open = false;
    tasks.swap(host.posted);
  }
  for (const auto& task : tasks) {
    if (task.drop != nullptr) task.drop(task.arg);
  }
}

// The transcript's messages after login, as (key, value) lists.
std::vector<std::vector<std::pair<std::string, std::string>>> load_trace(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::vector<std::vector<std::pair<std::string, std::string>>> messages;
  pd::ami::Parser parser;
  auto fed = parser.feed(text.str(), [&](const pd::ami::MessageView& message) {
    const std::string_view first = message.fields().empty() ? "" : message.fields()[0].value;
    if (first == "FullyBooted" || first == "SuccessfulAuth" ||
        message.get("ActionID") == "login-1" || message.get("ActionID") == "logoff-1") {
      return;
    }
    std::vector<std::pair<std::string, std::string>> fields;
    for (const auto& field : message.fields()) fields.emplace_back(field.key, field.value);
    messages.push_back(std::move(fields));
  });
  if (!fed) pd::bench::die("bench-engine-events", "trace: " + fed.error().message);
  return messages;
}

std::string replaced(std::string value, const std::string& from, const std::string& to) {
  for (size_t at = value.find(from); at != std::string::npos;
       at = value.find(from, at + to.size())) {
    value.replace(at, from.size(), to);
  }
  return value;
}

}  // namespace

int main() {
  pd::bench::BenchDatabase db("bench-engine-events");
  auto& conn = db.conn();
  auto check = [&](auto result) {
    if (!result) db.die(result.error().describe());
  };
  check(conn.execute("UPDATE dialer_settings SET value = '0' WHERE name = 'calls_per_second'"));
  check(conn.execute(
      "INSERT INTO dialer_campaigns (name, destination_kind, destination, mode, concurrent_calls, "
      "start_hour, end_hour, week_days, enabled) VALUES ('bench', 'ivr', 'ivr-1,s,1', "
      "'automatic', ?, '00:00:00', '00:00:00', 'mon,tue,wed,thu,fri,sat,sun', 1)",
      {kCalls}));
  check(conn.execute(
      "INSERT INTO dialer_numbers (campaign_id, name, number) SELECT c.id, CONCAT('Lead ', s.seq), "
      "CONCAT('5551', LPAD(s.seq, 6, '0')) FROM dialer_campaigns c JOIN seq_0_to_5999 s"));

  void* library = ::dlopen(PD_PLUGIN_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) db.die(std::string("dlopen: ") + ::dlerror());
  auto entry = reinterpret_cast<pd_plugin_entry_fn>(::dlsym(library, PD_PLUGIN_ENTRY_SYMBOL));
  const pd_plugin_v1* plugin = entry ? entry(PD_ABI_VERSION) : nullptr;
  if (plugin == nullptr) db.die("no plugin table");

  pd_host host;
  pd_host_services_v1 services{};
  services.struct_size = sizeof services;
  services.abi_version = PD_ABI_VERSION;
  services.host = &host;
  services.ami_send = host_ami_send;
  services.panel_send = host_panel_send;
  services.post = host_post;
  services.log = host_log;
  services.plugin_dir = PD_SOURCE_DIR;
  const std::string config = R"({"mysql_dsn": ")" + db.dsn().to_uri() +
                             R"(", "instance_id": "bench", "write_dialplan": false,
      "hopper_size": 10000, "migrations_dir": "sql/migrations", "templates_dir": "templates"})";
  pd_plugin_state* state = nullptr;
  if (plugin->start(&services, config.c_str(), &state) != PD_OK) db.die("plugin start failed");
  plugin->on_ami_link(state, 1);

  // Let the engine claim and dial every lead.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  uint64_t tick = 0;
  while (host.originates.size() < size_t(kCalls)) {
    if (std::chrono::steady_clock::now() > deadline) {
      db.die("only " + std::to_string(host.originates.size()) + " originates in 120 s");
    }
    run_posted(host);
    // The campaign dials once its dialplan is confirmed: say it exists.
    for (const std::string& id : std::exchange(host.dialplan_checks, {})) {
      const pd_ami_field answer[] = {{"Response", "Success"},
                                     {"ActionID", id.c_str()},
                                     {"EventList", "start"},
                                     {"Message", "DialPlan list will follow"}};
      plugin->on_ami_event(state, answer, 4);
    }
    plugin->on_tick(state, tick += 50);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  const auto trace =
      load_trace(std::string(PD_AMI_TRACES_DIR) + "/02-b-originate-answered-to-queue.raw");
  uint64_t events = 0;
  std::chrono::nanoseconds spent{0};
  for (int first = 0; first < kCalls; first += kBatch) {
    // Materialise this batch's events (not timed).
    const int count = std::min(kBatch, kCalls - first);
    std::vector<std::vector<std::string>> storage(size_t(count) * trace.size());
    std::vector<std::vector<pd_ami_field>> messages(storage.size());
    for (size_t m = 0; m < trace.size(); ++m) {
      for (int c = 0; c < count; ++c) {
        const Originate& call = host.originates[size_t(first + c)];
        const size_t slot = m * size_t(count) + size_t(c);
        auto& strings = storage[slot];
        strings.reserve(trace[m].size() * 2);
        for (const auto& [key, value] : trace[m]) {
          strings.push_back(key);
          strings.push_back(replaced(replaced(value, kTraceChannelId, call.call_id), kTraceActionId,
                                     call.action_id));
        }
        for (size_t f = 0; f < trace[m].size(); ++f) {
          messages[slot].push_back({strings[2 * f].c_str(), strings[2 * f + 1].c_str()});
        }
      }
    }
    const auto start = std::chrono::steady_clock::now();
    for (const auto& message : messages) {
      plugin->on_ami_event(state, message.data(), message.size());
    }
    spent += std::chrono::steady_clock::now() - start;
    events += messages.size();
    run_posted(host);
  }
  drop_posted(host);
  plugin->stop(state);

  const double seconds = std::chrono::duration<double>(spent).count();
  std::printf("engine_events: %llu\n", static_cast<unsigned long long>(events));
  std::printf("engine_calls: %d\n", kCalls);
  std::printf("engine_events_per_s: %.0f\n", double(events) / seconds);
  std::printf("engine_ns_per_event: %.0f\n", seconds * 1e9 / double(events));
  return 0;
}
