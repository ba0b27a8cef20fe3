// GS1 check digits and SSCC-18 generation with a persistent serial counter.
//
// SSCC-18 = extension digit (1) + GS1 company prefix (7–10 digits) + serial reference
// (16 − prefix length digits) + check digit. The serial counter lives in SQLite (table
// sscc_serial, one row per prefix+extension) and is advanced in its own committed transaction
// (synchronous=FULL) before an SSCC is handed out, so a serial is never reused, even after a
// crash; a crash may at most skip one. When the serial reference range is used up, next() fails.
//
// gs1_check_digit / gs1_is_valid are pure and thread-agnostic. SsccGenerator: loop thread only.
#pragma once

#include "daemon/core/result.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace wedge::storage {
class Connection;
}  // namespace wedge::storage

namespace wedge::print {

// Check digit for the data digits (without check): weights 3,1,3,1… from the rightmost digit
// leftwards; (10 − sum mod 10) mod 10. Returns -1 for empty input or a non-digit.
[[nodiscard]] int gs1_check_digit(std::string_view data_digits);
// True when the last digit is the correct check digit of the others (needs ≥ 2 digits).
[[nodiscard]] bool gs1_is_valid(std::string_view digits_with_check);

struct SsccOptions {
  std::string db_path;         // normally <state_dir>/print.db
  std::string company_prefix;  // 7–10 digits, from GS1
  int extension_digit = 0;     // 0–9
};

// Success, or invalid_argument saying why `options` cannot make SSCCs (a prefix that is not 7–10
// digits, an extension digit outside 0–9). The generator's constructor and the start-up checks (wedge --check-config) both
// ask this.
core::Status check_sscc_options(const SsccOptions& options);

class SsccGenerator {
 public:
  // Throws std::runtime_error for a bad prefix/extension or a database that cannot be opened.
  explicit SsccGenerator(SsccOptions options);
  ~SsccGenerator();
  SsccGenerator(const SsccGenerator&) = delete;
  SsccGenerator& operator=(const SsccGenerator&) = delete;

  // Allocates the next serial durably and returns the full SSCC-18 (18 digits). Fails with
  // resource_exhausted when the serial range is used up, unavailable when print.db refuses.
  core::Result<std::string> next();
  // How many serials remain for this prefix and extension.
  std::int64_t remaining();

 private:
  SsccOptions options_;
  std::int64_t serial_limit_ = 0;  // 10^(16 − prefix length)
  std::unique_ptr<storage::Connection> db_;
};

}  // namespace wedge::print
