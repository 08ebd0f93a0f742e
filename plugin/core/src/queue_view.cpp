#include "pd/core/queue_view.h"
#include "parse_int.h"

#include <charconv>

namespace pd::core {
namespace {

using detail::to_int;

bool to_flag(std::string_view text) {
  return text == "1" || text == "true" || text == "yes";
}

}  // namespace

bool QueueView::apply(const AmiEvent& e) {
  const std::string_view name = e.event;
  if (name.size() < 10 || name.substr(0, 5) != "Queue") return false;
  if (name == "QueueMemberStatus" || name == "QueueMemberPause" || name == "QueueMemberAdded") {
    return upsert(e, false);
  }
  if (name == "QueueMember") {
    const bool listed = snapshot_open_ && e.action_id == snapshot_action_id_;
    return upsert(e, listed);
  }
  if (name == "QueueMemberRemoved") return remove(e.queue, e.interface);
  if (name == "QueueParams" && snapshot_open_ && e.action_id == snapshot_action_id_) {
    queues_[std::string(e.queue)].snapshot = generation_;
    return false;
  }
  if (name == "QueueStatusComplete" && snapshot_open_ && e.action_id == snapshot_action_id_) {
    finish_snapshot();
    return true;
  }
  return false;
}

bool QueueView::upsert(const AmiEvent& e, bool from_snapshot) {
  if (e.queue.empty() || e.interface.empty()) return false;
  auto queue_it = queues_.find(e.queue);
  if (queue_it == queues_.end()) queue_it = queues_.emplace(std::string(e.queue), Queue{}).first;
  Queue& queue = queue_it->second;
  auto member_it = queue.members.find(e.interface);
  if (member_it == queue.members.end()) {
    Entry entry;
    entry.member.interface = std::string(e.interface);
    member_it = queue.members.emplace(entry.member.interface, std::move(entry)).first;
  }
  Entry& entry = member_it->second;
  QueueMember& m = entry.member;
  const bool was_free = m.free();
  // A field missing from the event keeps its old value.
  if (!e.member_name.empty()) m.name = std::string(e.member_name);
  if (!e.status.empty()) m.status = to_int(e.status, m.status);
  if (!e.paused.empty()) m.paused = to_flag(e.paused);
  if (e.paused_reason.data() != nullptr) m.paused_reason = std::string(e.paused_reason);
  if (!e.in_call.empty()) m.in_call = to_flag(e.in_call);
  if (from_snapshot) entry.seen_in = generation_;
  queue.free += static_cast<int>(m.free()) - static_cast<int>(was_free);
  return true;
}

bool QueueView::remove(std::string_view queue_name, std::string_view interface) {
  auto queue_it = queues_.find(queue_name);
  if (queue_it == queues_.end()) return false;
  Queue& queue = queue_it->second;
  auto member_it = queue.members.find(interface);
  if (member_it == queue.members.end()) return false;
  if (member_it->second.member.free()) --queue.free;
  queue.members.erase(member_it);
  return true;
}

void QueueView::begin_snapshot(std::string_view action_id) {
  snapshot_action_id_ = std::string(action_id);
  snapshot_open_ = true;
  ++generation_;
}

void QueueView::finish_snapshot() {
  for (auto& [name, queue] : queues_) {
    if (queue.snapshot != generation_) continue;  // not in this reply: leave it alone
    for (auto it = queue.members.begin(); it != queue.members.end();) {
      if (it->second.seen_in == generation_) {
        ++it;
        continue;
      }
      if (it->second.member.free()) --queue.free;
      it = queue.members.erase(it);
    }
  }
  snapshot_open_ = false;
  snapshot_action_id_.clear();
}

void QueueView::clear() {
  queues_.clear();
  snapshot_open_ = false;
  snapshot_action_id_.clear();
}

int QueueView::free_count(std::string_view queue) const {
  const auto it = queues_.find(queue);
  return it == queues_.end() ? 0 : it->second.free;
}

int QueueView::member_count(std::string_view queue) const {
  const auto it = queues_.find(queue);
  return it == queues_.end() ? 0 : static_cast<int>(it->second.members.size());
}

const QueueMember* QueueView::find(std::string_view queue, std::string_view interface) const {
  const auto it = queues_.find(queue);
  if (it == queues_.end()) return nullptr;
  const auto member = it->second.members.find(interface);
  return member == it->second.members.end() ? nullptr : &member->second.member;
}

std::vector<const QueueMember*> QueueView::free_members(std::string_view queue) const {
  std::vector<const QueueMember*> out;
  const auto it = queues_.find(queue);
  if (it == queues_.end()) return out;
  out.reserve(static_cast<size_t>(it->second.free));
  for (const auto& [interface, entry] : it->second.members) {
    if (entry.member.free()) out.push_back(&entry.member);
  }
  return out;
}

void QueueView::for_each_member(std::string_view queue,
                                const std::function<void(const QueueMember&)>& visit) const {
  const auto it = queues_.find(queue);
  if (it == queues_.end()) return;
  for (const auto& [interface, entry] : it->second.members) visit(entry.member);
}

std::vector<std::string> QueueView::queue_names() const {
  std::vector<std::string> out;
  out.reserve(queues_.size());
  for (const auto& [name, queue] : queues_) out.push_back(name);
  return out;
}

}  // namespace pd::core
