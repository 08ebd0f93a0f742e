// pdctl campaign: create/edit/show/list/enable/disable/drop on a scratch
// database, the admin page's refusals with their exit codes.
#include <doctest/doctest.h>

#include "run_pdctl.h"

namespace {

using pd::pdctl_test::pdctl;
using pd::store::testing::open_scratch_db;

const std::vector<std::string> kQueueCampaign = {"--queue", "sales", "--destination",
                                                 "ext-queues,400,1"};

std::vector<std::string> args(std::vector<std::string> a, const std::vector<std::string>& more) {
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

TEST_CASE("campaign create stores every flag and show returns it as JSON") {
  auto db = open_scratch_db();
  if (!db) return;
  auto r = pdctl(*db, args({"--json", "campaign", "create", "sales"}, {"--queue",
                                                                       "sales",
                                                                       "--destination",
                                                                       "ext-queues,400,1",
                                                                       "--mode",
                                                                       "preview",
                                                                       "--leg",
                                                                       "local",
                                                                       "--hours",
                                                                       "08:30-20:00",
                                                                       "--days",
                                                                       "mon,sat",
                                                                       "--time-zone",
                                                                       "Europe/Madrid",
                                                                       "--attempts",
                                                                       "5",
                                                                       "--concurrent",
                                                                       "20",
                                                                       "--retry-minutes",
                                                                       "45",
                                                                       "--caller-id",
                                                                       "Sales <5551000>",
                                                                       "--dial-prefix",
                                                                       "9",
                                                                       "--amd-destination",
                                                                       "amd,s,1",
                                                                       "--script",
                                                                       "Hello",
                                                                       "--callback-grace",
                                                                       "30",
                                                                       "--dtmf",
                                                                       "12#",
                                                                       "--start-date",
                                                                       "2026-01-01",
                                                                       "--enabled",
                                                                       "yes"}));
  REQUIRE(r.exit == 0);
  CHECK(r.json()["ok"].asBool());
  CHECK(r.json()["id"].asUInt() > 0);

  auto show = pdctl(*db, {"--json", "campaign", "show", "sales"});
  REQUIRE(show.exit == 0);
  Json::Value c = show.json();
  CHECK(c["mode"].asString() == "preview");
  CHECK(c["initial_leg"].asString() == "local");
  CHECK(c["start_hour"].asString() == "08:30:00");
  CHECK(c["end_hour"].asString() == "20:00:00");
  CHECK(c["week_days"].asString() == "mon,sat");
  CHECK(c["time_zone"].asString() == "Europe/Madrid");
  CHECK(c["dial_attempts"].asInt() == 5);
  CHECK(c["concurrent_calls"].asInt() == 20);
  CHECK(c["retry_minutes"].asInt() == 45);
  CHECK(c["callback_grace_minutes"].asInt() == 30);
  CHECK(c["caller_id"].asString() == "Sales <5551000>");
  CHECK(c["dial_prefix"].asString() == "9");
  CHECK(c["destination_amd"].asString() == "amd,s,1");
  CHECK(c["valid_dtmf"].asString() == "12#");
  CHECK(c["start_date"].asString() == "2026-01-01");
  CHECK(c["end_date"].isNull());
  CHECK(c["enabled"].asBool());

  auto list = pdctl(*db, {"--json", "campaign", "list"});
  REQUIRE(list.exit == 0);
  REQUIRE(list.json().size() == 1);
  CHECK(list.json()[0]["name"].asString() == "sales");
}

TEST_CASE("campaign create refuses bad values naming each option with exit 4") {
  auto db = open_scratch_db();
  if (!db) return;
  auto r = pdctl(*db, {"campaign", "create", "bad!", "--kind", "ivr", "--mode", "progressive",
                       "--destination", "x", "--hours", "9-25", "--time-zone", "Mars/Base",
                       "--attempts", "0", "--days", "", "--dial-prefix", "+9"});
  CHECK(r.exit == 4);
  CHECK(r.err.find("name 'bad!'") != std::string::npos);
  CHECK(r.err.find("needs a queue destination") != std::string::npos);
  CHECK(r.err.find("destination:") != std::string::npos);
  CHECK(r.err.find("--hours") != std::string::npos);
  CHECK(r.err.find("--time-zone: 'Mars/Base'") != std::string::npos);
  CHECK(r.err.find("--attempts") != std::string::npos);
  CHECK(r.err.find("--days") != std::string::npos);
  CHECK(r.err.find("--dial-prefix") != std::string::npos);
  CHECK(db->count("dialer_campaigns") == 0);

  // A queue destination needs a queue name (the engine's rule).
  auto no_queue = pdctl(*db, {"--json", "campaign", "create", "q", "--destination", "a,1,1"});
  CHECK(no_queue.exit == 4);
  CHECK(no_queue.json()["ok"].asBool() == false);
  CHECK(no_queue.json()["error"].asString().find("queue name") != std::string::npos);

  // The admin page's ranges.
  auto range =
      pdctl(*db, args({"campaign", "create", "r", "--concurrent", "1001"}, kQueueCampaign));
  CHECK(range.exit == 4);
  CHECK(range.err.find("--concurrent") != std::string::npos);

  REQUIRE(pdctl(*db, args({"campaign", "create", "taken"}, kQueueCampaign)).exit == 0);
  auto taken = pdctl(*db, args({"campaign", "create", "taken"}, kQueueCampaign));
  CHECK(taken.exit == 4);
  CHECK(taken.err.find("already has the name") != std::string::npos);
}

TEST_CASE("campaign edit changes only the options given and keeps the rules") {
  auto db = open_scratch_db();
  if (!db) return;
  REQUIRE(pdctl(*db, args({"campaign", "create", "c1", "--attempts", "7"}, kQueueCampaign)).exit ==
          0);
  auto r = pdctl(*db, {"campaign", "edit", "c1", "--mode", "automatic", "--kind", "ivr", "--queue",
                       "", "--name", "c2", "--hours", "22:00-06:00"});
  REQUIRE(r.exit == 0);
  Json::Value c = pdctl(*db, {"--json", "campaign", "show", "c2"}).json();
  CHECK(c["mode"].asString() == "automatic");
  CHECK(c["destination_kind"].asString() == "ivr");
  CHECK(c["queue_name"].isNull());
  CHECK(c["dial_attempts"].asInt() == 7);
  CHECK(c["start_hour"].asString() == "22:00:00");

  // Progressive needs a queue destination: refused, nothing changed.
  auto refused = pdctl(*db, {"campaign", "edit", "c2", "--mode", "progressive"});
  CHECK(refused.exit == 4);
  CHECK(pdctl(*db, {"--json", "campaign", "show", "c2"}).json()["mode"].asString() == "automatic");
  CHECK(pdctl(*db, {"campaign", "edit", "nope", "--attempts", "2"}).exit == 3);
}

TEST_CASE("campaign enable disable and drop which asks --yes") {
  auto db = open_scratch_db();
  if (!db) return;
  REQUIRE(pdctl(*db, args({"campaign", "create", "c1"}, kQueueCampaign)).exit == 0);
  CHECK(pdctl(*db, {"campaign", "enable", "c1"}).exit == 0);
  CHECK(db->count("dialer_campaigns", "enabled = 1") == 1);
  CHECK(pdctl(*db, {"campaign", "disable", "#1"}).exit == 0);
  CHECK(db->count("dialer_campaigns", "enabled = 0") == 1);

  db->add_numbers(1, 3, "");
  auto no_yes = pdctl(*db, {"campaign", "drop", "c1"});
  CHECK(no_yes.exit == 4);
  CHECK(no_yes.err.find("--yes") != std::string::npos);
  CHECK(db->count("dialer_campaigns") == 1);

  // A number in a call: refused unless --force.
  REQUIRE(
      db->conn().execute("UPDATE dialer_numbers SET state = 'dialing' WHERE number = '100000'"));
  CHECK(pdctl(*db, {"campaign", "drop", "c1", "--yes"}).exit == 4);
  auto dropped = pdctl(*db, {"--json", "campaign", "drop", "c1", "--yes", "--force"});
  CHECK(dropped.exit == 0);
  CHECK(dropped.json()["numbers_deleted"].asInt() == 3);
  CHECK(db->count("dialer_campaigns") == 0);
  CHECK(db->count("dialer_numbers") == 0);
  CHECK(pdctl(*db, {"campaign", "enable", "c1"}).exit == 3);
}

TEST_CASE("usage errors exit 2 and every command has --help") {
  auto db = open_scratch_db();
  if (!db) return;
  CHECK(pdctl(*db, {}).exit == 2);
  CHECK(pdctl(*db, {"nope"}).exit == 2);
  CHECK(pdctl(*db, {"campaign", "nope"}).exit == 2);
  CHECK(pdctl(*db, {"campaign", "create"}).exit == 2);
  CHECK(pdctl(*db, {"campaign", "create", "x", "--bogus", "1"}).exit == 2);
  auto help = pdctl(*db, {"--help"});
  CHECK(help.exit == 0);
  CHECK(help.out.find("exit status") != std::string::npos);
  for (const char* group :
       {"campaign", "numbers", "stats", "dnc", "dispositions", "callbacks", "groups"}) {
    CAPTURE(group);
    auto g = pdctl(*db, {group, "--help"});
    CHECK(g.exit == 0);
    CHECK(g.out.find("usage: pdctl") != std::string::npos);
  }
  for (const char* sub : {"list", "show", "create", "edit", "enable", "disable", "drop"}) {
    CAPTURE(sub);
    auto s = pdctl(*db, {"campaign", sub, "--help"});
    CHECK(s.exit == 0);
    CHECK(s.out.find(std::string("campaign ") + sub) != std::string::npos);
  }
}

}  // namespace

namespace {

TEST_CASE("campaign dispositions are set in order and an unknown one is refused") {
  auto db = pd::store::testing::open_scratch_db();
  if (!db) return;
  using pd::pdctl_test::pdctl;
  for (const char* name : {"Sale", "No interest", "Call back"}) {
    REQUIRE(pdctl(*db, {"dispositions", "add", name}).exit == 0);
  }
  REQUIRE(pdctl(*db, {"campaign", "create", "c1", "--queue", "q", "--destination", "a,1,1",
                      "--outbound-dispositions", "Call back,Sale", "--inbound-dispositions",
                      "No interest"})
              .exit == 0);
  Json::Value c = pdctl(*db, {"--json", "campaign", "show", "c1"}).json();
  REQUIRE(c["outbound_dispositions"].size() == 2);
  CHECK(c["outbound_dispositions"][0].asString() == "Call back");
  CHECK(c["outbound_dispositions"][1].asString() == "Sale");
  CHECK(c["inbound_dispositions"][0].asString() == "No interest");
  auto bad = pdctl(*db, {"campaign", "edit", "c1", "--outbound-dispositions", "Sale,Nope"});
  CHECK(bad.exit == 4);
  CHECK(bad.err.find("--outbound-dispositions: no disposition 'Nope'") != std::string::npos);
  REQUIRE(pdctl(*db, {"campaign", "edit", "c1", "--outbound-dispositions", ""}).exit == 0);
  c = pdctl(*db, {"--json", "campaign", "show", "c1"}).json();
  CHECK(c["outbound_dispositions"].size() == 0);
  CHECK(c["inbound_dispositions"].size() == 1);
}

}  // namespace

TEST_CASE(
    "campaign create takes the predictive, wrap-up, CRM and webhook options and their rules") {
  auto db = open_scratch_db();
  if (!db) return;
  auto r = pdctl(*db, args({"--json", "campaign", "create", "predict"},
                           {"--queue",
                            "sales",
                            "--destination",
                            "ext-queues,400,1",
                            "--mode",
                            "predictive",
                            "--abandon-target",
                            "2.5",
                            "--abandon-window",
                            "day",
                            "--min-ring",
                            "20",
                            "--connect-limit",
                            "3",
                            "--recall-hours",
                            "48",
                            "--abandon-message",
                            "custom/abandon",
                            "--wrapup-seconds",
                            "30",
                            "--crm-url",
                            "https://crm.example.com/c?phone={NUMBER}",
                            "--webhook-url",
                            "https://hooks.example.com/dialer",
                            "--webhook-secret",
                            "a-long-shared-secret-0123456789",
                            "--webhook-state-changes",
                            "yes"}));
  REQUIRE(r.exit == 0);
  auto show = pdctl(*db, {"--json", "campaign", "show", "predict"});
  REQUIRE(show.exit == 0);
  Json::Value c = show.json();
  CHECK(c["mode"].asString() == "predictive");
  CHECK(std::stod(c["abandon_target_pct"].asString()) == doctest::Approx(2.5));
  CHECK(c["abandon_window"].asString() == "day");
  CHECK(c["min_ring_seconds"].asInt() == 20);
  CHECK(c["connect_limit_seconds"].asInt() == 3);
  CHECK(c["abandon_recall_hours"].asInt() == 48);
  CHECK(c["abandon_message"].asString() == "custom/abandon");
  CHECK(c["wrapup_seconds"].asInt() == 30);
  CHECK(c["crm_url_template"].asString() == "https://crm.example.com/c?phone={NUMBER}");
  CHECK(c["webhook_url"].asString() == "https://hooks.example.com/dialer");
  CHECK(c["webhook_state_changes"].asBool());

  // An edit keeps what it does not name (the target read back as "2.50").
  REQUIRE(pdctl(*db, {"campaign", "edit", "predict", "--min-ring", "25"}).exit == 0);
  CHECK(pdctl(*db, {"--json", "campaign", "show", "predict"}).json()["abandon_window"].asString() ==
        "day");

  // Predictive needs its message; each bad value names its option.
  auto no_message =
      pdctl(*db, args({"campaign", "create", "p2", "--mode", "predictive"}, kQueueCampaign));
  CHECK(no_message.exit == 4);
  CHECK(no_message.err.find("message") != std::string::npos);
  auto bad =
      pdctl(*db, args({"campaign", "create", "p3", "--abandon-target", "11", "--abandon-window",
                       "week", "--min-ring", "0", "--connect-limit", "31", "--abandon-message",
                       "../etc/passwd", "--webhook-url", "ftp://x.example/", "--crm-url",
                       "https://crm/{NOPE", "--wrapup-seconds", "3601"},
                      kQueueCampaign));
  CHECK(bad.exit == 4);
  for (const char* option :
       {"--abandon-target", "--abandon-window", "--min-ring", "--connect-limit",
        "--abandon-message", "--webhook-url", "--crm-url", "--wrapup-seconds"}) {
    CAPTURE(option);
    CHECK(bad.err.find(option) != std::string::npos);
  }
  CHECK(db->count("dialer_campaigns") == 1);
}
