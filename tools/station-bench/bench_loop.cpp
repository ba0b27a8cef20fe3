#include "tools/station-bench/bench_loop.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <csignal>
#include <cstdio>
#include <exception>

namespace wedge::station_bench {

namespace asio = boost::asio;

int run_bench_flow(asio::io_context& io, std::string_view tool, std::string_view stopping, asio::awaitable<int> flow,
                   const std::function<void()>& on_interrupt, const std::function<void()>& shut_down) {
  asio::signal_set signals(io, SIGINT, SIGTERM);
  bool interrupted = false;
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    std::fprintf(stderr, "%.*s: interrupted, %.*s\n", static_cast<int>(tool.size()), tool.data(),
                 static_cast<int>(stopping.size()), stopping.data());
    interrupted = true;
    on_interrupt();
  });
  int code = 1;
  asio::co_spawn(io, std::move(flow), [&](std::exception_ptr error, int result) {
    if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(tool.size()), tool.data(), e.what());
      }
      result = 1;
    }
    code = interrupted ? 130 : result;
    signals.cancel();
    shut_down();
    io.stop();
  });
  io.run();
  return code;
}

asio::awaitable<bool> wait_until_ready(const std::function<bool()>& ready, std::chrono::milliseconds timeout,
                                       std::string_view what, bool report_timeout, const StillRunning& still_running,
                                       std::string_view tool) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!ready()) {
    std::string why;
    if (!still_running(why)) {
      if (!why.empty())
        std::fprintf(stderr, "%.*s: while waiting for %.*s: %s\n", static_cast<int>(tool.size()), tool.data(),
                     static_cast<int>(what.size()), what.data(), why.c_str());
      co_return false;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      if (report_timeout)
        std::fprintf(stderr, "%.*s: timed out after %lld ms waiting for %.*s\n", static_cast<int>(tool.size()),
                     tool.data(), static_cast<long long>(timeout.count()), static_cast<int>(what.size()), what.data());
      co_return false;
    }
    timer.expires_after(std::chrono::milliseconds(10));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return true;
}

}  // namespace wedge::station_bench
