// Before a campaign dials: is everything it dials into in the PBX's dialplan?
// And what the dashboard says when a campaign cannot dial, since when.
//
// The check (AMI ShowDialPlan; an Error answer means missing) covers the
// campaign's helper context(s), its destination and its AMD destination. It
// runs when the campaigns are (re)loaded, when the AMI link comes up and after
// every `dialplan reload`. A campaign dials only once every answer said
// "exists"; a call whose destination goes missing later is caught by the
// helper context itself (DIALPLAN_EXISTS, see templates/dialplan.tpl).
#include "engine.h"
#include "pd/dialplan/dialplan.h"

namespace pd::plugin {

namespace {

// The queue snapshot (QueueStatus) is complete this long after the link came up.
constexpr int64_t kQueueSnapshotMs = 3000;

struct DialplanTarget {
  std::string what;  // for the problem text
  std::string context;
  std::string exten;  // empty: the context alone
  bool operator==(const DialplanTarget&) const = default;
};

std::vector<DialplanTarget> targets_of(const pd::core::Campaign& campaign) {
  std::vector<DialplanTarget> out;
  const std::string helper = "pd-" + campaign.name;
  if (campaign.mode == pd::core::DialMode::kPreview) {
    out.push_back({"helper context " + helper + "-customer", helper + "-customer", ""});
  } else if (campaign.initial_leg == pd::core::InitialLeg::kLocal) {
    out.push_back({"helper context " + helper + "-local", helper + "-local", ""});
    out.push_back({"helper context " + helper + "-customer", helper + "-customer", ""});
  } else {
    out.push_back({"helper context " + helper + "-dest", helper + "-dest", ""});
  }
  if (auto destination = pd::dialplan::parse_destination(campaign.destination, "destination")) {
    out.push_back(
        {"destination " + campaign.destination, destination->context, destination->exten});
  }
  if (!campaign.destination_amd.empty()) {
    if (auto amd = pd::dialplan::parse_destination(campaign.destination_amd, "AMD destination")) {
      out.push_back({"AMD destination " + campaign.destination_amd, amd->context, amd->exten});
    }
  }
  return out;
}

}  // namespace

bool Engine::dialplan_check_needed(const CampaignRun& run, const PreparedCampaign& next) const {
  if (run.prepared.runnable() != next.runnable() ||
      run.prepared.campaign.enabled != next.campaign.enabled) {
    return true;
  }
  if (!run.dialplan_checked && run.checks_pending == 0) return true;
  return targets_of(run.prepared.campaign) != targets_of(next.campaign);
}

void Engine::check_dialplan(int64_t now) {
  for (auto& [id, run] : campaigns_) check_campaign_dialplan(run, now);
}

void Engine::check_campaign_dialplan(CampaignRun& run, int64_t now) {
  ++run.check_generation;  // answers to an earlier check no longer count
  run.dialplan_checked = false;
  run.checks_pending = 0;
  if (!ami_up_ || !run.runnable()) return;
  for (auto& target : targets_of(run.prepared.campaign)) {
    Fields fields{{"Action", "ShowDialPlan"}, {"Context", target.context}};
    if (!target.exten.empty()) fields.emplace_back("Extension", target.exten);
    auto sent = host_.send_action(fields);
    if (!sent) {
      host_.log(PD_LOG_WARN, "campaign '" + run.prepared.campaign.name +
                                 "': dialplan check not sent (" + sent.error().message +
                                 "); tried again at the next reconnect or reload");
      ++run.check_generation;
      run.checks_pending = 0;
      return;
    }
    PendingAction check;
    check.kind = PendingAction::Kind::kDialplanCheck;
    check.sent_ms = now;
    check.campaign_id = run.id();
    check.generation = run.check_generation;
    check.what = std::move(target.what);
    pending_.insert_or_assign(std::move(*sent), std::move(check));
    ++run.checks_pending;
  }
  // Until the answers say otherwise, what was missing stays missing.
}

void Engine::dialplan_check_answered(const PendingAction& check, bool exists,
                                     std::string_view message, int64_t now) {
  auto it = campaigns_.find(check.campaign_id);
  if (it == campaigns_.end()) return;
  CampaignRun& run = it->second;
  if (check.generation != run.check_generation || run.checks_pending <= 0) return;
  if (!exists) {
    const std::string problem = check.what + " is not in the dialplan" +
                                (message.empty() ? "" : " (" + std::string(message) + ")");
    if (run.checks_failed == 0) {
      if (problem != run.dialplan_problem) run.dialplan_problem_ms = now;
      run.dialplan_problem = problem;
    }
    ++run.checks_failed;
  }
  if (--run.checks_pending > 0) return;
  run.dialplan_checked = true;
  const std::string& name = run.prepared.campaign.name;
  if (run.checks_failed == 0) {
    if (!run.dialplan_problem.empty()) {
      host_.log(PD_LOG_INFO, "campaign '" + name + "': the dialplan is complete again");
    }
    run.dialplan_problem.clear();
  } else {
    host_.log(PD_LOG_ERROR, "campaign '" + name + "' will not dial: " + run.dialplan_problem);
  }
  run.checks_failed = 0;
  publish_status(now);
}

// The first reason, in this order: the campaign's own settings, the AMI
// link, the dialplan, a queue nobody is logged in to. `since_ms` is when it
// began, 0 when that is "now" for a new problem.
std::string Engine::current_problem(const CampaignRun& run, int64_t& since_ms, int64_t now) const {
  since_ms = 0;
  if (!run.prepared.runnable()) return run.prepared.error;
  if (!run.prepared.campaign.enabled) return "";
  if (!ami_up_) {
    since_ms = link_lost_ms_;
    return "AMI link down";
  }
  if (!run.dialplan_problem.empty()) {
    since_ms = run.dialplan_problem_ms;
    return run.dialplan_problem;
  }
  const pd::core::Campaign& campaign = run.prepared.campaign;
  if (campaign.mode != pd::core::DialMode::kAutomatic && !campaign.queue_name.empty() &&
      now - link_up_ms_ >= kQueueSnapshotMs && queues_.member_count(campaign.queue_name) == 0) {
    return "queue " + campaign.queue_name + " has no logged-in members";
  }
  return "";
}

}  // namespace pd::plugin
