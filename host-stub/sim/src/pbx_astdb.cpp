// The AstDB actions (DBPut, DBGet, DBGetTree, DBDel, DBDelTree) with the
// replies of Asterisk's main/db.c, and the milestones PanelDialer's helper
// dialplan writes for every call that carries __PD_CALLID (family
// "paneldialer", key "<callid>/<name>"): pbx-sim has no dialplan, so it writes
// them itself at the simulated moment they happen, stamped with the wall clock.
#include <chrono>
#include <iostream>

#include "pbx.h"

namespace pd::sim {
namespace {

constexpr std::string_view kFamily = "paneldialer";

}  // namespace

// ------------------------------------------------------------ actions

void Pbx::db_put(SessionId session, const ActionView& a) {
  const std::string_view family = a.get("Family");
  const std::string_view key = a.get("Key");
  if (family.empty()) return respond(session, a, "Error", "No family specified");
  if (key.empty()) return respond(session, a, "Error", "No key specified");
  // MAX_DB_FIELD: "/family/key" must fit 256 bytes.
  if (family.size() + key.size() + 2 > 255)
    return respond(session, a, "Error", "Failed to update entry");
  if (auto s = astdb_->put(family, key, a.get("Val")); !s) {
    std::cerr << "pbx-sim: " << s.error().describe() << "\n";
    return respond(session, a, "Error", "Failed to update entry");
  }
  respond(session, a, "Success", "Updated database successfully");
}

void Pbx::db_get(SessionId session, const ActionView& a) {
  const std::string_view family = a.get("Family");
  const std::string_view key = a.get("Key");
  if (family.empty()) return respond(session, a, "Error", "No family specified.");
  if (key.empty()) return respond(session, a, "Error", "No key specified.");
  const std::string* value = astdb_->get(family, key);
  if (!value) return respond(session, a, "Error", "Database entry not found");
  std::string out;
  send_list_start(session, a.action_id(), "Result will follow", out);
  FieldList f;
  f.add("Event", "DBGetResponse").add("Family", family).add("Key", key).add("Val", *value);
  if (!a.action_id().empty()) f.add("ActionID", a.action_id());
  send(session, f, out);
  send_list_complete(session, a.action_id(), "DBGetComplete", 1, out);
  output_.send(session, out);
}

// Not in the main/db.c this was modelled on (see README): the DBGet list
// shape, one DBGetTreeResponse per entry, Key relative to the family.
void Pbx::db_get_tree(SessionId session, const ActionView& a) {
  const std::string_view family = a.get("Family");
  const std::string_view key = a.get("Key");
  if (family.empty()) return respond(session, a, "Error", "No family specified.");
  const auto entries = astdb_->tree(family, key);
  if (entries.empty()) return respond(session, a, "Error", "Database entry not found");
  std::string out;
  send_list_start(session, a.action_id(), "Result will follow", out);
  const size_t skip = family.size() + 2;  // "/family/"
  for (const auto& [full, value] : entries) {
    FieldList f;
    f.add("Event", "DBGetTreeResponse")
        .add("Family", family)
        .add("Key", std::string_view(full).substr(std::min(skip, full.size())))
        .add("Val", value);
    if (!a.action_id().empty()) f.add("ActionID", a.action_id());
    send(session, f, out);
  }
  send_list_complete(session, a.action_id(), "DBGetTreeComplete",
                     static_cast<int64_t>(entries.size()), out);
  output_.send(session, out);
}

// ast_db_del's DELETE succeeds whether or not the key was there, so a missing
// key is "deleted successfully" too (main/db.c).
void Pbx::db_del(SessionId session, const ActionView& a) {
  const std::string_view family = a.get("Family");
  const std::string_view key = a.get("Key");
  if (family.empty()) return respond(session, a, "Error", "No family specified.");
  if (key.empty()) return respond(session, a, "Error", "No key specified.");
  if (auto deleted = astdb_->del(family, key); !deleted) {
    std::cerr << "pbx-sim: " << deleted.error().describe() << "\n";
    return respond(session, a, "Error", "Database entry not found");
  }
  respond(session, a, "Success", "Key deleted successfully");
}

void Pbx::db_del_tree(SessionId session, const ActionView& a) {
  const std::string_view family = a.get("Family");
  if (family.empty()) return respond(session, a, "Error", "No family specified.");
  auto deleted = astdb_->del_tree(family, a.get("Key"));
  if (!deleted) {
    std::cerr << "pbx-sim: " << deleted.error().describe() << "\n";
    return respond(session, a, "Error", "Database unavailable");
  }
  if (*deleted == 0) return respond(session, a, "Error", "Database entry not found");
  respond(session, a, "Success", "Key tree deleted successfully");
}

// ------------------------------------------------------------ milestones

void Pbx::milestone(const Call& call, std::string_view name, std::string_view value) {
  if (call.pd_callid.empty()) return;
  // The helper dialplan writes it with Set(DB(paneldialer/<id>/<name>)=...):
  // one Newexten on ;1 in the full event mix.
  if (verbose_ && call.legs[kA1] != 0) {
    if (auto c = channels_.find(call.legs[kA1]); c != channels_.end()) {
      ev_newexten(c->second, "Set",
                  "DB(" + std::string(kFamily) + "/" + call.pd_callid + "/" + std::string(name) +
                      ")=" + std::string(value));
    }
  }
  if (auto s = astdb_->put(kFamily, call.pd_callid + "/" + std::string(name), value); !s)
    std::cerr << "pbx-sim: AstDB milestone not saved: " << s.error().describe() << "\n";
}

// Wall-clock time, not the simulated clock: at a speed factor the simulated
// epoch runs ahead of the real one, and the times a client compares these
// with (its own, its database's) are wall-clock times, as on a real PBX.
void Pbx::milestone_now(const Call& call, std::string_view name) {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  milestone(call, name, std::to_string(now.count()));
}

// The hangup handler the Originate pushes on its own ;1 (Uniqueid = call id).
void Pbx::hangup_milestones(const Channel& c, int cause) {
  const Call* call = nullptr;
  if (auto it = calls_.find(c.call_id); it != calls_.end()) call = &it->second;
  if (!call || call->pd_callid.empty() || call->legs[kA1] != c.id) return;
  // The handler is pushed by the helper context, so a call whose ;1 never
  // answered (busy, no answer, a failed Originate) ran no dialplan there and
  // records nothing.
  if (!call->answered) return;
  if (!call->agent_interface.empty()) milestone(*call, "agent", call->agent_interface);
  milestone_now(*call, "ended");
  milestone(*call, "cause", std::to_string(cause));
}

}  // namespace pd::sim
