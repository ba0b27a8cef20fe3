// Test harness for the outbox suites: an io_context run on the test thread (the "loop"), with
// helpers that append and wait for the commit by running the loop until a condition holds.
// Never sleeps to wait: run_until() runs ready handlers for at most 10 ms at a time and polls.
#pragma once

#include "daemon/outbox/outbox.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wedge::outbox::test {

class Loop {
 public:
  boost::asio::any_io_executor executor() { return context_.get_executor(); }

  // Runs handlers until `done` holds; false on timeout.
  bool run_until(const std::function<bool()>& done,
                 std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      context_.run_one_for(std::chrono::milliseconds(10));
    }
    return true;
  }
  // Runs whatever is ready now.
  void drain() { context_.poll(); }

 private:
  boost::asio::io_context context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{
      context_.get_executor()};
};

inline NewEvent make_event(int n, EventClass event_class = EventClass::business,
                           std::string data_json = {}) {
  NewEvent event;
  event.event_class = event_class;
  event.topic = "wedge/v1/site/gw/events";
  event.type = event_class == EventClass::business ? "pick.scan_accepted" : "scale.weight";
  event.station = "pack-" + std::to_string(n % 3);
  event.order_id = n % 2 == 0 ? "ORD-" + std::to_string(n) : "";
  event.data_json = data_json.empty() ? "{\"n\":" + std::to_string(n) + "}" : std::move(data_json);
  event.ts_unix_ms = 1'795'755'662'123 + n;
  return event;
}

// Appends and runs the loop until the handler ran.
inline AppendResult append_and_wait(Loop& loop, Outbox& outbox, NewEvent event) {
  auto result = std::make_shared<std::optional<AppendResult>>();
  outbox.append(std::move(event), [result](const AppendResult& r) { *result = r; });
  loop.run_until([&] { return result->has_value(); });
  return result->value_or(AppendResult(core::fail(OutboxError::stopped, "handler never ran")));
}

// Appends many without waiting; the results land in `results` (in completion order).
inline void append_many(Outbox& outbox, int first, int count,
                        std::shared_ptr<std::vector<AppendResult>> results,
                        EventClass event_class = EventClass::business) {
  for (int i = first; i < first + count; ++i) {
    outbox.append(make_event(i, event_class),
                  [results](const AppendResult& r) { results->push_back(r); });
  }
}

// Everything stored, via next_batch in chunks (after a rewind).
inline std::vector<StoredEvent> read_all(Outbox& outbox, std::size_t chunk = 64) {
  outbox.rewind();
  std::vector<StoredEvent> all;
  while (true) {
    auto batch = outbox.next_batch(chunk);
    if (batch.empty()) break;
    for (auto& e : batch) all.push_back(std::move(e));
  }
  return all;
}

}  // namespace wedge::outbox::test
