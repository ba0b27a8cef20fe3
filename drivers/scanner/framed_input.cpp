#include "drivers/scanner/framed_input.hpp"

#include <fmt/format.h>

namespace wedge::drivers::scanner {

FramedInput::FramedInput(boost::asio::any_io_executor executor, Terminator terminator,
                         std::size_t max_length, std::chrono::milliseconds inter_char_timeout,
                         FrameHandler handler)
    : framer_(terminator, max_length),
      terminator_(terminator),
      inter_char_timeout_(inter_char_timeout),
      handler_(std::move(handler)),
      timer_(std::move(executor)) {}

FramedInput::~FramedInput() {
  *alive_ = false;
  timer_.cancel();
}

void FramedInput::on_bytes(std::string_view bytes) {
  frames_.clear();
  framer_.feed(bytes, frames_);
  // Take the frames out first: the handler may call cancel(), which must not disturb this loop.
  auto frames = std::move(frames_);
  frames_.clear();
  arm_timer();
  for (auto& frame : frames) handler_(std::move(frame));
}

void FramedInput::arm_timer() {
  ++timer_seq_;
  if (!framer_.has_partial() || inter_char_timeout_.count() == 0) {
    timer_.cancel();
    return;
  }
  timer_.expires_after(inter_char_timeout_);
  timer_.async_wait([this, alive = alive_, seq = timer_seq_](const boost::system::error_code& ec) {
    if (!*alive || ec || seq != timer_seq_) return;
    on_timeout();
  });
}

void FramedInput::on_timeout() {
  auto frame = framer_.flush();
  if (!frame) return;
  if (terminator_.kind != Terminator::Kind::none && frame->reject_reason.empty())
    frame->reject_reason =
        fmt::format("no terminator within {} ms", inter_char_timeout_.count());
  handler_(std::move(*frame));
}

void FramedInput::end_of_stream() {
  ++timer_seq_;
  timer_.cancel();
  auto frame = framer_.flush();
  if (!frame) return;
  // With terminator none the timeout, not the terminator, ends a scan: a scan cut by the disconnect
  // is as incomplete as with a terminator.
  if (frame->reject_reason.empty()) frame->reject_reason = "incomplete scan at disconnect";
  handler_(std::move(*frame));
}

void FramedInput::cancel() {
  ++timer_seq_;
  timer_.cancel();
  framer_.reset();
}

}  // namespace wedge::drivers::scanner
