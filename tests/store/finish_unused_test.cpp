// Store::finish_unused: leads that end without a call, and the reason kept
// for those refused before dialing (migration 0005, dialer_numbers.last_error).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "db_fixture.h"
#include "pd/store/store.h"

using namespace pd::store;
using namespace std::chrono_literals;
using pd::store::testing::open_scratch_db;

namespace {

std::string text_of(Connection& conn, const std::string& sql) {
  auto rows = conn.query(sql);
  REQUIRE_MESSAGE(rows.has_value(), (rows ? "" : rows.error().describe()));
  REQUIRE(rows->rows.size() == 1);
  return rows->rows[0].is_null(0) ? "<NULL>" : std::string(rows->rows[0].str(0));
}

}  // namespace

TEST_CASE("finish unused: a refused lead ends failed with its reason and disposition Refused") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("refusals");
  db->add_numbers(campaign, 4, "700");  // ids 1..4
  auto& conn = db->conn();
  Store store(conn, "engine-a");
  auto claimed = store.claim(campaign, 3, 60s);  // 1..3 reserved by engine-a; 4 stays pending
  REQUIRE(claimed.has_value());
  REQUIRE(claimed->size() == 3);

  const std::string reason =
      "Originate variable: the value of NOTE may not hold , \" or \\ (Asterisk splits on them)";
  const std::vector<std::uint64_t> refused{1, 4};  // 4 is not held: left alone
  auto finished = store.finish_unused(refused, NumberState::kFailed, reason);
  REQUIRE_MESSAGE(finished.has_value(), (finished ? "" : finished.error().describe()));
  CHECK(*finished == 1);
  CHECK(text_of(conn, "SELECT last_error FROM dialer_numbers WHERE id = 1") == reason);
  CHECK(db->count("dialer_numbers",
                  "id = 1 AND state = 'failed' AND attempts = 0 AND disposition = 'Refused'"
                  " AND claim_owner IS NULL AND claim_expires_at IS NULL") == 1);
  CHECK(db->count("dialer_numbers",
                  "id = 4 AND state = 'pending' AND last_error IS NULL AND disposition IS NULL") ==
        1);

  // Without a reason nothing is invented: no last_error, no disposition.
  const std::vector<std::uint64_t> listed{2};
  auto dnc = store.finish_unused(listed, NumberState::kDnc);
  REQUIRE(dnc.has_value());
  CHECK(*dnc == 1);
  CHECK(db->count("dialer_numbers",
                  "id = 2 AND state = 'dnc' AND last_error IS NULL AND disposition IS NULL") == 1);

  // Another instance cannot finish a lead it does not hold.
  Store other(conn, "engine-b");
  const std::vector<std::uint64_t> not_theirs{3};
  auto none = other.finish_unused(not_theirs, NumberState::kFailed, "not mine");
  REQUIRE(none.has_value());
  CHECK(*none == 0);
  CHECK(db->count("dialer_numbers", "id = 3 AND state = 'reserved' AND last_error IS NULL") == 1);

  // A reason longer than the column is cut to 255 characters (not bytes), not
  // refused by strict mode, which would leave the lead reserved.
  std::string long_reason;
  for (int i = 0; i < 300; ++i) long_reason += "\xC3\xA9";  // 'é', two bytes each
  auto cut = store.finish_unused(not_theirs, NumberState::kFailed, long_reason);
  REQUIRE_MESSAGE(cut.has_value(), (cut ? "" : cut.error().describe()));
  CHECK(*cut == 1);
  CHECK(text_of(conn, "SELECT CHAR_LENGTH(last_error) FROM dialer_numbers WHERE id = 3") == "255");
  CHECK(db->count("dialer_numbers", "id = 3 AND state = 'failed' AND disposition = 'Refused'") ==
        1);
}

TEST_CASE("finish unused: a state that is not final is refused, reason or not") {
  auto db = open_scratch_db();
  if (!db) return;
  const auto campaign = db->add_campaign("not_final");
  db->add_numbers(campaign, 1, "701");
  Store store(db->conn(), "engine-a");
  REQUIRE(store.claim(campaign, 1, 60s).has_value());
  const std::vector<std::uint64_t> one{1};
  auto refused = store.finish_unused(one, NumberState::kPending, "why");
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == pd::ErrorCode::kInvalidArgument);
  CHECK(db->count("dialer_numbers", "id = 1 AND state = 'reserved' AND last_error IS NULL") == 1);
}
