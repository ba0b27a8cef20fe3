// Fault injection (Beast's failMatrix, LevelDB's fault-injection tests): a workload runs once per
// n with the n-th SQLite write (or fsync) failing, for every n the workload performs. After each
// run the file is reopened without faults and must hold exactly the events whose appends reported
// success and were not acked, with their ids, and their seqs must be gap-free. Plus a power cut
// that drops every unsynced write, and a full disk in miniature (max_page_count): clear error,
// alarm, nothing lost, recovery after acks.
#include "daemon/outbox/outbox.hpp"

#include "tests/support/process.hpp"
#include "tests/unit/outbox/fault_vfs.hpp"
#include "tests/unit/outbox/outbox_harness.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <memory>
#include <set>

namespace wedge::outbox {
namespace {

using test::Loop;
using test::make_event;

struct Outcome {
  std::map<std::int64_t, std::string> committed;  // seq -> id of every append that succeeded
  std::set<std::int64_t> acked;
  int failed_appends = 0;
  int failed_opens = 0;
};

Options fault_options(const std::string& path) {
  Options options;
  options.db_path = path;
  options.sqlite_vfs = test::kFaultVfsName;
  options.group_commit_window = std::chrono::microseconds(500);
  return options;
}

std::unique_ptr<Outbox> open_retrying(Loop& loop, const Options& options, Outcome& outcome) {
  // A fault during open is a start-up error (the constructor throws); the fault is one-shot, so the
  // second attempt must work, as a restarted daemon would.
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      return std::make_unique<Outbox>(loop.executor(), options);
    } catch (const std::runtime_error&) {
      ++outcome.failed_opens;
    }
  }
  return nullptr;
}

void append_wave(Loop& loop, Outbox& outbox, int first, int count, Outcome& outcome) {
  auto results = std::make_shared<std::vector<AppendResult>>();
  test::append_many(outbox, first, count, results);
  ASSERT_TRUE(loop.run_until([&] { return results->size() == static_cast<std::size_t>(count); }));
  for (const auto& r : *results) {
    if (r) {
      ASSERT_TRUE(outcome.committed.emplace(r->seq, r->id).second) << "seq reused: " << r->seq;
    } else {
      ASSERT_EQ(r.error().code, OutboxError::storage) << r.reason();
      ASSERT_FALSE(r.reason().empty());
      ++outcome.failed_appends;
    }
  }
}

// Three waves of appends with acks in between, then a clean close.
Outcome run_workload(const std::string& path) {
  Outcome outcome;
  Loop loop;
  auto outbox = open_retrying(loop, fault_options(path), outcome);
  if (!outbox) {
    ADD_FAILURE() << "could not open after a one-shot fault";
    return outcome;
  }
  append_wave(loop, *outbox, 1, 10, outcome);
  append_wave(loop, *outbox, 11, 10, outcome);
  for (const auto& [seq, id] : outcome.committed) {
    if (outcome.acked.size() >= 6) break;
    outbox->ack(seq);
    outcome.acked.insert(seq);
  }
  const auto expected_depth =
      static_cast<std::int64_t>(outcome.committed.size() - outcome.acked.size());
  // A failed delete is retried by the writer; it must get through once the fault has passed.
  EXPECT_TRUE(loop.run_until([&] { return outbox->stats().depth == expected_depth; }));
  append_wave(loop, *outbox, 21, 10, outcome);
  outbox->close();
  return outcome;
}

void verify(const std::string& path, const Outcome& outcome, const std::string& label) {
  SCOPED_TRACE(label);
  // Committed seqs are exactly 1..M: a failed transaction gave its seqs back.
  std::int64_t expected_seq = 1;
  for (const auto& [seq, id] : outcome.committed) {
    ASSERT_EQ(seq, expected_seq) << "gap in committed seqs";
    ++expected_seq;
  }
  const std::int64_t last = expected_seq - 1;

  Loop loop;
  Options options;
  options.db_path = path;
  Outbox outbox(loop.executor(), options);
  const auto stored = test::read_all(outbox);
  std::vector<std::pair<std::int64_t, std::string>> expected;
  for (const auto& [seq, id] : outcome.committed) {
    if (outcome.acked.count(seq) == 0) expected.emplace_back(seq, id);
  }
  std::vector<std::pair<std::int64_t, std::string>> actual;
  for (const auto& e : stored) actual.emplace_back(e.seq, e.id);
  ASSERT_EQ(actual, expected) << "stored events differ from the acknowledged appends";
  EXPECT_EQ(outbox.stats().depth, static_cast<std::int64_t>(expected.size()));
  EXPECT_EQ(outbox.stats().last_seq, last);
  const auto next = test::append_and_wait(loop, outbox, make_event(99));
  ASSERT_TRUE(next) << next.reason();
  EXPECT_EQ(next->seq, last + 1);
}

class OutboxFault : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(test::register_fault_vfs()); }
  void TearDown() override { test::fault_reset(); }

  // Counts the workload's writes and syncs without faults.
  test::FaultCounters clean_run() {
    wedge::test::TempDir dir;
    test::fault_reset();
    const auto outcome = run_workload(dir.file("outbox.db"));
    const auto counters = test::fault_counters();
    EXPECT_EQ(outcome.failed_appends, 0);
    EXPECT_EQ(outcome.committed.size(), 30u);
    verify(dir.file("outbox.db"), outcome, "clean run");
    return counters;
  }

  // Runs the workload with `arm(n)` for n = 1, 2, ... until a run ends without the fault firing
  // (n is past the run's last write), as Beast's failMatrix does: the count of writes depends on
  // how the appends happened to group, so it is not fixed in advance. Returns how many runs saw a
  // failed append or open.
  template <typename Arm>
  int matrix(std::int64_t expected_operations, Arm arm, const std::string& what) {
    int runs_with_failures = 0;
    std::int64_t n = 1;
    for (; n <= expected_operations * 4; ++n) {
      wedge::test::TempDir dir;
      test::fault_reset();
      arm(n);
      const auto outcome = run_workload(dir.file("outbox.db"));
      const bool fired = test::fault_counters().failures == 1;
      test::fault_reset();
      if (outcome.failed_appends > 0 || outcome.failed_opens > 0) ++runs_with_failures;
      verify(dir.file("outbox.db"), outcome, what + " #" + std::to_string(n));
      if (HasFatalFailure() || !fired) break;
    }
    EXPECT_GE(n, expected_operations / 2) << what << ": the matrix ended early";
    EXPECT_LT(n, expected_operations * 4) << what << ": the fault kept firing";
    return runs_with_failures;
  }
};

TEST_F(OutboxFault, EveryFailedWriteLosesNothingCommittedAndLeavesNoGap) {
  const auto clean = clean_run();
  ASSERT_GT(clean.writes, 10);
  const int hurt = matrix(
      clean.writes, [](std::int64_t n) { test::fault_fail_write(n, SQLITE_IOERR_WRITE); },
      "failed write");
  // Most writes belong to a commit; a few are checkpoint writes whose failure SQLite absorbs.
  EXPECT_GT(hurt, clean.writes / 2);
}

TEST_F(OutboxFault, EveryWriteHittingAFullDiskLosesNothingCommitted) {
  const auto clean = clean_run();
  const int hurt = matrix(
      clean.writes, [](std::int64_t n) { test::fault_fail_write(n, SQLITE_FULL); }, "disk full");
  EXPECT_GT(hurt, clean.writes / 2);
}

TEST_F(OutboxFault, EveryFailedFsyncLosesNothingCommittedAndLeavesNoGap) {
  const auto clean = clean_run();
  ASSERT_GT(clean.syncs, 4);
  const int hurt = matrix(
      clean.syncs, [](std::int64_t n) { test::fault_fail_sync(n); }, "failed fsync");
  EXPECT_GT(hurt, 0);
}

// Power loss (LevelDB's fault-injection test): the VFS keeps what every unsynced write replaced;
// the cut puts it all back mid-stream, at a different point in each round. After the "reboot" the
// file must hold every event whose append reported success (unless acked), nothing else, gap-free.
TEST(OutboxPowerLoss, PowerCutMidStreamKeepsEveryAcknowledgedEventAndNothingElse) {
  ASSERT_TRUE(test::register_fault_vfs());
  // A round whose cut found the writer idle (it can commit all 32 before a loaded loop thread gets
  // to the cut) still checks that nothing was lost; at least one round must cut mid-stream.
  int rounds_cut_mid_stream = 0;
  for (int round = 0; round < 5; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    wedge::test::TempDir dir;
    test::fault_reset();
    test::fault_track_unsynced();
    std::map<std::int64_t, std::string> committed;
    std::set<std::int64_t> acked;
    int failed = 0;
    {
      Loop loop;
      auto options = fault_options(dir.file("outbox.db"));
      Outbox outbox(loop.executor(), options);
      const std::size_t cut_after = 150 + 170 * static_cast<std::size_t>(round);
      int in_flight = 0;
      int n = 0;
      bool cut = false;
      while (!cut) {
        while (in_flight < 32) {
          ++in_flight;
          outbox.append(make_event(++n), [&](const AppendResult& r) {
            --in_flight;
            if (!r) {
              ++failed;
              return;
            }
            committed.emplace(r->seq, r->id);
            if (r->seq % 3 == 0) {
              outbox.ack(r->seq);
              acked.insert(r->seq);
            }
          });
        }
        // Cut right after a refill: the writer is busy with the new group (writing or fsyncing).
        if (committed.size() >= cut_after) {
          test::fault_power_cut();
          cut = true;
          break;
        }
        ASSERT_TRUE(loop.run_until([&] { return in_flight < 32; }));
      }
      outbox.close();  // everything still queued fails: the disk is gone
      ASSERT_TRUE(loop.run_until([&] { return in_flight == 0; }));
    }
    test::fault_reset();
    if (failed > 0) ++rounds_cut_mid_stream;

    Loop loop;
    Options options;
    options.db_path = dir.file("outbox.db");
    Outbox outbox(loop.executor(), options);
    std::map<std::int64_t, std::string> stored;
    for (auto& e : test::read_all(outbox, 256)) stored.emplace(e.seq, e.id);
    const std::int64_t last = committed.rbegin()->first;
    for (std::int64_t seq = 1; seq <= last; ++seq) {
      const auto it = committed.find(seq);
      ASSERT_NE(it, committed.end()) << "gap in acknowledged seqs at " << seq;
      const auto found = stored.find(seq);
      if (found == stored.end()) {
        ASSERT_EQ(acked.count(seq), 1u) << "acknowledged event " << seq << " lost";
      } else {
        ASSERT_EQ(found->second, it->second) << "event " << seq << " changed id";
      }
    }
    ASSERT_TRUE(stored.empty() || stored.rbegin()->first <= last)
        << "an event whose append failed survived the power cut";
    EXPECT_EQ(outbox.stats().last_seq, last);
    const auto next = test::append_and_wait(loop, outbox, make_event(0));
    ASSERT_TRUE(next) << next.reason();
    EXPECT_EQ(next->seq, last + 1);
  }
  EXPECT_GT(rounds_cut_mid_stream, 0) << "no cut landed mid-stream";
}

TEST(OutboxDiskFull, FullDiskRefusesWithAClearReasonRaisesTheAlarmAndRecoversAfterAcks) {
  wedge::test::TempDir dir;
  const std::string data = "{\"blob\":\"" + std::string(1000, 'x') + "\"}";
  std::map<std::int64_t, std::string> committed;
  std::set<std::int64_t> acked;
  {
    Loop loop;
    Options options;
    options.db_path = dir.file("outbox.db");
    options.max_page_count = 40;  // 160 KiB with 4 KiB pages: a very small disk
    Outbox outbox(loop.executor(), options);
    std::vector<std::pair<bool, std::string>> alarms;
    outbox.set_alarm_handler(
        [&](bool active, const std::string& reason) { alarms.emplace_back(active, reason); });
    std::optional<AppendResult> failure;
    for (int i = 1; i < 1000; ++i) {
      auto r = test::append_and_wait(loop, outbox, make_event(i, EventClass::business, data));
      if (!r) {
        failure = r;
        break;
      }
      committed.emplace(r->seq, r->id);
    }
    ASSERT_TRUE(failure) << "every append was stored";
    ASSERT_EQ(failure->error().code, OutboxError::storage);
    EXPECT_NE(failure->reason().find("SQLITE_FULL"), std::string::npos) << failure->reason();
    EXPECT_NE(failure->reason().find("full"), std::string::npos) << failure->reason();
    EXPECT_GT(committed.size(), 20u);
    ASSERT_TRUE(loop.run_until([&] { return !alarms.empty(); }));
    EXPECT_TRUE(alarms.back().first);
    EXPECT_NE(alarms.back().second.find("SQLITE_FULL"), std::string::npos);
    EXPECT_TRUE(outbox.stats().storage_failed);
    EXPECT_FALSE(outbox.stats().full);  // the limits are not the problem; the disk is

    // Still full: the next one fails too, and what is stored is intact.
    EXPECT_EQ(
        test::append_and_wait(loop, outbox, make_event(2000, EventClass::business, data)).error().code,
        OutboxError::storage);
    EXPECT_EQ(test::read_all(outbox).size(), committed.size());

    // Deletes need no new pages: acks get through and make room.
    for (const auto& [seq, id] : committed) {
      if (acked.size() >= committed.size() / 2) break;
      outbox.ack(seq);
      acked.insert(seq);
    }
    const auto expected_depth = static_cast<std::int64_t>(committed.size() - acked.size());
    ASSERT_TRUE(loop.run_until([&] { return outbox.stats().depth == expected_depth; }));
    const auto again =
        test::append_and_wait(loop, outbox, make_event(3000, EventClass::business, data));
    ASSERT_TRUE(again) << again.reason();
    EXPECT_EQ(again->seq, static_cast<std::int64_t>(committed.size()) + 1);
    committed.emplace(again->seq, again->id);
    EXPECT_FALSE(outbox.stats().storage_failed);
    ASSERT_TRUE(loop.run_until([&] { return !alarms.back().first; }));
  }
  Loop loop;
  Options options;
  options.db_path = dir.file("outbox.db");
  Outbox outbox(loop.executor(), options);
  std::vector<std::pair<std::int64_t, std::string>> expected;
  for (const auto& [seq, id] : committed) {
    if (acked.count(seq) == 0) expected.emplace_back(seq, id);
  }
  std::vector<std::pair<std::int64_t, std::string>> actual;
  for (const auto& e : test::read_all(outbox)) actual.emplace_back(e.seq, e.id);
  EXPECT_EQ(actual, expected);
}

}  // namespace
}  // namespace wedge::outbox
