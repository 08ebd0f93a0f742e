#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "conf_reader.h"
#include "pd/dialplan/dialplan.h"

using namespace pd::dialplan;
namespace fs = std::filesystem;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string default_template() {
  return read_file(PD_DIALPLAN_TEMPLATE);
}

HelperCampaign campaign(std::string name, std::string destination, std::string amd = "") {
  HelperCampaign c;
  c.name = std::move(name);
  c.mode = "progressive";
  c.dest_kind = "queue";
  c.destination = parse_destination(destination, "destination").value();
  if (!amd.empty()) {
    c.has_amd = true;
    c.amd_destination = parse_destination(amd, "amd").value();
  }
  return c;
}

}  // namespace

TEST_CASE("destinations parse as context,exten,priority and are validated") {
  auto d = parse_destination("ext-queues,400,1", "destination");
  REQUIRE(d);
  CHECK(d->context == "ext-queues");
  CHECK(d->exten == "400");
  CHECK(d->priority == "1");
  CHECK(parse_destination("ivr-2,s", "destination")->priority == "1");
  CHECK(parse_destination("app-blackhole,hangup,1", "d"));
  CHECK_FALSE(parse_destination("nocomma", "d"));
  auto injected = parse_destination("ctx,s,1)\nexten => s,1,System(rm -rf /)", "destination");
  REQUIRE_FALSE(injected);
  CHECK(injected.error().message.find("destination priority") != std::string::npos);
  CHECK_FALSE(parse_destination("ctx with space,s,1", "d"));
  CHECK_FALSE(parse_destination("ctx,s;x,1", "d"));
  CHECK_FALSE(check_name("", "campaign name"));
  CHECK_FALSE(check_name(std::string(65, 'a'), "campaign name"));
  CHECK(check_name("sales_2026-q4", "campaign name"));
}

TEST_CASE("the helper contexts read back as Asterisk would read them") {
  const std::vector<HelperCampaign> campaigns = {
      campaign("sales", "ext-queues,400,1", "app-blackhole,hangup,1"),
      campaign("survey", "ivr-3,s,1")};
  auto block = render_helpers(default_template(), campaigns, {"from-internal", 25});
  REQUIRE_MESSAGE(block, (block ? "" : block.error().message));
  CHECK(block->starts_with("; BEGIN paneldialer"));
  CHECK(block->ends_with("; END paneldialer\n"));

  const auto parsed = pd::testing::read_extensions_conf(*block);
  CHECK(parsed.errors.empty());
  for (const auto& error : parsed.errors) MESSAGE(error);
  for (const char* name : {"pd-sales-dest", "pd-sales-local", "pd-sales-customer", "pd-survey-dest",
                           "pd-survey-local", "pd-survey-customer"}) {
    CHECK_MESSAGE(parsed.contexts.contains(name), name);
  }
  // Priorities count from 1 without gaps, per extension.
  for (const auto& [context, steps] : parsed.contexts) {
    int expected = 1;
    for (const auto& step : steps) CHECK_MESSAGE(step.priority == expected++, context);
  }
  const auto& sales = parsed.contexts.at("pd-sales-dest");
  REQUIRE(sales.size() == 10);
  // The answer is recorded first, so a restarted engine never redials it.
  CHECK(sales[1].arguments == "DB(paneldialer/${PD_CALLID}/answered)=${STRFTIME(,,%s%3q)}");
  CHECK(sales[2].arguments == "CHANNEL(hangup_handler_push)=pd-sales-end,s,1");
  CHECK(sales[3].application == "AMD");
  CHECK(sales[4].arguments == "DB(paneldialer/${PD_CALLID}/amd)=${AMDSTATUS}");
  CHECK(sales[5].application == "UserEvent");
  CHECK(sales[5].arguments.starts_with("PanelDialerAMD,Status: ${AMDSTATUS}"));
  CHECK(sales[6].arguments.find("?app-blackhole,hangup,1") != std::string::npos);
  CHECK(sales[7].arguments == "$[${DIALPLAN_EXISTS(ext-queues,400,1)}]?:pd-sales-invalid,s,1");
  CHECK(sales[9].application == "Goto");
  CHECK(sales[9].arguments == "ext-queues,400,1");
  // No AMD without an AMD destination.
  CHECK(parsed.contexts.at("pd-survey-dest").size() == 6);
  const auto& customer = parsed.contexts.at("pd-sales-customer");
  CHECK(customer[0].exten == "_[0-9*#+].");
  CHECK(customer[2].arguments == "Local/${EXTEN}@from-internal,25,U(pd-sales-answered^s^1)");
  CHECK(customer[3].arguments == "DB(paneldialer/${PD_CALLID}/dialstatus)=${DIALSTATUS}");
  CHECK(customer[4].arguments.starts_with("PanelDialerDial,Status: ${DIALSTATUS}"));
  for (const char* name :
       {"pd-sales-answered", "pd-sales-invalid", "pd-sales-end", "pd-sales-agent"}) {
    CHECK_MESSAGE(parsed.contexts.contains(name), name);
  }
  const auto& invalid = parsed.contexts.at("pd-sales-invalid");
  CHECK(invalid[1].arguments == "PanelDialerDest,Status: INVALID,CallID: ${PD_CALLID}");
  CHECK(parsed.contexts.at("pd-sales-end").back().application == "Return");
}

TEST_CASE("predictive: the PBX keeps the connect limit and plays the message") {
  HelperCampaign pred = campaign("pred", "ext-queues,400,1");
  pred.mode = "predictive";
  pred.predictive = true;
  pred.queue = "400";
  pred.connect_limit_s = 2;
  pred.abandon_message = "custom/abandon-message";
  auto block = render_helpers(default_template(), {pred}, {"from-internal", 25});
  REQUIRE_MESSAGE(block, (block ? "" : block.error().message));
  const auto parsed = pd::testing::read_extensions_conf(*block);
  CHECK(parsed.errors.empty());
  for (const auto& error : parsed.errors) MESSAGE(error);
  const auto& dest = parsed.contexts.at("pd-pred-dest");
  REQUIRE(dest.size() == 7);
  CHECK(dest[3].arguments == "DB(paneldialer/${PD_CALLID}/dest)=ok");
  // Queue(queuename,options,URL,announceoverride,timeout): the timeout is the limit.
  CHECK(dest[4].application == "Queue");
  CHECK(dest[4].arguments == "400,,,,2");
  CHECK(dest[5].arguments ==
        "$[\"${QUEUESTATUS}\" = \"\" | \"${QUEUESTATUS}\" = \"CONTINUE\"]?:pd-pred-abandon,s,1");
  CHECK(dest[6].application == "Hangup");
  const auto& abandon = parsed.contexts.at("pd-pred-abandon");
  REQUIRE(abandon.size() == 4);
  CHECK(abandon[0].arguments == "DB(paneldialer/${PD_CALLID}/abandoned)=${STRFTIME(,,%s%3q)}");
  CHECK(abandon[1].arguments == "PanelDialerAbandon,Status: ${QUEUESTATUS},CallID: ${PD_CALLID}");
  CHECK(abandon[2].application == "Playback");
  CHECK(abandon[2].arguments == "custom/abandon-message");
  CHECK(abandon[3].application == "Hangup");
  // Nothing unchecked reaches Playback() or Queue().
  for (const char* sound : {"", "sorry,x", "../x", "/abs", "a b", "x)\nexten => s,1,System(id)"}) {
    HelperCampaign bad = pred;
    bad.abandon_message = sound;
    CHECK_FALSE_MESSAGE(render_helpers(default_template(), {bad}, {}), sound);
  }
  HelperCampaign bad_queue = pred;
  bad_queue.queue = "400,t";
  CHECK_FALSE(render_helpers(default_template(), {bad_queue}, {}));
  HelperCampaign bad_limit = pred;
  bad_limit.connect_limit_s = 0;
  CHECK_FALSE(render_helpers(default_template(), {bad_limit}, {}));
}

TEST_CASE("bad names never reach the dialplan") {
  auto bad_campaign = campaign("ok", "ctx,s,1");
  bad_campaign.name = "sales]\n[evil";
  auto refused = render_helpers(default_template(), {bad_campaign}, {});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("campaign name") != std::string::npos);

  auto bad_destination = campaign("ok", "ctx,s,1");
  bad_destination.destination.exten = "s,1,System(x)";
  CHECK_FALSE(render_helpers(default_template(), {bad_destination}, {}));

  CHECK_FALSE(render_helpers(default_template(), {}, {"from internal", 30}));
  CHECK_FALSE(render_helpers(default_template(), {}, {"from-internal", 0}));
}

TEST_CASE("the block replaces only what is between the markers") {
  const std::string block = "; BEGIN paneldialer\n[pd-x-dest]\n; END paneldialer\n";
  SUBCASE("appended to a file without markers, after a blank line") {
    CHECK(replace_block("[mine]\nexten => 1,1,NoOp()", block).value() ==
          "[mine]\nexten => 1,1,NoOp()\n\n" + block);
    CHECK(replace_block("", block).value() == block);
  }
  SUBCASE("replaced in place, bytes around kept (CRLF, no final newline)") {
    const std::string before = "[a]\r\nexten => 1,1,NoOp(\xc3\xa9)\r\n";
    const std::string after = "[z]\r\nexten => 2,1,NoOp()";
    const std::string file =
        before + "; BEGIN paneldialer (old)\nold stuff\n; END paneldialer\n" + after;
    CHECK(replace_block(file, block).value() == before + block + after);
  }
  SUBCASE("unbalanced markers are refused") {
    CHECK_FALSE(replace_block("; BEGIN paneldialer\nx\n", block));
    CHECK_FALSE(replace_block("; END paneldialer\n", block));
    CHECK_FALSE(
        replace_block("; BEGIN paneldialer\n; BEGIN paneldialer\n; END paneldialer\n", block));
  }
  SUBCASE("a marker-like comment of someone else is not ours") {
    const std::string file = "; BEGIN paneldialers are great\n";
    CHECK(replace_block(file, block).value() == file + "\n" + block);
  }
}

TEST_CASE("write_block swaps the file atomically and keeps its mode") {
  char name[] = "/tmp/pd-dialplan-XXXXXX";
  REQUIRE(mkdtemp(name) != nullptr);
  const std::string path = std::string(name) + "/extensions_custom.conf";
  std::ofstream(path) << "[from-internal-custom]\nexten => 1234,1,Playback(demo)\n";
  ::chmod(path.c_str(), 0640);
  const std::string block = "; BEGIN paneldialer\n[pd-a-dest]\n; END paneldialer\n";
  CHECK(write_block(path, block).value() == true);
  CHECK(read_file(path) == "[from-internal-custom]\nexten => 1234,1,Playback(demo)\n\n" + block);
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0640);
  CHECK(write_block(path, block).value() == false);  // unchanged: nothing written
  // No temporary file left behind.
  size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(name)) ++entries;
  CHECK(entries == 1);
  // A missing file is created.
  const std::string fresh = std::string(name) + "/new.conf";
  CHECK(write_block(fresh, block).value() == true);
  CHECK(read_file(fresh) == block);
  CHECK_FALSE(write_block(std::string(name) + "/no/such/dir/x.conf", block));
  fs::remove_all(name);
}
