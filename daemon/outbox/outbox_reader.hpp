// The outbox's read side: a second SQLite connection, used on the loop thread by next_batch().
//
// WAL lets this connection read committed events while the writer thread commits new ones; a read
// never waits for a commit and never sees an uncommitted event. Each read is one short statement
// (`seq > cursor ORDER BY seq LIMIT n`, a range scan of the primary key) that is reset at once, so
// the reader never pins old WAL frames and never holds more than one batch in memory.
#pragma once

#include "daemon/outbox/outbox.hpp"
#include "daemon/outbox/outbox_store.hpp"
#include "daemon/storage/sqlite.hpp"

#include <cstdint>
#include <vector>

namespace wedge::outbox {

class OutboxReader {
 public:
  // The writer must have opened the file (and created the schema) first.
  storage::Status open(const StoreOptions& options);
  void close() {
    select_ = {};
    db_.close();
  }

  // Appends to `out` at most `limit` events with seq > `after_seq`, in seq order.
  storage::Status read_after(std::int64_t after_seq, std::size_t limit,
                            std::vector<StoredEvent>& out);

 private:
  storage::Connection db_;
  storage::Statement select_;
};

}  // namespace wedge::outbox
