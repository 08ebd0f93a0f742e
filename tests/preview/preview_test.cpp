#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include <json/json.h>

#include "pd/preview/preview.h"

using namespace pd::preview;

TEST_CASE("FOP2 placeholders translate to ctemplate markers") {
  CHECK(translate_template("<h2>{NAME}</h2>") == "<h2>{{NAME}}</h2>");
  CHECK(translate_template("{NOTE|s}") == "{{NOTE:none}}");
  CHECK(translate_template("{DIALBUTTON|s}") == "{{DIALBUTTON:none}}");
  CHECK(translate_template("{DIALERBUTTON|s}") == "{{DIALBUTTON:none}}");
  // CSS and stray braces stay as written.
  CHECK(translate_template("<style>p{color:red}</style>{ NAME }{}") ==
        "<style>p{color:red}</style>{ NAME }{}");
  // Native ctemplate passes through.
  CHECK(translate_template("{{#X}}{{NAME}}{{/X}}") == "{{#X}}{{NAME}}{{/X}}");
}

TEST_CASE("the dial button check accepts both spellings and the native form") {
  CHECK(has_dial_button("<div>{DIALBUTTON|s}</div>"));
  CHECK(has_dial_button("{DIALERBUTTON|s}"));
  CHECK(has_dial_button("{{DIALBUTTON:none}}"));
  CHECK_FALSE(has_dial_button("<div>{NAME}</div>"));
  CHECK_FALSE(has_dial_button("{DIALBUTTON}"));  // escaped: it would show as text
}

TEST_CASE("names are escaped, raw placeholders are not when allowed, the button is live") {
  PreviewData data;
  data.name = "<b>Bob</b> & Co";
  data.number = "5551000";
  data.lead_id = "42";
  data.variables = parse_variables("note=<i>vip</i>|city=Paris");
  auto html = render("<h2>{NAME}</h2><p>{NUMBER}</p>{note}|{NOTE|s}|{CITY}{DIALBUTTON|s}", data,
                     {.allow_raw_html = true});
  REQUIRE(html);
  CHECK(html->find("<h2>&lt;b&gt;Bob&lt;/b&gt; &amp; Co</h2>") != std::string::npos);
  CHECK(html->find("<p>5551000</p>") != std::string::npos);
  CHECK(html->find("&lt;i&gt;vip&lt;/i&gt;|<i>vip</i>|Paris") != std::string::npos);
  CHECK(html->find("data-pd-action=\"dial\"") != std::string::npos);
  CHECK(html->find("data-pd-lead=\"42\"") != std::string::npos);
  CHECK(html->find("<b>") == std::string::npos);
}

TEST_CASE("a hostile name cannot break out of an attribute") {
  PreviewData data;
  data.name = "\" onmouseover=\"alert(1)";
  auto html = render("<div title=\"{NAME}\">x</div>{DIALBUTTON|s}", data);
  REQUIRE(html);
  CHECK(html->find("onmouseover=\"alert") == std::string::npos);
  CHECK(html->find("&quot; onmouseover=&quot;alert(1)") != std::string::npos);
}

TEST_CASE("variables parse from a=1|b=2, dropping malformed pairs") {
  const auto variables = parse_variables("a=1|b=two=2|=x|noequals|c d=3|e=");
  REQUIRE(variables.size() == 3);
  CHECK(variables[0] == std::pair<std::string, std::string>{"a", "1"});
  CHECK(variables[1] == std::pair<std::string, std::string>{"b", "two=2"});
  CHECK(variables[2] == std::pair<std::string, std::string>{"e", ""});
}

TEST_CASE("a template that does not parse is an error, not a crash") {
  PreviewData data;
  auto html = render("{{#OPEN}} never closed", data);
  REQUIRE_FALSE(html);
  CHECK(html.error().code == pd::ErrorCode::kInvalidArgument);
}

TEST_CASE("an edited template is parsed anew") {
  PreviewData data;
  data.name = "Ann";
  CHECK(render("A:{NAME}", data).value() == "A:Ann");
  CHECK(render("B:{NAME}", data).value() == "B:Ann");
}

TEST_CASE("the dial button check agrees with the shared cases the admin page uses") {
  std::ifstream in(PD_PREVIEW_CHECK_CASES);
  REQUIRE(in);
  Json::Value root;
  in >> root;
  REQUIRE(root["cases"].size() >= 5);
  for (const Json::Value& c : root["cases"]) {
    CHECK_MESSAGE(has_dial_button(c["template"].asString()) == c["has_dial_button"].asBool(),
                  c["template"].asString());
  }
}

TEST_CASE("a raw contact placeholder is refused unless raw HTML is allowed, naming it") {
  PreviewData data;
  data.name = "<script>alert(1)</script>";
  data.variables = parse_variables("note=<i>vip</i>");
  for (const char* text : {"<h2>{NAME|s}</h2>{DIALBUTTON|s}", "{{NOTE:none}}{{DIALBUTTON:none}}"}) {
    auto refused = render(text, data);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == pd::ErrorCode::kInvalidArgument);
    CHECK(refused.error().message.find(raw_placeholders(text).at(0)) != std::string::npos);
    CHECK(refused.error().message.find("raw HTML is not allowed") != std::string::npos);
  }
  auto allowed = render("<h2>{NAME|s}</h2>{DIALBUTTON|s}", data, {.allow_raw_html = true});
  REQUIRE(allowed);
  CHECK(allowed->find("<h2><script>") != std::string::npos);
  // The dial button is ours, not contact data: always rendered live.
  auto button = render("<h2>{NAME}</h2>{DIALBUTTON|s}", data);
  REQUIRE(button);
  CHECK(button->find("data-pd-action=\"dial\"") != std::string::npos);
  CHECK(button->find("<script>") == std::string::npos);
}

TEST_CASE("raw placeholders agree with the shared cases the admin page uses") {
  std::ifstream in(PD_PREVIEW_CHECK_CASES);
  REQUIRE(in);
  Json::Value root;
  in >> root;
  REQUIRE(root["raw_placeholder_cases"].size() >= 5);
  for (const Json::Value& c : root["raw_placeholder_cases"]) {
    std::vector<std::string> expected;
    for (const Json::Value& marker : c["raw_placeholders"]) expected.push_back(marker.asString());
    CHECK_MESSAGE(raw_placeholders(c["template"].asString()) == expected, c["template"].asString());
  }
}
