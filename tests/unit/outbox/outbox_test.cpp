// The outbox against real SQLite files: seq rules, delivery (next_batch/ack/rewind), limits and the
// alarm, group commit, stats, shutdown.
#include "daemon/outbox/outbox.hpp"
#include "daemon/outbox/outbox_writer.hpp"

#include "tests/support/process.hpp"
#include "tests/unit/outbox/outbox_harness.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace wedge::outbox {
namespace {

using test::Loop;
using test::make_event;

Options options_for(const wedge::test::TempDir& dir) {
  Options options;
  options.db_path = dir.file("outbox.db");
  return options;
}

TEST(Outbox, AppendCommitsAndReturnsSeqAndId) {
  wedge::test::TempDir dir;
  Loop loop;
  Outbox outbox(loop.executor(), options_for(dir));
  const auto first = test::append_and_wait(loop, outbox, make_event(1));
  const auto second = test::append_and_wait(loop, outbox, make_event(2));
  ASSERT_TRUE(first) << first.reason();
  ASSERT_TRUE(second) << second.reason();
  EXPECT_EQ(first->seq, 1);
  EXPECT_EQ(second->seq, 2);
  EXPECT_EQ(first->id.size(), 36u);
  EXPECT_NE(first->id, second->id);

  const auto events = test::read_all(outbox);
  ASSERT_EQ(events.size(), 2u);
  const auto envelope = boost::json::parse(events[0].payload).as_object();
  EXPECT_EQ(envelope.at("id").as_string(), first->id);
  EXPECT_EQ(envelope.at("seq").as_int64(), 1);
  EXPECT_EQ(envelope.at("ts").as_string(), "2026-11-27T05:01:02.124Z");
  EXPECT_EQ(envelope.at("type").as_string(), "pick.scan_accepted");
  EXPECT_EQ(envelope.at("station").as_string(), "pack-1");
  EXPECT_TRUE(envelope.at("order_id").is_null());
  EXPECT_EQ(envelope.at("data").as_object().at("n").as_int64(), 1);
  EXPECT_EQ(events[0].topic, "wedge/v1/site/gw/events");
  EXPECT_EQ(events[0].type, "pick.scan_accepted");
  EXPECT_EQ(events[0].created_unix_ms, 1'795'755'662'124);
}

TEST(Outbox, ZeroTimestampMeansNow) {
  wedge::test::TempDir dir;
  Loop loop;
  Outbox outbox(loop.executor(), options_for(dir));
  auto event = make_event(1);
  event.ts_unix_ms = 0;
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  ASSERT_TRUE(test::append_and_wait(loop, outbox, event));
  const auto events = test::read_all(outbox);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_GE(events[0].created_unix_ms, before);
  EXPECT_LE(events[0].created_unix_ms, before + 10'000);
}

TEST(Outbox, SeqIsGapFreeAndSurvivesReopenEvenWhenEmpty) {
  wedge::test::TempDir dir;
  std::set<std::string> ids;
  {
    Loop loop;
    Outbox outbox(loop.executor(), options_for(dir));
    for (int i = 1; i <= 5; ++i) {
      const auto r = test::append_and_wait(loop, outbox, make_event(i));
      ASSERT_TRUE(r);
      EXPECT_EQ(r->seq, i);
      ids.insert(r->id);
    }
    for (int seq = 1; seq <= 5; ++seq) outbox.ack(seq);
    ASSERT_TRUE(loop.run_until([&] { return outbox.stats().depth == 0; }));
  }
  {
    Loop loop;
    Outbox outbox(loop.executor(), options_for(dir));
    EXPECT_EQ(outbox.stats().depth, 0);
    EXPECT_EQ(outbox.stats().last_seq, 5);  // the table is empty; the meta row remembers
    const auto r = test::append_and_wait(loop, outbox, make_event(6));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->seq, 6);
    EXPECT_EQ(ids.count(r->id), 0u);
    ASSERT_TRUE(test::append_and_wait(loop, outbox, make_event(7)));
  }
  {
    Loop loop;
    Outbox outbox(loop.executor(), options_for(dir));
    const auto events = test::read_all(outbox);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].seq, 6);
    EXPECT_EQ(events[1].seq, 7);
    EXPECT_EQ(test::append_and_wait(loop, outbox, make_event(8)).value().seq, 8);
  }
}

TEST(Outbox, StatsAreRestoredOnOpen) {
  wedge::test::TempDir dir;
  std::int64_t bytes = 0;
  {
    Loop loop;
    Outbox outbox(loop.executor(), options_for(dir));
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE(test::append_and_wait(loop, outbox, make_event(i)));
    for (const auto& e : test::read_all(outbox))
      bytes += static_cast<std::int64_t>(e.payload.size());
    EXPECT_EQ(outbox.stats().bytes, bytes);
    EXPECT_EQ(outbox.stats().oldest_unix_ms, 1'795'755'662'124);
  }
  Loop loop;
  Outbox outbox(loop.executor(), options_for(dir));
  const auto stats = outbox.stats();
  EXPECT_EQ(stats.depth, 3);
  EXPECT_EQ(stats.bytes, bytes);
  EXPECT_EQ(stats.last_seq, 3);
  EXPECT_EQ(stats.oldest_unix_ms, 1'795'755'662'124);
  outbox.ack(1);
  ASSERT_TRUE(loop.run_until([&] { return outbox.stats().depth == 2; }));
  EXPECT_EQ(outbox.stats().oldest_unix_ms, 1'795'755'662'125);
}

TEST(Outbox, NextBatchHandsOutInOrderAndRewindRedeliversUnacked) {
  wedge::test::TempDir dir;
  Loop loop;
  Outbox outbox(loop.executor(), options_for(dir));
  auto results = std::make_shared<std::vector<AppendResult>>();
  test::append_many(outbox, 1, 10, results);
  ASSERT_TRUE(loop.run_until([&] { return results->size() == 10; }));

  auto first = outbox.next_batch(4);
  auto second = outbox.next_batch(4);
  ASSERT_EQ(first.size(), 4u);
  ASSERT_EQ(second.size(), 4u);
  EXPECT_EQ(first.front().seq, 1);
  EXPECT_EQ(second.front().seq, 5);
  EXPECT_EQ(outbox.next_batch(4).size(), 2u);
  EXPECT_TRUE(outbox.next_batch(4).empty());

  // PUBACKs for 1, 2 and 5; the connection drops; after the rewind the rest comes again, in
  // order, whether or not the deletes are committed yet.
  outbox.ack(1);
  outbox.ack(2);
  outbox.ack(5);
  outbox.rewind();
  std::vector<std::int64_t> seqs;
  for (const auto& e : outbox.next_batch(100)) seqs.push_back(e.seq);
  EXPECT_EQ(seqs, (std::vector<std::int64_t>{3, 4, 6, 7, 8, 9, 10}));
  ASSERT_TRUE(loop.run_until([&] { return outbox.stats().depth == 7; }));

  seqs.clear();
  for (const auto& e : test::read_all(outbox, 3)) seqs.push_back(e.seq);
  EXPECT_EQ(seqs, (std::vector<std::int64_t>{3, 4, 6, 7, 8, 9, 10}));
}

TEST(Outbox, NewEventsAfterTheCursorAreHandedOutAndAnnounced) {
  wedge::test::TempDir dir;
  Loop loop;
  Outbox outbox(loop.executor(), options_for(dir));
  int announced = 0;
  outbox.set_available_handler([&] { ++announced; });
  ASSERT_TRUE(test::append_and_wait(loop, outbox, make_event(1)));
  EXPECT_EQ(announced, 1);
  EXPECT_EQ(outbox.next_batch(10).size(), 1u);
  EXPECT_TRUE(outbox.next_batch(10).empty());
  ASSERT_TRUE(test::append_and_wait(loop, outbox, make_event(2)));
  const auto batch = outbox.next_batch(10);
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch[0].seq, 2);
}

// A producer hears back before the link is told: a station's verdict (the picker waits for it)
// never waits behind the link's publish.
TEST(Outbox, TheProducersHandlerComesBeforeTheAnnouncement) {
  wedge::test::TempDir dir;
  Loop loop;
  Outbox outbox(loop.executor(), options_for(dir));
  std::vector<std::string> order;
  outbox.set_available_handler([&] { order.push_back("announced"); });
  outbox.append(make_event(1), [&](const AppendResult& result) {
    EXPECT_TRUE(result) << result.reason();
    order.push_back("handler");
  });
  ASSERT_TRUE(loop.run_until([&] { return order.size() == 2; }));
  EXPECT_EQ(order, (std::vector<std::string>{"handler", "announced"}));
}

// Just-committed events come from memory, not SQLite; the results must be the same as if they had
// been read back: an acked event is never handed out again, a rewind resends exactly the unacked.
TEST(Outbox, CommittedEventsHandedOutFromMemoryBehaveLikeStoredOnes) {
  wedge::test::TempDir dir;
  Loop loop;
  Outbox outbox(loop.executor(), options_for(dir));
  for (int n = 1; n <= 3; ++n) ASSERT_TRUE(test::append_and_wait(loop, outbox, make_event(n)));
  const auto first = outbox.next_batch(10);
  ASSERT_EQ(first.size(), 3u);
  const auto stored = test::read_all(outbox);  // the same events, read from SQLite after a rewind
  ASSERT_EQ(stored.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(first[i].seq, stored[i].seq);
    EXPECT_EQ(first[i].id, stored[i].id);
    EXPECT_EQ(first[i].topic, stored[i].topic);
    EXPECT_EQ(first[i].type, stored[i].type);
    EXPECT_EQ(first[i].payload, stored[i].payload);
    EXPECT_EQ(first[i].created_unix_ms, stored[i].created_unix_ms);
  }

  // Appended, acked before ever being handed out (a duplicate PUBACK after a reconnect), deleted:
  // neither the next batch nor a rewind may bring it back.
  ASSERT_TRUE(test::append_and_wait(loop, outbox, make_event(4)));
  ASSERT_TRUE(test::append_and_wait(loop, outbox, make_event(5)));
  outbox.ack(4);
  ASSERT_TRUE(loop.run_until([&] { return outbox.stats().depth == 4; }));
  const auto next = outbox.next_batch(10);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].seq, 5);
  std::vector<std::int64_t> seqs;
  for (const auto& event : test::read_all(outbox)) seqs.push_back(event.seq);
  EXPECT_EQ(seqs, (std::vector<std::int64_t>{1, 2, 3, 5}));
}

// A reader far behind (an outage) gets everything in order, from SQLite and then from memory,
// with nothing skipped at the seam and nothing twice.
TEST(Outbox, AReaderFarBehindGetsEverythingOnceInOrder) {
  wedge::test::TempDir dir;
  Loop loop;
  Outbox outbox(loop.executor(), options_for(dir));
  auto results = std::make_shared<std::vector<AppendResult>>();
  test::append_many(outbox, 1, 5000, results);
  ASSERT_TRUE(loop.run_until([&] { return results->size() == 5000; }));
  std::vector<StoredEvent> all;
  while (true) {
    auto batch = outbox.next_batch(700);
    if (batch.empty()) break;
    for (auto& event : batch) all.push_back(std::move(event));
  }
  ASSERT_EQ(all.size(), 5000u);
  for (std::size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i].seq, static_cast<std::int64_t>(i) + 1);
  // Half acked, then a reconnect: the other half comes again, in order.
  for (std::int64_t seq = 1; seq <= 2500; ++seq) outbox.ack(seq);
  outbox.rewind();
  std::vector<std::int64_t> again;
  while (true) {
    auto batch = outbox.next_batch(700);
    if (batch.empty()) break;
    for (const auto& event : batch) again.push_back(event.seq);
  }
  ASSERT_EQ(again.size(), 2500u);
  EXPECT_EQ(again.front(), 2501);
  EXPECT_EQ(again.back(), 5000);
}

TEST(Outbox, AcksAreIdempotentAndUnknownSeqsHarmless) {
  wedge::test::TempDir dir;
  Loop loop;
  Outbox outbox(loop.executor(), options_for(dir));
  ASSERT_TRUE(test::append_and_wait(loop, outbox, make_event(1)));
  ASSERT_TRUE(test::append_and_wait(loop, outbox, make_event(2)));
  outbox.ack(1);
  outbox.ack(1);
  outbox.ack(999);
  outbox.ack(-3);
  ASSERT_TRUE(loop.run_until([&] { return outbox.stats().depth == 1; }));
  const auto events = test::read_all(outbox);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].seq, 2);
}

// At station rates: an event is stored, its PUBACK comes a moment later, the next scan's event
// some milliseconds after that. The delete rides in the next event's transaction (no fsync of its
// own), and a last ack with nothing behind it still leaves within the quiet window.
TEST(Outbox, AnAckRidesWithTheNextAppendAndALastOneLeavesOnItsOwn) {
  wedge::test::TempDir dir;
  Loop loop;
  Outbox outbox(loop.executor(), options_for(dir));
  ASSERT_TRUE(test::append_and_wait(loop, outbox, make_event(1)));
  const auto after_first = outbox.stats().transactions;
  // The ack is queued before the next append, as the PUBACK comes before the next scan; acks alone
  // do not start a transaction within the quiet window, so the append takes it along.
  outbox.ack(1);
  ASSERT_TRUE(test::append_and_wait(loop, outbox, make_event(2)));
  ASSERT_TRUE(loop.run_until([&] { return outbox.stats().depth == 1; }));
  EXPECT_EQ(outbox.stats().transactions - after_first, 1);  // one transaction: insert 2, delete 1

  const auto start = std::chrono::steady_clock::now();
  outbox.ack(2);
  ASSERT_TRUE(loop.run_until([&] { return outbox.stats().depth == 0; }));
  EXPECT_LT(std::chrono::steady_clock::now() - start, kQuietAckWindow * 5);
  EXPECT_EQ(outbox.stats().transactions - after_first, 2);
  EXPECT_TRUE(test::read_all(outbox).empty());
  // Every committed transaction has its time in the commit histogram (/metrics), fsync included.
  const auto& commits = outbox.commit_seconds();
  EXPECT_EQ(static_cast<std::int64_t>(commits.count()), outbox.stats().transactions);
  EXPECT_GT(commits.sum_seconds(), 0.0);
}

TEST(Outbox, TelemetryIsDroppedAndBusinessRefusedWhenFullThenAlarmClears) {
  wedge::test::TempDir dir;
  Loop loop;
  auto options = options_for(dir);
  options.max_events = 20;
  Outbox outbox(loop.executor(), options);
  std::vector<std::pair<bool, std::string>> alarms;
  outbox.set_alarm_handler(
      [&](bool active, const std::string& reason) { alarms.emplace_back(active, reason); });

  auto results = std::make_shared<std::vector<AppendResult>>();
  test::append_many(outbox, 1, 20, results);
  ASSERT_TRUE(loop.run_until([&] { return results->size() == 20; }));
  for (const auto& r : *results) EXPECT_TRUE(r) << r.reason();

  const auto refused = test::append_and_wait(loop, outbox, make_event(21));
  EXPECT_EQ(refused.error().code, OutboxError::full);
  EXPECT_EQ(refused.reason().rfind("buffer full: 20 events / ", 0), 0u) << refused.reason();
  EXPECT_NE(refused.reason().find("bytes stored (limit 20 events / 536870912 bytes)"),
            std::string::npos)
      << refused.reason();
  const auto dropped = test::append_and_wait(loop, outbox, make_event(22, EventClass::telemetry));
  EXPECT_EQ(dropped.error().code, OutboxError::dropped);
  ASSERT_TRUE(loop.run_until([&] { return !alarms.empty(); }));
  EXPECT_TRUE(alarms.back().first);
  EXPECT_EQ(alarms.back().second.rfind("buffer full", 0), 0u);
  auto stats = outbox.stats();
  EXPECT_TRUE(stats.full);
  EXPECT_EQ(stats.business_refused, 1);
  EXPECT_EQ(stats.telemetry_dropped, 1);
  EXPECT_EQ(stats.depth, 20);

  // One ack frees room, but the alarm holds until 90 % (18): business goes in, telemetry not.
  outbox.ack(1);
  ASSERT_TRUE(loop.run_until([&] { return outbox.stats().depth == 19; }));
  EXPECT_TRUE(outbox.stats().full);
  EXPECT_EQ(test::append_and_wait(loop, outbox, make_event(23, EventClass::telemetry)).error().code,
            OutboxError::dropped);
  EXPECT_EQ(test::append_and_wait(loop, outbox, make_event(24)).value().seq, 21);
  EXPECT_EQ(outbox.stats().telemetry_dropped, 2);
  EXPECT_EQ(alarms.size(), 1u);

  for (int seq = 2; seq <= 6; ++seq) outbox.ack(seq);
  ASSERT_TRUE(loop.run_until([&] { return outbox.stats().depth == 15; }));
  ASSERT_TRUE(loop.run_until([&] { return alarms.size() == 2; }));
  EXPECT_FALSE(alarms.back().first);
  EXPECT_FALSE(outbox.stats().full);
  EXPECT_EQ(test::append_and_wait(loop, outbox, make_event(25, EventClass::telemetry)).value().seq, 22);
  // Nothing stored was dropped: 7..22.
  const auto events = test::read_all(outbox);
  ASSERT_EQ(events.size(), 16u);
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].seq, static_cast<std::int64_t>(i) + 7);
  }
}

TEST(Outbox, ByteLimitCountsPayloadBytes) {
  wedge::test::TempDir dir;
  Loop loop;
  auto options = options_for(dir);
  options.max_bytes = 4096;
  Outbox outbox(loop.executor(), options);
  const std::string data = "{\"blob\":\"" + std::string(1000, 'x') + "\"}";
  int stored = 0;
  while (true) {
    const auto r =
        test::append_and_wait(loop, outbox, make_event(stored + 1, EventClass::business, data));
    if (!r) {
      EXPECT_EQ(r.error().code, OutboxError::full);
      EXPECT_NE(r.reason().find("limit 1000000 events / 4096 bytes"), std::string::npos) << r.reason();
      break;
    }
    ++stored;
    ASSERT_LT(stored, 10);
  }
  EXPECT_EQ(stored, 3);
  EXPECT_LE(outbox.stats().bytes, 4096);
}

TEST(Outbox, QueuedAppendsCountAgainstTheLimit) {
  wedge::test::TempDir dir;
  Loop loop;
  auto options = options_for(dir);
  options.max_events = 100;
  Outbox outbox(loop.executor(), options);
  auto results = std::make_shared<std::vector<AppendResult>>();
  test::append_many(outbox, 1, 150, results);  // all queued before any commit can report
  ASSERT_TRUE(loop.run_until([&] { return results->size() == 150; }));
  int ok = 0;
  int full = 0;
  for (const auto& r : *results) {
    if (r) ++ok;
    if (r.error().code == OutboxError::full) ++full;
  }
  EXPECT_EQ(ok, 100);
  EXPECT_EQ(full, 50);
  EXPECT_EQ(outbox.stats().depth, 100);
}

TEST(Outbox, GroupCommitPutsManyAppendsInFewTransactions) {
  wedge::test::TempDir dir;
  Loop loop;
  auto options = options_for(dir);
  options.group_commit_window = std::chrono::milliseconds(5);
  options.group_commit_max = 256;
  Outbox outbox(loop.executor(), options);
  auto results = std::make_shared<std::vector<AppendResult>>();
  test::append_many(outbox, 1, 2000, results);
  ASSERT_TRUE(loop.run_until([&] { return results->size() == 2000; }));
  for (std::size_t i = 0; i < results->size(); ++i) {
    ASSERT_TRUE((*results)[i]);
    EXPECT_EQ((*results)[i].value().seq, static_cast<std::int64_t>(i) + 1);  // completions in seq order
  }
  const auto stats = outbox.stats();
  EXPECT_EQ(stats.committed_events, 2000);
  EXPECT_GE(stats.transactions, 8);   // 2000 / 256 rounded up: the cap holds
  EXPECT_LE(stats.transactions, 20);  // and the window groups

  // Acks are batched too: 2000 deletes, not 2000 fsyncs.
  for (int seq = 1; seq <= 2000; ++seq) outbox.ack(seq);
  ASSERT_TRUE(loop.run_until([&] { return outbox.stats().depth == 0; }));
  EXPECT_LE(outbox.stats().transactions - stats.transactions, 10);
}

TEST(Outbox, GroupCommitMaxOfOneIsOneTransactionPerEvent) {
  wedge::test::TempDir dir;
  Loop loop;
  auto options = options_for(dir);
  options.group_commit_max = 1;
  Outbox outbox(loop.executor(), options);
  auto results = std::make_shared<std::vector<AppendResult>>();
  test::append_many(outbox, 1, 20, results);
  ASSERT_TRUE(loop.run_until([&] { return results->size() == 20; }));
  EXPECT_EQ(outbox.stats().transactions, 20);
}

TEST(Outbox, InvalidDataIsRefusedWithoutUsingASeq) {
  wedge::test::TempDir dir;
  Loop loop;
  Outbox outbox(loop.executor(), options_for(dir));
  const auto bad = test::append_and_wait(loop, outbox, make_event(1, EventClass::business, "[1]"));
  EXPECT_EQ(bad.error().code, OutboxError::invalid);
  EXPECT_NE(bad.reason().find("not a JSON object"), std::string::npos) << bad.reason();
  EXPECT_EQ(test::append_and_wait(loop, outbox, make_event(2)).value().seq, 1);
  EXPECT_EQ(outbox.stats().depth, 1);
}

TEST(Outbox, CloseCommitsWhatIsQueuedAndLaterAppendsStop) {
  wedge::test::TempDir dir;
  auto results = std::make_shared<std::vector<AppendResult>>();
  {
    Loop loop;
    auto options = options_for(dir);
    options.group_commit_window = std::chrono::milliseconds(50);
    Outbox outbox(loop.executor(), options);
    test::append_many(outbox, 1, 100, results);
    outbox.close();
    const auto stopped = test::append_and_wait(loop, outbox, make_event(101));
    EXPECT_EQ(stopped.error().code, OutboxError::stopped);
    EXPECT_TRUE(outbox.next_batch(10).empty());
    ASSERT_TRUE(loop.run_until([&] { return results->size() == 100; }));
  }
  for (const auto& r : *results) EXPECT_TRUE(r) << r.reason();
  Loop loop;
  Outbox outbox(loop.executor(), options_for(dir));
  EXPECT_EQ(outbox.stats().depth, 100);
}

TEST(Outbox, HandlersStillRunWhenTheOutboxIsDestroyedFirst) {
  wedge::test::TempDir dir;
  Loop loop;
  auto results = std::make_shared<std::vector<AppendResult>>();
  {
    Outbox outbox(loop.executor(), options_for(dir));
    test::append_many(outbox, 1, 50, results);
  }
  ASSERT_TRUE(loop.run_until([&] { return results->size() == 50; }));
  for (const auto& r : *results) EXPECT_TRUE(r);
}

TEST(Outbox, AThrowingHandlerDoesNotEscapeIntoTheLoop) {
  wedge::test::TempDir dir;
  Loop loop;
  Outbox outbox(loop.executor(), options_for(dir));
  bool ran = false;
  outbox.append(make_event(1), [&](const AppendResult&) {
    ran = true;
    throw std::runtime_error("producer bug");
  });
  ASSERT_TRUE(loop.run_until([&] { return ran; }));
  EXPECT_EQ(test::append_and_wait(loop, outbox, make_event(2)).value().seq, 2);
}

TEST(Outbox, OpenFailureThrowsWithTheReason) {
  Loop loop;
  Options options;
  options.db_path = "/nonexistent-dir/outbox.db";
  try {
    Outbox outbox(loop.executor(), options);
    FAIL() << "opened a file in a missing directory";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/outbox.db"), std::string::npos);
  }
}

TEST(Outbox, ErrorNames) {
  EXPECT_EQ(to_string(OutboxError::none), "none");
  EXPECT_EQ(to_string(OutboxError::full), "full");
  EXPECT_EQ(to_string(OutboxError::dropped), "dropped");
  EXPECT_EQ(to_string(OutboxError::storage), "storage");
  EXPECT_EQ(to_string(OutboxError::stopped), "stopped");
  EXPECT_EQ(to_string(OutboxError::invalid), "invalid");
}

}  // namespace
}  // namespace wedge::outbox
