#include "drivers/scale/modbus_scale.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "drivers/common/settings.hpp"

namespace wedge::drivers::scale {

ModbusScaleConfig ModbusScaleConfig::from_settings(std::string_view driver,
                                                   const Settings& settings) {
  ModbusScaleConfig config;
  config.endpoint = ModbusEndpoint::from_settings(driver, settings);
  config.map = RegisterMap::from_settings(settings);
  config.stability.tolerance_grams = settings.get_number("tolerance_grams");
  config.stability.window = std::chrono::milliseconds(settings.get_int("stable_window_ms"));
  config.stability.min_readings = static_cast<int>(settings.get_int("stable_readings"));
  config.poll_interval = std::chrono::milliseconds(settings.get_int("poll_interval_ms"));
  config.reconnect_max = std::chrono::milliseconds(settings.get_int("reconnect_max_ms"));
  config.command_register = static_cast<int>(settings.get_int("command_register"));
  config.zero_value = static_cast<int>(settings.get_int("zero_value"));
  config.tare_value = static_cast<int>(settings.get_int("tare_value"));
  return config;
}

ModbusScale::ModbusScale(boost::asio::any_io_executor loop, std::string id,
                         ModbusScaleConfig config)
    : Scale(loop, std::move(id), config.stability),
      config_(std::move(config)),
      backoff_(std::chrono::milliseconds(100), config_.reconnect_max),
      timer_(loop) {}

ModbusScale::~ModbusScale() { stop(); }

void ModbusScale::start() {
  if (token_) return;
  token_ = std::make_shared<int>(0);
  backoff_.reset();
  link_ = std::make_unique<ModbusLink>(loop_, config_.endpoint);
  spdlog::info("device={} modbus scale on {}", id(), config_.endpoint.describe());
  poll();
}

void ModbusScale::stop() {
  if (!token_) return;
  token_.reset();
  timer_.cancel();
  link_.reset();  // joins the worker
  drop_waiters();
}

void ModbusScale::schedule_poll(std::chrono::milliseconds delay) {
  timer_.expires_after(delay);
  timer_.async_wait([this, token = std::weak_ptr<int>(token_)](boost::system::error_code ec) {
    if (ec || !token.lock()) return;
    poll();
  });
}

void ModbusScale::poll() {
  const RegisterMap map = config_.map;
  auto job = [map](modbus_t* ctx) -> ModbusOutcome {
    const bool holding = map.function == RegisterFunction::holding;
    const char* table = holding ? "holding" : "input";
    auto read = [&](int address, int count, std::uint16_t* out) {
      return holding ? modbus_read_registers(ctx, address, count, out)
                     : modbus_read_input_registers(ctx, address, count, out);
    };
    const int count = map.weight_register_count();
    std::vector<std::uint16_t> registers(static_cast<std::size_t>(count) + (map.status_address >= 0 ? 1 : 0));
    if (read(map.weight_address, count, registers.data()) != count)
      return ModbusLink::failure(fmt::format("read {} register {}", table, map.weight_address));
    if (map.status_address >= 0 &&
        read(map.status_address, 1, registers.data() + count) != 1)
      return ModbusLink::failure(
          fmt::format("read status {} register {}", table, map.status_address));
    return registers;
  };
  const bool queued = link_->submit(
      std::move(job), [this, token = std::weak_ptr<int>(token_)](ModbusOutcome outcome) {
        if (!token.lock()) return;
        on_poll(std::move(outcome));
      });
  if (!queued) schedule_poll(config_.poll_interval);
}

void ModbusScale::on_poll(ModbusOutcome outcome) {
  if (!outcome) {
    report_fault(outcome.reason());
    schedule_poll(backoff_.next());
    return;
  }
  backoff_.reset();
  const auto count = static_cast<std::size_t>(config_.map.weight_register_count());
  std::optional<std::uint16_t> status;
  const auto& registers = *outcome;
  if (registers.size() > count) status = registers[count];
  Reading reading = decode_reading(config_.map, std::span(registers).first(count), status);
  reading.at = std::chrono::steady_clock::now();
  if (reading.status == WeightStatus::error) {
    publish(reading, config_.map.device_reports_stability());
    if (token_) report_fault(reading.reason);
  } else {
    report_connected();
    publish(std::move(reading), config_.map.device_reports_stability());
  }
  if (token_) schedule_poll(config_.poll_interval);
}

void ModbusScale::async_zero(CommandHandler handler) {
  send_command(config_.zero_value, "zero", std::move(handler));
}

void ModbusScale::async_tare(CommandHandler handler) {
  send_command(config_.tare_value, "tare", std::move(handler));
}

void ModbusScale::finish_command(CommandHandler handler, CommandResult result) {
  boost::asio::post(loop_, [token = std::weak_ptr<int>(token_), handler = std::move(handler),
                            result = std::move(result)] {
    if (token.lock()) handler(result);
  });
}

void ModbusScale::send_command(int value, std::string what, CommandHandler handler) {
  if (!token_) return;
  if (config_.command_register < 0) {
    finish_command(std::move(handler),
                   core::fail(ScaleError::not_supported,
                              fmt::format("{} not supported: no command_register configured", what)));
    return;
  }
  const int address = config_.command_register;
  auto job = [address, value, what](modbus_t* ctx) -> ModbusOutcome {
    if (modbus_write_register(ctx, address, value) != 1)
      return ModbusLink::failure(fmt::format("{}: write register {}", what, address));
    return std::vector<std::uint16_t>{};
  };
  auto done = [this, token = std::weak_ptr<int>(token_), handler](ModbusOutcome outcome) {
    if (!token.lock()) return;
    if (outcome) {
      handler({});
    } else if (outcome.error().code == ModbusFault::exception) {
      handler(core::fail(ScaleError::rejected, outcome.reason()));
    } else {
      handler(core::fail(ScaleError::fault, outcome.reason()));
    }
  };
  if (!link_->submit(std::move(job), std::move(done)))
    finish_command(std::move(handler), core::fail(ScaleError::busy, what + ": too many commands queued"));
}

}  // namespace wedge::drivers::scale
