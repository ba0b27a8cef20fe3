#include "daemon/outbox/outbox_reader.hpp"

namespace wedge::outbox {

sqlite::Status OutboxReader::open(const StoreOptions& options) {
  if (auto status = db_.open(options.path, false, options.vfs); !status) return status;
  auto fail = [this](sqlite::Status status) {
    close();
    return status;
  };
  if (auto status = db_.exec("PRAGMA busy_timeout=5000; PRAGMA query_only=1"); !status) {
    return fail(status);
  }
  if (auto status =
          db_.prepare("SELECT seq, id, topic, type, payload, created FROM events WHERE seq > ? "
                      "ORDER BY seq LIMIT ?",
                      select_);
      !status) {
    return fail(status);
  }
  return {};
}

sqlite::Status OutboxReader::read_after(std::int64_t after_seq, std::size_t limit,
                                        std::vector<StoredEvent>& out) {
  select_.bind(1, after_seq);
  select_.bind(2, static_cast<std::int64_t>(limit));
  sqlite::Status status;
  while (true) {
    status = select_.step();
    if (status.code != SQLITE_ROW) break;
    StoredEvent event;
    event.seq = select_.column_int(0);
    event.id = select_.column_text(1);
    event.topic = select_.column_text(2);
    event.type = select_.column_text(3);
    event.payload = select_.column_text(4);
    event.created_unix_ms = select_.column_int(5);
    out.push_back(std::move(event));
  }
  select_.reset();
  return status.ok() ? sqlite::Status{} : status;
}

}  // namespace wedge::outbox
