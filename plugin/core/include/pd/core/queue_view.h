// The engine's view of Asterisk queue members, kept from AMI events.
//
// Events read (field names as Asterisk 22 sends them, see ami-traces 01, 08):
//   QueueMemberAdded, QueueMemberStatus, QueueMemberPause -> upsert
//     (Queue, MemberName, Interface, Status, Paused, PausedReason, InCall)
//   QueueMember (a QueueStatus list item; Name/Location) -> upsert
//   QueueMemberRemoved -> remove
//   QueueParams / QueueStatusComplete with a snapshot's ActionID -> see begin_snapshot()
//
// A member is free when Status is 1 (AST_DEVICE_NOT_INUSE), Paused is 0 and
// InCall is 0. Status 2 (in use), 6 (ringing) and the rest are not free: a
// ringing Local agent shows Status 2 with InCall 0 (trace 02), so InCall
// alone is not enough; Status 0 (unknown) is not trusted either.
//
// Cost: apply() is O(1) (hash maps keyed by queue and interface); free and
// member counts per queue are kept up to date, so reading them is O(1).
// Threads: not thread-safe; one owner thread (the host loop).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pd/core/ami_event.h"
#include "pd/core/string_map.h"

namespace pd::core {

struct QueueMember {
  std::string interface;  // "Local/101@sim-agents/n", "PJSIP/101"
  std::string name;       // "Agent 101"
  int status = 0;         // AST_DEVICE_* as sent
  bool paused = false;
  bool in_call = false;
  std::string paused_reason;

  bool free() const { return status == 1 && !paused && !in_call; }
};

class QueueView {
 public:
  // Feeds one AMI message; true when it was a queue event that changed the view.
  bool apply(const AmiEvent& event);

  // Starts a full resync: the next QueueStatus reply whose list items carry
  // `action_id` replaces the members of every queue it reports (QueueParams
  // with that ActionID); members not listed again are dropped when its
  // QueueStatusComplete arrives. Use it only for an unfiltered QueueStatus
  // (one filtered by Member lists just that member). One snapshot at a time;
  // a new call replaces the previous one.
  void begin_snapshot(std::string_view action_id);

  // Forgets everything (e.g. the AMI link went down and came back).
  void clear();

  int free_count(std::string_view queue) const;
  int member_count(std::string_view queue) const;
  const QueueMember* find(std::string_view queue, std::string_view interface) const;

  // Free members of `queue`, in no particular order (O(members); for preview
  // pacing, not per event).
  std::vector<const QueueMember*> free_members(std::string_view queue) const;
  void for_each_member(std::string_view queue,
                       const std::function<void(const QueueMember&)>& visit) const;
  std::vector<std::string> queue_names() const;

 private:
  template <class V>
  using Map = StringMap<V>;

  struct Entry {
    QueueMember member;
    uint64_t seen_in = 0;  // snapshot generation that last listed it
  };
  struct Queue {
    Map<Entry> members;
    int free = 0;
    uint64_t snapshot = 0;  // generation of the snapshot that reported this queue
  };

  bool upsert(const AmiEvent& event, bool from_snapshot);
  bool remove(std::string_view queue, std::string_view interface);
  void finish_snapshot();

  Map<Queue> queues_;
  std::string snapshot_action_id_;
  uint64_t generation_ = 0;
  bool snapshot_open_ = false;
};

}  // namespace pd::core
