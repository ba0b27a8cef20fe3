#include "daemon/print/sscc.hpp"

#include <fmt/format.h>

#include "daemon/print/print_db.hpp"
#include "daemon/storage/sqlite.hpp"

#include <stdexcept>


namespace wedge::print {
namespace {

constexpr std::string_view kSchema =
    "CREATE TABLE IF NOT EXISTS sscc_serial ("
    " company_prefix TEXT NOT NULL,"
    " extension INTEGER NOT NULL,"
    " next_serial INTEGER NOT NULL,"
    " PRIMARY KEY (company_prefix, extension))";

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

int gs1_check_digit(std::string_view data_digits) {
  if (!all_digits(data_digits)) return -1;
  int sum = 0;
  int weight = 3;
  for (auto it = data_digits.rbegin(); it != data_digits.rend(); ++it) {
    sum += (*it - '0') * weight;
    weight = weight == 3 ? 1 : 3;
  }
  return (10 - sum % 10) % 10;
}

bool gs1_is_valid(std::string_view digits_with_check) {
  if (digits_with_check.size() < 2 || !all_digits(digits_with_check)) return false;
  const int check = gs1_check_digit(digits_with_check.substr(0, digits_with_check.size() - 1));
  return check == digits_with_check.back() - '0';
}

core::Status check_sscc_options(const SsccOptions& options) {
  const auto& prefix = options.company_prefix;
  if (!all_digits(prefix) || prefix.size() < 7 || prefix.size() > 10)
    return core::fail(core::Errc::invalid_argument,
                      fmt::format("printing.gs1_company_prefix must be 7 to 10 digits, got '{}'", prefix));
  if (options.extension_digit < 0 || options.extension_digit > 9)
    return core::fail(core::Errc::invalid_argument,
                      fmt::format("printing.sscc_extension_digit must be 0..9, got {}", options.extension_digit));
  return {};
}

SsccGenerator::SsccGenerator(SsccOptions options) : options_(std::move(options)) {
  if (auto checked = check_sscc_options(options_); !checked) throw std::runtime_error(checked.error().reason);
  const auto& prefix = options_.company_prefix;
  serial_limit_ = 1;
  for (std::size_t i = 0; i < 16 - prefix.size(); ++i) serial_limit_ *= 10;
  db_ = open_print_db(options_.db_path, kSchema);
}

SsccGenerator::~SsccGenerator() = default;

core::Result<std::string> SsccGenerator::next() {
  // IMMEDIATE: take the write lock before reading, so that two processes sharing the file (a
  // misconfiguration, but possible) still never read the same serial.
  storage::Transaction transaction(*db_);
  if (auto st = transaction.begin(storage::Transaction::Mode::immediate); !st)
    return core::fail(core::Errc::unavailable, "SSCC counter: " + st.message);
  auto fail = [&transaction](std::string message, core::Errc code = core::Errc::unavailable) {
    transaction.rollback();
    return core::fail(code, std::move(message));
  };
  auto insert = db_->statement(
      "INSERT OR IGNORE INTO sscc_serial(company_prefix, extension, next_serial) VALUES (?,?,1)");
  insert.bind(1, options_.company_prefix).bind(2, std::int64_t{options_.extension_digit});
  if (auto st = insert.step(); !st) return fail("SSCC counter: " + st.message);
  auto select = db_->statement(
      "SELECT next_serial FROM sscc_serial WHERE company_prefix=? AND extension=?");
  select.bind(1, options_.company_prefix).bind(2, std::int64_t{options_.extension_digit});
  if (auto st = select.step(); st.code != SQLITE_ROW) return fail("SSCC counter: " + st.message);
  const auto serial = select.column_int(0);
  if (serial >= serial_limit_)
    return fail(fmt::format("SSCC serial range exhausted for prefix {} extension {}",
                            options_.company_prefix, options_.extension_digit),
                core::Errc::resource_exhausted);
  auto update = db_->statement(
      "UPDATE sscc_serial SET next_serial=next_serial+1 WHERE company_prefix=? AND extension=?");
  update.bind(1, options_.company_prefix).bind(2, std::int64_t{options_.extension_digit});
  if (auto st = update.step(); !st) return fail("SSCC counter: " + st.message);
  if (auto st = transaction.commit(); !st) return fail("SSCC counter: " + st.message);

  const auto serial_digits = 16 - options_.company_prefix.size();
  auto data = fmt::format("{}{}{:0{}}", options_.extension_digit, options_.company_prefix, serial,
                          serial_digits);
  data += static_cast<char>('0' + gs1_check_digit(data));
  return data;
}

std::int64_t SsccGenerator::remaining() {
  auto select = db_->statement(
      "SELECT next_serial FROM sscc_serial WHERE company_prefix=? AND extension=?");
  select.bind(1, options_.company_prefix).bind(2, std::int64_t{options_.extension_digit});
  if (select.step().code != SQLITE_ROW) return serial_limit_ - 1;
  return serial_limit_ - select.column_int(0);
}

}  // namespace wedge::print
