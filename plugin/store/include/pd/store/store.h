// The engine's database operations, synchronous, over one Connection.
//
// A Store borrows the Connection (which must outlive it) and runs on the
// caller's thread, blocking on the server; like its Connection it belongs to
// one thread at a time. The engine never calls it on the host loop:
// StoreWorker runs it on worker threads. Tools, tests and benchmarks call it
// directly. Its only state is a per-campaign hint of where its last claim
// ended (see claim()); keep one Store per connection to benefit from it.
//
// `instance` names this engine instance: it is the claim owner of the leads
// it takes and its heartbeat row. Two instances must not share a name.
//
// Errors: as Connection's (kUnavailable = connection lost, kConflict =
// deadlock, kIOError = SQL error), plus kInvalidArgument for bad input.
// Requires MariaDB >= 10.6 or MySQL >= 8.0 (FOR UPDATE SKIP LOCKED).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pd/result.h"
#include "pd/store/connection.h"
#include "pd/store/records.h"
#include "pd/store/webhooks.h"
#include "pd/store/write_ops.h"

namespace pd::store {

class Store {
 public:
  Store(Connection& conn, std::string instance) : conn_(conn), instance_(std::move(instance)) {}

  const std::string& instance() const { return instance_; }
  Connection& connection() { return conn_; }

  // ---- configuration ------------------------------------------------------
  pd::Result<Settings> load_settings();
  // All campaigns, enabled or not, by id, with their dispositions.
  pd::Result<std::vector<Campaign>> load_campaigns();
  // A few index-only aggregates: compare with the last one to see whether
  // campaigns, settings or campaign dispositions changed since.
  pd::Result<ConfigFingerprint> config_fingerprint();

  // ---- leads ----------------------------------------------------------------
  // Atomically claims up to `n` leads of the campaign that are ready: pending
  // or retry with next_try_at <= now, or held by a claim whose lease expired
  // (a dead instance's). Order: leases expired first, then priority DESC,
  // next_try_at, id (pending leads have next_try_at at the epoch, so among
  // them it is id order). The leads become reserved, owned by this instance
  // until now + lease. One transaction with SELECT … FOR UPDATE SKIP LOCKED:
  // concurrent claimers (threads or processes) never get the same lead and
  // never wait for each other. Fewer than n (or none) when fewer are ready.
  // If the connection drops during COMMIT the claim may have happened
  // unseen; those leads come back when the lease expires.
  // Cost: two or three index range reads and one UPDATE of n rows, whatever
  // the campaign's size. The Store remembers where its last claim of pending
  // leads ended, to start the next read past the index entries that claim
  // left behind (store_claims.cpp says why); this changes the order only for
  // leads released or skipped earlier, which come after the rest of their level.
  pd::Result<std::vector<Lead>> claim(std::uint32_t campaign_id, std::size_t n,
                                      std::chrono::seconds lease);
  // Gives reserved (not yet dialed) leads back: pending, or retry if they were
  // tried before (a personal callback whose grace is not over: to its agent
  // again). Only leads this instance owns; returns how many.
  pd::Result<std::size_t> release(std::span<const std::uint64_t> lead_ids);
  // Gives reserved leads back like release(), not to be claimed before
  // `not_before` (a lead outside the calling hours of its own time zone).
  pd::Result<std::size_t> defer(std::span<const std::uint64_t> lead_ids, TimePoint not_before);
  // Personal callbacks (migration 0015): the due ones (callback_at passed) of
  // `agents`, oldest first, at most n, claimed like claim() does (reserved
  // for this instance, lease from now). At most kMaxCallbackAgents agents a
  // call. Given back with release(), a personal callback whose grace is not
  // over waits for its agent again.
  static constexpr std::size_t kMaxCallbackAgents = 500;
  pd::Result<std::vector<PersonalCallback>> claim_callbacks(std::span<const std::string> agents,
                                                            std::size_t n,
                                                            std::chrono::seconds lease);
  // Personal callbacks whose grace is over (callback_until passed) go to
  // anyone: state pending, due at their time. At most `limit` a call (the
  // engine asks again while it gets `limit`); returns how many.
  pd::Result<std::size_t> open_expired_callbacks(std::size_t limit);
  // Extends the lease of leads this instance owns (reserved, dialing or
  // answered) to now + lease; returns how many were still owned.
  pd::Result<std::size_t> renew(std::span<const std::uint64_t> lead_ids,
                                std::chrono::seconds lease);

  // Gives reserved leads a final state without a call (kDnc: found on the
  // list; kClosed: closed by an agent or by group by name; kFailed: not
  // dialable). Only leads this instance holds reserved; kInvalidArgument for
  // a state that is not final. Returns how many changed.
  // With a `reason` the leads were refused before dialing (the Originate
  // builder rejected the number or a variable): it is kept in last_error (its
  // first 255 characters) and the disposition becomes "Refused", so the admin
  // pages say why a lead failed with 0 attempts instead of only the host log.
  pd::Result<std::size_t> finish_unused(std::span<const std::uint64_t> lead_ids,
                                        NumberState final_state, std::string_view reason = {});
  // After a restart of this instance: every lead it still holds reserved
  // goes back (pending, or retry if tried before). Returns how many.
  pd::Result<std::size_t> release_all_reserved();
  // Calls this instance started and never ended whose leads it still holds
  // (dialing or answered), with what following them again needs.
  pd::Result<std::vector<OpenCall>> open_calls();

  // ---- calls ----------------------------------------------------------------
  // Writes the ops in order in one transaction (see write_ops.h for what each
  // does and why a retry is harmless). On error nothing was written, except
  // after kUnavailable, when it is unknown: write the same ops again.
  pd::Result<WriteReport> write(std::span<const WriteOp> ops);

  // ---- the rest ---------------------------------------------------------------
  // Upserts this instance's dialer_heartbeat row with last_beat = now. The
  // refused-writes fields are written as given (no error: NULL), the message
  // cut to 255 characters and any ill-formed UTF-8 in it replaced.
  pd::Status heartbeat(const Heartbeat& beat);
  // Which of `numbers` are on the do-not-call list and not expired (each
  // listed once, in no particular order). Any count; looked up in chunks.
  pd::Result<std::vector<std::string>> dnc_lookup(std::span<const std::string> numbers);
  // Adds numbers to a campaign, 1000 rows per multi-row INSERT IGNORE, each
  // statement its own transaction; a number already in the campaign is
  // skipped. Returns how many were added. On error, the chunks before it stay.
  pd::Result<std::size_t> add_numbers(std::uint32_t campaign_id,
                                      std::span<const NewNumber> numbers);
  // The ids of `numbers` in the campaign (those present), by number.
  pd::Result<std::map<std::string, std::uint64_t>> number_ids(std::uint32_t campaign_id,
                                                              std::span<const std::string> numbers);
  // Changes a number not in a call (its state is kept: a not_before
  // reschedules a waiting one). kNotFound: no such number; kConflict: it is
  // in a call now (reserved, dialing, answered); kInvalidArgument: a value
  // over its column's limit.
  pd::Status update_number(std::uint64_t id, const NumberChange& change);
  // One campaign number as a claim reads it (its state in previous_state);
  // kNotFound.
  pd::Result<Lead> number(std::uint64_t id);
  // Schedules a callback on a number no instance holds and not on the
  // do-not-call list (personal -> state callback, anyone -> pending, due at
  // `callback.due`, attempts reset): the AgentTag write's rule. False when
  // the number is in a call or on the list (nothing changed).
  pd::Result<bool> schedule_callback(std::uint64_t id, const ScheduledCallback& callback);
  // Deletes a number not in a call (kNotFound, kConflict as update_number).
  pd::Status delete_number(std::uint64_t id);
  // The do-not-call list (pdctl dnc, the API): adds or updates the entries
  // (a number listed again gets the new reason and expiry) and marks the
  // waiting (pending, retry) campaign numbers dnc, 1000 entries a
  // transaction; how many waiting numbers were marked.
  pd::Result<std::uint64_t> add_dnc(std::span<const DncEntry> entries);
  // Removes one number from the list; whether it was listed.
  pd::Result<bool> remove_dnc(std::string_view number);
  // Lets the engine dial a campaign or not (the admin's play / pause).
  // kNotFound: no such campaign. Returns whether it changed.
  pd::Result<bool> set_campaign_enabled(std::uint32_t campaign_id, bool enabled);
  // Upserts dialer_queues_seen, one row a queue, last_seen = now.
  pd::Status record_queues(std::span<const QueueSeen> queues);
  // Upserts this instance's dialer_campaign_status rows (with their pacing
  // figures), updated_at = now.
  pd::Status record_campaign_status(std::span<const CampaignStatus> rows);
  // Upserts this instance's dialer_pacing_samples rows, one per campaign and
  // minute (the minute of PacingSample::minute; a second sample in the same
  // minute replaces the first). One multi-row statement.
  pd::Status record_samples(std::span<const PacingSample> samples);
  // Deletes audit rows originated before `audit_before` and samples of
  // minutes before `samples_before`, at most `limit` rows of each (bounded:
  // a long backlog goes over several calls). Rows of every instance.
  pd::Result<PurgeReport> purge_history(TimePoint audit_before, TimePoint samples_before,
                                        std::size_t limit);
  // The agent's pending dispositions (dialer_pending_dispositions, written
  // and removed by write()): the oldest `limit`, oldest first (created_at,
  // then call_id), each outbound one with its lead's name, and how many there
  // are in all. Two index reads (the count only when the limit is reached).
  pd::Result<PendingPrompts> pending_prompts(std::string_view agent, std::size_t limit);

  // What `agent` did from `from` (inclusive) to `to` (exclusive): calls,
  // talk time, tags, finished wrap-ups and pauses. Four index range reads.
  pd::Result<AgentDay> agent_day(std::string_view agent, TimePoint from, TimePoint to);

  // Predictive: the campaign's answered live calls and abandons per hour
  // since `from` (every instance's; ix_call_abandon), oldest first; at most
  // one row an hour, so bounded by the window's hours.
  pd::Result<std::vector<AbandonHour>> abandon_hours(std::uint32_t campaign_id, TimePoint from);

  // Count of numbers by state, of one campaign or (nullopt) of all.
  pd::Result<std::map<NumberState, std::uint64_t>> count_numbers(
      std::optional<std::uint32_t> campaign_id);

  // ---- webhook outbox (pd/store/webhooks.h) ---------------------------------
  // Claims up to `n` (at most 1000) pending events due at `now`, oldest
  // first, but only the first pending event of each call (one call's events
  // go out in order), by a guarded UPDATE that moves their next_attempt_at to
  // now + lease and sets claim_token = `token`: a concurrent claimer (thread
  // or instance) never gets the same row while the lease lasts; an event
  // whose worker died comes back when its lease ends (it is then sent again:
  // delivery is at least once, the receiver de-duplicates on event_id).
  // `token` must be unique per claim (instance + a counter). Events of the
  // campaigns in `skip_campaigns` (at most 1000) are left alone (the worker's
  // per-campaign share is full).
  pd::Result<std::vector<WebhookDelivery>> claim_webhooks(
      const std::string& token, std::size_t n, TimePoint now, std::chrono::milliseconds lease,
      std::span<const std::uint32_t> skip_campaigns = {});
  // Records one POST's outcome for an event claimed with `token` (attempts +
  // 1). False when the claim was lost (its lease ended and another took it).
  pd::Result<bool> finish_webhook(std::uint64_t id, const std::string& token,
                                  const WebhookOutcome& outcome, TimePoint now);
  // Hands an event claimed with `token` back, due at once, its attempts
  // untouched (a worker stopping with the POST unfinished). False when the
  // claim was lost.
  pd::Result<bool> release_webhook(std::uint64_t id, const std::string& token);
  // A failed (or pending) event back to pending, due now, attempts reset:
  // what the admin page's Replay button does (admin-php/webhooks.php, by
  // SQL). False when no such event or it was delivered.
  pd::Result<bool> replay_webhook(std::uint64_t id);
  // Deletes up to `limit` delivered events delivered before `before`
  // (oldest first); returns how many. Keeps the outbox from growing without
  // bound; failed and pending events are never pruned.
  pd::Result<std::size_t> prune_webhooks(TimePoint before, std::size_t limit);
  // Events by state, of one campaign or (nullopt) of all.
  pd::Result<WebhookCounts> count_webhooks(std::optional<std::uint32_t> campaign_id);

 private:
  pd::Result<std::vector<Lead>> claim_once(std::uint32_t campaign_id, std::size_t n,
                                           std::chrono::seconds lease);
  pd::Status claim_pending_level(std::uint32_t campaign_id, int priority, TimePoint now,
                                 std::size_t n, std::vector<Lead>& leads);
  pd::Result<bool> claim_fast(std::uint32_t campaign_id, std::size_t n, std::vector<Lead>& leads,
                              TimePoint& server_now);

  Connection& conn_;
  std::string instance_;
  // (campaign, priority) -> the highest pending lead id the last claim took.
  std::map<std::pair<std::uint32_t, int>, std::uint64_t> pending_hints_;
  // campaign -> the top pending level its last claim read after a hint (the
  // fast path's guess; see store_claims.cpp).
  std::map<std::uint32_t, int> fast_levels_;
};

}  // namespace pd::store
