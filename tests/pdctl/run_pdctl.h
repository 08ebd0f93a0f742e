// Runs build/bin/pdctl as a child process for the tests: its exit code,
// stdout and stderr, optionally feeding a file to its stdin. Test-only code.
#pragma once

#include <json/json.h>

#include <string>
#include <vector>

#include "db_fixture.h"

namespace pd::pdctl_test {

struct Run {
  int exit = -1;
  std::string out;
  std::string err;
  // stdout parsed as one JSON document (null when it is not JSON).
  Json::Value json() const;
};

// pdctl --dsn <db's DSN> args...; `stdin_path` empty: /dev/null.
Run pdctl(const pd::store::testing::ScratchDb& db, std::vector<std::string> args,
          const std::string& stdin_path = "");
// Writes `text` to a fresh temporary file and returns its path.
std::string temp_file(const std::string& text);

}  // namespace pd::pdctl_test
