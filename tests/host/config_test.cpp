#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "config.h"

using pd::host::parse_command_line;

namespace {

pd::Result<pd::host::CommandLine> parse(std::vector<std::string_view> args) {
  return parse_command_line(args);
}

std::string temp_file(const std::string& text) {
  char name[] = "/tmp/pd-host-config-XXXXXX";
  const int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  ::close(fd);
  std::ofstream(name) << text;
  return name;
}

}  // namespace

TEST_CASE("flags set every AMI option and need an AMI user") {
  auto line = parse({"--ami-host", "10.0.0.5", "--ami-port=5039", "--ami-user", "dialer",
                     "--ami-secret", "s3", "--ami-rate", "20", "--log-level", "debug"});
  REQUIRE(line);
  CHECK(line->config.ami_host == "10.0.0.5");
  CHECK(line->config.ami_port == 5039);
  CHECK(line->config.ami_user == "dialer");
  CHECK(line->config.ami_secret == "s3");
  CHECK(line->config.ami_rate == doctest::Approx(20));
  CHECK(line->config.log_level == PD_LOG_DEBUG);

  auto no_user = parse({"--ami-host", "x"});
  REQUIRE_FALSE(no_user);
  CHECK(no_user.error().message.find("AMI user") != std::string::npos);
}

TEST_CASE("bad flags are named in the error") {
  auto port = parse({"--ami-user", "u", "--ami-port", "70000"});
  REQUIRE_FALSE(port);
  CHECK(port.error().message.find("--ami-port") != std::string::npos);
  CHECK(port.error().message.find("70000") != std::string::npos);

  auto unknown = parse({"--ami-user", "u", "--frobnicate", "1"});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message.find("--frobnicate") != std::string::npos);

  auto missing_value = parse({"--ami-user"});
  REQUIRE_FALSE(missing_value);
  CHECK(missing_value.error().message.find("needs a value") != std::string::npos);
}

TEST_CASE("the config file is read first and flags override it") {
  const std::string path = temp_file(
      R"({"ami": {"host": "pbx.example", "port": 5040, "user": "file-user", "secret": "x"},
          "plugins_dir": "plugins", "log_level": "warn",
          "plugins": {"probe": {"out": "/tmp/x"}}})");
  auto line = parse({"--config", path, "--ami-user", "flag-user"});
  REQUIRE(line);
  CHECK(line->config.ami_host == "pbx.example");
  CHECK(line->config.ami_port == 5040);
  CHECK(line->config.ami_user == "flag-user");
  CHECK(line->config.log_level == PD_LOG_WARN);
  CHECK(line->config.plugins["probe"]["out"].asString() == "/tmp/x");
  // Relative plugin folder: relative to the config file.
  CHECK(line->config.plugins_dir == "/tmp/plugins");
  std::remove(path.c_str());
}

TEST_CASE("config file errors say which key and which file") {
  const std::string bad_json = temp_file("{not json");
  auto parsed = parse({"--config", bad_json});
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().message.find(bad_json) != std::string::npos);
  CHECK(parsed.error().message.find("not valid JSON") != std::string::npos);

  const std::string bad_key = temp_file(R"({"ami": {"user": "u"}, "colour": "blue"})");
  auto unknown = parse({"--config", bad_key});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message.find("colour") != std::string::npos);

  const std::string bad_port = temp_file(R"({"ami": {"user": "u", "port": "many"}})");
  auto port = parse({"--config", bad_port});
  REQUIRE_FALSE(port);
  CHECK(port.error().message.find("ami.port") != std::string::npos);

  auto missing = parse({"--config", "/nonexistent/panelhost.json"});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == pd::ErrorCode::kNotFound);
  for (const auto& file : {bad_json, bad_key, bad_port}) std::remove(file.c_str());
}

TEST_CASE("--help wins and the usage documents every flag") {
  auto line = parse({"--help"});
  REQUIRE(line);
  CHECK(line->help);
  const std::string text = pd::host::usage();
  for (const char* flag : {"--config", "--ami-host", "--ami-port", "--ami-user", "--ami-secret",
                           "--ami-rate", "--plugins-dir", "--panel-listen", "--log-level"}) {
    CHECK_MESSAGE(text.find(flag) != std::string::npos, flag);
  }
}

TEST_CASE("ami.rate defaults to a safety ceiling above the Settings page's 1,000 calls a second") {
  const std::vector<std::string_view> args = {"--ami-user", "u"};
  auto line = pd::host::parse_command_line(args);
  REQUIRE(line.has_value());
  // 2 AMI actions a call (Originate, DBDelTree) at 1,000 calls a second, plus 25 %.
  CHECK(line->config.ami_rate == doctest::Approx(2500));
  CHECK(pd::host::usage().find("default: 2500  [ami.rate]") != std::string::npos);
  CHECK(pd::host::usage().find("docs/rates.md") != std::string::npos);
}
