// PrintQueue logic against a scripted Printer: attempts, back-off, expiry, crash recovery,
// reprint. (The same queue against the real simulator over TCP: tests/integration/printer.)
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <sqlite3.h>

#include <deque>

#include "daemon/print/print_queue.hpp"
#include "tests/support/process.hpp"

namespace wedge::print {
namespace {

using namespace std::chrono_literals;

// A printer whose answers the test scripts; it records what it was asked to print.
class ScriptedPrinter : public drivers::Printer {
 public:
  ScriptedPrinter(boost::asio::io_context& io, std::string id) : Printer(std::move(id)), io_(io) {}
  void start() override { set_health(drivers::HealthState::connected); }
  void stop() override {}
  void async_print(std::string zpl, PrintHandler handler) override {
    drivers::PrintResult result = std::size_t{0};
    if (!answers.empty()) {
      result = answers.front();
      answers.pop_front();
    }
    if (result) printed.push_back(zpl);
    ++calls;
    boost::asio::post(io_, [handler, result] { handler(result); });
  }
  void health(drivers::HealthState state, std::string reason = {}) {
    set_health(state, std::move(reason));
  }

  std::deque<drivers::PrintResult> answers;  // empty: success
  std::vector<std::string> printed;
  int calls = 0;

 private:
  boost::asio::io_context& io_;
};

class PrintQueueTest : public ::testing::Test {
 protected:
  QueueOptions options() {
    QueueOptions o;
    o.db_path = dir.file("print.db");
    o.max_attempts = 3;
    o.retry_initial = 20ms;
    o.retry_max = 50ms;
    o.printer_wait_poll = 10ms;
    return o;
  }
  std::unique_ptr<PrintQueue> make_queue(QueueOptions o) {
    auto q = std::make_unique<PrintQueue>(io.get_executor(), o);
    q->add_printer(printer);
    q->set_outcome_handler([this](const JobOutcome& outcome) { outcomes.push_back(outcome); });
    return q;
  }
  bool run_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout = 5s) {
    return test::wait_until([&] {
      io.restart();
      io.run_for(5ms);
      return cond();
    }, timeout, 0ms);
  }

  test::TempDir dir;
  boost::asio::io_context io;
  ScriptedPrinter printer{io, "p1"};
  std::vector<JobOutcome> outcomes;
};

TEST_F(PrintQueueTest, PrintsInOrderAndReportsOutcomes) {
  printer.start();
  auto q = make_queue(options());
  auto a = q->enqueue({"", "p1", "o-1", "^XA1^XZ"});
  auto b = q->enqueue({"job-b", "p1", "o-2", "^XA2^XZ"});
  ASSERT_TRUE(a) << a.reason();
  ASSERT_TRUE(b) << b.reason();
  EXPECT_EQ(*b, "job-b");
  q->start();
  ASSERT_TRUE(run_until([&] { return outcomes.size() == 2; }));
  EXPECT_EQ(printer.printed, (std::vector<std::string>{"^XA1^XZ", "^XA2^XZ"}));
  EXPECT_EQ(outcomes[0].job_id, *a);
  EXPECT_EQ(outcomes[0].order_id, "o-1");
  EXPECT_EQ(outcomes[0].state, JobState::printed);
  EXPECT_EQ(outcomes[0].attempts, 1);
  EXPECT_EQ(q->find("job-b")->state, JobState::printed);
  EXPECT_EQ(q->count(JobState::printed), 2);
}

TEST_F(PrintQueueTest, EnqueueRefusals) {
  auto o = options();
  o.max_queued_jobs = 1;
  auto q = make_queue(o);
  EXPECT_EQ(q->enqueue({"", "nope", "o", "^XA^XZ"}).reason(), "unknown printer 'nope'");
  EXPECT_EQ(q->enqueue({"", "p1", "o", ""}).reason(), "empty label");
  ASSERT_TRUE(q->enqueue({"j1", "p1", "o", "^XA^XZ"}));
  const auto full = q->enqueue({"j2", "p1", "o", "^XA^XZ"});
  EXPECT_EQ(full.reason(), "print queue full (1 jobs waiting)");
  EXPECT_EQ(full.error().code, core::Errc::resource_exhausted);
  o.max_queued_jobs = 10;
  q.reset();
  q = make_queue(o);
  EXPECT_EQ(q->enqueue({"j1", "p1", "o", "^XA^XZ"}).reason(), "job id 'j1' already exists");
}

TEST_F(PrintQueueTest, WaitsForAPrinterThatIsNotConnectedWithoutUsingAttempts) {
  printer.health(drivers::HealthState::faulted, "paper out");
  auto q = make_queue(options());
  q->start();
  ASSERT_TRUE(q->enqueue({"j", "p1", "o", "^XA^XZ"}));
  // Refusals before sending (driver pre-check) do not count either.
  for (int i = 0; i < 5; ++i)
    printer.answers.push_back(drivers::print_failure(drivers::PrintError::not_ready, "head open"));
  io.restart();
  io.run_for(100ms);
  EXPECT_EQ(printer.calls, 0);
  printer.health(drivers::HealthState::connected);
  ASSERT_TRUE(run_until([&] { return outcomes.size() == 1; }));
  EXPECT_EQ(printer.calls, 6);
  EXPECT_EQ(outcomes[0].state, JobState::printed);
  EXPECT_EQ(outcomes[0].attempts, 1);
}

TEST_F(PrintQueueTest, FailedSendsBackOffThenGiveUp) {
  printer.start();
  auto q = make_queue(options());
  q->start();
  for (int i = 0; i < 3; ++i)
    printer.answers.push_back(
        drivers::print_failure(drivers::PrintError::io, "write to x: Broken pipe (3 of 9 bytes sent)", 3));
  ASSERT_TRUE(q->enqueue({"j", "p1", "o", "^XA^XZ"}));
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until([&] { return outcomes.size() == 1; }));
  // Delays 20 ms then 40 ms between the three attempts.
  EXPECT_GE(std::chrono::steady_clock::now() - start, 60ms);
  EXPECT_EQ(printer.calls, 3);
  EXPECT_EQ(outcomes[0].state, JobState::failed);
  EXPECT_EQ(outcomes[0].reason,
            "gave up after 3 attempts: write to x: Broken pipe (3 of 9 bytes sent)");
  EXPECT_EQ(q->find("j")->last_error, outcomes[0].reason);
}

TEST_F(PrintQueueTest, OldJobsExpire) {
  printer.health(drivers::HealthState::disconnected, "connect 10.0.0.5:9100: timed out");
  auto o = options();
  o.max_age = 50ms;
  auto q = make_queue(o);
  q->start();
  ASSERT_TRUE(q->enqueue({"j", "p1", "o", "^XA^XZ"}));
  ASSERT_TRUE(run_until([&] { return outcomes.size() == 1; }));
  EXPECT_EQ(outcomes[0].state, JobState::failed);
  EXPECT_EQ(outcomes[0].reason.rfind("expired: not printed within 50 ms (0 attempts", 0), 0u)
      << outcomes[0].reason;
  EXPECT_EQ(printer.calls, 0);
}

TEST_F(PrintQueueTest, JobInterruptedWhileSendingIsNotResent) {
  {
    auto q = make_queue(options());
    ASSERT_TRUE(q->enqueue({"j1", "p1", "o-1", "^XA1^XZ"}));
    ASSERT_TRUE(q->enqueue({"j2", "p1", "o-2", "^XA2^XZ"}));
  }
  // What a crash between "sending" and "printed" leaves behind.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("print.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE print_job SET state='sending' WHERE id='j1'", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);

  printer.start();
  auto q = make_queue(options());
  q->start();
  ASSERT_TRUE(run_until([&] { return outcomes.size() == 2; }));
  EXPECT_EQ(outcomes[0].job_id, "j1");
  EXPECT_EQ(outcomes[0].state, JobState::failed);
  EXPECT_EQ(outcomes[0].reason, kInterruptedReason);
  EXPECT_EQ(outcomes[1].job_id, "j2");
  EXPECT_EQ(outcomes[1].state, JobState::printed);
  EXPECT_EQ(printer.printed, std::vector<std::string>{"^XA2^XZ"});
}

TEST_F(PrintQueueTest, ReprintCopiesAFinishedJob) {
  printer.start();
  auto q = make_queue(options());
  q->start();
  auto r = q->enqueue({"j1", "p1", "o-1", "^XA1^XZ"});
  ASSERT_TRUE(r) << r.reason();
  EXPECT_EQ(q->reprint("j1").reason(), "job 'j1' has not finished yet");
  ASSERT_TRUE(run_until([&] { return outcomes.size() == 1; }));
  auto again = q->reprint("j1");
  ASSERT_TRUE(again) << again.reason();
  EXPECT_NE(*again, "j1");
  ASSERT_TRUE(run_until([&] { return outcomes.size() == 2; }));
  EXPECT_EQ(outcomes[1].job_id, *again);
  EXPECT_EQ(outcomes[1].reprint_of, "j1");
  EXPECT_EQ(outcomes[1].order_id, "o-1");
  EXPECT_EQ(printer.printed, (std::vector<std::string>{"^XA1^XZ", "^XA1^XZ"}));
  EXPECT_EQ(q->reprint("nope").reason(), "no job 'nope'");
}

TEST_F(PrintQueueTest, JobsOfAPrinterNoLongerConfiguredFail) {
  {
    auto q = std::make_unique<PrintQueue>(io.get_executor(), options());
    ScriptedPrinter old(io, "old");
    q->add_printer(old);
    ASSERT_TRUE(q->enqueue({"j", "old", "o", "^XA^XZ"}));
  }
  auto q = make_queue(options());
  q->start();
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].reason, "printer 'old' is not configured any more");
}

}  // namespace
}  // namespace wedge::print
