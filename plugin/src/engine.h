// The dialing engine: the adapter that joins the pure core (pacing,
// schedules, call state, retries), the store worker (MySQL), the dialplan
// writer, the preview renderer and the host's services.
//
// Threads: every public member runs on the host loop (the ABI's rule). The
// store's answers come back through the host's post() and are checked
// against `alive_` so none runs after stop().
//
// The path of one call, one step per file:
//   engine_pacing.cpp    for each campaign that may dial (inside its hours,
//                        dialplan checked), the Pacer says how many calls to
//                        start; leads come from the campaign's hopper
//                        (CampaignRun, refilled by claims ahead of need); the
//                        last do-not-call lookup and the dial gate
//                        (pd/core/dial_gate.h) decide each lead;
//   engine_originate.cpp the Originate, the call table entry, the start row;
//   engine_calls.cpp     the call's AMI events, its answer and its result
//                        (retry rules), the agent's prompt;
//   engine_agents.cpp    preview cards (a lead claimed per free agent as its
//                        card is made, no hopper), panels and dispositions
//                        (the decisions are pd::core::AgentDesk's).
// Around them: engine.cpp (life, configuration, link, ticks, housekeeping),
// engine_recovery.cpp (adopted calls, reconciliation, milestones:
// docs/milestones.md), engine_checks.cpp (dialplan checks, dashboard problems).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "api_requests.h"
#include "background.h"
#include "campaign_run.h"
#include "campaign_setup.h"
#include "host_link.h"
#include "lead_store.h"
#include "panel_messages.h"
#include "pd/core/agent_desk.h"
#include "pd/core/agent_pause.h"
#include "pd/core/ami_event.h"
#include "pd/core/call_progress.h"
#include "pd/core/call_table.h"
#include "pd/core/clock.h"
#include "pd/core/contact_cards.h"
#include "pd/core/dial_gate.h"
#include "pd/core/lead.h"
#include "pd/core/originate_refusal.h"
#include "pd/core/pacer.h"
#include "pd/core/queue_view.h"
#include "pd/core/retry_policy.h"
#include "pd/core/string_map.h"
#include "plugin_config.h"

namespace pd::plugin {

// Engine time (epoch ms, from the injected clock) as the store's records hold it.
inline pd::store::TimePoint time_of(int64_t epoch_ms) {
  return pd::store::TimePoint(std::chrono::milliseconds(epoch_ms));
}

// Microseconds from a queue event that let a campaign dial (an agent became
// free) to the Originate it led to, including the last do-not-call check;
// kept for the stop-time log line (bench-campaign reads it).
struct LatencySamples {
  std::vector<int64_t> us;
  void add(int64_t value) {
    if (us.size() < 200000) us.push_back(value);
  }
  // The p-th percentile in milliseconds (0 when empty).
  double percentile_ms(double p) const;
};

// An id for the call-log row (and contact card) of an inbound queue call:
// "in-" and its Linkedid, kept to the characters a call id may hold.
std::string inbound_call_id(std::string_view linkedid);

// How often the numbers of the preview cards on screen are checked against
// the do-not-call list: a number listed while its card is shown is withdrawn
// within this (plus the lookup's own time).
inline constexpr int64_t kCardDncCheckMs = 3000;

// Callbacks: how often the due personal callbacks of free agents are claimed,
// how often expired ones are opened to anyone (at most kCallbackOpenLimit a
// call), and how long an agent who skipped a card gets no callback card.
inline constexpr int64_t kCallbackClaimMs = 5000;
inline constexpr int64_t kCallbackOpenMs = 30000;
inline constexpr size_t kCallbackOpenLimit = 500;
inline constexpr int64_t kCallbackSkipBackoffMs = 60000;

// The dashboard's chart: a sample of each campaign's pacing figures a minute,
// kept kSampleKeepDays; the compliance audit is kept PluginConfig::
// audit_keep_days. Each minute deletes at most kPurgeLimit rows of each
// (a backlog after a long stop goes over the following minutes).
inline constexpr int64_t kSampleMs = 60000;
inline constexpr int64_t kSampleKeepDays = 7;
inline constexpr size_t kPurgeLimit = 5000;
// The HTTP API (engine_api.cpp): its routes' prefix (docs/API.md), how long
// a preview reserve waits for the engine to reserve a lead for its agent,
// and how many such waits are kept at once (503 beyond; the host bounds its
// requests in flight too).
inline constexpr const char* kApiPrefix = "/api/v1/";
inline constexpr int64_t kApiReserveWaitMs = 8000;
inline constexpr size_t kMaxApiReserves = 64;

// Call writes the server refused since the engine started (the store dropped
// them); the heartbeat carries them to the dashboard.
struct WriteRefusals {
  uint32_t count = 0;
  std::string last_error;
  int64_t last_at_ms = 0;  // wall clock (Clock::now_ms) of the last one
};

struct EngineStats {
  uint64_t originates = 0;
  uint64_t originate_refusals = 0;  // the host or Asterisk refused the action
  uint64_t originates_queued = 0;   // of the originates, those that waited in the host
  int64_t host_wait_max_ms = 0;     // the longest such wait (hand-off to write)
  uint64_t queued_dropped = 0;      // queued calls the host dropped with the link
  uint64_t id_refusals = 0;         // refused before any channel existed (id in use)
  uint64_t calls_ended = 0;
  uint64_t dnc_skipped = 0;
  uint64_t claims = 0;
  uint64_t audits_unqueued = 0;  // audit rows the write queue refused (full: kLimit)
  LatencySamples agent_to_originate;
};

class Engine {
 public:
  // The plugin's engine: MySQL workers (WorkerLeadStore), a background
  // thread, the system clock. Errors: a bad configuration or DSN.
  static pd::Result<std::unique_ptr<Engine>> start(const pd_host_services_v1* services,
                                                   std::string_view config_json);
  // Any parts, e.g. fakes in unit tests. `services` and `clock` must outlive
  // the engine; it owns `store` and `background`.
  static std::unique_ptr<Engine> create(const pd_host_services_v1* services, PluginConfig config,
                                        std::unique_ptr<LeadStore> store,
                                        std::unique_ptr<Background> background,
                                        const pd::core::Clock& clock);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void on_ami_message(const pd_ami_field* fields, size_t n_fields);
  void on_ami_link(bool up);
  // The host wrote an action of ours to the AMI socket (ABI 2.2): a queued
  // call starts now (its start row is written with this time).
  void on_ami_written(std::string_view action_id, int64_t written_epoch_ms);
  void on_panel_message(std::string_view agent, std::string_view json);
  void on_tick(uint64_t monotonic_ms);
  void stop();
  // A request under kApiPrefix (ABI 2.3): routed, checked and answered
  // through the host's http_reply, now or when its store job is done.
  // Always PD_OK (every request gets an answer, an error included).
  int on_http_request(const pd_http_request& request);

  // The live pacing figures of a campaign this engine runs (null when it
  // runs none by that id). The pacing writes them; the status row, the
  // minute's sample and each Originate's compliance audit read them. Tests
  // set them. Host loop only; valid until the next configuration change.
  pd::core::PacingFigures* pacing_figures(int64_t campaign_id);

 private:
  // An AMI action whose answer the engine waits for, by ActionID. At most one
  // per call in flight (milestones) plus a few per campaign (checks): bounded
  // by the call table and the campaigns; dropped when the link goes down and
  // expired after kPendingActionMs.
  struct PendingAction {
    enum class Kind { kMilestones, kDeleteMilestones, kDialplanCheck, kReload };
    Kind kind = Kind::kMilestones;
    int64_t sent_ms = 0;
    std::string call_id;              // kMilestones, kDeleteMilestones
    bool finish = false;              // kMilestones: no channel of the call is left
    pd::core::Milestones milestones;  // kMilestones, filled by DBGetTreeResponse
    int64_t campaign_id = 0;          // kDialplanCheck
    int generation = 0;               // kDialplanCheck: CampaignRun::check_generation
    std::string what;                 // kDialplanCheck: "destination ivr-1,s,1"
  };

  // What the engine remembers of a call it placed, besides the core's state.
  struct LiveCall {
    pd::core::Lead lead;
    int64_t campaign_id = 0;
    std::string campaign_name;
    pd::store::TimePoint started_at{};
    std::string agent;  // extension of the agent on it (preview: from the start)
    bool preview = false;
    bool adopted = false;         // started by an earlier run: its events before now are unknown
    int64_t handed_ms = 0;        // when the Originate was handed to the host
    bool start_recorded = false;  // the AttemptStart was submitted
    // The progress last sent to the agent's panel (engine_progress.cpp).
    std::optional<pd::core::CallProgress> shown;
    // Predictive: the dial's place in PredictiveRun::dials (0: none), and
    // whether the call was counted in the window already (its abandon event).
    uint64_t dial_seq = 0;
    bool window_counted = false;
  };

  Engine(const pd_host_services_v1* services, PluginConfig config, std::unique_ptr<LeadStore> store,
         std::unique_ptr<Background> background, const pd::core::Clock& clock);

  // engine.cpp: configuration, link, ticks, housekeeping.
  void apply_config(pd::store::ConfigSnapshot snapshot);
  void install_campaigns(EngineSettings settings, std::vector<PreparedCampaign> prepared,
                         std::string dialplan_block_error, bool dialplan_changed);
  void retire_campaign(CampaignRun& run, std::string_view why);
  void heartbeat();
  // A call write the store refused: logged, counted for the heartbeat.
  void write_refused(const pd::Error& error);
  void publish_status(int64_t now_ms);
  // Once a minute: each campaign's figures as a sample (the day's chart),
  // and the bounded purge of old audit rows and samples.
  void publish_samples(int64_t now_ms);
  void renew_leases();
  void publish_queues();
  void release_leads(std::vector<uint64_t> ids);
  void defer_leads(std::vector<uint64_t> ids, pd::core::EpochS not_before);
  void drop_waiting_leads(std::string_view why);
  void background_failed(std::string_view what, const pd::Error& error);
  void finish_unused(std::vector<uint64_t> ids, pd::store::NumberState state,
                     std::string reason = {});
  std::vector<uint64_t> unused_leads();
  void try_migrate(int64_t now_ms);
  void send_command(const std::string& command);

  // engine_pacing.cpp: which leads to dial now.
  void pace(int64_t now_ms);
  void pace_one(CampaignRun& run, int64_t now_ms);
  void pace_queue(std::string_view queue, int64_t now_ms);
  bool may_pace() const;
  void pace_campaign(CampaignRun& run, int64_t now_ms);
  // engine_predictive.cpp: predictive mode. How many calls the predictive
  // pacer wants now (one per free agent until the window is read, or when
  // the rate reached the target); fills run.figures.
  int predictive_wanted(CampaignRun& run, const pd::core::PacingInput& input, int64_t now_ms);
  // Reads the campaign's window counts from dialer_calls (once, retried
  // after a failure).
  void load_abandon_window(CampaignRun& run, int64_t now_ms);
  // A call of a predictive campaign: placed (its dial's sequence number),
  // abandoned (PanelDialerAbandon), ended (estimates and window).
  void predictive_placed(CampaignRun& run, LiveCall& live);
  void predictive_abandoned(LiveCall& live, const pd::core::CallState& call);
  void predictive_ended(LiveCall& live, const pd::core::CallState& call);
  void predictive_wrapup_ended(const pd::core::Wrapup& wrapup, int64_t ended_ms);
  // The Originate's Timeout for the campaign: predictive rings at least its
  // minimum ring seconds.
  int dial_timeout_ms(const pd::core::Campaign& campaign) const;
  void refill(CampaignRun& run, int64_t now_ms);
  void start_calls(CampaignRun& run, std::vector<pd::core::Lead> leads);
  // Carries out the dial gate's answer for a lead it turned away: closes it
  // (do-not-call, failed with the reason), gives it back (now, or not before
  // its own hours), or keeps it first in the hopper (the lookup failed).
  void turn_away(CampaignRun& run, pd::core::Lead lead, const pd::core::GateDecision& decision);
  // engine_originate.cpp. The call id, or nothing when the lead could not be
  // dialed (it was put back or marked, and the reason logged).
  // `dnc` is what the last do-not-call lookup said (the compliance audit
  // records it; the dial gate let the lead through on it).
  std::optional<std::string> originate(CampaignRun& run, const pd::core::Lead& lead,
                                       const std::string& agent_interface, const std::string& agent,
                                       pd::core::DncAnswer dnc);
  // The Originate's compliance audit row (pd/core/compliance.h), queued with
  // the call writes (written in batches by the store's writer thread).
  void record_audit(const CampaignRun& run, const pd::core::Lead& lead, const std::string& call_id,
                    pd::core::DncAnswer dnc, int64_t now_ms);
  std::string next_call_id();
  // The call's start row, at live.started_at (the write time when the host
  // reports it, else the hand-off).
  void record_start(const std::string& call_id, LiveCall& live);
  // Reads the host's queue and cap (ami_pacing) into host_queue_; says once
  // when the cap cannot carry the calls-per-second setting.
  void refresh_host_queue();
  // Calls whose Originate the host dropped with its queue (the link went
  // down before it was written): ended as never dialed.
  void end_queued_calls(int64_t now_ms);
  int starting_total() const;

  // engine_calls.cpp: a call's events and its result.
  static bool wanted(const pd_ami_field* fields, size_t n_fields);
  void handle_call_changes(pd::core::CallState& call, pd::core::CallChanges changes,
                           const pd::core::AmiEvent& event);
  void finish_call(const std::string& call_id);
  void withdraw_refused(const std::string& call_id, LiveCall live,
                        const pd::core::RefusalDecision& refusal);
  void close_same_name(int64_t campaign_id, const pd::core::Lead& reached);
  void expire_calls(int64_t now_ms);

  // engine_recovery.cpp: what happened while the engine was away - adopted
  // calls after a restart, reconciliation after a reconnect, the milestones
  // the helper dialplan wrote to the Asterisk database (docs/milestones.md).
  void recover_own_leads();
  void adopt_calls(std::vector<OpenCall> calls, int64_t now_ms);
  void reconcile_calls(int64_t now_ms);
  void reconcile_finished(int64_t now_ms);
  void request_milestones(const std::string& call_id, bool finish, int64_t now_ms);
  void milestones_read(const std::string& call_id, const pd::core::Milestones* milestones,
                       bool finish);
  void milestone_read_ended(const PendingAction& read, const pd::core::Milestones* milestones);
  void delete_milestones(const std::string& call_id, int64_t now_ms);
  // Routes a reply to an action in pending_; false when the ActionID is not one.
  bool on_pending_reply(const pd::core::AmiEvent& event, int64_t now_ms);
  void expire_pending(int64_t now_ms);

  // engine_checks.cpp: the dialplan check of each campaign and the problems
  // the dashboard shows.
  void check_dialplan(int64_t now_ms);
  void check_campaign_dialplan(CampaignRun& run, int64_t now_ms);
  // False when `next` dials into what `run` already checked (or is checking).
  bool dialplan_check_needed(const CampaignRun& run, const PreparedCampaign& next) const;
  void dialplan_check_answered(const PendingAction& check, bool exists, std::string_view message,
                               int64_t now_ms);
  std::string current_problem(const CampaignRun& run, int64_t& since_ms, int64_t now_ms) const;

  // engine_agents.cpp: panels, preview cards, dispositions, inbound calls.
  // The decisions are desk_'s; these carry them out.
  // Preview pacing: a card per agent who can take one (desk_.preview_seats),
  // no lead claimed ahead of a seat. Claims one lead for each such agent not
  // already waiting for a claim (preview_claims_), at most kMaxClaimBatch in
  // one claim, so the leads in flight never outnumber the seats.
  void pace_preview(CampaignRun& run, int64_t now_ms);
  // A preview claim made for `agents` answered: each of them still free gets
  // the next lead that passes the gate, in the store's (priority) order;
  // leads left over (the agent left, paused or closed the panel meanwhile)
  // go back at once.
  void preview_claimed(int64_t campaign_id, const std::vector<std::string>& agents,
                       pd::Result<std::vector<pd::core::Lead>> leads);
  // Shows a claimed lead on the seat's agent's panel and reserves it; when the
  // card cannot be rendered or reserved the lead goes back to the store.
  // `callback`: the agent's own personal callback (the card says so).
  void show_card(CampaignRun& run, const pd::core::PreviewSeat& seat, pd::core::Lead lead,
                 bool callback = false);
  // Every kCardDncCheckMs: one do-not-call lookup for the numbers of all
  // shown cards not being dialed (at most one card per agent, one lookup in
  // flight). A listed card is withdrawn (preview.clear "do-not-call") and its
  // lead finished as dnc.
  void check_card_numbers(int64_t now_ms);
  // `shown`: (agent, lead id) of the cards whose numbers were looked up.
  void card_numbers_checked(const std::vector<std::pair<std::string, uint64_t>>& shown,
                            pd::Result<std::vector<std::string>> listed);
  // The card's panel message, or nothing (the agent was told, the error logged).
  std::optional<std::string> render_card(const CampaignRun& run, const std::string& agent,
                                         const pd::core::Lead& lead, bool callback = false);
  // Takes the agent's card away unless it is being dialed, and gives its lead
  // back to the campaign.
  void give_back_card(const std::string& agent, std::string_view reason);
  void preview_dial(const std::string& agent, uint64_t lead);
  void preview_dial_checked(const std::string& agent, uint64_t lead,
                            pd::Result<std::vector<std::string>> listed);
  void preview_skip(const std::string& agent, uint64_t lead, bool close);
  // A callback disposition needs `callback` (the customer's local time, for
  // the agent only or anyone): pd::core::plan_callback checks it, and the
  // AgentTag schedules the number; a refused time is an error to the panel
  // and the prompt stays.
  void set_disposition(const std::string& agent, const std::string& call_id,
                       const std::string& disposition,
                       const std::optional<PanelRequest::Callback>& callback);
  void disposition_written(const std::string& agent, const std::string& call_id,
                           const std::string& disposition, const pd::Result<size_t>& written,
                           const std::optional<SavedCallback>& callback);
  // Stores the prompt (PendingPrompt write), lists it on the desk, tells the panel.
  void prompt_disposition(const std::string& agent, pd::core::DispositionPrompt prompt);
  // Reads the agent's stored prompts; the desk merges them (prompts_loaded).
  void load_prompts(const std::string& agent);
  void prompts_loaded(const std::string& agent, pd::Result<pd::store::PendingPrompts> loaded);
  // disposition.pending: the desk's list and count, to an open panel.
  void send_pending(const std::string& agent);
  void inbound_completed(const pd::core::AmiEvent& event);
  void send_agent_state(const std::string& agent);

  // engine_callbacks.cpp: personal callbacks (pd/core/callback.h).
  // Every kCallbackClaimMs: claims the due personal callbacks of the agents
  // who may take a card now (AgentDesk::callback_seats, not paused or in
  // wrap-up, not backing off after a Skip), one claim in flight; each is
  // shown as a preview card to its agent, whatever the campaign's mode (Dial
  // places it through the preview Originate path). A callback that cannot
  // be shown goes back (release: to its agent again until the grace ends).
  void claim_due_callbacks(int64_t now_ms);
  void callbacks_claimed(pd::Result<std::vector<ClaimedCallback>> claimed);
  // Every kCallbackOpenMs: personal callbacks whose grace is over go to anyone.
  void open_expired_callbacks(int64_t now_ms);

  // engine_progress.cpp: the steps of the agent's call as events reported
  // them (pd/core/call_progress.h), and the agent's status with them.
  // Sends call.progress (and agent.state) when what the panel shows changed.
  void report_progress(const std::string& call_id);
  // The ended call's last progress (its result's outcome); `live` has left live_.
  void report_ended(LiveCall& live, const pd::core::CallState& call);
  void send_progress(const LiveCall& live, const std::string& call_id,
                     const pd::core::CallProgress& progress, std::string_view dial_status = {});
  // On panel.open: the live call's progress and every contact card again.
  void resend_call_view(const std::string& agent);

  // engine_screen_pop.cpp: the contact card of the calls that reach an agent
  // (pd/core/contact_cards.h decides how long each stays).
  void pop_contact(const std::string& agent, const std::string& call_id, const LiveCall& live);
  // An AgentConnect of a call that is not ours, in a queue named like a campaign.
  void pop_inbound_contact(const pd::core::AmiEvent& event);
  // AgentComplete of such a call: its card stays only if the agent has it to tag.
  void inbound_contact_done(const pd::core::AmiEvent& event);
  void contact_call_ended(const std::string& agent, const std::string& call_id);
  void contact_tagged(const std::string& agent, const std::string& call_id);
  // Cards for stored prompts (a restart): what the store read with them,
  // added once the desk lists the prompts (not for a call saved meanwhile).
  std::vector<pd::core::ContactCard> stored_contacts(const pd::store::PendingPrompts& loaded) const;
  void add_stored_contacts(const std::string& agent, std::vector<pd::core::ContactCard> cards);
  void send_contact(const std::string& agent, const pd::core::ContactCard& card);
  pd::core::AgentStatus agent_status(const std::string& agent) const;
  const CampaignRun* campaign_by_name(std::string_view name) const;

  // engine_wrapup.cpp: wrap-up after a call, the agent's own pauses, the
  // controls and figures the panel shows. The decisions are pauses_'s.
  // Handles agent.pause / agent.unpause / agent.today; false for other types.
  bool on_agent_control(const std::string& agent, const PanelRequest& request);
  // A dialer call `call_id` the agent took ended (`prompted`: it waits for a tag).
  void wrapup_call_ended(const std::string& agent, const std::string& call_id,
                         const CampaignRun* run, bool prompted);
  // The disposition of `call_id` was saved.
  void wrapup_saved(const std::string& agent, const std::string& call_id);
  void expire_wrapups(int64_t now_ms);
  // A queue event about the agent: their own pause lifted elsewhere ends;
  // a "wrap-up" pause no wrap-up of this run explains (a restart) is
  // adopted or lifted once (pauses_.resume).
  void check_stale_wrapup(const std::string& agent);
  void apply_pause_effects(const std::string& agent, pd::core::PauseEffects effects);
  // Writes a wrap-up or pause as it starts or ends (dialer_agent_events); the agent's
  // figures are read again once it is written.
  void record_period(pd::store::AgentPeriod period);
  // Free members of `queue` whose agent must get no call: on a call (desk),
  // in wrap-up or on their own pause (pauses_) while the view lags.
  int busy_free_members(std::string_view queue) const;
  void send_agent_controls(const std::string& agent);
  // Reads the agent's figures of today (store worker); agent.today follows.
  void load_agent_day(const std::string& agent);

  // engine_api.cpp: the HTTP API's routes.
  void api_reply(uint64_t id, int status, const Json::Value& body);
  void api_fail(uint64_t id, const ApiError& error);
  // Runs `job` on the store's query thread; its JSON text answers `id` with
  // `status`, a failure with its error's status.
  void api_job(uint64_t id, int status, LeadStore::Job job);
  void api_engine(uint64_t id);
  void api_agents(uint64_t id);
  void api_calls(uint64_t id, int64_t campaign_id);
  void api_stats(uint64_t id, uint32_t campaign_id);
  void api_play(uint64_t id, uint32_t campaign_id, bool enabled);
  void api_add_numbers(uint64_t id, uint32_t campaign_id, const Json::Value& body);
  void api_update_number(uint64_t id, uint64_t number_id, const Json::Value& body);
  void api_delete_number(uint64_t id, uint64_t number_id);
  void api_add_dnc(uint64_t id, const Json::Value& body);
  void api_remove_dnc(uint64_t id, std::string_view number);
  // POST agents/{agent}/callbacks {number_id, at (customer's local time), personal}.
  void api_schedule_callback(uint64_t id, const std::string& agent, const Json::Value& body);
  // GET the agent's card (action ""), or reserve / dial / skip it.
  void api_preview(uint64_t id, const std::string& agent, std::string_view action,
                   const Json::Value& body);
  // On each tick: answers the reserves whose agent got a card, or whose wait ended.
  void answer_api_reserves(int64_t now_ms);

  int64_t now_ms() const;

  HostLink host_;
  PluginConfig config_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::unique_ptr<LeadStore> store_;
  std::unique_ptr<Background> background_;  // zone files, the dialplan file
  const pd::core::Clock& clock_;            // wall time (the host's on_tick is monotonic)
  pd::store::TimePoint started_at_{};
  EngineSettings settings_;
  bool config_loaded_ = false;
  bool ami_up_ = false;
  bool migrated_ = false;
  bool migrate_in_flight_ = false;
  bool refused_ = false;  // the database is newer than this code: never dial
  int64_t next_migrate_ms_ = 0;
  bool reload_pending_ = false;  // dialplan written while the link was down
  std::string preview_default_;  // templates/preview.tpl, when the setting is empty
  // The extensions file the helper contexts are written to (the settings' or
  // the host config's override); empty when this engine does not write them.
  // Reported in the heartbeat for the Settings page.
  std::string dialplan_file_;

  std::unordered_map<int64_t, CampaignRun> campaigns_;
  std::unordered_map<std::string, std::vector<int64_t>> campaigns_by_queue_;  // queue -> ids
  pd::core::QueueView queues_;
  pd::core::CallTable calls_;
  std::unordered_map<std::string, LiveCall> live_;
  // Number id -> never-dialed outcomes in a row, while the number waits to be
  // requeued; at most 10,000 entries (cleared at the bound).
  std::unordered_map<uint64_t, int> requeues_;
  pd::core::Pacer pacer_{10};
  // The host's AMI queue and cap as last read (refresh_host_queue).
  pd::core::HostQueue host_queue_;
  std::string host_rate_note_;  // host_rate_shortfall() as last logged

  // Panels, queue interfaces, preview cards, prompts and live calls per agent
  // (pd/core/agent_desk.h): engine_agents.cpp carries out its decisions.
  pd::core::AgentDesk desk_;
  // Agents whose stored prompts are being read: at most one load per agent,
  // so bounded by the agents with a panel open.
  std::unordered_set<std::string> prompt_loads_;
  // Screen pop: each agent's contact cards (bounded per agent, see the header).
  pd::core::ContactCards contacts_;
  // Agents waiting for the answer of a preview claim made for them, and the
  // campaign it is for: one claim per agent at most, so bounded by the agents
  // with a panel open; an entry goes when its claim answers.
  std::unordered_map<std::string, int64_t> preview_claims_;
  // Wrap-ups and the agents' own pauses (pd/core/agent_pause.h).
  pd::core::PauseDesk pauses_;
  // Agents whose figures are being read (one load each; at most the agents
  // with a panel open), and agents whose figures are wanted again once it
  // answers.
  std::unordered_set<std::string> day_loads_;
  std::unordered_set<std::string> day_reloads_;
  // Agents whose "wrap-up" pauses this run has handled (started a wrap-up,
  // or checked one it found): no stale pause is adopted for them again.
  // Bounded by the PBX's agents. Agents in wrap_checks_ wait for their load.
  std::unordered_set<std::string> wrapup_known_;
  std::unordered_set<std::string> wrapup_checks_;
  int64_t next_stale_sweep_ms_ = 0;
  // Callbacks (engine_callbacks.cpp).
  bool callback_claim_in_flight_ = false;
  int64_t next_callback_claim_ms_ = 0;
  bool callback_open_in_flight_ = false;
  int64_t next_callback_open_ms_ = 0;
  // Agent -> until when no callback is claimed for them (they skipped a
  // card, or their callback's campaign could not dial it: either would come
  // straight back). One entry per agent,
  // so bounded by the PBX's agents; expired entries go at each claim.
  std::unordered_map<std::string, int64_t> callback_backoff_;
  // The do-not-call check of the shown cards (check_card_numbers).
  bool card_check_in_flight_ = false;
  int64_t next_card_check_ms_ = 0;

  // Scratch lists for the predictive pacer's state, reused (no allocation
  // per decision once grown; bounded by the agents and the live calls).
  std::vector<double> talking_scratch_, wrapup_scratch_, ringing_scratch_;
  // While pacing runs for a queue event: when that event arrived (steady
  // clock, µs), carried to the Originates it leads to; 0 otherwise.
  int64_t pacing_trigger_us_ = 0;
  std::string queue_status_action_;
  std::string core_show_action_;
  bool reconciling_ = false;
  int64_t reconcile_deadline_ms_ = 0;
  // Open calls of an earlier run read while a reconciliation was under way:
  // adopted when it ends, then reconciled themselves.
  std::vector<OpenCall> deferred_adoptions_;
  // recover_own_leads() succeeded; it runs once the campaigns are loaded, and
  // no call is placed before.
  bool leads_recovered_ = false;
  bool recovery_in_flight_ = false;
  int64_t next_recover_ms_ = 0;
  int64_t link_lost_ms_ = 0;  // when the AMI link went down; 0 while up and recovered
  int64_t link_up_ms_ = 0;
  int milestone_reads_ = 0;  // DBGetTree answers awaited
  bool milestone_delete_warned_ = false;
  std::string last_background_error_;  // background_failed() says each failure once
  WriteRefusals write_refusals_;
  pd::core::StringMap<PendingAction> pending_;

  uint64_t call_sequence_ = 0;
  std::string call_id_prefix_;
  int64_t last_tick_ms_ = 0;
  int64_t next_heartbeat_ms_ = 0;
  int64_t next_renew_ms_ = 0;
  int64_t next_expire_ms_ = 0;
  int64_t next_queue_publish_ms_ = 0;
  int64_t next_sample_ms_ = 0;
  EngineStats stats_;
  // API preview reserves waiting for their agent's card: at most
  // kMaxApiReserves; each goes when answered (card, or after kApiReserveWaitMs).
  struct ApiReserve {
    uint64_t request = 0;
    std::string agent;
    int64_t deadline_ms = 0;
  };
  std::vector<ApiReserve> api_reserves_;
  struct FieldRef {
    std::string_view key;
    std::string_view value;
  };
  std::vector<FieldRef> event_fields_;  // the message being handled, as views
};

}  // namespace pd::plugin
