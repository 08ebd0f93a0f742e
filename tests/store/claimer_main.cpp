// store-claimer: one of the competing engine processes of the claim-race
// test. Claims batches of leads until the campaign has none ready, marks each
// claimed lead done (attempt start + result), and prints "claimed <id>" per
// lead.
//   store-claimer DSN CAMPAIGN_ID OWNER BATCH
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "pd/store/connection.h"
#include "pd/store/dsn.h"
#include "pd/store/store.h"

using namespace pd::store;

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: store-claimer DSN CAMPAIGN_ID OWNER BATCH\n");
    return 2;
  }
  auto dsn = parse_dsn(argv[1]);
  if (!dsn) {
    std::fprintf(stderr, "%s\n", dsn.error().describe().c_str());
    return 2;
  }
  const auto campaign = static_cast<std::uint32_t>(std::atoi(argv[2]));
  const std::string owner = argv[3];
  const auto batch = static_cast<std::size_t>(std::atoi(argv[4]));
  auto conn = Connection::open(*dsn);
  if (!conn) {
    std::fprintf(stderr, "%s\n", conn.error().describe().c_str());
    return 1;
  }
  Store store(*conn, owner);
  std::size_t total = 0;
  int call = 0;
  while (true) {
    auto leads = store.claim(campaign, batch, std::chrono::seconds(300));
    if (!leads) {
      std::fprintf(stderr, "claim: %s\n", leads.error().describe().c_str());
      return 1;
    }
    if (leads->empty()) {
      // None ready for us: done only if none is left at all (others may
      // merely have had the last ones locked in a claim that then failed).
      auto counts = store.count_numbers(campaign);
      if (!counts) return 1;
      if ((*counts)[NumberState::kPending] + (*counts)[NumberState::kRetry] == 0) break;
      continue;
    }
    std::vector<WriteOp> ops;
    std::string out;
    for (const Lead& lead : *leads) {
      out += "claimed " + std::to_string(lead.id) + "\n";
      const std::string call_id = owner + "-" + std::to_string(call++);
      ops.push_back(AttemptStart{call_id, campaign, lead.id, lead.number, 1, now_ms(), {}});
      AttemptResult result;
      result.call_id = call_id;
      result.campaign_id = campaign;
      result.number_id = lead.id;
      result.number = lead.number;
      result.started_at = now_ms();
      result.ended_at = now_ms();
      result.new_state = NumberState::kDone;
      result.dial_status = "ANSWER";
      ops.push_back(std::move(result));
    }
    std::fputs(out.c_str(), stdout);
    auto written = store.write(ops);
    if (!written) {
      std::fprintf(stderr, "write: %s\n", written.error().describe().c_str());
      return 1;
    }
    total += leads->size();
  }
  std::printf("total %zu\n", total);
  return 0;
}
