#include "scenario.h"

#include <json/json.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "pd/ami/writer.h"

namespace pd::sim {
namespace {

// Reads one JSON object, refusing keys it does not know (a typo in a scenario
// must not silently become a default).
class ObjectReader {
 public:
  ObjectReader(const Json::Value& value, std::string path)
      : value_(value), path_(std::move(path)) {}

  Status check(std::initializer_list<std::string_view> allowed) const {
    if (!value_.isObject()) return fail(Error::invalid(path_ + ": must be an object"));
    for (const auto& key : value_.getMemberNames()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
        return fail(Error::invalid(path_ + ": unknown key \"" + key + "\""));
    }
    return {};
  }

  bool has(const char* key) const { return value_.isMember(key); }
  const Json::Value& at(const char* key) const { return value_[key]; }
  std::string path(const char* key) const { return path_ + "." + key; }

  Status read(const char* key, std::string& out) const {
    if (!has(key)) return {};
    if (!at(key).isString()) return fail(Error::invalid(path(key) + ": must be a string"));
    out = at(key).asString();
    return {};
  }
  Status read(const char* key, bool& out) const {
    if (!has(key)) return {};
    if (!at(key).isBool()) return fail(Error::invalid(path(key) + ": must be true or false"));
    out = at(key).asBool();
    return {};
  }
  Status read(const char* key, double& out) const {
    if (!has(key)) return {};
    if (!at(key).isNumeric()) return fail(Error::invalid(path(key) + ": must be a number"));
    out = at(key).asDouble();
    return {};
  }
  Status read_int(const char* key, int& out) const {
    if (!has(key)) return {};
    if (!at(key).isInt()) return fail(Error::invalid(path(key) + ": must be an integer"));
    out = at(key).asInt();
    return {};
  }
  // Seconds (a number, or [min, max]) to simulated milliseconds.
  Status read(const char* key, Range& out) const {
    if (!has(key)) return {};
    const Json::Value& v = at(key);
    auto ms = [](double s) { return static_cast<SimMs>(std::llround(s * 1000.0)); };
    if (v.isNumeric()) {
      if (v.asDouble() < 0) return fail(Error::invalid(path(key) + ": must not be negative"));
      out = Range::fixed(ms(v.asDouble()));
      return {};
    }
    if (v.isArray() && v.size() == 2 && v[0].isNumeric() && v[1].isNumeric()) {
      const double lo = v[0].asDouble(), hi = v[1].asDouble();
      if (lo < 0 || hi < lo)
        return fail(Error::invalid(path(key) + ": needs 0 <= min <= max seconds"));
      out = Range{ms(lo), ms(hi)};
      return {};
    }
    return fail(Error::invalid(path(key) + ": must be seconds or [min, max] seconds"));
  }
  Status read_ms(const char* key, SimMs& out) const {
    Range range = Range::fixed(out);
    if (auto s = read(key, range); !s) return s;
    if (range.min != range.max) return fail(Error::invalid(path(key) + ": must be one number"));
    out = range.min;
    return {};
  }
  Status read(const char* key, std::vector<std::string>& out) const {
    if (!has(key)) return {};
    if (!at(key).isArray()) return fail(Error::invalid(path(key) + ": must be a list of strings"));
    for (const auto& item : at(key)) {
      if (!item.isString()) return fail(Error::invalid(path(key) + ": must be a list of strings"));
      out.push_back(item.asString());
    }
    return {};
  }

 private:
  const Json::Value& value_;
  std::string path_;
};

#define PD_TRY(expr)                                               \
  do {                                                             \
    if (auto _s = (expr); !_s) return fail(std::move(_s.error())); \
  } while (0)

Result<Outcome> parse_outcome(const std::string& text, const std::string& path) {
  static const std::pair<const char*, Outcome> kNames[] = {{"answer", Outcome::kAnswer},
                                                           {"busy", Outcome::kBusy},
                                                           {"noanswer", Outcome::kNoAnswer},
                                                           {"congestion", Outcome::kCongestion},
                                                           {"unallocated", Outcome::kUnallocated},
                                                           {"machine", Outcome::kMachine},
                                                           {"dtmf", Outcome::kDtmf},
                                                           {"silent", Outcome::kSilent}};
  for (const auto& [name, outcome] : kNames)
    if (text == name) return outcome;
  return fail(Error::invalid(
      path + ": unknown outcome \"" + text +
      "\" (answer, busy, noanswer, congestion, unallocated, machine, dtmf, silent)"));
}

bool valid_dtmf_digit(const std::string& d) {
  return d.size() == 1 && std::string_view("0123456789*#ABCD").find(d[0]) != std::string_view::npos;
}

// A rule in number_rules / a context's rules (a pattern), the default rule (no
// pattern) or one of a rule's unanswered outcomes (no pattern, a share).
enum class RuleKind { kMatched, kDefault, kUnanswered };

// "answer_rate": a share, or [{"at_s" | "at_dial", "rate"}] (one axis).
Status parse_answer_rate(const ObjectReader& r, NumberRule& rule) {
  const Json::Value& v = r.at("answer_rate");
  const std::string path = r.path("answer_rate");
  auto valid_rate = [](double rate) { return rate >= 0 && rate <= 1; };
  if (v.isNumeric()) {
    if (!valid_rate(v.asDouble())) return fail(Error::invalid(path + ": a share in [0, 1]"));
    rule.answer_rate = AnswerRate::constant(v.asDouble());
    return {};
  }
  if (!v.isArray() || v.empty() || v.size() > AnswerRate::kMaxPoints)
    return fail(Error::invalid(path + ": a share in [0, 1] or a list of 1 to " +
                               std::to_string(AnswerRate::kMaxPoints) +
                               " {\"at_s\" or \"at_dial\", \"rate\"} points"));
  AnswerRate rate;
  for (Json::ArrayIndex i = 0; i < v.size(); ++i) {
    const std::string where = path + "[" + std::to_string(i) + "]";
    ObjectReader p(v[i], where);
    PD_TRY(p.check({"at_s", "at_dial", "rate"}));
    if (p.has("at_s") == p.has("at_dial"))
      return fail(Error::invalid(where + ": needs exactly one of \"at_s\" or \"at_dial\""));
    const AnswerRate::Axis axis =
        p.has("at_s") ? AnswerRate::Axis::kTime : AnswerRate::Axis::kDials;
    if (i == 0) rate.axis = axis;
    if (axis != rate.axis)
      return fail(Error::invalid(where + ": every point on one axis (at_s or at_dial)"));
    AnswerRate::Point point;
    if (axis == AnswerRate::Axis::kTime) {
      PD_TRY(p.read_ms("at_s", point.at));
    } else {
      if (!p.at("at_dial").isUInt64() || p.at("at_dial").asUInt64() > (1ULL << 62))
        return fail(Error::invalid(p.path("at_dial") + ": a dial ordinal (0, 1, ...)"));
      point.at = static_cast<int64_t>(p.at("at_dial").asUInt64());
    }
    if (!p.has("rate")) return fail(Error::invalid(where + ".rate: required"));
    PD_TRY(p.read("rate", point.rate));
    if (!valid_rate(point.rate))
      return fail(Error::invalid(p.path("rate") + ": a share in [0, 1]"));
    if (!rate.points.empty() && point.at <= rate.points.back().at)
      return fail(Error::invalid(where + ": points must come in increasing order"));
    rate.points.push_back(point);
  }
  rule.answer_rate = std::move(rate);
  return {};
}

Status parse_rule(const Json::Value& value, const std::string& path, RuleKind kind,
                  NumberRule& rule) {
  ObjectReader r(value, path);
  PD_TRY(r.check({"pattern", "regex", "outcome", "answer_after_s", "talk_s", "talk_lognormal",
                  "after_s", "tone_s", "ring_s", "dtmf_after_s", "digit", "amd_cause",
                  "originate_response_first", "answer_rate", "unanswered", "share"}));
  std::string pattern, regex, outcome = "answer";
  PD_TRY(r.read("pattern", pattern));
  PD_TRY(r.read("regex", regex));
  if (kind == RuleKind::kMatched) {
    if (pattern.empty() == regex.empty())
      return fail(Error::invalid(path + ": needs exactly one of \"pattern\" or \"regex\""));
    auto compiled = pattern.empty() ? DialPattern::regex(regex) : DialPattern::asterisk(pattern);
    if (!compiled) return fail(Error::invalid(path + ": " + compiled.error().message));
    rule.pattern = std::move(*compiled);
  } else if (!pattern.empty() || !regex.empty()) {
    return fail(Error::invalid(path + (kind == RuleKind::kDefault
                                           ? ": the default rule takes no pattern"
                                           : ": an unanswered outcome takes no pattern")));
  }
  PD_TRY(r.read("outcome", outcome));
  auto parsed = parse_outcome(outcome, r.path("outcome"));
  if (!parsed) return fail(parsed.error());
  rule.outcome = *parsed;
  if (rule.outcome == Outcome::kMachine) rule.talk = {4000, 8000};
  if (rule.outcome == Outcome::kDtmf) rule.talk = Range::fixed(4000);
  PD_TRY(r.read("answer_after_s", rule.answer_after));
  PD_TRY(r.read("talk_s", rule.talk));
  if (r.has("talk_lognormal")) {
    if (r.has("talk_s"))
      return fail(Error::invalid(path + ": \"talk_s\" or \"talk_lognormal\", not both"));
    ObjectReader t(r.at("talk_lognormal"), r.path("talk_lognormal"));
    PD_TRY(t.check({"mean_s", "sigma"}));
    LogNormal talk;
    PD_TRY(t.read("mean_s", talk.mean_s));
    PD_TRY(t.read("sigma", talk.sigma));
    if (!(talk.mean_s > 0 && talk.mean_s <= 86400))
      return fail(Error::invalid(t.path("mean_s") + ": seconds in (0, 86400]"));
    if (!(talk.sigma >= 0 && talk.sigma <= 3))
      return fail(Error::invalid(t.path("sigma") + ": in [0, 3]"));
    rule.talk_lognormal = talk;
  }
  PD_TRY(r.read("after_s", rule.after));
  PD_TRY(r.read("tone_s", rule.tone));
  PD_TRY(r.read("ring_s", rule.ring));
  PD_TRY(r.read("dtmf_after_s", rule.dtmf_after));
  PD_TRY(r.read("digit", rule.digit));
  PD_TRY(r.read("amd_cause", rule.amd_cause));
  PD_TRY(r.read("originate_response_first", rule.originate_response_first));
  if (!(rule.originate_response_first >= 0 && rule.originate_response_first <= 1))
    return fail(Error::invalid(r.path("originate_response_first") + ": a probability in [0, 1]"));
  if (rule.originate_response_first > 0 && rule.outcome != Outcome::kUnallocated)
    return fail(
        Error::invalid(r.path("originate_response_first") + ": only for the outcome unallocated"));
  if (!valid_dtmf_digit(rule.digit))
    return fail(Error::invalid(r.path("digit") + ": one of 0-9 * # A-D"));
  if (r.has("share")) {
    if (kind != RuleKind::kUnanswered)
      return fail(Error::invalid(r.path("share") + ": only in a rule's \"unanswered\" list"));
    PD_TRY(r.read("share", rule.share));
    if (!(rule.share > 0 && rule.share <= 1e6))
      return fail(Error::invalid(r.path("share") + ": a weight > 0"));
  }
  if (r.has("answer_rate") || r.has("unanswered")) {
    if (kind == RuleKind::kUnanswered)
      return fail(Error::invalid(path + ": an unanswered outcome has no answer_rate of its own"));
    if (!answers(rule.outcome))
      return fail(Error::invalid(path + ": answer_rate and unanswered only for an outcome that "
                                        "answers (answer, machine, dtmf, silent)"));
    if (!r.has("answer_rate"))
      return fail(Error::invalid(r.path("unanswered") + ": needs \"answer_rate\""));
    PD_TRY(parse_answer_rate(r, rule));
    if (r.has("unanswered")) {
      const Json::Value& list = r.at("unanswered");
      if (!list.isArray() || list.empty() || list.size() > NumberRule::kMaxUnanswered)
        return fail(Error::invalid(r.path("unanswered") + ": a list of 1 to " +
                                   std::to_string(NumberRule::kMaxUnanswered) + " rules"));
      for (Json::ArrayIndex i = 0; i < list.size(); ++i) {
        NumberRule other;
        PD_TRY(parse_rule(list[i], r.path("unanswered") + "[" + std::to_string(i) + "]",
                          RuleKind::kUnanswered, other));
        rule.unanswered.push_back(std::move(other));
      }
    } else {
      NumberRule never;
      never.outcome = Outcome::kNoAnswer;
      rule.unanswered.push_back(std::move(never));
    }
  }
  return {};
}

Status parse_rules(const Json::Value& value, const std::string& path,
                   std::vector<NumberRule>& rules) {
  if (!value.isArray()) return fail(Error::invalid(path + ": must be a list of rules"));
  for (Json::ArrayIndex i = 0; i < value.size(); ++i) {
    NumberRule rule;
    PD_TRY(parse_rule(value[i], path + "[" + std::to_string(i) + "]", RuleKind::kMatched, rule));
    rules.push_back(std::move(rule));
  }
  return {};
}

Status parse_agent_timing(const ObjectReader& r, AgentSpec& agent) {
  PD_TRY(r.read("answer_delay_s", agent.answer_delay));
  PD_TRY(r.read("talk_s", agent.talk));
  return {};
}

Status parse_agent(const Json::Value& value, const std::string& path, const AgentSpec& defaults,
                   AgentSpec& agent) {
  ObjectReader r(value, path);
  PD_TRY(r.check({"interface", "name", "queues", "paused", "paused_reason", "penalty",
                  "answer_delay_s", "talk_s", "pause_schedule", "dynamic"}));
  agent = defaults;
  agent.queues.clear();
  agent.pauses.clear();
  PD_TRY(r.read("interface", agent.interface));
  if (agent.interface.rfind("Local/", 0) != 0 || agent.interface.find('@') == std::string::npos)
    return fail(Error::invalid(path + ".interface: must look like Local/<exten>@<context>/n"));
  agent.name = agent.interface;
  PD_TRY(r.read("name", agent.name));
  PD_TRY(r.read("queues", agent.queues));
  PD_TRY(r.read("paused", agent.paused));
  PD_TRY(r.read("paused_reason", agent.paused_reason));
  PD_TRY(r.read_int("penalty", agent.penalty));
  PD_TRY(r.read("dynamic", agent.dynamic));
  PD_TRY(parse_agent_timing(r, agent));
  if (r.has("pause_schedule")) {
    const Json::Value& list = r.at("pause_schedule");
    if (!list.isArray()) return fail(Error::invalid(r.path("pause_schedule") + ": must be a list"));
    for (Json::ArrayIndex i = 0; i < list.size(); ++i) {
      ObjectReader w(list[i], r.path("pause_schedule") + "[" + std::to_string(i) + "]");
      PD_TRY(w.check({"at_s", "for_s", "reason"}));
      PauseWindow window;
      PD_TRY(w.read_ms("at_s", window.at));
      PD_TRY(w.read_ms("for_s", window.length));
      PD_TRY(w.read("reason", window.reason));
      if (window.length <= 0) return fail(Error::invalid(w.path("for_s") + ": must be > 0"));
      agent.pauses.push_back(std::move(window));
    }
  }
  return {};
}

Result<Strategy> parse_strategy(const std::string& text, const std::string& path) {
  if (text == "rrmemory") return Strategy::kRrMemory;
  if (text == "linear") return Strategy::kLinear;
  if (text == "leastrecent") return Strategy::kLeastRecent;
  if (text == "random") return Strategy::kRandom;
  if (text == "ringall") return Strategy::kRingAll;
  return fail(Error::invalid(path + ": unknown strategy \"" + text +
                             "\" (rrmemory, linear, leastrecent, random, ringall)"));
}

Status parse_queue(const Json::Value& value, const std::string& path, QueueSpec& queue) {
  ObjectReader r(value, path);
  PD_TRY(r.check(
      {"name", "strategy", "ring_timeout_s", "retry_s", "wait_timeout_s", "servicelevel_s"}));
  PD_TRY(r.read("name", queue.name));
  if (queue.name.empty()) return fail(Error::invalid(path + ".name: required"));
  std::string strategy = "rrmemory";
  PD_TRY(r.read("strategy", strategy));
  auto parsed = parse_strategy(strategy, r.path("strategy"));
  if (!parsed) return fail(parsed.error());
  queue.strategy = *parsed;
  PD_TRY(r.read_ms("ring_timeout_s", queue.ring_timeout));
  PD_TRY(r.read_ms("retry_s", queue.retry));
  PD_TRY(r.read_ms("wait_timeout_s", queue.wait_timeout));
  PD_TRY(r.read_int("servicelevel_s", queue.servicelevel_s));
  if (queue.ring_timeout <= 0)
    return fail(Error::invalid(r.path("ring_timeout_s") + ": must be > 0"));
  return {};
}

Result<ContextType> parse_context_type(const std::string& text, const std::string& path) {
  if (text == "customers") return ContextType::kCustomers;
  if (text == "agents") return ContextType::kAgents;
  if (text == "queue") return ContextType::kQueue;
  if (text == "ivr") return ContextType::kIvr;
  if (text == "invalid_destination") return ContextType::kInvalidDestination;
  return fail(Error::invalid(path + ": unknown type \"" + text +
                             "\" (customers, agents, queue, ivr, invalid_destination)"));
}

Status parse_context(const std::string& name, const Json::Value& value, const std::string& path,
                     ContextSpec& context) {
  ObjectReader r(value, path);
  PD_TRY(r.check({"type", "queue", "wait_timeout_s", "answer_after_s", "hold_s", "rules", "amd",
                  "amd_s", "amd_destination", "amd_event", "user_event", "user_event_fields",
                  "amd_total_s", "dial_context", "dial_timeout_s", "abandon_event", "abandon_sound",
                  "abandon_playback_s"}));
  context.name = name;
  std::string type;
  PD_TRY(r.read("type", type));
  auto parsed = parse_context_type(type, r.path("type"));
  if (!parsed) return fail(parsed.error());
  context.type = *parsed;
  PD_TRY(r.read("queue", context.queue));
  if (context.type == ContextType::kQueue && context.queue.empty())
    return fail(Error::invalid(path + ".queue: required for type queue"));
  if (r.has("wait_timeout_s")) {
    SimMs wait = 0;
    PD_TRY(r.read_ms("wait_timeout_s", wait));
    context.queue_wait = wait;
  }
  PD_TRY(r.read("answer_after_s", context.answer_after));
  PD_TRY(r.read("hold_s", context.hold));
  if (r.has("rules")) PD_TRY(parse_rules(r.at("rules"), r.path("rules"), context.rules));
  PD_TRY(r.read("amd", context.amd));
  PD_TRY(r.read("amd_s", context.amd_time));
  PD_TRY(r.read("amd_destination", context.amd_destination));
  PD_TRY(r.read("amd_event", context.amd_event));
  PD_TRY(r.read("amd_total_s", context.amd_total));
  PD_TRY(r.read("abandon_event", context.abandon_event));
  PD_TRY(r.read("abandon_sound", context.abandon_sound));
  PD_TRY(r.read("abandon_playback_s", context.abandon_playback));
  if (!context.abandon_event.empty() && context.type != ContextType::kQueue)
    return fail(Error::invalid(path + ".abandon_event: only for type queue"));
  if (!pd::ami::is_valid_value(context.abandon_event) ||
      !pd::ami::is_valid_value(context.abandon_sound))
    return fail(Error::invalid(path + ".abandon_event/abandon_sound: no control characters"));
  PD_TRY(r.read("dial_context", context.dial_context));
  PD_TRY(r.read_ms("dial_timeout_s", context.dial_timeout));
  if (!context.dial_context.empty() && context.type != ContextType::kCustomers)
    return fail(Error::invalid(path + ".dial_context: only for type customers"));
  if (context.dial_timeout <= 0) return fail(Error::invalid(path + ".dial_timeout_s: must be > 0"));
  if (context.amd_event.empty())
    return fail(Error::invalid(path + ".amd_event: must not be empty"));
  if (!pd::ami::is_valid_value(context.amd_event))
    return fail(Error::invalid(path + ".amd_event: must not hold control characters"));
  PD_TRY(r.read("user_event", context.user_event));
  if (!pd::ami::is_valid_value(context.user_event))
    return fail(Error::invalid(path + ".user_event: must not hold control characters"));
  if (r.has("user_event_fields")) {
    const Json::Value& fields = r.at("user_event_fields");
    const std::string where = r.path("user_event_fields");
    if (!fields.isObject()) return fail(Error::invalid(where + ": must be an object of strings"));
    for (const auto& key : fields.getMemberNames()) {
      if (!fields[key].isString())
        return fail(Error::invalid(where + "." + key + ": must be a string"));
      if (!pd::ami::is_valid_key(key))
        return fail(Error::invalid(where + ": \"" + key + "\" is not a valid AMI header name"));
      if (!pd::ami::is_valid_value(fields[key].asString()))
        return fail(Error::invalid(where + "." + key + ": must not hold control characters"));
      context.user_event_fields.emplace_back(key, fields[key].asString());
    }
    if (context.user_event.empty() && !context.user_event_fields.empty())
      return fail(Error::invalid(where + ": needs \"user_event\" (the event's name)"));
  }
  return {};
}

bool is_glob(const std::string& name) {
  return name.find_first_of("*?") != std::string::npos;
}

// Exact names first; among globs, the one with more literal characters wins.
void order_contexts(std::vector<ContextSpec>& contexts) {
  auto literal_chars = [](const std::string& s) {
    return std::count_if(s.begin(), s.end(), [](char c) { return c != '*' && c != '?'; });
  };
  std::stable_sort(contexts.begin(), contexts.end(),
                   [&](const ContextSpec& a, const ContextSpec& b) {
                     const bool ga = is_glob(a.name), gb = is_glob(b.name);
                     if (ga != gb) return !ga;
                     if (!ga) return a.name < b.name;
                     const auto la = literal_chars(a.name), lb = literal_chars(b.name);
                     return la != lb ? la > lb : a.name < b.name;
                   });
}

bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > 79) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c > ' ' && c < 0x7f; });
}

Status validate(const Scenario& sc) {
  std::set<std::string> queue_names;
  for (const auto& q : sc.queues) {
    if (!valid_name(q.name))
      return fail(Error::invalid("queue name \"" + q.name + "\" is invalid"));
    if (!queue_names.insert(q.name).second)
      return fail(Error::invalid("queue \"" + q.name + "\" is listed twice"));
  }
  std::set<std::string> devices;
  for (const auto& a : sc.agents) {
    if (!devices.insert(std::string(device_of_interface(a.interface))).second)
      return fail(Error::invalid("agent " + a.interface + " is listed twice"));
    for (const auto& q : a.queues)
      if (!queue_names.count(q))
        return fail(Error::invalid("agent " + a.interface + ": unknown queue \"" + q + "\""));
  }
  for (const auto& c : sc.contexts) {
    if (!valid_name(c.name))
      return fail(Error::invalid("context name \"" + c.name + "\" is invalid"));
    if (c.type == ContextType::kQueue && !queue_names.count(c.queue))
      return fail(Error::invalid("context " + c.name + ": unknown queue \"" + c.queue + "\""));
    if (!c.dial_context.empty()) {
      const ContextSpec* target = sc.find_context(c.dial_context);
      if (!target || target->type != ContextType::kCustomers || !target->dial_context.empty())
        return fail(Error::invalid("context " + c.name + ": dial_context \"" + c.dial_context +
                                   "\" must be a customers context that dials nobody itself"));
    }
    if (!c.amd_destination.empty()) {
      const ContextSpec* target = sc.find_context(c.amd_destination);
      if (!target)
        return fail(Error::invalid("context " + c.name + ": amd_destination \"" +
                                   c.amd_destination + "\" is not in the contexts map"));
      if (target->amd)
        return fail(Error::invalid("context " + c.name + ": amd_destination \"" +
                                   c.amd_destination + "\" must not run AMD again"));
    }
  }
  for (const auto& u : sc.users)
    if (!valid_name(u.username))
      return fail(Error::invalid("user name \"" + u.username + "\" is invalid"));
  return {};
}

}  // namespace

std::string_view to_string(ContextType type) {
  switch (type) {
    case ContextType::kCustomers:
      return "customers";
    case ContextType::kAgents:
      return "agents";
    case ContextType::kQueue:
      return "queue";
    case ContextType::kIvr:
      return "ivr";
    case ContextType::kInvalidDestination:
      return "invalid_destination";
  }
  return "?";
}

std::string_view to_string(Strategy strategy) {
  switch (strategy) {
    case Strategy::kRrMemory:
      return "rrmemory";
    case Strategy::kLinear:
      return "linear";
    case Strategy::kLeastRecent:
      return "leastrecent";
    case Strategy::kRandom:
      return "random";
    case Strategy::kRingAll:
      return "ringall";
  }
  return "?";
}

std::string_view device_of_interface(std::string_view interface) {
  const size_t first = interface.find('/');
  if (first == std::string_view::npos) return interface;
  const size_t second = interface.find('/', first + 1);
  return second == std::string_view::npos ? interface : interface.substr(0, second);
}

const ContextSpec* Scenario::find_context(std::string_view name) const {
  for (const auto& c : contexts) {
    if (is_glob(c.name) ? glob_matches(c.name, name) : c.name == name) return &c;
  }
  return nullptr;
}

const NumberRule& Scenario::rule_for(const ContextSpec& context, std::string_view number) const {
  return match_rule(context.rules.empty() ? number_rules : context.rules, default_rule, number);
}

const QueueSpec* Scenario::find_queue(std::string_view name) const {
  for (const auto& q : queues)
    if (q.name == name) return &q;
  return nullptr;
}

const AgentSpec* Scenario::find_agent(std::string_view device) const {
  for (const auto& a : agents)
    if (device_of_interface(a.interface) == device) return &a;
  return nullptr;
}

Result<Scenario> parse_scenario(std::string_view json_text) {
  Json::CharReaderBuilder builder;
  builder["allowComments"] = true;
  builder["rejectDupKeys"] = true;
  builder["failIfExtra"] = true;
  Json::Value root;
  std::string errors;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  if (!reader->parse(json_text.data(), json_text.data() + json_text.size(), &root, &errors))
    return fail(Error::invalid("scenario is not valid JSON: " + errors));

  Scenario sc;
  ObjectReader r(root, "scenario");
  PD_TRY(r.check({"description", "seed", "speed", "epoch", "ringing_after_s", "users", "queues",
                  "agent_defaults", "agents", "contexts", "number_rules", "default_outcome"}));
  if (r.has("seed")) {
    if (!r.at("seed").isUInt64())
      return fail(Error::invalid("scenario.seed: must be an unsigned integer"));
    sc.seed = r.at("seed").asUInt64();
  }
  PD_TRY(r.read("speed", sc.speed));
  if (!(sc.speed > 0) || sc.speed > 1e6)
    return fail(Error::invalid("scenario.speed: must be in (0, 1e6]"));
  if (r.has("epoch")) {
    if (!r.at("epoch").isInt64() || r.at("epoch").asInt64() < 0)
      return fail(Error::invalid("scenario.epoch: must be a Unix time in seconds"));
    sc.epoch = r.at("epoch").asInt64();
  }
  PD_TRY(r.read_ms("ringing_after_s", sc.ringing_after));

  if (r.has("users")) {
    const Json::Value& users = r.at("users");
    if (!users.isArray()) return fail(Error::invalid("scenario.users: must be a list"));
    for (Json::ArrayIndex i = 0; i < users.size(); ++i) {
      ObjectReader u(users[i], "scenario.users[" + std::to_string(i) + "]");
      PD_TRY(u.check({"username", "secret"}));
      User user;
      PD_TRY(u.read("username", user.username));
      PD_TRY(u.read("secret", user.secret));
      sc.users.push_back(std::move(user));
    }
  }
  if (r.has("queues")) {
    const Json::Value& queues = r.at("queues");
    if (!queues.isArray()) return fail(Error::invalid("scenario.queues: must be a list"));
    for (Json::ArrayIndex i = 0; i < queues.size(); ++i) {
      QueueSpec queue;
      PD_TRY(parse_queue(queues[i], "scenario.queues[" + std::to_string(i) + "]", queue));
      sc.queues.push_back(std::move(queue));
    }
  }
  if (r.has("agent_defaults")) {
    ObjectReader d(r.at("agent_defaults"), "scenario.agent_defaults");
    PD_TRY(d.check({"answer_delay_s", "talk_s"}));
    PD_TRY(parse_agent_timing(d, sc.agent_defaults));
  }
  if (r.has("agents")) {
    const Json::Value& agents = r.at("agents");
    if (!agents.isArray()) return fail(Error::invalid("scenario.agents: must be a list"));
    for (Json::ArrayIndex i = 0; i < agents.size(); ++i) {
      AgentSpec agent;
      PD_TRY(parse_agent(agents[i], "scenario.agents[" + std::to_string(i) + "]", sc.agent_defaults,
                         agent));
      sc.agents.push_back(std::move(agent));
    }
  }
  if (r.has("contexts")) {
    const Json::Value& contexts = r.at("contexts");
    if (!contexts.isObject()) return fail(Error::invalid("scenario.contexts: must be an object"));
    for (const auto& name : contexts.getMemberNames()) {
      ContextSpec context;
      PD_TRY(parse_context(name, contexts[name], "scenario.contexts[\"" + name + "\"]", context));
      sc.contexts.push_back(std::move(context));
    }
    order_contexts(sc.contexts);
  }
  if (r.has("number_rules"))
    PD_TRY(parse_rules(r.at("number_rules"), "scenario.number_rules", sc.number_rules));
  if (r.has("default_outcome"))
    PD_TRY(parse_rule(r.at("default_outcome"), "scenario.default_outcome", RuleKind::kDefault,
                      sc.default_rule));
  PD_TRY(validate(sc));
  return sc;
}

Result<Scenario> load_scenario_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Error::io("cannot open scenario file " + path));
  std::stringstream text;
  text << in.rdbuf();
  auto scenario = parse_scenario(text.str());
  if (!scenario) return fail(Error{scenario.error().code, path + ": " + scenario.error().message});
  return scenario;
}

}  // namespace pd::sim
