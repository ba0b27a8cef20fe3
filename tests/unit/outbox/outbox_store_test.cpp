// The outbox's one write transaction, directly on OutboxStore (issue 23): a commit at station rates
// (insert event n, delete the acked n-1) writes the events table's page and nothing else, and seq
// still never goes back: whenever the table loses its highest row, meta.last_seq is raised in the
// same transaction.
#include "daemon/outbox/outbox_store.hpp"

#include "tests/support/process.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace wedge::outbox {
namespace {

RowToInsert row(std::int64_t seq) {
  return RowToInsert{seq, "id-" + std::to_string(seq), "t/event/pick.item_picked", "pick.item_picked",
                     std::string(600, 'x'), 1'700'000'000'000 + seq};
}

// WAL frames written since the last truncating checkpoint, read through a connection of its own.
int wal_frames_after(const std::string& path, const std::function<void()>& writes) {
  storage::Connection db;
  EXPECT_TRUE(db.open(path, false, ""));
  EXPECT_TRUE(db.exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  writes();
  storage::Statement checkpoint;
  EXPECT_TRUE(db.prepare("PRAGMA wal_checkpoint(PASSIVE)", checkpoint));
  EXPECT_EQ(checkpoint.step().code, SQLITE_ROW);
  return static_cast<int>(checkpoint.column_int(1));
}

StoreState reopened(const std::string& path) {
  OutboxStore store;
  EXPECT_TRUE(store.open(StoreOptions{path, "", 0}));
  StoreState state;
  EXPECT_TRUE(store.load_state(state));
  store.close();
  return state;
}

TEST(OutboxStore, AnEventWithThePreviousOnesAckWritesOnePage) {
  test::TempDir dir;
  const auto path = dir.file("outbox.db");
  OutboxStore store;
  ASSERT_TRUE(store.open(StoreOptions{path, "", 0}));
  ASSERT_TRUE(store.commit({row(1)}, {}, 1).status);
  for (std::int64_t seq = 2; seq <= 20; ++seq) {
    const int frames = wal_frames_after(path, [&] {
      const auto outcome = store.commit({row(seq)}, {{seq - 1, seq - 1}}, seq);
      EXPECT_TRUE(outcome.status) << outcome.status.message;
      EXPECT_EQ(outcome.deleted_events, 1);
    });
    EXPECT_EQ(frames, 1) << "seq " << seq;  // the events page; no meta page
  }
  store.close();
  const auto state = reopened(path);
  EXPECT_EQ(state.next_seq, 21);
  EXPECT_EQ(state.depth, 1);
}

TEST(OutboxStore, SeqNeverGoesBackWhenTheAcksEmptyTheTable) {
  test::TempDir dir;
  const auto path = dir.file("outbox.db");
  {
    OutboxStore store;
    ASSERT_TRUE(store.open(StoreOptions{path, "", 0}));
    ASSERT_TRUE(store.commit({row(1), row(2), row(3)}, {}, 3).status);
    ASSERT_TRUE(store.commit({row(4)}, {{1, 2}}, 4).status);
    // The highest row goes with an append of none: meta remembers it.
    ASSERT_TRUE(store.commit({}, {{3, 4}}, 4).status);
    store.close();
  }
  auto state = reopened(path);
  EXPECT_EQ(state.depth, 0);
  EXPECT_EQ(state.next_seq, 5);
  {
    // The highest row goes in the same transaction as the rows before it.
    OutboxStore store;
    ASSERT_TRUE(store.open(StoreOptions{path, "", 0}));
    ASSERT_TRUE(store.commit({row(5), row(6)}, {{5, 6}}, 6).status);
    store.close();
  }
  state = reopened(path);
  EXPECT_EQ(state.depth, 0);
  EXPECT_EQ(state.next_seq, 7);
}

}  // namespace
}  // namespace wedge::outbox
