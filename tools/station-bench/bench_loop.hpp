// The frame both benchmarks (station-bench, fleet-bench) run in: one io_context on the main thread,
// Ctrl-C and SIGTERM turned into an orderly stop, and a bounded wait for a condition that also
// notices a child that died.
// Main (loop) thread only.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace wedge::station_bench {

// Runs `flow` on `io` until it finishes. On SIGINT/SIGTERM it prints "<tool>: interrupted, <what>",
// calls on_interrupt() (which sets the flow's own flag and cancels its timers) and the run ends with
// 130 once the flow returns; an exception out of the flow is printed as "<tool>: <message>" and
// gives 1. Then shut_down() runs and the loop stops. Returns the flow's code.
[[nodiscard]] int run_bench_flow(boost::asio::io_context& io, std::string_view tool, std::string_view stopping,
                                 boost::asio::awaitable<int> flow, const std::function<void()>& on_interrupt,
                                 const std::function<void()>& shut_down);

// What a wait checks every 10 ms besides its condition: false ends the wait. `why` set: a child
// died (printed as "<tool>: while waiting for <what>: <why>"); left empty: interrupted (quiet).
using StillRunning = std::function<bool(std::string& why)>;

// Polls `ready` every 10 ms up to `timeout`. False on timeout (printed when report_timeout), or
// when still_running says so.
[[nodiscard]] boost::asio::awaitable<bool> wait_until_ready(const std::function<bool()>& ready,
                                                            std::chrono::milliseconds timeout, std::string_view what,
                                                            bool report_timeout, const StillRunning& still_running,
                                                            std::string_view tool);

}  // namespace wedge::station_bench
