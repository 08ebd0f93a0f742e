#include "pd/core/originate_builder.h"

#include "pd/core/names.h"

namespace pd::core {
namespace {

pd::Error bad(std::string_view field, std::string_view why) {
  return pd::Error::invalid("Originate " + std::string(field) + ": " + std::string(why));
}

bool reserved_name(std::string_view name) {
  // PD_* and its inherited forms _PD_* / __PD_* belong to the engine.
  while (name.starts_with('_')) name.remove_prefix(1);
  return name.starts_with("PD_");
}

}  // namespace

pd::Result<std::vector<std::pair<std::string, std::string>>> parse_variables(
    std::string_view variables) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t begin = 0;
  while (begin < variables.size()) {
    size_t end = variables.find('|', begin);
    if (end == std::string_view::npos) end = variables.size();
    const std::string_view item = variables.substr(begin, end - begin);
    begin = end + 1;
    if (item.empty()) continue;
    const size_t equals = item.find('=');
    const std::string_view name = item.substr(0, equals);
    const std::string_view value =
        equals == std::string_view::npos ? std::string_view() : item.substr(equals + 1);
    if (!is_variable_name(name)) {
      return pd::fail(bad("variable",
                          "a name must be letters, digits and _, not starting with "
                          "a digit (got a bad one in the number's variables)"));
    }
    if (reserved_name(name)) {
      return pd::fail(bad("variable", "the name " + std::string(name) + " is reserved (PD_*)"));
    }
    if (has_control_chars(value) || value.size() > 1000) {
      return pd::fail(bad("variable", "the value of " + std::string(name) +
                                          " holds a control character (CR, LF...) or is too long"));
    }
    // Asterisk splits a Variable header on ',' and eats quotes and
    // backslashes (AST_STANDARD_APP_ARGS): "x,PD_X=y" would set a second one.
    if (value.find_first_of(",\"\\") != std::string_view::npos) {
      return pd::fail(bad("variable", "the value of " + std::string(name) +
                                          " may not hold , \" or \\ (Asterisk splits on them)"));
    }
    out.emplace_back(std::string(name), std::string(value));
  }
  return out;
}

pd::Status check_variables(std::string_view variables) {
  auto fail = [](std::string_view why) {
    return pd::fail(pd::Error::invalid("variables: " + std::string(why)));
  };
  if (variables.empty()) return {};
  if (variables.size() > 1000) return fail("longer than 1000 bytes");
  if (!is_valid_utf8(variables)) return fail("not valid UTF-8 text");
  // Every item, empty ones included ("a=1||b=2", "a=1|"), needs its '='.
  std::string_view rest = variables;
  while (true) {
    const size_t bar = rest.find('|');
    if (rest.substr(0, bar).find('=') == std::string_view::npos) {
      return fail("write name=value pairs separated by |, e.g. a=1|b=2");
    }
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 1);
  }
  // Names and values: exactly the engine's dial-time rules.
  auto parsed = parse_variables(variables);
  if (!parsed) return pd::fail(std::move(parsed.error()));
  return {};
}

pd::Result<std::vector<OriginateField>> build_originate(const OriginateRequest& r) {
  if (!is_dialable_number(r.number)) {
    return pd::fail(
        bad("number", "a number may hold only 0-9, * and #, after an optional + (1 to 32)"));
  }
  if (!is_dial_prefix(r.dial_prefix)) {
    return pd::fail(bad("dial prefix", "may hold only 0-9, * and # (16 at most)"));
  }
  if (!is_campaign_name(r.campaign_name)) {
    return pd::fail(bad("campaign", "the name must be 1 to 64 of A-Z a-z 0-9 _ -"));
  }
  if (!is_call_id(r.call_id)) {
    return pd::fail(bad("ChannelId", "the call id must be 1 to 64 of A-Z a-z 0-9 _ . -"));
  }
  if (has_control_chars(r.action_id) || r.action_id.size() > 128) {
    return pd::fail(bad("ActionID", "holds a control character or is too long"));
  }
  if (r.timeout_ms < 1 || r.timeout_ms > 600000) {
    return pd::fail(bad("Timeout", "must be 1 to 600000 ms"));
  }
  const std::string_view caller_id =
      r.number_caller_id.empty() ? r.campaign_caller_id : r.number_caller_id;
  if (!is_caller_id(caller_id)) {
    return pd::fail(
        bad("CallerID", "holds a control character, is not UTF-8 or is longer than 80 bytes"));
  }
  auto variables = parse_variables(r.variables);
  if (!variables) return pd::fail(std::move(variables.error()));

  const std::string dest = std::string(r.dial_prefix) + std::string(r.number);
  const std::string prefix = "pd-" + std::string(r.campaign_name);
  std::string channel, context, exten;
  if (r.preview) {
    if (!is_interface(r.agent_interface)) {
      return pd::fail(bad("Channel",
                          "the agent interface must be 1 to 128 of "
                          "A-Z a-z 0-9 _ . @ / : + * # -"));
    }
    channel = std::string(r.agent_interface);
    context = prefix + "-customer";
    exten = dest;
  } else if (r.leg == InitialLeg::kLocal) {
    channel = "Local/s@" + prefix + "-local";
    context = prefix + "-customer";
    exten = dest;
  } else {
    if (!is_dialplan_name(r.dial_context)) {
      return pd::fail(bad("Channel", "the dial context must be 1 to 64 of A-Z a-z 0-9 _ . -"));
    }
    channel = "Local/" + dest + "@" + std::string(r.dial_context);
    context = prefix + "-dest";
    exten = "s";
  }

  std::vector<OriginateField> fields;
  fields.reserve(12 + variables->size());
  fields.push_back({"Action", "Originate"});
  if (!r.action_id.empty()) fields.push_back({"ActionID", std::string(r.action_id)});
  fields.push_back({"Channel", std::move(channel)});
  fields.push_back({"Context", std::move(context)});
  fields.push_back({"Exten", std::move(exten)});
  fields.push_back({"Priority", "1"});
  fields.push_back({"Timeout", std::to_string(r.timeout_ms)});
  if (!caller_id.empty()) fields.push_back({"CallerID", std::string(caller_id)});
  fields.push_back({"Async", "true"});
  fields.push_back({"ChannelId", std::string(r.call_id)});
  for (auto& [name, value] : *variables) {
    fields.push_back({"Variable", std::move(name) + "=" + std::move(value)});
  }
  fields.push_back({"Variable", "__PD_CALLID=" + std::string(r.call_id)});
  fields.push_back({"Variable", "__PD_CAMPAIGN=" + std::to_string(r.campaign_id)});
  return fields;
}

}  // namespace pd::core
