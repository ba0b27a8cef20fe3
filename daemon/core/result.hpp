// Result<T> and Status: the one way a function of the daemon says "this worked, here is the value"
// or "this failed: here is a code to branch on and a reason a person can read".
//
// Built on boost::system::result (Boost ≥ 1.81, Debian 12's libboost1.81-dev), which gives the
// std::expected semantics C++20 lacks: has_value(), operator bool, *r / r->, r.value() (throws
// std::runtime_error with the reason when there is none: a programming error), r.error(). These
// classes add [[nodiscard]] — a result dropped on the floor is a compile warning, an error with
// -Werror — and a common Error.
//
//   core::Result<std::string> build() { if (bad) return core::fail(core::Errc::invalid_argument, "why"); return text; }
//   if (auto r = build(); !r) log(r.error().reason);
//
// Expected failures (a bad frame, a full queue, a busy file) are values of these types; exceptions
// stay for start-up errors and programming errors. The storage room keeps its own storage::Status,
// which also reports SQLite's SQLITE_ROW/SQLITE_DONE (daemon/storage/sqlite.hpp).
//
// Value types; any thread.
#pragma once

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <cstddef>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace wedge::core {

// What kind of failure, for code that reacts differently to each (the gRPC/absl canonical codes
// the daemon meets). The reason says the rest.
enum class Errc {
  invalid_argument,     // the input is malformed or out of range; retrying it will not help
  not_found,            // what was named does not exist
  already_exists,       // what was to be created exists
  failed_precondition,  // the state does not allow it now (a job not finished, an order on hold)
  resource_exhausted,   // a queue, a range or a disk is full
  unavailable,          // a peer or a file cannot be reached now; retrying later may help
  internal,             // a bug or an invariant broken
};

std::string_view to_string(Errc code) noexcept;

struct Error {
  Errc code = Errc::internal;
  std::string reason;  // a sentence for the log or the API client
};

// `return core::fail(Errc::not_found, "no job 'j1'");` in a function returning Result<T>/Status.
inline Error fail(Errc code, std::string reason) { return Error{code, std::move(reason)}; }

// boost::system::result calls this (found by argument-dependent lookup) when value() is asked of
// a result that holds an error.
[[noreturn]] inline void throw_exception_from_error(const Error& error, const boost::source_location&) {
  throw std::runtime_error(std::string(to_string(error.code)) + ": " + error.reason);
}

// E is Error everywhere but where a caller needs more than a code and a reason to answer (the OMS
// command parser's wire rejection, commands/command.hpp); such an E needs its own
// throw_exception_from_error beside it.
template <class T, class E = Error>
class [[nodiscard]] Result : public boost::system::result<T, E> {
 public:
  using boost::system::result<T, E>::result;
  // Converting constructor for the error case: `return core::fail(...)` from a function of any T.
  Result(E error) : boost::system::result<T, E>(boost::system::in_place_error, std::move(error)) {}  // NOLINT
  // "" on success: for logs that print the outcome either way.
  std::string reason() const { return this->has_error() ? this->error().reason : std::string(); }
};

// Success with no value, or an Error. A default-constructed Status is a success.
class [[nodiscard]] Status : public Result<void> {
 public:
  using Result<void>::Result;
  Status() : Result<void>(boost::system::in_place_value) {}
};

inline std::string_view to_string(Errc code) noexcept {
  // In the order of the enumerators.
  constexpr std::string_view kNames[] = {"invalid_argument",   "not_found",   "already_exists",
                                         "failed_precondition", "resource_exhausted", "unavailable",
                                         "internal"};
  const auto index = static_cast<std::size_t>(code);
  return index < std::size(kNames) ? kNames[index] : "internal";
}

}  // namespace wedge::core
