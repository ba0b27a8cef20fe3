#include "daemon/print/schema.hpp"

namespace wedge::print {

using namespace wedge::drivers;

const Schema& printing_schema() {
  static const Schema schema = {
      key_string("db_file", "Print queue and SSCC counter database (relative: in state_dir)",
                 std::string("print.db")),
      key_path("template_dir",
               "Directory of the ZPL label templates (*.zpl); relative: to the config file. A pick "
               "list names a template by a plain name (`[A-Za-z0-9][A-Za-z0-9_.-]{0,63}`, no `..`), "
               "read as `<name>.zpl` here; a file whose real path (symbolic links followed) is "
               "outside this directory is refused. Must be a readable directory when a printer is "
               "configured",
               true, std::string("/etc/wedge/templates")),
      key_string("gs1_company_prefix",
                 "GS1 company prefix for SSCC-18, 7-10 digits; absent: no SSCC generation"),
      key_int("sscc_extension_digit", "SSCC extension digit (first digit)", 0, 0, 9),
      key_int("max_attempts", "Failed sends before a job is given up", 10, 1, 1000),
      key_int("max_age_ms", "A job not printed within this time fails (expired)", 14400000,
              60000, 604800000),
      key_int("retry_initial_ms", "Delay after the first failed send (doubles)", 1000, 10,
              3600000),
      key_int("retry_max_ms", "Longest delay between failed sends", 60000, 10, 3600000),
      key_int("printer_wait_poll_ms", "How often a job waiting for a faulted printer looks again",
              1000, 10, 600000),
      key_int("keep_history_ms", "How long finished jobs stay available for reprint", 604800000,
              0, 31536000000),
      key_int("max_queued_jobs", "Unfinished jobs at most; beyond, enqueue is refused", 10000, 1,
              10000000),
  };
  return schema;
}

namespace {
std::string in_state_dir(const std::string& file, std::string_view state_dir) {
  if (!file.empty() && file.front() == '/') return file;
  std::string path(state_dir);
  if (!path.empty() && path.back() != '/') path += '/';
  return path + file;
}
}  // namespace

QueueOptions queue_options(const Settings& printing, std::string_view state_dir) {
  using std::chrono::milliseconds;
  QueueOptions o;
  o.db_path = in_state_dir(printing.get_string("db_file"), state_dir);
  o.max_attempts = static_cast<int>(printing.get_int("max_attempts"));
  o.max_age = milliseconds(printing.get_int("max_age_ms"));
  o.retry_initial = milliseconds(printing.get_int("retry_initial_ms"));
  o.retry_max = milliseconds(printing.get_int("retry_max_ms"));
  o.printer_wait_poll = milliseconds(printing.get_int("printer_wait_poll_ms"));
  o.keep_history = milliseconds(printing.get_int("keep_history_ms"));
  o.max_queued_jobs = printing.get_int("max_queued_jobs");
  return o;
}

SsccOptions sscc_options(const Settings& printing, std::string_view state_dir) {
  SsccOptions o;
  o.db_path = in_state_dir(printing.get_string("db_file"), state_dir);
  o.company_prefix = printing.get_string_or("gs1_company_prefix", "");
  o.extension_digit = static_cast<int>(printing.get_int("sscc_extension_digit"));
  return o;
}

}  // namespace wedge::print
