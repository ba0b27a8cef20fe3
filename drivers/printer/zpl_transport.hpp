// The byte pipe under a ZPL printer: a TCP socket (port 9100) or a device file (/dev/usb/lp0).
//
// Contract: async_open completes once with an empty string on success or a human reason; it keeps
// its own timeout. async_write writes all of `data` (which must live until the handler runs) or
// fails, reporting the bytes written. close() cancels everything; pending handlers then complete
// with an error. Handlers run on the loop executor; implementations keep themselves alive with
// shared_from_this while an operation is pending, so the owner may drop them at any time.
//
// Threading: loop thread only.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace wedge::drivers {

class ZplTransport : public std::enable_shared_from_this<ZplTransport> {
 public:
  using OpenHandler = std::function<void(std::string error)>;
  using IoHandler = std::function<void(boost::system::error_code, std::size_t)>;

  virtual ~ZplTransport() = default;
  virtual void async_open(OpenHandler handler) = 0;
  virtual void async_write(std::string_view data, IoHandler handler) = 0;
  virtual void async_read_some(boost::asio::mutable_buffer buffer, IoHandler handler) = 0;
  virtual void close() = 0;
  // False when the device was opened write-only: no status can ever be read.
  virtual bool can_read() const = 0;
  // End of stream means the peer went away (TCP) rather than "this device never answers" (usblp
  // on a one-way printer returns 0 from read()).
  virtual bool eof_is_disconnect() const = 0;
  // "127.0.0.1:9100", "/dev/usb/lp0": for logs and health reasons.
  virtual std::string describe() const = 0;
};

}  // namespace wedge::drivers
