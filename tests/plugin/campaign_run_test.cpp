// A campaign's hopper: claims sized to fill it, leads taken and put back in
// order, drained and closed by name - every lead leaves it by one of these.
#include "campaign_run.h"

#include <doctest/doctest.h>

namespace {

pd::core::Lead lead(uint64_t id, std::string name = {}) {
  pd::core::Lead l;
  l.id = id;
  l.name = std::move(name);
  return l;
}

std::vector<uint64_t> ids(const std::vector<pd::core::Lead>& leads) {
  std::vector<uint64_t> out;
  for (const auto& l : leads) out.push_back(l.id);
  return out;
}

}  // namespace

TEST_CASE("campaign run: a claim fills the hopper to its target, one at a time, in batches") {
  pd::plugin::CampaignRun run;
  CHECK(run.claim_wanted(10, 0) == 10);
  CHECK(run.claim_wanted(1000, 0) == pd::plugin::kMaxClaimBatch);
  run.hopper = {lead(1), lead(2), lead(3)};
  CHECK(run.claim_wanted(10, 0) == 7);
  CHECK(run.claim_wanted(3, 0) == 0);  // full
  run.claim_in_flight = true;
  CHECK(run.claim_wanted(10, 0) == 0);  // one claim at a time
  run.claim_in_flight = false;
  run.next_claim_ms = 5000;  // the last claim found nothing
  CHECK(run.claim_wanted(10, 4999) == 0);
  CHECK(run.claim_wanted(10, 5000) == 7);
}

TEST_CASE("campaign run: leads taken and put back keep their order") {
  pd::plugin::CampaignRun run;
  run.hopper = {lead(1), lead(2), lead(3), lead(4)};
  auto first = run.take(2);
  CHECK(ids(first) == std::vector<uint64_t>{1, 2});
  run.put_back(std::move(first));
  CHECK(ids(run.take(10)) == std::vector<uint64_t>{1, 2, 3, 4});
  CHECK(run.hopper.empty());
  CHECK(run.take(1).empty());
}

TEST_CASE("campaign run: drain gives every id back and empties the hopper") {
  pd::plugin::CampaignRun run;
  run.hopper = {lead(5), lead(6)};
  CHECK(run.drain() == std::vector<uint64_t>{5, 6});
  CHECK(run.hopper.empty());
  CHECK(run.drain().empty());
}

TEST_CASE("campaign run: a reached contact's other numbers leave the hopper to be closed") {
  pd::plugin::CampaignRun run;
  run.hopper = {lead(1, "Ada"), lead(2, "Bob"), lead(3, "Ada"), lead(4, "")};
  CHECK(run.close_same_name("Ada", 1) == std::vector<uint64_t>{3});
  CHECK(ids(run.take(10)) == std::vector<uint64_t>{1, 2, 4});
  run.hopper = {lead(7, ""), lead(8, "")};
  CHECK(run.close_same_name("", 9).empty());  // no name: nothing in common
  CHECK(run.hopper.size() == 2);
}
