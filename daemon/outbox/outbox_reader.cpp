#include "daemon/outbox/outbox_reader.hpp"

namespace wedge::outbox {

storage::Status OutboxReader::open(const StoreOptions& options) {
  storage::Connection::Options open_options;
  open_options.path = options.path;
  open_options.create = false;
  open_options.vfs = options.vfs;
  open_options.busy_timeout = std::chrono::milliseconds(5000);
  open_options.journal = storage::Connection::Journal::keep;  // the writer set WAL
  open_options.setup.push_back("PRAGMA query_only=1");
  if (auto status = db_.open(open_options); !status) return status;
  if (auto status =
          db_.prepare("SELECT seq, id, topic, type, payload, created FROM events WHERE seq > ? "
                      "ORDER BY seq LIMIT ?",
                      select_);
      !status) {
    close();
    return status;
  }
  return {};
}

storage::Status OutboxReader::read_after(std::int64_t after_seq, std::size_t limit,
                                        std::vector<StoredEvent>& out) {
  select_.bind(1, after_seq);
  select_.bind(2, static_cast<std::int64_t>(limit));
  storage::Status status;
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
  return status.ok() ? storage::Status{} : status;
}

}  // namespace wedge::outbox
