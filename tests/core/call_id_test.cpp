// Call ids: Asterisk 22 refuses an Originate whose ChannelId is a prefix of a
// live channel's unique id, so no two ids the engine can have live at once may
// be prefixes of each other (or of "<id>;2", a Local channel's second half).
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "pd/core/names.h"

using pd::core::make_call_id;

namespace {

// True when one of the two is a prefix of the other (Asterisk's comparison).
bool clash(const std::string& a, const std::string& b) {
  return a.compare(0, b.size(), b) == 0 || b.compare(0, a.size(), a) == 0;
}

}  // namespace

TEST_CASE("call id: the sequence has a fixed width of 10 digits") {
  CHECK(make_call_id("t-mwzya50s", 9) == "t-mwzya50s-0000000009");
  CHECK(make_call_id("t-mwzya50s", 93) == "t-mwzya50s-0000000093");
  CHECK(make_call_id("t-mwzya50s", 9999999999) == "t-mwzya50s-9999999999");
  CHECK(pd::core::is_call_id(make_call_id("t-mwzya50s", 1)));
}

TEST_CASE("call id: the live ids that collided on a real Asterisk no longer do") {
  // Seen at a ceiling of 400 calls: "vm-mwzya50s-9" refused while "vm-mwzya50s-93;2" was live.
  const std::string nine = make_call_id("vm-mwzya50s", 9);
  const std::string ninety_three = make_call_id("vm-mwzya50s", 93);
  CHECK_FALSE(clash(nine, ninety_three));
  CHECK_FALSE(clash(nine, ninety_three + ";2"));
}

TEST_CASE("call id: no two ids of a run or of two runs are prefixes of each other") {
  // Every id of one run has the same length: a prefix of an equal-length id
  // is the id itself, so uniqueness is enough. Checked over 200,000 calls and
  // against a second run's ids (a restart: another start time, same length).
  std::set<std::string> ids;
  size_t length = 0;
  for (const char* prefix : {"engine-1-mwzya50s", "engine-1-mwzyb7k2"}) {
    for (uint64_t n = 1; n <= 100000; ++n) {
      const std::string id = make_call_id(prefix, n);
      if (length == 0) length = id.size();
      REQUIRE(id.size() == length);
      REQUIRE(ids.insert(id).second);
    }
  }
  // And the sample pairs across the two runs, with and without ";2".
  const std::vector<std::string> sample{
      make_call_id("engine-1-mwzya50s", 1), make_call_id("engine-1-mwzya50s", 10),
      make_call_id("engine-1-mwzya50s", 100), make_call_id("engine-1-mwzyb7k2", 1),
      make_call_id("engine-1-mwzyb7k2", 10)};
  for (size_t i = 0; i < sample.size(); ++i) {
    for (size_t j = 0; j < sample.size(); ++j) {
      if (i == j) continue;
      CHECK_FALSE(clash(sample[i], sample[j]));
      CHECK_FALSE(clash(sample[i], sample[j] + ";2"));
    }
  }
}
