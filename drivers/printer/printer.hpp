// The label printer interface: a Device that prints ZPL and knows whether it can print.
//
// Contract
// - async_print(zpl, handler) sends one job (normally one ^XA…^XZ format) and calls `handler`
//   exactly once on the loop executor. Before sending, the driver asks the printer for a fresh
//   status (~HQES, then ~HS; only ~HS on a link where the printer does not answer ~HQES); a
//   printer that cannot print (paper out, head open, …, or no reply: "not ready") is reported
//   `faulted` with the reason and the job is refused with PrintError::not_ready — nothing was
//   sent. ~HQES warnings (paper near end, clean printhead, …) do not hold a job back; they are in
//   health().warnings. Success means every byte was handed to the printer (TCP socket or device
//   file); ZPL has no per-label acknowledgement, so "printed" means "accepted by the printer".
//   After a job the driver asks for the status again and reports `faulted` if it turned bad.
// - One job at a time per printer: a second async_print while one is running is queued in order
//   (bounded: kMaxPendingJobs, beyond which PrintError::busy).
// - status() is the last parsed ~HS reply (status_known() false until one arrived, or for a device
//   file printer that never answers).
// - After stop() no handler is called (Device contract): jobs still waiting in the driver are
//   dropped. The print queue (daemon/print) keeps its own durable record of every job it handed
//   over and resolves it on restart.
//
// Threading: loop thread only, like every Device.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "daemon/core/result.hpp"
#include "drivers/common/device.hpp"
#include "drivers/printer/hs_status.hpp"

namespace wedge::drivers {

enum class PrintError {
  not_ready,    // printer faulted or unreachable before sending: nothing was sent, safe to retry
  io,           // write failed or timed out; `bytes_sent` says how much left us
  busy,         // too many jobs waiting in the driver
  stopped,      // driver stopped (only seen by handlers that ran before stop())
};

std::string_view to_string(PrintError error) noexcept;

// Why a job did not print, and how much of it left us anyway (io only; 0 for the others).
struct PrintFailure : core::BasicError<PrintError> {
  std::size_t bytes_sent = 0;
};

inline PrintFailure print_failure(PrintError code, std::string reason, std::size_t bytes_sent = 0) {
  return PrintFailure{{code, std::move(reason)}, bytes_sent};
}

// The bytes handed to the printer (the whole job), or why it did not print.
using PrintResult = core::Result<std::size_t, PrintFailure>;

class Printer : public Device {
 public:
  using PrintHandler = std::function<void(const PrintResult&)>;
  static constexpr std::size_t kMaxPendingJobs = 64;

  using Device::Device;

  virtual void async_print(std::string zpl, PrintHandler handler) = 0;

  bool status_known() const noexcept { return status_known_; }
  const HsStatus& status() const noexcept { return status_; }

 protected:
  void set_status(const HsStatus& status) {
    status_ = status;
    status_known_ = true;
  }
  void clear_status() { status_known_ = false; }

 private:
  HsStatus status_;
  bool status_known_ = false;
};

}  // namespace wedge::drivers
