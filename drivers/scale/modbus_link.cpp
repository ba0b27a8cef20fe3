#include "drivers/scale/modbus_link.hpp"

#include <fmt/format.h>

#include <boost/asio/post.hpp>
#include <cerrno>

#include "drivers/common/settings.hpp"

namespace wedge::drivers::scale {

std::string ModbusEndpoint::describe() const {
  if (transport == Transport::tcp) return fmt::format("tcp {}:{} unit {}", host, port, unit_id);
  return fmt::format("rtu {} {} unit {}", path, line.describe(), unit_id);
}

ModbusEndpoint ModbusEndpoint::from_settings(std::string_view driver, const Settings& settings) {
  ModbusEndpoint ep;
  ep.unit_id = static_cast<int>(settings.get_int("unit_id"));
  ep.response_timeout = std::chrono::milliseconds(settings.get_int("response_timeout_ms"));
  if (driver == "modbus-rtu") {
    ep.transport = Transport::rtu;
    ep.path = settings.get_string("path");
    ep.line = SerialLine::from_settings(settings);
  } else {
    ep.transport = Transport::tcp;
    ep.host = settings.get_string("host");
    ep.port = static_cast<int>(settings.get_int("port"));
  }
  return ep;
}

ModbusLink::ModbusLink(boost::asio::any_io_executor loop, ModbusEndpoint endpoint)
    : loop_(std::move(loop)), endpoint_(std::move(endpoint)), worker_([this] { run(); }) {}

ModbusLink::~ModbusLink() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  wake_.notify_all();
  worker_.join();
}

bool ModbusLink::submit(Job job, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= kMaxQueued) return false;
    queue_.emplace_back(std::move(job), std::move(done));
  }
  wake_.notify_one();
  return true;
}

std::string_view to_string(ModbusFault fault) noexcept {
  return fault == ModbusFault::exception ? "exception" : "link";
}

ModbusOutcome ModbusLink::failure(std::string_view what) {
  const int error = errno;
  auto reason = fmt::format("{}: {}", what, modbus_strerror(error));
  // Exception responses are the device's answer; the link itself is fine (libmodbus: EMBXILFUN ..
  // EMBXGTAR are MODBUS_ENOBASE + exception code).
  if (error < EMBXILFUN || error > EMBXGTAR) return core::fail(ModbusFault::link, std::move(reason));
  return core::fail(ModbusFault::exception, fmt::format("{} (exception {})", reason, error - MODBUS_ENOBASE));
}

void ModbusLink::run() {
  while (true) {
    std::pair<Job, Done> item;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) break;
      item = std::move(queue_.front());
      queue_.pop_front();
    }
    ModbusOutcome outcome = std::vector<std::uint16_t>{};
    if (auto connected = ensure_connected(); !connected) {
      outcome = connected.error();
    } else {
      outcome = item.first(ctx_);
      if (!outcome && outcome.error().code == ModbusFault::link) disconnect();
    }
    boost::asio::post(loop_, [done = std::move(item.second), outcome = std::move(outcome)]() mutable {
      done(std::move(outcome));
    });
  }
  disconnect();
  if (ctx_ != nullptr) modbus_free(ctx_);
}

core::BasicStatus<core::BasicError<ModbusFault>> ModbusLink::ensure_connected() {
  if (connected_) return {};
  if (ctx_ == nullptr) {
    if (endpoint_.transport == ModbusEndpoint::Transport::tcp) {
      const auto port = std::to_string(endpoint_.port);
      ctx_ = modbus_new_tcp_pi(endpoint_.host.c_str(), port.c_str());
    } else {
      const auto& line = endpoint_.line;
      ctx_ = modbus_new_rtu(endpoint_.path.c_str(), line.baud, line.parity, line.data_bits, line.stop_bits);
    }
    if (ctx_ == nullptr) return failure(fmt::format("cannot create context for {}", endpoint_.describe())).error();
    const auto ms = endpoint_.response_timeout.count();
    const auto sec = static_cast<std::uint32_t>(ms / 1000);
    const auto usec = static_cast<std::uint32_t>((ms % 1000) * 1000);
    modbus_set_response_timeout(ctx_, sec, usec);
    modbus_set_byte_timeout(ctx_, sec, usec);
    modbus_set_slave(ctx_, endpoint_.unit_id);
  }
  if (modbus_connect(ctx_) == -1) return failure(fmt::format("connect {}", endpoint_.describe())).error();
  connected_ = true;
  return {};
}

void ModbusLink::disconnect() {
  if (connected_ && ctx_ != nullptr) modbus_close(ctx_);
  connected_ = false;
}

}  // namespace wedge::drivers::scale
