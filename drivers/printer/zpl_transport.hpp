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

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

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

// A transport over one asio stream (a TCP socket, a device's file descriptor): writing and reading
// are the stream's; the derived class opens, closes and describes it.
template <class Stream>
class ZplStreamTransport : public ZplTransport {
 public:
  void async_write(std::string_view data, IoHandler handler) final {
    boost::asio::async_write(stream_, boost::asio::buffer(data.data(), data.size()),
                             [self = shared_from_this(), handler = std::move(handler)](
                                 boost::system::error_code ec, std::size_t n) { handler(ec, n); });
  }
  void async_read_some(boost::asio::mutable_buffer buffer, IoHandler handler) final {
    stream_.async_read_some(buffer, [self = shared_from_this(), handler = std::move(handler)](
                                        boost::system::error_code ec, std::size_t n) { handler(ec, n); });
  }

 protected:
  explicit ZplStreamTransport(const boost::asio::any_io_executor& executor) : stream_(executor) {}

  Stream stream_;
};

}  // namespace wedge::drivers
