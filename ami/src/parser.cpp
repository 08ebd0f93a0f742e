#include "pd/ami/parser.h"

#include <cstdint>
#include <cstring>

namespace pd::ami {

namespace {

constexpr std::string_view kBannerPrefix = "Asterisk Call Manager";
constexpr std::string_view kEndCommand = "--END COMMAND--";
// Above this, an emptied tail buffer gives its memory back.
constexpr size_t kKeptCapacity = 256 * 1024;

const char* rebased(const char* pointer, const char* old_base, const char* new_base, size_t shift) {
  const auto offset = reinterpret_cast<uintptr_t>(pointer) - reinterpret_cast<uintptr_t>(old_base);
  return new_base + (offset - shift);
}

std::string shown(std::string_view line) {
  constexpr size_t kMaxShown = 40;
  std::string text(line.substr(0, kMaxShown));
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  if (line.size() > kMaxShown) text += "...";
  return text;
}

// Asterisk 13's Command response puts only these before the raw output.
bool is_follows_header(std::string_view line) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view key = line.substr(0, colon);
  return iequals(key, "Privilege") || iequals(key, "ActionID");
}

}  // namespace

Parser::Parser(Start start, ParserLimits limits)
    : start_(start), limits_(limits), banner_pending_(start == Start::kExpectBanner) {
  fields_.reserve(64);
}

void Parser::reset() {
  banner_pending_ = start_ == Start::kExpectBanner;
  banner_.clear();
  failure_.reset();
  pending_.clear();
  if (pending_.capacity() > kKeptCapacity) pending_.shrink_to_fit();
  line_begin_ = 0;
  start_message(0);
}

bool Parser::set_failure(pd::Error error) {
  failure_ = std::make_unique<pd::Error>(std::move(error));
  return false;
}

void Parser::start_message(size_t at) {
  message_begin_ = at;
  fields_.clear();
  command_body_ = CommandBody::kNone;
  follows_output_ = {};
  has_output_fields_ = false;
}

void Parser::rebase(const char* old_base, const char* new_base, size_t shift) {
  for (FieldView& field : fields_) {
    field.key = {rebased(field.key.data(), old_base, new_base, shift), field.key.size()};
    field.value = {rebased(field.value.data(), old_base, new_base, shift), field.value.size()};
  }
  if (follows_output_.data() != nullptr) {
    follows_output_ = {rebased(follows_output_.data(), old_base, new_base, shift),
                       follows_output_.size()};
  }
  message_begin_ -= shift;
  line_begin_ -= shift;
}

pd::Status Parser::feed_impl(std::string_view bytes, Sink sink, void* context) {
  if (failure_) return pd::fail(*failure_);
  // One vectorised scan per chunk keeps NUL checks off the per-line path.
  const void* nul = bytes.empty() ? nullptr : std::memchr(bytes.data(), '\0', bytes.size());
  const std::string_view clean =
      nul ? bytes.substr(0, static_cast<const char*>(nul) - bytes.data()) : bytes;

  if (pending_.empty()) {
    // Fast path: complete messages are parsed where they lie; only the tail is copied.
    const size_t consumed = parse(clean.data(), clean.size(), sink, context);
    if (!failure_) {
      pending_.assign(clean.data() + consumed, clean.size() - consumed);
      rebase(clean.data(), pending_.data(), consumed);
    }
  } else {
    const char* old_base = pending_.data();
    pending_.append(clean);
    rebase(old_base, pending_.data(), 0);
    const size_t consumed = parse(pending_.data(), pending_.size(), sink, context);
    if (!failure_) {
      const char* base = pending_.data();
      pending_.erase(0, consumed);
      rebase(base, pending_.data(), consumed);
      if (pending_.capacity() > kKeptCapacity && pending_.size() < pending_.capacity() / 4) {
        std::string smaller(pending_);
        rebase(pending_.data(), smaller.data(), 0);
        pending_.swap(smaller);
      }
    }
  }

  if (!failure_ && nul) {
    set_failure(pd::Error::protocol("AMI stream holds a NUL byte"));
  }
  if (failure_) {
    pending_.clear();
    pending_.shrink_to_fit();
    fields_.clear();
    return pd::fail(*failure_);
  }
  return {};
}

size_t Parser::parse(const char* data, size_t size, Sink sink, void* context) {
  size_t pos = line_begin_;
  while (pos < size) {
    const void* newline = std::memchr(data + pos, '\n', size - pos);
    if (newline == nullptr) {
      // An unfinished line may still end in a CR: allow one byte for it.
      if (size - pos > limits_.max_line + 1) {
        set_failure(pd::Error::limit("AMI line longer than " + std::to_string(limits_.max_line) +
                                     " bytes"));
        return message_begin_;
      }
      if (!banner_pending_ && size - message_begin_ > limits_.max_message) {
        set_failure(pd::Error::limit("AMI message longer than " +
                                     std::to_string(limits_.max_message) + " bytes"));
        return message_begin_;
      }
      break;
    }
    const size_t newline_at = static_cast<const char*>(newline) - data;
    size_t end = newline_at;
    if (end > pos && data[end - 1] == '\r') --end;
    if (end - pos > limits_.max_line) {
      set_failure(
          pd::Error::limit("AMI line longer than " + std::to_string(limits_.max_line) + " bytes"));
      return message_begin_;
    }
    if (!handle_line(data, pos, end, newline_at + 1, sink, context)) return message_begin_;
    pos = newline_at + 1;
  }
  line_begin_ = pos;
  return message_begin_;
}

bool Parser::handle_line(const char* data, size_t begin, size_t end, size_t next, Sink sink,
                         void* context) {
  const std::string_view line(data + begin, end - begin);
  if (banner_pending_) {
    if (line.empty()) {
      start_message(next);
      return true;
    }
    if (!line.starts_with(kBannerPrefix)) {
      return set_failure(pd::Error::protocol("not an AMI banner: '" + shown(line) + "'"));
    }
    banner_.assign(line);
    banner_pending_ = false;
    start_message(next);
    return true;
  }
  if (next - message_begin_ > limits_.max_message) {
    return set_failure(pd::Error::limit("AMI message longer than " +
                                        std::to_string(limits_.max_message) + " bytes"));
  }

  if (command_body_ == CommandBody::kHeaders && !is_follows_header(line)) {
    command_body_ = CommandBody::kOutput;
    follows_output_ = {line.data(), 0};
  }
  if (command_body_ == CommandBody::kOutput) return handle_command_line(line);

  if (line.empty()) {
    if (!fields_.empty()) emit(sink, context);
    start_message(next);
    return true;
  }

  const void* colon = std::memchr(line.data(), ':', line.size());
  if (colon == nullptr) {
    return set_failure(pd::Error::protocol("AMI line without ':': '" + shown(line) + "'"));
  }
  const size_t key_size = static_cast<const char*>(colon) - line.data();
  if (key_size == 0) {
    return set_failure(pd::Error::protocol("AMI line with an empty key: '" + shown(line) + "'"));
  }
  if (fields_.size() >= limits_.max_fields) {
    return set_failure(pd::Error::limit("AMI message with more than " +
                                        std::to_string(limits_.max_fields) + " fields"));
  }
  const std::string_view key = line.substr(0, key_size);
  size_t value_at = key_size + 1;
  if (value_at < line.size() && line[value_at] == ' ') ++value_at;
  const std::string_view value = line.substr(value_at);

  if (fields_.empty() && value == "Follows" && iequals(key, "Response")) {
    command_body_ = CommandBody::kHeaders;
  } else if (key.size() == 6 && iequals(key, "Output")) {
    has_output_fields_ = true;
  }
  fields_.push_back({key, value});
  return true;
}

bool Parser::handle_command_line(std::string_view line) {
  // Asterisk 13 may glue the marker to the last output line when that line has no newline.
  if (!line.ends_with(kEndCommand)) return true;
  const char* output_end = line.data() + line.size() - kEndCommand.size();
  follows_output_ = {follows_output_.data(), size_t(output_end - follows_output_.data())};
  command_body_ = CommandBody::kAfterEnd;
  return true;
}

void Parser::emit(Sink sink, void* context) {
  command_output_.clear();
  if (follows_output_.data() != nullptr) {
    // Raw CLI text: drop the CR of CRLF and the final line end.
    std::string_view raw = follows_output_;
    if (raw.ends_with('\n')) raw.remove_suffix(1);
    if (raw.ends_with('\r')) raw.remove_suffix(1);
    command_output_.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') continue;
      command_output_.push_back(raw[i]);
    }
  } else if (has_output_fields_) {
    bool first = true;
    for (const FieldView& field : fields_) {
      if (!iequals(field.key, "Output")) continue;
      if (!first) command_output_.push_back('\n');
      command_output_.append(field.value);
      first = false;
    }
  }
  const MessageView message(fields_, command_output_);
  sink(context, message);
}

}  // namespace pd::ami
