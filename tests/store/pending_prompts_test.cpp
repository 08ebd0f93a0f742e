// Pending dispositions (dialer_pending_dispositions): written with the call's
// writes, removed in the write that saves the tag, read per agent oldest first.
#include <doctest/doctest.h>

#include "db_fixture.h"
#include "pd/store/store.h"
#include "write_ops_fixture.h"

using namespace pd::store;
using namespace std::chrono_literals;
using pd::store::testing::open_scratch_db;
using pd::store::testing::start_and_result;

namespace {

PendingPrompt prompt_of(const Lead& lead, const std::string& call_id, const std::string& agent,
                        TimePoint at) {
  PendingPrompt p;
  p.call_id = call_id;
  p.agent = agent;
  p.campaign_id = lead.campaign_id;
  p.number_id = lead.id;
  p.number = lead.number;
  p.created_at = at;
  return p;
}

}  // namespace

TEST_CASE("pending prompts: written after the result, read oldest first, removed with the tag") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("prompts");
  db->add_numbers(campaign, 3);
  Store store(db->conn(), "engine-p");
  auto leads = store.claim(campaign, 3, 60s);
  REQUIRE_MESSAGE(leads.has_value(), (leads ? "" : leads.error().describe()));
  REQUIRE(leads->size() == 3);
  const TimePoint t0 = now_ms();

  // Three calls of agent 101, the newest first in the batch; one of 102.
  std::vector<WriteOp> batch;
  for (int i = 2; i >= 0; --i) {
    const std::string call_id = "p-" + std::to_string(i);
    for (auto& op : start_and_result((*leads)[i], call_id)) batch.push_back(std::move(op));
    batch.push_back(prompt_of((*leads)[i], call_id, "101", t0 + std::chrono::seconds(i)));
  }
  batch.push_back(prompt_of((*leads)[0], "p-0", "102", t0));
  auto written = store.write(batch);
  REQUIRE_MESSAGE(written.has_value(), (written ? "" : written.error().describe()));
  // The same batch again (a retry after an unknown COMMIT): nothing doubles.
  auto again = store.write(batch);
  REQUIRE(again.has_value());
  CHECK(db->count("dialer_pending_dispositions") == 4);

  auto loaded = store.pending_prompts("101", 50);
  REQUIRE_MESSAGE(loaded.has_value(), (loaded ? "" : loaded.error().describe()));
  CHECK(loaded->total == 3);
  REQUIRE(loaded->oldest.size() == 3);
  CHECK(loaded->oldest[0].call_id == "p-0");
  CHECK(loaded->oldest[1].call_id == "p-1");
  CHECK(loaded->oldest[2].call_id == "p-2");
  CHECK(loaded->oldest[0].number_id == (*leads)[0].id);
  CHECK(loaded->oldest[0].number == (*leads)[0].number);
  CHECK(loaded->oldest[0].name == (*leads)[0].name);
  CHECK_FALSE(loaded->oldest[0].inbound);
  CHECK(loaded->oldest[0].agent == "101");
  CHECK(loaded->oldest[1].created_at == t0 + 1s);

  // Bounded: the oldest `limit` and the count of all.
  auto two = store.pending_prompts("101", 2);
  REQUIRE(two.has_value());
  CHECK(two->total == 3);
  REQUIRE(two->oldest.size() == 2);
  CHECK(two->oldest[1].call_id == "p-1");

  // The tag and the prompt's removal are one write.
  AgentTag tag;
  tag.call_id = "p-1";
  tag.number_id = (*leads)[1].id;
  tag.disposition = "Callback";
  tag.agent = "101";
  REQUIRE(store.write(std::vector<WriteOp>{tag}).has_value());
  CHECK(db->count("dialer_calls", "call_id = 'p-1' AND agent_disposition = 'Callback'") == 1);
  auto after = store.pending_prompts("101", 50);
  REQUIRE(after.has_value());
  CHECK(after->total == 2);
  REQUIRE(after->oldest.size() == 2);
  CHECK(after->oldest[0].call_id == "p-0");
  CHECK(after->oldest[1].call_id == "p-2");
  // Another agent's prompt for the same call is theirs to tag.
  CHECK(store.pending_prompts("102", 50)->total == 1);
  CHECK(store.pending_prompts("103", 50)->total == 0);
}

TEST_CASE("pending prompts: an inbound prompt is removed by the inbound tag's write") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("sales");
  Store store(db->conn(), "engine-p");
  PendingPrompt p;
  p.call_id = "in-1795608000.12";
  p.agent = "101";
  p.campaign_id = campaign;
  p.inbound = true;
  p.number = "5550099";
  p.created_at = now_ms();
  REQUIRE(store.write(std::vector<WriteOp>{p}).has_value());
  auto loaded = store.pending_prompts("101", 50);
  REQUIRE(loaded.has_value());
  REQUIRE(loaded->oldest.size() == 1);
  CHECK(loaded->oldest[0].inbound);
  CHECK(loaded->oldest[0].number_id == 0);
  CHECK(loaded->oldest[0].number == "5550099");

  InboundTag tag{p.call_id, campaign, p.number, "101", "Support request"};
  REQUIRE(store.write(std::vector<WriteOp>{tag}).has_value());
  CHECK(db->count("dialer_calls",
                  "direction = 'inbound' AND agent_disposition = 'Support request'") == 1);
  CHECK(store.pending_prompts("101", 50)->total == 0);
  // Tagged again (another choice): the row is re-tagged, nothing else.
  tag.disposition = "Callback";
  REQUIRE(store.write(std::vector<WriteOp>{tag}).has_value());
  CHECK(db->count("dialer_calls", "direction = 'inbound'") == 1);
  CHECK(db->count("dialer_calls", "agent_disposition = 'Callback'") == 1);
}
