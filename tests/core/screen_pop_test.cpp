// Screen pop (pd/core/contact_cards.h, pd/core/url_template.h): how long a
// contact card stays, the variables it lists, and the CRM link built from the
// campaign's URL template with every value percent-encoded.
#include <doctest/doctest.h>

#include <string>

#include "pd/core/contact_cards.h"
#include "pd/core/url_template.h"

using namespace pd::core;

namespace {

ContactCard card(const char* call_id) {
  ContactCard c;
  c.call_id = call_id;
  c.campaign_id = 1;
  c.lead_id = 7;
  c.name = "Ann";
  c.number = "5551000";
  return c;
}

std::string link(std::string_view text, const UrlValues& values) {
  auto url = render_url_template(text, values);
  REQUIRE_MESSAGE(url.has_value(), (url ? "" : url.error().message));
  return *url;
}

}  // namespace

TEST_CASE("a contact card stays while the call is live and while it is to tag") {
  ContactCards cards;
  cards.pop("101", card("c1"));
  REQUIRE(cards.find("101", "c1") != nullptr);
  CHECK(cards.find("101", "c1")->live);
  // Ended with a prompt: kept, no longer live, until the tag is saved.
  CHECK(!cards.call_ended("101", "c1", true));
  REQUIRE(cards.find("101", "c1") != nullptr);
  CHECK(!cards.find("101", "c1")->live);
  cards.pop("101", card("c2"));  // the next call arrives before the tag
  CHECK(cards.cards("101").size() == 2);
  CHECK(cards.cards("101").front().call_id == "c1");  // oldest first
  CHECK(cards.tagged("101", "c1"));
  CHECK(cards.find("101", "c1") == nullptr);
  // Ended with nothing to tag (busy): gone at once.
  CHECK(cards.call_ended("101", "c2", false));
  CHECK(cards.cards("101").empty());
  CHECK(cards.agents() == 0);
  CHECK(!cards.tagged("101", "c2"));
}

TEST_CASE("a card popped again replaces its first one, and the agent's cards are bounded") {
  ContactCards cards;
  cards.pop("101", card("c1"));
  ContactCard again = card("c1");
  again.name = "Ann B";
  cards.pop("101", again);
  REQUIRE(cards.cards("101").size() == 1);
  CHECK(cards.cards("101").front().name == "Ann B");
  for (size_t i = 0; i < ContactCards::kMaxPerAgent + 5; ++i) {
    cards.pop("102", card(("x" + std::to_string(i)).c_str()));
  }
  CHECK(cards.cards("102").size() == ContactCards::kMaxPerAgent);
  CHECK(cards.cards("102").back().call_id == "x" + std::to_string(ContactCards::kMaxPerAgent + 4));
}

TEST_CASE("cards of stored prompts come back before the live ones, never twice") {
  ContactCards cards;
  cards.pop("101", card("live"));
  CHECK(cards.add_if_absent("101", card("stored")));
  CHECK(!cards.add_if_absent("101", card("live")));
  REQUIRE(cards.cards("101").size() == 2);
  CHECK(cards.cards("101")[0].call_id == "stored");
  CHECK(!cards.cards("101")[0].live);
  CHECK(cards.cards("101")[1].live);
}

TEST_CASE("the card lists every variable as written") {
  const auto vars = split_variables("customer_id=A-1|note=<b>VIP</b>||bare|x=a=b");
  REQUIRE(vars.size() == 4);
  CHECK(vars[0] == std::pair<std::string, std::string>{"customer_id", "A-1"});
  CHECK(vars[1].second == "<b>VIP</b>");
  CHECK(vars[2] == std::pair<std::string, std::string>{"bare", ""});
  CHECK(vars[3].second == "a=b");
  CHECK(split_variables("").empty());
}

TEST_CASE("CRM link: each value percent-encoded, missing variables empty") {
  UrlValues v;
  v.number = "+34 910&1";
  v.name = "José <Ann>";
  v.lead_id = "42";
  v.call_id = "pd-1-0000000001";
  v.campaign = "prog";
  v.agent = "101";
  v.variables = {{"customer_id", "A/B?c=d#e"}, {"empty", ""}};
  CHECK(link("https://crm.example/x?phone={NUMBER}&id={VARIABLE:customer_id}", v) ==
        "https://crm.example/x?phone=%2B34%20910%261&id=A%2FB%3Fc%3Dd%23e");
  CHECK(link("http://crm.example:8080/c/{LEAD_ID}/{CALL_ID}?n={NAME}&a={AGENT}&k={CAMPAIGN}", v) ==
        "http://crm.example:8080/c/42/pd-1-0000000001?n=Jos%C3%A9%20%3CAnn%3E&a=101&k=prog");
  CHECK(link("https://crm.example/?x={VARIABLE:missing}&y={VARIABLE:empty}", v) ==
        "https://crm.example/?x=&y=");
  CHECK(link("", v).empty());
  CHECK(percent_encode("a-b_c.d~e") == "a-b_c.d~e");
  CHECK(percent_encode("\"'<>") == "%22%27%3C%3E");
}

TEST_CASE("CRM link: only http and https, the host written as is") {
  for (const char* bad : {"javascript:alert(1)", "ftp://crm.example/", "//crm.example/x",
                          "https://{VARIABLE:host}/x", "https://crm.example@evil.example/",
                          "https:///x", "https://crm.example:99999/", "data:text/html,x"}) {
    const std::string text = bad;
    CAPTURE(text);
    auto checked = check_url_template(bad);
    REQUIRE(!checked);
    CHECK(checked.error().message.starts_with("CRM link: "));
    CHECK(!render_url_template(bad, {}));
  }
  CHECK(check_url_template("HTTPS://CRM.example/x").has_value());
}
