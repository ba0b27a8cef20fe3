#include "drivers/scale/modbus_link.hpp"

#include <fmt/format.h>

#include <boost/asio/post.hpp>
#include <cerrno>

#include "drivers/common/settings.hpp"

namespace wedge::drivers::scale {

std::string ModbusEndpoint::describe() const {
  if (transport == Transport::tcp) return fmt::format("tcp {}:{} unit {}", host, port, unit_id);
  return fmt::format("rtu {} {} {}{}{} unit {}", path, baud, data_bits, parity, stop_bits, unit_id);
}

ModbusEndpoint ModbusEndpoint::from_settings(std::string_view driver, const Settings& settings) {
  ModbusEndpoint ep;
  ep.unit_id = static_cast<int>(settings.get_int("unit_id"));
  ep.response_timeout = std::chrono::milliseconds(settings.get_int("response_timeout_ms"));
  if (driver == "modbus-rtu") {
    ep.transport = Transport::rtu;
    ep.path = settings.get_string("path");
    ep.baud = static_cast<int>(settings.get_int("baud"));
    const auto& parity = settings.get_string("parity");
    ep.parity = parity == "even" ? 'E' : parity == "odd" ? 'O' : 'N';
    ep.data_bits = static_cast<int>(settings.get_int("data_bits"));
    ep.stop_bits = static_cast<int>(settings.get_int("stop_bits"));
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

ModbusOutcome ModbusLink::failure(std::string_view what) {
  const int error = errno;
  ModbusOutcome outcome;
  outcome.error = error;
  // Exception responses are the device's answer; the link itself is fine (libmodbus: EMBXILFUN ..
  // EMBXGTAR are MODBUS_ENOBASE + exception code).
  outcome.exception = error >= EMBXILFUN && error <= EMBXGTAR;
  outcome.reason = fmt::format("{}: {}", what, modbus_strerror(error));
  if (outcome.exception)
    outcome.reason += fmt::format(" (exception {})", error - MODBUS_ENOBASE);
  return outcome;
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
    ModbusOutcome outcome;
    if (ensure_connected(outcome)) {
      outcome = item.first(ctx_);
      if (!outcome.ok && !outcome.exception) disconnect();
    }
    boost::asio::post(loop_, [done = std::move(item.second), outcome = std::move(outcome)]() mutable {
      done(std::move(outcome));
    });
  }
  disconnect();
  if (ctx_ != nullptr) modbus_free(ctx_);
}

bool ModbusLink::ensure_connected(ModbusOutcome& outcome) {
  if (connected_) return true;
  if (ctx_ == nullptr) {
    if (endpoint_.transport == ModbusEndpoint::Transport::tcp) {
      const auto port = std::to_string(endpoint_.port);
      ctx_ = modbus_new_tcp_pi(endpoint_.host.c_str(), port.c_str());
    } else {
      ctx_ = modbus_new_rtu(endpoint_.path.c_str(), endpoint_.baud, endpoint_.parity,
                            endpoint_.data_bits, endpoint_.stop_bits);
    }
    if (ctx_ == nullptr) {
      outcome = failure(fmt::format("cannot create context for {}", endpoint_.describe()));
      return false;
    }
    const auto ms = endpoint_.response_timeout.count();
    const auto sec = static_cast<std::uint32_t>(ms / 1000);
    const auto usec = static_cast<std::uint32_t>((ms % 1000) * 1000);
    modbus_set_response_timeout(ctx_, sec, usec);
    modbus_set_byte_timeout(ctx_, sec, usec);
    modbus_set_slave(ctx_, endpoint_.unit_id);
  }
  if (modbus_connect(ctx_) == -1) {
    outcome = failure(fmt::format("connect {}", endpoint_.describe()));
    return false;
  }
  connected_ = true;
  return true;
}

void ModbusLink::disconnect() {
  if (connected_ && ctx_ != nullptr) modbus_close(ctx_);
  connected_ = false;
}

}  // namespace wedge::drivers::scale
