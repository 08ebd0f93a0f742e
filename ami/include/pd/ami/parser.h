// Incremental AMI framing: bytes in (any split), whole messages out.
//
// Speed: no allocation per field or per message once the internal buffers have
// grown to the largest message seen; line ends are found with memchr; complete
// messages in a fed chunk are parsed in place, only an unfinished tail is
// copied. Memory is bounded by ParserLimits::max_message plus the size of the
// chunk being fed.
//
// Threads: a Parser is not thread-safe; one connection, one thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "pd/ami/message.h"
#include "pd/result.h"

namespace pd::ami {

struct ParserLimits {
  size_t max_line = 16 * 1024;   // bytes of one line, without its CR LF
  size_t max_fields = 1024;      // fields of one message
  size_t max_message = 1 << 20;  // bytes of one message, line ends included
};

class Parser {
 public:
  // The client side sees "Asterisk Call Manager/x.y.z\r\n" first; a server
  // parsing actions does not.
  enum class Start { kExpectBanner, kNoBanner };

  explicit Parser(Start start = Start::kExpectBanner, ParserLimits limits = {});

  // Feeds bytes as they arrive (any split). Calls on_message(const
  // MessageView&) for each complete message, in order; the view is valid only
  // during that call, and on_message must not call feed() or reset().
  //
  // Accepts CRLF and bare LF line ends. A value is what follows the first ':'
  // and one optional space, trailing spaces kept. Blank lines between messages
  // are skipped.
  //
  // A framing violation (over-long line or message, too many fields, a line
  // without ':' outside command output, an empty key, a NUL byte, a first line
  // that is not an AMI banner) returns a protocol/limit Error after every
  // message complete before the bad byte has been delivered; the parser then
  // stays failed (every feed returns the same Error) until reset(): the caller
  // drops the connection.
  template <class OnMessage>
  pd::Status feed(std::string_view bytes, OnMessage&& on_message) {
    using Callable = std::remove_reference_t<OnMessage>;
    auto thunk = [](void* context, const MessageView& message) {
      (*static_cast<Callable*>(context))(message);
    };
    return feed_impl(bytes, thunk,
                     const_cast<void*>(static_cast<const void*>(std::addressof(on_message))));
  }

  // Back to the initial state (waiting for the banner when so constructed);
  // forgets buffered bytes and a failure.
  void reset();

  // The banner line without its line end, e.g. "Asterisk Call Manager/11.0.0";
  // empty until it has arrived (and always for Start::kNoBanner).
  std::string_view banner() const { return banner_; }

  bool failed() const { return failure_ != nullptr; }

  // Bytes held for an unfinished message (what memory the stream costs now).
  size_t buffered_bytes() const { return pending_.size(); }

 private:
  using Sink = void (*)(void* context, const MessageView& message);

  // Where the parse of the current message stands inside a Command response.
  enum class CommandBody { kNone, kHeaders, kOutput, kAfterEnd };

  pd::Status feed_impl(std::string_view bytes, Sink sink, void* context);
  // Parses data[0, size) from the saved position; returns the offset of the
  // first byte not consumed (the start of an unfinished message).
  size_t parse(const char* data, size_t size, Sink sink, void* context);
  bool handle_line(const char* data, size_t begin, size_t end, size_t next, Sink sink,
                   void* context);
  bool handle_command_line(std::string_view line);
  void emit(Sink sink, void* context);
  void start_message(size_t at);
  void rebase(const char* old_base, const char* new_base, size_t shift);
  bool set_failure(pd::Error error);

  const Start start_;
  const ParserLimits limits_;

  bool banner_pending_;
  std::string banner_;
  std::unique_ptr<pd::Error> failure_;

  // The unfinished tail of the stream; empty when the last chunk ended on a
  // message boundary (then the next chunk is parsed in place).
  std::string pending_;
  // Offsets relative to the region being parsed (pending_ or the fed chunk).
  size_t message_begin_ = 0;  // first byte of the current message
  size_t line_begin_ = 0;     // first byte not yet consumed as a line

  std::vector<FieldView> fields_;  // of the current message; point into the region
  CommandBody command_body_ = CommandBody::kNone;
  std::string_view follows_output_;  // Asterisk 13 body (raw, into the region)
  bool has_output_fields_ = false;   // Asterisk 14+ "Output:" lines seen
  std::string command_output_;       // joined output handed to the view
};

}  // namespace pd::ami
