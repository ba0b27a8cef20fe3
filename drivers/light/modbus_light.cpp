#include "drivers/light/modbus_light.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "drivers/common/settings.hpp"

namespace wedge::drivers::light {

using scale::ModbusLink;
using scale::ModbusOutcome;

ModbusLightConfig ModbusLightConfig::from_settings(std::string_view driver,
                                                   const Settings& settings,
                                                   std::string_view device) {
  ModbusLightConfig config;
  config.endpoint = scale::ModbusEndpoint::from_settings(driver, settings);
  config.coil_address = static_cast<int>(settings.get_int("coil_address"));
  config.coil_count = static_cast<int>(settings.get_int("coil_count"));
  config.idle_pattern = settings.get_string("idle_pattern");
  config.poll_interval = std::chrono::milliseconds(settings.get_int("poll_interval_ms"));
  config.reconnect_max = std::chrono::milliseconds(settings.get_int("reconnect_max_ms"));
  config.patterns = LightPatterns::from_settings(settings, config.coil_count, device);
  return config;
}

ModbusLight::ModbusLight(boost::asio::any_io_executor loop, std::string id,
                         ModbusLightConfig config)
    : Light(loop, std::move(id), config.patterns, config.coil_count, config.idle_pattern),
      config_(std::move(config)),
      backoff_(std::chrono::milliseconds(100), config_.reconnect_max),
      timer_(loop),
      desired_(static_cast<std::size_t>(config_.coil_count), 0) {}

ModbusLight::~ModbusLight() { stop(); }

void ModbusLight::start() {
  if (token_) return;
  token_ = std::make_shared<int>(0);
  backoff_.reset();
  link_ = std::make_unique<ModbusLink>(loop_, config_.endpoint);
  spdlog::info("device={} modbus light on {}, coils {}..{}", id(), config_.endpoint.describe(),
               config_.coil_address, config_.coil_address + config_.coil_count - 1);
  show_idle();  // also the first write, which connects
}

void ModbusLight::stop() {
  if (!token_) return;
  token_.reset();
  stop_patterns();
  timer_.cancel();
  link_.reset();
  in_flight_ = false;
}

void ModbusLight::write_coils(const std::vector<std::uint8_t>& states) {
  desired_ = states;
  dirty_ = true;
  if (token_ && !in_flight_) flush();
}

void ModbusLight::flush() {
  const int address = config_.coil_address;
  auto states = desired_;
  dirty_ = false;
  submit([address, states](modbus_t* ctx) -> ModbusOutcome {
    const int count = static_cast<int>(states.size());
    if (modbus_write_bits(ctx, address, count, states.data()) != count)
      return ModbusLink::failure(fmt::format("write {} coils at {}", count, address));
    return std::vector<std::uint16_t>{};
  });
  if (!in_flight_) {
    dirty_ = true;
    schedule(config_.poll_interval);
  }
}

void ModbusLight::check() {
  const int address = config_.coil_address;
  const int count = config_.coil_count;
  submit([address, count](modbus_t* ctx) -> ModbusOutcome {
    std::vector<std::uint8_t> bits(static_cast<std::size_t>(count));
    if (modbus_read_bits(ctx, address, count, bits.data()) != count)
      return ModbusLink::failure(fmt::format("read {} coils at {}", count, address));
    return std::vector<std::uint16_t>{};
  });
  if (!in_flight_) schedule(config_.poll_interval);
}

void ModbusLight::submit(ModbusLink::Job job) {
  in_flight_ = link_->submit(std::move(job), [this, token = std::weak_ptr<int>(token_)](ModbusOutcome outcome) {
    if (!token.lock()) return;
    on_outcome(std::move(outcome));
  });
}

void ModbusLight::on_outcome(ModbusOutcome outcome) {
  in_flight_ = false;
  if (!outcome) {
    const auto reason = outcome.reason();
    if (health().state != HealthState::faulted || health().reason != reason)
      spdlog::warn("device={} light fault: {}", id(), reason);
    set_health(HealthState::faulted, reason);
    // Whatever the tower shows now is unknown: write the image again once it answers.
    dirty_ = true;
    schedule(backoff_.next());
    return;
  }
  backoff_.reset();
  set_health(HealthState::connected);
  if (dirty_) {
    flush();
    return;
  }
  schedule(config_.poll_interval);
}

void ModbusLight::schedule(std::chrono::milliseconds delay) {
  timer_.expires_after(delay);
  timer_.async_wait([this, token = std::weak_ptr<int>(token_)](boost::system::error_code ec) {
    if (ec || !token.lock() || in_flight_) return;
    if (dirty_)
      flush();
    else
      check();
  });
}

}  // namespace wedge::drivers::light
