// ZplTransport over a character device file: usblp's /dev/usb/lp0, a udev symlink, or a pty in
// tests. The configured path may be a glob ("/dev/usb/lp*"): the first match in sorted order is
// opened, because usblp numbers devices in plug order. A terminal (pty, USB-serial) is switched to
// raw mode so that no line discipline rewrites the ZPL bytes.
//
// The device is opened read-write when allowed, else write-only (can_read() false: status stays
// unknown). End of stream on read means "this printer does not answer" (one-way usblp device),
// not a disconnect; write errors (ENODEV after unplugging) are.
//
// Threading: loop thread only.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "drivers/printer/zpl_transport.hpp"

namespace wedge::drivers {

class DeviceFileTransport final : public ZplStreamTransport<boost::asio::posix::stream_descriptor> {
 public:
  DeviceFileTransport(boost::asio::any_io_executor loop, std::string path_pattern);

  void async_open(OpenHandler handler) override;
  void close() override;
  bool can_read() const override { return readable_; }
  bool eof_is_disconnect() const override { return false; }
  std::string describe() const override;

 private:
  std::string open_now();  // "" on success, else the reason

  boost::asio::any_io_executor loop_;
  std::string pattern_;
  std::string opened_path_;
  bool readable_ = false;
};

}  // namespace wedge::drivers
