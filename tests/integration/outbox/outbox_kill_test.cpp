// Kill safety: a child process appends events as fast as it can and reports every append whose
// commit was acknowledged (seq and id) through a pipe; the parent SIGKILLs it mid-stream, three
// times over the same file. After each kill the reopened outbox must hold every acknowledged event
// with its id (unless the child acked it), and the seqs must be gap-free and keep increasing.
#include "daemon/outbox/outbox.hpp"

#include "tests/support/process.hpp"
#include "tests/unit/outbox/outbox_harness.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <sstream>

namespace wedge::outbox {
namespace {

using test::Loop;

// Every third committed event is acked by the child right away (a PUBACK), so deletes are in
// flight when the kill lands too.
bool child_acks(std::int64_t seq) { return seq % 3 == 0; }

[[noreturn]] void child_main(const std::string& path, int report_fd) {
  try {
    Loop loop;
    Options options;
    options.db_path = path;
    options.group_commit_window = std::chrono::microseconds(300);
    Outbox outbox(loop.executor(), options);
    int in_flight = 0;
    int n = 0;
    while (true) {
      while (in_flight < 64) {
        ++in_flight;
        outbox.append(test::make_event(++n), [&](const AppendResult& r) {
          --in_flight;
          if (!r) return;
          const std::string line = std::to_string(r->seq) + " " + r->id + "\n";
          // One write per line, well under PIPE_BUF: lines never interleave or tear.
          if (::write(report_fd, line.data(), line.size()) < 0) ::_exit(3);
          if (child_acks(r->seq)) outbox.ack(r->seq);
        });
      }
      loop.run_until([&] { return in_flight < 64; });
    }
  } catch (...) {
    ::_exit(2);
  }
}

// Reads "seq id" lines until `want` were read or the timeout passes. `buffer` keeps the line that a
// read cut in two for the next call to complete: dropped, the next call took the rest of that line
// for a line of its own (a wrong seq with a torn id), which failed the id check under load.
void read_reports(int fd, std::size_t want, std::string& buffer, std::map<std::int64_t, std::string>& reported) {
  std::size_t got = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (got < want && std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, 100) <= 0) continue;
    char chunk[4096];
    const auto n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) break;
    buffer.append(chunk, static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (auto end = buffer.find('\n'); end != std::string::npos; end = buffer.find('\n', start)) {
      std::istringstream line(buffer.substr(start, end - start));
      std::int64_t seq = 0;
      std::string id;
      line >> seq >> id;
      reported[seq] = id;
      ++got;
      start = end + 1;
    }
    buffer.erase(0, start);
  }
}

TEST(OutboxKill, SigkillMidStreamLosesNoAcknowledgedEventAndLeavesNoGap) {
  wedge::test::TempDir dir;
  const std::string path = dir.file("outbox.db");
  std::map<std::int64_t, std::string> reported;  // every acknowledged append, across all rounds
  std::int64_t previous_last = 0;

  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      child_main(path, fds[1]);
    }
    ::close(fds[1]);
    const auto before = reported.size();
    std::string buffer;  // a report line cut between the two reads below
    read_reports(fds[0], 3000, buffer, reported);
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited by itself with " << status;
    read_reports(fds[0], 1'000'000, buffer, reported);  // whatever was still in the pipe
    ::close(fds[0]);
    ASSERT_GE(reported.size(), before + 3000);

    Loop loop;
    Options options;
    options.db_path = path;
    Outbox outbox(loop.executor(), options);
    const auto last = outbox.stats().last_seq;
    ASSERT_GE(last, reported.rbegin()->first);  // commits can be ahead of their reports
    ASSERT_GT(last, previous_last);
    previous_last = last;

    std::map<std::int64_t, std::string> stored;
    for (auto& e : test::read_all(outbox, 512)) stored.emplace(e.seq, e.id);
    // Every acknowledged, un-acked event is there with its id.
    for (const auto& [seq, id] : reported) {
      if (child_acks(seq)) continue;
      auto it = stored.find(seq);
      ASSERT_NE(it, stored.end()) << "acknowledged event " << seq << " lost";
      ASSERT_EQ(it->second, id) << "event " << seq << " changed id";
    }
    // Gap-free: every seq up to the last is stored, or was acked (deleted) by the child.
    for (std::int64_t seq = 1; seq <= last; ++seq) {
      ASSERT_TRUE(stored.count(seq) != 0 || child_acks(seq)) << "gap at seq " << seq;
    }
    EXPECT_EQ(stored.rbegin()->first <= last, true);
    // The reopened outbox continues the sequence.
    const auto next = test::append_and_wait(loop, outbox, test::make_event(0));
    ASSERT_TRUE(next) << next.reason();
    EXPECT_EQ(next->seq, last + 1);
    reported[next->seq] = next->id;
    previous_last = next->seq;
  }
}

// A report line that one read ends in the middle of is completed by the next call, not misread.
TEST(OutboxKill, ReportLineCutBetweenTwoReadsIsReadWhole) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const std::string first = "1 id-one\n12 id-tw";
  ASSERT_EQ(::write(fds[1], first.data(), first.size()), static_cast<ssize_t>(first.size()));
  std::string buffer;
  std::map<std::int64_t, std::string> reported;
  read_reports(fds[0], 1, buffer, reported);
  const std::string rest = "elve\n";
  ASSERT_EQ(::write(fds[1], rest.data(), rest.size()), static_cast<ssize_t>(rest.size()));
  ::close(fds[1]);
  read_reports(fds[0], 1'000'000, buffer, reported);
  ::close(fds[0]);
  const std::map<std::int64_t, std::string> expected = {{1, "id-one"}, {12, "id-twelve"}};
  EXPECT_EQ(reported, expected);
}

}  // namespace
}  // namespace wedge::outbox
