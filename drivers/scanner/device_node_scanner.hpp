// DeviceNodeScanner: the life cycle the scanners on a device node share (serial/USB-CDC and evdev):
// resolve the configured path (glob allowed), open it, read until the device goes, then close it
// and try again with back-off, re-resolving the glob each time, so unplug and replug (even under
// another name) are followed.
//
// Contract: start() reports a bad configuration as faulted and does nothing else; otherwise it
// opens the device. Health: connected while open; disconnected with "no device matches …" or the
// reason of an open that failed with Errc::unavailable (the device is absent); faulted with the
// reason of any other failed open or set-up. A derived driver opens, sets up, reads and closes its
// node through the hooks below and calls lose_device() when a read fails.
// Loop thread only (see drivers::Device).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include <initializer_list>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "daemon/core/result.hpp"
#include "drivers/common/backoff.hpp"
#include "drivers/scanner/scanner.hpp"
#include "drivers/scanner/schema.hpp"

namespace wedge::drivers::scanner {

// A failed open of `path` with errno `error` (`message` its text): Errc::unavailable when the
// device is absent (ENOENT, ENODEV, ENXIO, or one of `also_absent`), failed_precondition otherwise
// (EACCES: the service user lacks the group; a person must act).
core::Error open_failure(const std::string& path, int error, std::string_view message,
                         std::initializer_list<int> also_absent = {});

class DeviceNodeScanner : public Scanner {
 public:
  void start() final;
  void stop() final;

  // The device path currently open; empty when none.
  const std::string& current_path() const noexcept { return current_path_; }

 protected:
  // `config_error` is what parsing the settings said ("" when they are good); `path` the configured
  // path or glob.
  DeviceNodeScanner(boost::asio::any_io_executor executor, std::string id, const CommonConfig& common,
                    std::string path, std::string config_error);
  // From the driver's parsed settings (SerialConfig, EvdevConfig: `common` and `path`).
  template <class Config>
  DeviceNodeScanner(boost::asio::any_io_executor executor, std::string id, const core::Result<Config>& parsed)
      : DeviceNodeScanner(std::move(executor), std::move(id), config_or_defaults(parsed).common,
                          config_or_defaults(parsed).path, parsed.reason()) {}

  // Closes the node after a read failed (or set-up did): a pending partial scan is handed on as
  // rejected, then the state and reason are reported and the retry is scheduled.
  void lose_device(drivers::HealthState state, std::string reason);
  // False once stop() ran: read handlers capture it and return at once.
  const std::shared_ptr<bool>& alive() const noexcept { return alive_; }
  // A completion handler for an async_read_some that calls on_read(ec, bytes) while this run lives.
  template <class OnRead>
  auto while_alive(OnRead on_read) const {
    return [alive = alive_, on_read = std::move(on_read)](const boost::system::error_code& ec, std::size_t bytes) {
      if (*alive) on_read(ec, bytes);
    };
  }

 private:
  // Opens `path`; on failure the node is closed again. Errc::unavailable means the device is
  // absent (disconnected), any other code a fault that needs a person.
  virtual core::Status open_device(const std::string& path) = 0;
  // After the open, with current_path() set: line settings and the like. Failure is a fault.
  virtual core::Status set_up_device() { return {}; }
  virtual void start_read() = 0;
  // Hands a pending partial scan on as rejected ("incomplete scan at disconnect").
  virtual void end_of_stream() = 0;
  // Drops any partial scan silently, stops its timer and closes the node.
  virtual void close_device() = 0;
  // The log line's words after "device=<id> " once open, e.g. "serial scanner open on /dev/ttyACM0".
  virtual std::string open_message() const = 0;

  void try_open();
  void schedule_retry();

  std::string config_error_;
  std::string path_;
  boost::asio::steady_timer retry_timer_;
  drivers::Backoff backoff_;
  std::string current_path_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(false);
};

}  // namespace wedge::drivers::scanner
