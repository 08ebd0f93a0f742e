// ShowDialPlan over the scenario's contexts, in the shape of main/pbx.c's
// manager_show_dialplan: a list of ListDialplan events (one per priority)
// closed by ShowDialPlanComplete with its counters. pbx-sim has no dialplan,
// so the priorities are a sketch of what each context type does; what a
// client can rely on is which contexts exist (mapped by name or glob) and
// that every extension exists in them. An invalid_destination context is a
// helper that exists but whose Goto target went missing after the check.
#include "pbx.h"

namespace pd::sim {
namespace {

using Step = std::pair<std::string, std::string>;  // application, data

std::vector<Step> sketch(const ContextSpec& c, const Scenario& scenario) {
  std::vector<Step> steps;
  auto seconds = [](SimMs ms) { return std::to_string((ms + 999) / 1000); };
  switch (c.type) {
    case ContextType::kQueue: {
      steps.push_back({"NoOp", "Into queue " + c.queue});
      const QueueSpec* q = scenario.find_queue(c.queue);
      const SimMs wait = c.queue_wait.value_or(q ? q->wait_timeout : 300000);
      steps.push_back({"Queue", c.queue + ",,,," + seconds(wait)});
      break;
    }
    case ContextType::kIvr:
      steps = {{"Answer", ""}, {"Wait", seconds(c.hold.max)}, {"Hangup", ""}};
      break;
    case ContextType::kAgents:
      steps = {{"Ringing", ""}, {"Answer", ""}, {"Wait", "${TALK}"}, {"Hangup", ""}};
      break;
    case ContextType::kCustomers:
      if (c.dial_context.empty()) {
        steps = {{"NoOp", "customer ${EXTEN}"}, {"Answer", ""}, {"Wait", "${TALK}"}};
      } else {
        steps = {{"NoOp", "customer ${EXTEN}"},
                 {"Dial", "Local/${EXTEN}@" + c.dial_context + "," + seconds(c.dial_timeout)},
                 {"UserEvent", "PanelDialerDial,Status: ${DIALSTATUS},CallID: ${PD_CALLID}"},
                 {"Hangup", ""}};
      }
      break;
    case ContextType::kInvalidDestination:
      steps = {{"GotoIf", "$[${DIALPLAN_EXISTS(...)}]?:invalid"},
               {"UserEvent", "PanelDialerDest,Status: INVALID,CallID: ${PD_CALLID}"},
               {"Hangup", ""}};
      break;
  }
  if (c.amd) {
    steps.insert(steps.begin(),
                 {"UserEvent", c.amd_event + ",Status: ${AMDSTATUS},Cause: ${AMDCAUSE}"});
    steps.insert(steps.begin(), {"AMD", ""});
  }
  return steps;
}

bool is_glob_name(const std::string& name) {
  return name.find_first_of("*?") != std::string::npos;
}

}  // namespace

void Pbx::show_dialplan(SessionId session, const ActionView& a) {
  const std::string context(a.get("Context"));
  const std::string exten(a.get("Extension"));
  // Which contexts to list: the one asked for (under its own name, also when
  // a glob maps it), or every context mapped by its exact name.
  std::vector<std::pair<std::string, const ContextSpec*>> list;
  if (!context.empty()) {
    const ContextSpec* spec = scenario_.find_context(context);
    if (!spec) return respond(session, a, "Error", "Did not find context " + context);
    list.emplace_back(context, spec);
  } else {
    for (const auto& spec : scenario_.contexts)
      if (!is_glob_name(spec.name)) list.emplace_back(spec.name, &spec);
  }
  std::string out;
  send_list_start(session, a.action_id(), "DialPlan list will follow", out);
  int64_t priorities = 0;
  for (const auto& [name, spec] : list) {
    const bool numbered =
        spec->type == ContextType::kCustomers || spec->type == ContextType::kAgents;
    const std::string extension = !exten.empty() ? exten : numbered ? "_X." : "s";
    int priority = 0;
    for (const auto& [app, data] : sketch(*spec, scenario_)) {
      FieldList f;
      f.add("Event", "ListDialplan");
      if (!a.action_id().empty()) f.add("ActionID", a.action_id());
      f.add("Context", name)
          .add("Extension", extension)
          .add_int("Priority", ++priority)
          .add("Application", app)
          .add("AppData", data)
          .add("Registrar", "pbx_config");
      send(session, f, out);
      ++priorities;
    }
  }
  FieldList done;
  done.add("Event", "ShowDialPlanComplete");
  if (!a.action_id().empty()) done.add("ActionID", a.action_id());
  done.add("EventList", "Complete")
      .add_int("ListItems", priorities)
      .add_int("ListExtensions", static_cast<int64_t>(list.size()))
      .add_int("ListPriorities", priorities)
      .add_int("ListContexts", static_cast<int64_t>(list.size()));
  send(session, done, out);
  output_.send(session, out);
}

}  // namespace pd::sim
