// Parses a large stream built from the real Asterisk transcripts, fed in
// socket-sized chunks, and prints the framing speed.
//   bench-ami-parse [--mib N] [--chunk BYTES] [--traces DIR]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "pd/ami/parser.h"

namespace fs = std::filesystem;

namespace {

// The transcripts without their banner lines, concatenated.
std::string load_messages(const fs::path& folder) {
  std::string messages;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.path().extension() != ".raw") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    const std::string text = bytes.str();
    const size_t banner_end = text.find("\r\n");
    if (banner_end != std::string::npos) messages += text.substr(banner_end + 2);
  }
  return messages;
}

}  // namespace

int main(int argc, char** argv) {
  size_t mib = 256;
  size_t chunk = 64 * 1024;
  fs::path traces = PD_AMI_TRACES_DIR;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--mib") {
      mib = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (flag == "--chunk") {
      chunk = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (flag == "--traces") {
      traces = argv[i + 1];
    } else {
      std::fprintf(stderr, "usage: %s [--mib N] [--chunk BYTES] [--traces DIR]\n", argv[0]);
      return 2;
    }
  }
  if (mib == 0 || chunk == 0) {
    std::fprintf(stderr, "--mib and --chunk must be positive\n");
    return 2;
  }
  const std::string messages = load_messages(traces);
  if (messages.empty()) {
    std::fprintf(stderr, "no *.raw transcripts in %s\n", traces.c_str());
    return 1;
  }
  std::string stream = "Asterisk Call Manager/11.0.0\r\n";
  stream.reserve(mib * 1024 * 1024 + messages.size());
  while (stream.size() < mib * 1024 * 1024) stream += messages;

  pd::ami::Parser parser;
  size_t count = 0;
  size_t checksum = 0;  // keeps the work observable to the optimiser
  const auto started = std::chrono::steady_clock::now();
  for (size_t at = 0; at < stream.size(); at += chunk) {
    const std::string_view piece = std::string_view(stream).substr(at, chunk);
    const pd::Status status = parser.feed(piece, [&](const pd::ami::MessageView& message) {
      ++count;
      checksum += message.fields().size() + message.fields()[0].value.size();
    });
    if (!status) {
      std::fprintf(stderr, "parse failed: %s\n", status.error().describe().c_str());
      return 1;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("ami_parse_bytes: %zu\n", stream.size());
  std::printf("ami_parse_messages: %zu\n", count);
  std::printf("ami_parse_checksum: %zu\n", checksum);
  std::printf("ami_parse_mb_s: %.0f\n", double(stream.size()) / 1e6 / seconds);
  std::printf("ami_parse_msgs_s: %.0f\n", double(count) / seconds);
  return 0;
}
