#include "daemon/core/log.hpp"

#include "daemon/core/journal_fields.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <systemd/sd-journal.h>

#include <mutex>
#include <string_view>
#include <vector>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace wedge::core {

namespace {

char syslog_priority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug: return '7';
    case spdlog::level::warn: return '4';
    case spdlog::level::err: return '3';
    case spdlog::level::critical: return '2';
    default: return '6';
  }
}

// `<N>` syslog priority for journald, which strips it and files the line at that priority.
class JournalPriorityFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const char text[3] = {'<', syslog_priority(msg.level), '>'};
    dest.append(text, text + 3);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JournalPriorityFlag>();
  }
};

// Each line as one native journal entry, its tags as fields. spdlog serialises calls (the mutex).
class JournalSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const std::string_view text(msg.payload.data(), msg.payload.size());
    std::vector<std::string> fields = {
        "MESSAGE=" + std::string(text),
        std::string("PRIORITY=") + syslog_priority(msg.level),
        "SYSLOG_IDENTIFIER=wedge",
    };
    for (const auto& [name, value] : journal_fields(text)) fields.push_back(name + "=" + value);
    std::vector<iovec> entry;
    entry.reserve(fields.size());
    for (auto& field : fields) entry.push_back({field.data(), field.size()});
    if (sd_journal_sendv(entry.data(), static_cast<int>(entry.size())) < 0) {
      // journald is away (stopped, or not there at all): the line must not be lost.
      std::fprintf(stderr, "<%c>%.*s\n", syslog_priority(msg.level), static_cast<int>(text.size()), text.data());
    }
  }
  void flush_() override {}
};

}  // namespace

std::optional<LogTarget> parse_log_target(std::string_view name) {
  if (name == "auto") return LogTarget::automatic;
  if (name == "stderr") return LogTarget::stderr_lines;
  if (name == "journal") return LogTarget::journal;
  return std::nullopt;
}

bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  unsigned long long device = 0, inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  struct stat st {};
  if (::fstat(STDERR_FILENO, &st) != 0) return false;
  return st.st_dev == device && st.st_ino == inode;
}

void init_logging(spdlog::level::level_enum level, LogTarget target) {
  const bool to_journal = target == LogTarget::journal || (target == LogTarget::automatic && stderr_is_journal());
  if (to_journal) {
    auto logger = std::make_shared<spdlog::logger>("wedge", std::make_shared<JournalSink>());
    logger->set_level(level);
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(logger);
    return;
  }
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("wedge", sink);
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  if (stderr_is_journal()) {
    // journald adds its own timestamp and unit name.
    formatter->add_flag<JournalPriorityFlag>('*').set_pattern("%*%v");
  } else {
    formatter->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  }
  logger->set_formatter(std::move(formatter));
  logger->set_level(level);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name) {
  if (name == "trace") return spdlog::level::trace;
  if (name == "debug") return spdlog::level::debug;
  if (name == "info") return spdlog::level::info;
  if (name == "warn") return spdlog::level::warn;
  if (name == "error") return spdlog::level::err;
  return std::nullopt;
}

void set_log_level(spdlog::level::level_enum level) { spdlog::default_logger()->set_level(level); }

}  // namespace wedge::core
