// FramedInput: a Framer plus the inter-character timer, for byte-stream scanners (serial, tcp).
//
// Contract: on_bytes() feeds what a read returned; each completed frame goes to the handler at once.
// While a partial scan is pending, silence of inter_char_timeout ends it: with terminator `none` the
// partial is the scan; otherwise it is handed on with reject_reason
// "no terminator within N ms". end_of_stream() hands on a pending partial as rejected
// ("incomplete scan at disconnect"). cancel() drops the partial silently and stops the timer.
// Loop thread only. The handler may destroy nothing that owns this object.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string_view>

#include "drivers/scanner/framer.hpp"

namespace wedge::drivers::scanner {

class FramedInput {
 public:
  using FrameHandler = std::function<void(Frame)>;

  FramedInput(boost::asio::any_io_executor executor, Terminator terminator,
              std::size_t max_length, std::chrono::milliseconds inter_char_timeout,
              FrameHandler handler);
  ~FramedInput();
  FramedInput(const FramedInput&) = delete;
  FramedInput& operator=(const FramedInput&) = delete;

  void on_bytes(std::string_view bytes);
  void end_of_stream();
  void cancel();

 private:
  void arm_timer();
  void on_timeout();

  Framer framer_;
  Terminator terminator_;
  std::chrono::milliseconds inter_char_timeout_;
  FrameHandler handler_;
  boost::asio::steady_timer timer_;
  std::uint64_t timer_seq_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::vector<Frame> frames_;
};

}  // namespace wedge::drivers::scanner
