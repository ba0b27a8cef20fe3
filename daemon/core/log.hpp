// Process-wide logging setup: spdlog to stderr, with journald priority prefixes (`<3>` …) when
// stderr is connected to the journal (systemd sets JOURNAL_STREAM), timestamps otherwise.
//
// Call init_logging() once in main before anything logs; set_log_level() may be called again on the
// loop thread (SIGHUP). Everything else logs through spdlog's default logger; secrets never go in.
#pragma once

#include <optional>
#include <string_view>

#include <spdlog/common.h>

namespace wedge::core {

void init_logging(spdlog::level::level_enum level = spdlog::level::info);

// "trace" | "debug" | "info" | "warn" | "error"; nullopt for anything else.
std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name);

void set_log_level(spdlog::level::level_enum level);

// True when stderr is the journal stream systemd handed us (compares JOURNAL_STREAM's dev:inode
// with fstat(2) of stderr, as sd_journal_stream_fd(3) describes).
bool stderr_is_journal();

}  // namespace wedge::core
