// The HTTP API (docs/API.md, docs/openapi.json; ABI 2.3 on_http_request).
// panelhost has authenticated each request and checked its token's scope;
// here the path is routed, the body read (api_requests.h: the shared
// validation rules, every refusal naming its field), and the work done:
//   - engine state, live calls, agents and preview cards: from the engine's
//     own state, on the host loop, answered at once;
//   - campaigns' play / pause, numbers, do-not-call, stats: the Store
//     functions pdctl calls too, run as store jobs on the query thread
//     (LeadStore::run_job), answered when the job is done;
//   - a callback for an agent: planned by the core (plan_callback: the
//     customer's local time inside the campaign's hours) as for the panel's
//     callback disposition, written by the same UPDATE as the agent's tag;
//   - preview dial / skip: the panel's own paths (preview_dial,
//     preview_skip), so the do-not-call check, the dial gate and the hours
//     apply as for a click.
// Nothing of a request reaches AMI: the only AMI action it can lead to is a
// preview Originate, built from the stored lead by the engine.
#include <charconv>
#include <set>

#include <json/value.h>

#include "api_requests.h"
#include "engine.h"
#include "lead_mapping.h"
#include "panel_messages.h"
#include "pd/core/call_state.h"
#include "pd/core/callback.h"
#include "pd/core/campaign.h"
#include "pd/core/names.h"

namespace pd::plugin {

namespace {

std::vector<std::string_view> segments_of(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  if (!out.empty() && out.back().empty()) out.pop_back();  // a trailing '/'
  return out;
}

std::optional<uint64_t> id_of(std::string_view text, uint64_t max) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > max) {
    return std::nullopt;
  }
  return value;
}

Json::Value card_json(const pd::core::PreviewCard& card, const std::string& agent) {
  Json::Value v(Json::objectValue);
  v["agent"] = json_text(agent);
  v["campaign_id"] = Json::Int64(card.campaign_id);
  v["lead_id"] = Json::UInt64(card.lead.id);
  v["number"] = json_text(card.lead.number);
  v["name"] = json_text(card.lead.name);
  v["callback"] = card.callback;
  v["dialed"] = card.dialed();
  if (!card.call_id.empty()) v["call_id"] = json_text(card.call_id);
  return v;
}

// A store job's failure as the API says it.
ApiError store_error(const pd::Error& error) {
  switch (error.code) {
    case pd::ErrorCode::kNotFound:
      return {404, "", error.message};
    case pd::ErrorCode::kConflict:
      return {409, "", error.message};
    case pd::ErrorCode::kInvalidArgument: {
      // "<field>: why" names the field (a store job's own check).
      const auto colon = error.message.find(": ");
      const bool named =
          colon != std::string::npos && colon < 24 && error.message.find(' ') > colon;
      return {400, named ? error.message.substr(0, colon) : "",
              named ? error.message.substr(colon + 2) : error.message};
    }
    case pd::ErrorCode::kLimit:
    case pd::ErrorCode::kUnavailable:
      return {503, "", error.message};
    default:
      return {500, "", "database error: " + error.message};
  }
}

// The campaign `id` as the store has it, or kNotFound.
pd::Result<pd::store::Campaign> campaign_row(pd::store::Store& store, uint32_t id) {
  auto campaigns = store.load_campaigns();
  if (!campaigns) return pd::fail(campaigns.error());
  for (auto& campaign : *campaigns) {
    if (campaign.id == id) return std::move(campaign);
  }
  return pd::fail(pd::Error::not_found("campaign " + std::to_string(id) + " does not exist"));
}

}  // namespace

int Engine::on_http_request(const pd_http_request& request) {
  const uint64_t id = request.id;
  const std::string_view method = request.method;
  std::string_view path = request.path;
  path.remove_prefix(std::min(path.size(), std::string_view(kApiPrefix).size()));
  const auto parts = segments_of(path);
  Json::Value body;
  if (auto e = parse_api_body(std::string_view(request.body, request.body_size), body)) {
    api_fail(id, *e);
    return PD_OK;
  }
  auto route = [&](std::string_view m, std::initializer_list<std::string_view> shape) {
    if (parts.size() != shape.size()) return false;
    size_t i = 0;
    for (std::string_view s : shape) {
      if (s != "*" && s != parts[i]) return false;
      ++i;
    }
    return method == m;
  };
  auto no_body = [&]() {
    if (body.empty()) return true;
    api_fail(id, {400, body.getMemberNames().front(), "this request takes no body"});
    return false;
  };

  if (route("GET", {"engine"})) return api_engine(id), PD_OK;
  if (route("GET", {"agents"})) return api_agents(id), PD_OK;
  if (parts.size() >= 2 && parts[0] == "campaigns") {
    const auto campaign = id_of(parts[1], UINT32_MAX);
    if (!campaign) return api_fail(id, {404, "campaign_id", "no such campaign"}), PD_OK;
    if (route("GET", {"campaigns", "*", "stats"})) return api_stats(id, uint32_t(*campaign)), PD_OK;
    if (route("GET", {"campaigns", "*", "calls"})) return api_calls(id, int64_t(*campaign)), PD_OK;
    for (std::string_view action : {"start", "pause", "resume"}) {
      if (route("POST", {"campaigns", "*", action})) {
        if (no_body()) api_play(id, uint32_t(*campaign), action != "pause");
        return PD_OK;
      }
    }
    if (route("POST", {"campaigns", "*", "numbers"})) {
      api_add_numbers(id, uint32_t(*campaign), body);
      return PD_OK;
    }
  }
  if (parts.size() == 2 && parts[0] == "numbers") {
    const auto number = id_of(parts[1], UINT64_MAX);
    if (!number) return api_fail(id, {404, "number_id", "no such number"}), PD_OK;
    if (route("PATCH", {"numbers", "*"})) return api_update_number(id, *number, body), PD_OK;
    if (route("DELETE", {"numbers", "*"})) {
      if (no_body()) api_delete_number(id, *number);
      return PD_OK;
    }
  }
  if (route("POST", {"dnc"})) return api_add_dnc(id, body), PD_OK;
  if (route("DELETE", {"dnc", "*"})) {
    if (no_body()) api_remove_dnc(id, parts[1]);
    return PD_OK;
  }
  if (route("POST", {"agents", "*", "callbacks"})) {
    const std::string agent(parts[1]);
    if (!pd::core::is_extension(agent)) {
      return api_fail(id, {400, "agent", "an agent is an extension (digits, letters, _ . -)"}),
             PD_OK;
    }
    api_schedule_callback(id, agent, body);
    return PD_OK;
  }
  if (parts.size() >= 3 && parts[0] == "agents" && parts[2] == "preview") {
    const std::string agent(parts[1]);
    if (!pd::core::is_extension(agent)) {
      return api_fail(id, {400, "agent", "an agent is an extension (digits, letters, _ . -)"}),
             PD_OK;
    }
    if (route("GET", {"agents", "*", "preview"})) return api_preview(id, agent, "", body), PD_OK;
    for (std::string_view action : {"reserve", "dial", "skip"}) {
      if (route("POST", {"agents", "*", "preview", action})) {
        api_preview(id, agent, action, body);
        return PD_OK;
      }
    }
  }
  api_fail(id, {404, "path",
                std::string(method) + " " + std::string(request.path) +
                    " is not an API route (docs/API.md)"});
  return PD_OK;
}

void Engine::api_reply(uint64_t id, int status, const Json::Value& body) {
  host_.http_reply(id, status, compact_json(body));
}

void Engine::api_fail(uint64_t id, const ApiError& error) {
  host_.http_reply(id, error.status, api_error_json(error));
}

void Engine::api_job(uint64_t id, int status, LeadStore::Job job) {
  std::weak_ptr<bool> alive = alive_;
  store_->run_job(std::move(job), [this, alive, id, status](pd::Result<std::string> answer) {
    if (alive.expired() || !*alive.lock()) return;
    if (!answer) return api_fail(id, store_error(answer.error()));
    host_.http_reply(id, status, *answer);
  });
}

void Engine::api_engine(uint64_t id) {
  Json::Value v(Json::objectValue);
  v["running"] = true;
  v["ami_link"] = ami_up_;
  v["database"] = store_->healthy();
  v["config_loaded"] = config_loaded_;
  v["active_calls"] = Json::UInt64(live_.size());
  v["agents_logged_in"] = Json::UInt64(desk_.open_agents().size());
  Json::Value campaigns(Json::arrayValue);
  std::unordered_map<int64_t, size_t> calls_of;
  for (const auto& [call_id, live] : live_) ++calls_of[live.campaign_id];
  for (const auto& [campaign_id, run] : campaigns_) {
    Json::Value c(Json::objectValue);
    c["id"] = Json::Int64(campaign_id);
    c["name"] = json_text(run.prepared.campaign.name);
    c["mode"] = std::string(pd::core::to_string(run.prepared.campaign.mode));
    c["enabled"] = run.prepared.campaign.enabled;
    c["dialable"] = run.dialable();
    c["active_calls"] = Json::UInt64(calls_of[campaign_id]);
    if (!run.problem.empty()) c["problem"] = json_text(run.problem);
    campaigns.append(c);
  }
  v["campaigns"] = campaigns;
  api_reply(id, 200, v);
}

void Engine::api_agents(uint64_t id) {
  Json::Value agents(Json::arrayValue);
  for (const std::string& agent : desk_.open_agents()) {
    Json::Value a(Json::objectValue);
    a["agent"] = json_text(agent);
    a["status"] = std::string(pd::core::to_string(agent_status(agent)));
    a["paused"] = pauses_.pause_of(agent) != nullptr;
    a["wrapup"] = pauses_.wrapup(agent) != nullptr;
    if (const std::string* call = desk_.live_call(agent)) a["call_id"] = json_text(*call);
    if (const pd::core::PreviewCard* card = desk_.card(agent)) {
      a["preview"] = card_json(*card, agent);
    }
    agents.append(a);
  }
  Json::Value v(Json::objectValue);
  v["agents"] = agents;
  api_reply(id, 200, v);
}

void Engine::api_calls(uint64_t id, int64_t campaign_id) {
  Json::Value calls(Json::arrayValue);
  for (const auto& [call_id, live] : live_) {
    if (live.campaign_id != campaign_id) continue;
    Json::Value c(Json::objectValue);
    c["call_id"] = json_text(call_id);
    c["lead_id"] = Json::UInt64(live.lead.id);
    c["number"] = json_text(live.lead.number);
    c["name"] = json_text(live.lead.name);
    c["agent"] = json_text(live.agent);
    c["preview"] = live.preview;
    c["started_at"] = format_rfc3339(live.started_at);
    const pd::core::CallState* call = calls_.find(call_id);
    c["phase"] = call ? std::string(pd::core::to_string(call->phase())) : "starting";
    calls.append(c);
  }
  Json::Value v(Json::objectValue);
  v["campaign_id"] = Json::Int64(campaign_id);
  v["calls"] = calls;
  api_reply(id, 200, v);
}

void Engine::api_stats(uint64_t id, uint32_t campaign_id) {
  size_t live_calls = 0;
  for (const auto& [call_id, live] : live_) live_calls += live.campaign_id == campaign_id;
  api_job(id, 200, [campaign_id, live_calls](pd::store::Store& store) -> pd::Result<std::string> {
    auto campaign = campaign_row(store, campaign_id);
    if (!campaign) return pd::fail(campaign.error());
    auto counts = store.count_numbers(campaign_id);
    if (!counts) return pd::fail(counts.error());
    Json::Value numbers(Json::objectValue);
    uint64_t total = 0;
    for (const auto& [state, count] : *counts) {
      numbers[std::string(pd::store::to_string(state))] = Json::UInt64(count);
      total += count;
    }
    Json::Value v(Json::objectValue);
    v["campaign_id"] = campaign_id;
    v["name"] = json_text(campaign->name);
    v["enabled"] = campaign->enabled;
    v["numbers"] = numbers;
    v["total"] = Json::UInt64(total);
    v["active_calls"] = Json::UInt64(live_calls);
    return compact_json(v);
  });
}

void Engine::api_play(uint64_t id, uint32_t campaign_id, bool enabled) {
  // The admin's play / pause (dialer_campaigns.enabled): the engine's
  // config watch applies it within a second, as for the dashboard's button.
  host_.log(PD_LOG_INFO,
            "API: campaign " + std::to_string(campaign_id) + (enabled ? " played" : " paused"));
  api_job(id, 200, [campaign_id, enabled](pd::store::Store& store) -> pd::Result<std::string> {
    auto changed = store.set_campaign_enabled(campaign_id, enabled);
    if (!changed) return pd::fail(changed.error());
    Json::Value v(Json::objectValue);
    v["campaign_id"] = campaign_id;
    v["enabled"] = enabled;
    v["changed"] = *changed;
    return compact_json(v);
  });
}

void Engine::api_add_numbers(uint64_t id, uint32_t campaign_id, const Json::Value& body) {
  std::vector<pd::store::NewNumber> numbers;
  if (auto e = parse_new_numbers(body, numbers)) return api_fail(id, *e);
  api_job(id, 201,
          [campaign_id, numbers = std::move(numbers)](
              pd::store::Store& store) mutable -> pd::Result<std::string> {
            if (auto campaign = campaign_row(store, campaign_id); !campaign) {
              return pd::fail(campaign.error());
            }
            // As pdctl numbers file: a number on the do-not-call list is not added.
            std::vector<std::string> wanted;
            for (const auto& n : numbers) wanted.push_back(n.number);
            auto listed = store.dnc_lookup(wanted);
            if (!listed) return pd::fail(listed.error());
            const std::set<std::string> blocked(listed->begin(), listed->end());
            auto before = store.number_ids(campaign_id, wanted);
            if (!before) return pd::fail(before.error());
            std::vector<pd::store::NewNumber> adding;
            for (auto& n : numbers) {
              if (!blocked.contains(n.number) && !before->contains(n.number)) adding.push_back(n);
            }
            auto added = store.add_numbers(campaign_id, adding);
            if (!added) return pd::fail(added.error());
            auto ids = store.number_ids(campaign_id, wanted);
            if (!ids) return pd::fail(ids.error());
            Json::Value list(Json::arrayValue);
            for (const std::string& number : wanted) {
              Json::Value item(Json::objectValue);
              item["number"] = number;
              const auto found = ids->find(number);
              item["id"] =
                  found == ids->end() ? Json::Value() : Json::Value(Json::UInt64(found->second));
              item["status"] = blocked.contains(number)   ? "dnc"
                               : before->contains(number) ? "duplicate"
                               : found != ids->end()      ? "added"
                                                          : "duplicate";
              list.append(item);
            }
            Json::Value v(Json::objectValue);
            v["campaign_id"] = campaign_id;
            v["added"] = Json::UInt64(*added);
            v["numbers"] = list;
            return compact_json(v);
          });
}

void Engine::api_update_number(uint64_t id, uint64_t number_id, const Json::Value& body) {
  pd::store::NumberChange change;
  if (auto e = parse_number_change(body, change)) return api_fail(id, *e);
  api_job(id, 200, [number_id, change](pd::store::Store& store) -> pd::Result<std::string> {
    if (auto st = store.update_number(number_id, change); !st) return pd::fail(st.error());
    Json::Value v(Json::objectValue);
    v["id"] = Json::UInt64(number_id);
    v["updated"] = true;
    return compact_json(v);
  });
}

void Engine::api_delete_number(uint64_t id, uint64_t number_id) {
  api_job(id, 200, [number_id](pd::store::Store& store) -> pd::Result<std::string> {
    if (auto st = store.delete_number(number_id); !st) return pd::fail(st.error());
    Json::Value v(Json::objectValue);
    v["id"] = Json::UInt64(number_id);
    v["deleted"] = true;
    return compact_json(v);
  });
}

void Engine::api_add_dnc(uint64_t id, const Json::Value& body) {
  std::vector<pd::store::DncEntry> entries;
  if (auto e = parse_dnc_entries(body, entries)) return api_fail(id, *e);
  api_job(id, 200,
          [entries = std::move(entries)](pd::store::Store& store) -> pd::Result<std::string> {
            auto marked = store.add_dnc(entries);
            if (!marked) return pd::fail(marked.error());
            Json::Value v(Json::objectValue);
            v["listed"] = Json::UInt64(entries.size());
            v["marked"] = Json::UInt64(*marked);
            return compact_json(v);
          });
}

void Engine::api_remove_dnc(uint64_t id, std::string_view typed) {
  std::string number;
  if (auto e = parse_path_number(typed, number)) return api_fail(id, *e);
  api_job(id, 200, [number](pd::store::Store& store) -> pd::Result<std::string> {
    auto removed = store.remove_dnc(number);
    if (!removed) return pd::fail(removed.error());
    if (!*removed) {
      return pd::fail(pd::Error::not_found(number + " is not on the do-not-call list"));
    }
    Json::Value v(Json::objectValue);
    v["number"] = number;
    v["removed"] = true;
    return compact_json(v);
  });
}

void Engine::api_schedule_callback(uint64_t id, const std::string& agent, const Json::Value& body) {
  for (const std::string& name : body.getMemberNames()) {
    if (name != "number_id" && name != "at" && name != "personal") {
      return api_fail(id, {400, name, "unknown field (known: number_id, at, personal)"});
    }
  }
  if (!body["number_id"].isUInt64() || body["number_id"].asUInt64() == 0) {
    return api_fail(id, {400, "number_id", "the id of a campaign number is required"});
  }
  if (!body["at"].isString()) {
    return api_fail(id,
                    {400, "at", "the customer's local time, \"YYYY-MM-DDTHH:MM\", is required"});
  }
  if (body.isMember("personal") && !body["personal"].isBool()) {
    return api_fail(id, {400, "personal", "must be true (this agent only) or false (anyone)"});
  }
  // The campaigns' schedules as the engine runs them (immutable, shared):
  // the plan is the core's (pd::core::plan_callback), as for the panel's
  // callback disposition, made on the query thread once the number is read.
  struct Hours {
    int64_t campaign_id;
    std::shared_ptr<const pd::core::Schedule> schedule;
    int grace_minutes;
  };
  std::vector<Hours> hours;
  for (const auto& [campaign_id, run] : campaigns_) {
    if (run.prepared.schedule) {
      hours.push_back(
          {campaign_id, run.prepared.schedule, run.prepared.campaign.callback_grace_minutes});
    }
  }
  const uint64_t number_id = body["number_id"].asUInt64();
  const pd::core::CallbackRequest request{body["at"].asString(),
                                          body.get("personal", true).asBool()};
  const int64_t now_s = now_ms() / 1000;
  api_job(id, 201,
          [number_id, request, agent, hours = std::move(hours),
           now_s](pd::store::Store& store) -> pd::Result<std::string> {
            auto row = store.number(number_id);
            if (!row) return pd::fail(row.error());
            const Hours* campaign = nullptr;
            for (const Hours& h : hours) {
              if (h.campaign_id == row->campaign_id) campaign = &h;
            }
            if (campaign == nullptr) {
              return pd::fail(pd::Error::conflict("the number's campaign is not running here"));
            }
            pd::core::TimeZoneCache zones;  // the number's own zone, read on this thread
            const pd::core::Lead lead = to_core_lead(*row, zones);
            auto plan = pd::core::plan_callback(request, agent, lead, *campaign->schedule,
                                                campaign->grace_minutes, now_s);
            if (!plan) return pd::fail(pd::Error::invalid("at: " + plan.error().message));
            auto scheduled = store.schedule_callback(number_id, to_scheduled(*plan));
            if (!scheduled) return pd::fail(scheduled.error());
            if (!*scheduled) {
              return pd::fail(pd::Error::conflict("number " + std::to_string(number_id) +
                                                  " is in a call or on the do-not-call list"));
            }
            Json::Value v(Json::objectValue);
            v["number_id"] = Json::UInt64(number_id);
            v["agent"] = plan->agent.empty() ? Json::Value() : Json::Value(plan->agent);
            v["callback_at"] =
                format_rfc3339(pd::store::TimePoint(std::chrono::seconds(plan->due)));
            v["personal_until"] = plan->agent.empty()
                                      ? Json::Value()
                                      : Json::Value(format_rfc3339(pd::store::TimePoint(
                                            std::chrono::seconds(plan->personal_until))));
            return compact_json(v);
          });
}

void Engine::api_preview(uint64_t id, const std::string& agent, std::string_view action,
                         const Json::Value& body) {
  const pd::core::PreviewCard* card = desk_.card(agent);
  if (action.empty()) {  // GET: the card shown now
    if (card == nullptr) return api_fail(id, {404, "agent", "agent " + agent + " has no card now"});
    return api_reply(id, 200, card_json(*card, agent));
  }
  if (action == "reserve") {
    if (!body.empty()) return api_fail(id, {400, body.getMemberNames().front(), "no body here"});
    if (card != nullptr) return api_reply(id, 200, card_json(*card, agent));
    if (!desk_.panel_open(agent)) {
      return api_fail(id, {409, "agent",
                           "agent " + agent +
                               " is not logged in (no panel open): the engine "
                               "reserves leads for logged-in agents only"});
    }
    // The engine reserves the next lead for a free agent of a preview
    // campaign as it paces (the dial gate, do-not-call and hours apply):
    // wait for it, on the ticks, at most kApiReserveWaitMs.
    if (api_reserves_.size() >= kMaxApiReserves) {
      return api_fail(id, {503, "", "too many reservations waiting; retry shortly"});
    }
    api_reserves_.push_back({id, agent, now_ms() + kApiReserveWaitMs});
    return;
  }
  if (!body.isMember("lead_id") || !body["lead_id"].isUInt64()) {
    return api_fail(id, {400, "lead_id", "the lead_id of the agent's card is required"});
  }
  for (const std::string& name : body.getMemberNames()) {
    if (name != "lead_id" && !(action == "skip" && name == "close")) {
      return api_fail(id, {400, name, "unknown field"});
    }
  }
  const uint64_t lead = body["lead_id"].asUInt64();
  if (card == nullptr || card->lead.id != lead) {
    return api_fail(id, {409, "lead_id", "that lead is not the card of agent " + agent});
  }
  if (card->dialed()) return api_fail(id, {409, "lead_id", "that card is being dialed"});
  if (action == "dial") {
    preview_dial(agent, lead);  // the panel's Dial: do-not-call and the dial gate checked
    Json::Value v(Json::objectValue);
    v["agent"] = json_text(agent);
    v["lead_id"] = Json::UInt64(lead);
    v["dialing"] = true;
    return api_reply(id, 202, v);
  }
  bool close = false;
  if (body.isMember("close")) {
    if (!body["close"].isBool()) return api_fail(id, {400, "close", "must be true or false"});
    close = body["close"].asBool();
  }
  preview_skip(agent, lead, close);
  Json::Value v(Json::objectValue);
  v["agent"] = json_text(agent);
  v["lead_id"] = Json::UInt64(lead);
  v["skipped"] = true;
  v["closed"] = close;
  api_reply(id, 200, v);
}

void Engine::answer_api_reserves(int64_t now_ms) {
  if (api_reserves_.empty()) return;
  std::vector<ApiReserve> waiting;
  for (ApiReserve& reserve : api_reserves_) {
    const pd::core::PreviewCard* card = desk_.card(reserve.agent);
    if (card != nullptr) {
      api_reply(reserve.request, 200, card_json(*card, reserve.agent));
    } else if (now_ms >= reserve.deadline_ms || !desk_.panel_open(reserve.agent)) {
      api_fail(reserve.request, {404, "agent",
                                 "no lead was reserved for agent " + reserve.agent +
                                     " (not free in a preview campaign, or no lead is ready)"});
    } else {
      waiting.push_back(std::move(reserve));
    }
  }
  api_reserves_.swap(waiting);
}

}  // namespace pd::plugin
