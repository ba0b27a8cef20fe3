#include "tools/scan-bench/bridge.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <mqtt/async_client.h>

#include <arpa/inet.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "tools/common/paho_client.hpp"

namespace wedge::scan_bench {

namespace {

constexpr int kWindow = 64;

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

class Db {
 public:
  explicit Db(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) fail("open " + path + ": " + sqlite3_errmsg(db_));
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    exec("CREATE TABLE IF NOT EXISTS outbox(id INTEGER PRIMARY KEY, line TEXT NOT NULL)");
    begin_ = prepare("BEGIN");
    commit_ = prepare("COMMIT");
    insert_ = prepare("INSERT INTO outbox(line) VALUES(?)");
    remove_ = prepare("DELETE FROM outbox WHERE id = ?");
  }
  ~Db() {
    for (auto* s : {begin_, commit_, insert_, remove_}) sqlite3_finalize(s);
    sqlite3_close(db_);
  }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // One transaction: the acknowledged rows out, the line in. Its rowid.
  std::int64_t commit(const std::string& line, const std::vector<std::int64_t>& acked) {
    step(begin_);
    for (const auto id : acked) {
      sqlite3_bind_int64(remove_, 1, id);
      step(remove_);
    }
    sqlite3_bind_text(insert_, 1, line.data(), static_cast<int>(line.size()), SQLITE_STATIC);
    step(insert_);
    const auto id = sqlite3_last_insert_rowid(db_);
    step(commit_);
    return id;
  }

 private:
  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(std::string(sql) + ": " + sqlite3_errmsg(db_));
  }
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) fail(std::string(sql) + ": " + sqlite3_errmsg(db_));
    return s;
  }
  void step(sqlite3_stmt* s) {
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) fail(std::string("sqlite: ") + sqlite3_errmsg(db_));
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* begin_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* remove_ = nullptr;
};

// Paho's thread: the rowid of every PUBACK, for the reading thread's next commit.
class AckedRows : public mqtt::iaction_listener {
 public:
  std::vector<std::int64_t> take() {
    std::lock_guard lock(mutex_);
    std::vector<std::int64_t> out;
    out.swap(rows_);
    return out;
  }

 private:
  void on_success(const mqtt::token& token) override {
    std::lock_guard lock(mutex_);
    rows_.push_back(reinterpret_cast<std::intptr_t>(token.get_user_context()));
  }
  void on_failure(const mqtt::token&) override {
    std::fputs("scan-bench bridge: a publish failed\n", stderr);
    std::_Exit(1);
  }

  std::mutex mutex_;
  std::vector<std::int64_t> rows_;
};

int listen_on(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 4) != 0)
    fail(fmt::format("listen on 127.0.0.1:{}: {}", port, std::strerror(errno)));
  return fd;
}

}  // namespace

int run_bridge(const BridgeOptions& o) {
  try {
    Db db(o.db_path);
    auto client = tools::connect_paho("scan-bench bridge", o.uri, "scan-bench-bridge", kWindow, true);
    if (!client) return 1;
    AckedRows acked;
    const std::string topic = o.topic_prefix + "/station/bridge/event/line";
    const int listener = listen_on(o.port);
    std::vector<char> buffer(4096);
    for (;;) {
      const int peer = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
      if (peer < 0) fail(std::string("accept: ") + std::strerror(errno));
      std::string line;
      for (;;) {
        const ssize_t n = ::read(peer, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // the scanner went away: wait for the next one
        for (ssize_t i = 0; i < n; ++i) {
          const char c = buffer[static_cast<std::size_t>(i)];
          if (c != '\r' && c != '\n') {
            line.push_back(c);
            continue;
          }
          if (line.empty()) continue;
          const auto id = db.commit(line, acked.take());
          std::string payload = boost::json::serialize(boost::json::object{{"id", id}, {"line", line}});
          client->publish(mqtt::make_message(topic, std::move(payload), 1, false),
                          reinterpret_cast<void*>(static_cast<std::intptr_t>(id)), acked);
          line.clear();
        }
      }
      ::close(peer);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "scan-bench bridge: %s\n", e.what());
    return 1;
  }
}

}  // namespace wedge::scan_bench
