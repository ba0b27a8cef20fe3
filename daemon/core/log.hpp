// Process-wide logging setup: spdlog to stderr or to journald.
//
// Targets (config `log.target`): `stderr` writes lines, with journald priority prefixes (`<3>` …)
// when stderr is connected to the journal (systemd sets JOURNAL_STREAM), timestamps otherwise.
// `journal` sends each line to journald natively (sd_journal_send(3)) with MESSAGE=, PRIORITY=,
// SYSLOG_IDENTIFIER=wedge and the fields of its tags (STATION=, ORDER_ID=, DEVICE=, EVENT_ID=:
// journal_fields.hpp), so `journalctl STATION=pack-1` works; a line journald refuses goes to stderr.
// `auto` is `journal` when stderr is the journal stream, `stderr` otherwise.
//
// Call init_logging() in main before anything logs, and again once the configuration names the
// target; set_log_level() may be called again on the loop thread (SIGHUP). Everything else logs
// through spdlog's default logger; secrets never go in.
#pragma once

#include <optional>
#include <string_view>

#include <spdlog/common.h>

namespace wedge::core {

enum class LogTarget { automatic, stderr_lines, journal };

// "auto" | "stderr" | "journal"; nullopt for anything else.
[[nodiscard]] std::optional<LogTarget> parse_log_target(std::string_view name);

void init_logging(spdlog::level::level_enum level = spdlog::level::info,
                  LogTarget target = LogTarget::automatic);

// "trace" | "debug" | "info" | "warn" | "error"; nullopt for anything else.
std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name);

void set_log_level(spdlog::level::level_enum level);

// True when stderr is the journal stream systemd handed us (compares JOURNAL_STREAM's dev:inode
// with fstat(2) of stderr, as sd_journal_stream_fd(3) describes).
bool stderr_is_journal();

}  // namespace wedge::core
