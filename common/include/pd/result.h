// Errors as values, for every C++ boundary inside PanelDialer.
//
// A function that can fail returns pd::Result<T> (a value or an Error) or
// pd::Status (nothing or an Error). Exceptions never cross a layer and never
// reach the C ABI: the extern "C" edge turns an Error into a PD_E* code and a
// log line.
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace pd {

enum class ErrorCode {
  kInvalidArgument,  // the input is malformed; retrying the same input fails again
  kNotFound,         // the named thing does not exist
  kIOError,          // a file, socket or server failed; a retry may succeed
  kProtocol,         // the peer broke the protocol (AMI framing, SQL result shape)
  kUnavailable,      // the dependency is down (AMI link, database); try later
  kConflict,         // lost a race or a version check (e.g. schema newer than code)
  kLimit,            // a bound was hit (queue full, line too long)
  kInternal,         // a bug: an invariant did not hold
};

const char* to_string(ErrorCode code) noexcept;

struct Error {
  ErrorCode code;
  std::string message;

  static Error invalid(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
  static Error not_found(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
  static Error io(std::string m) { return {ErrorCode::kIOError, std::move(m)}; }
  static Error protocol(std::string m) { return {ErrorCode::kProtocol, std::move(m)}; }
  static Error unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
  static Error conflict(std::string m) { return {ErrorCode::kConflict, std::move(m)}; }
  static Error limit(std::string m) { return {ErrorCode::kLimit, std::move(m)}; }
  static Error internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

  // "invalid argument: <message>"
  std::string describe() const { return std::string(to_string(code)) + ": " + message; }
};

template <class T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(Error e) { return std::unexpected<Error>(std::move(e)); }

inline const char* to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid argument";
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kIOError: return "I/O error";
    case ErrorCode::kProtocol: return "protocol error";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kLimit: return "limit reached";
    case ErrorCode::kInternal: return "internal error";
  }
  return "unknown error";
}

}  // namespace pd
