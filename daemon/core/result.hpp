// Result<T> and Status: the one way a function of the daemon says "this worked, here is the value"
// or "this failed: here is a code to branch on and a reason a person can read".
//
// Built on boost::system::result (Boost ≥ 1.81, Debian 12's libboost1.81-dev), which gives the
// std::expected semantics C++20 lacks: has_value(), operator bool, *r / r->, r.value() (throws
// std::runtime_error with the reason when there is none: a programming error), r.error(). These
// classes add [[nodiscard]] — a result dropped on the floor is a compile warning, an error with
// -Werror — and a common Error; a room with codes of its own uses BasicError<ItsCode> (below).
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

// A failure: a code to branch on and a reason a person can read. The code is core::Errc, or a
// room's own enum where callers must tell more cases apart than Errc names (outbox::OutboxError:
// "full" and "dropped" lead to different replies); either way a to_string(Code) found by
// argument-dependent lookup names it.
template <class Code>
struct BasicError {
  Code code{};
  std::string reason;  // a sentence for the log or the API client
};

using Error = BasicError<Errc>;

// `return core::fail(Errc::not_found, "no job 'j1'");` in a function returning Result<T>/Status;
// with a room's code, in one returning Result<T, BasicError<ThatCode>>.
template <class Code>
BasicError<Code> fail(Code code, std::string reason) {
  return BasicError<Code>{code, std::move(reason)};
}

// boost::system::result calls this (found by argument-dependent lookup) when value() is asked of
// a result that holds an error.
template <class Code>
[[noreturn]] void throw_exception_from_error(const BasicError<Code>& error, const boost::source_location&) {
  throw std::runtime_error(std::string(to_string(error.code)) + ": " + error.reason);
}

// E is the error: BasicError<Code> normally. A parser whose contract is to report every problem
// at once holds them all in its own E (station::parse_pick_list: the list of issues) rather than
// keeping only the first.
template <class T, class E = Error>
class [[nodiscard]] Result : public boost::system::result<T, E> {
 public:
  using boost::system::result<T, E>::result;
  // Converting constructor for the error case: `return core::fail(...)` from a function of any T.
  Result(E error) : boost::system::result<T, E>(boost::system::in_place_error, std::move(error)) {}  // NOLINT
  // "" on success: for logs that print the outcome either way.
  std::string reason() const { return this->has_error() ? this->error().reason : std::string(); }
};

// Success with no value, or an error. A default-constructed status is a success.
template <class E = Error>
class [[nodiscard]] BasicStatus : public Result<void, E> {
 public:
  using Result<void, E>::Result;
  BasicStatus() : Result<void, E>(boost::system::in_place_value) {}
};

using Status = BasicStatus<>;

inline std::string_view to_string(Errc code) noexcept {
  // In the order of the enumerators.
  constexpr std::string_view kNames[] = {"invalid_argument",   "not_found",   "already_exists",
                                         "failed_precondition", "resource_exhausted", "unavailable",
                                         "internal"};
  const auto index = static_cast<std::size_t>(code);
  return index < std::size(kNames) ? kNames[index] : "internal";
}

}  // namespace wedge::core
