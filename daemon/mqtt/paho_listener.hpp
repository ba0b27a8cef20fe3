// A Paho action listener for one operation (CONNECT, SUBSCRIBE, PUBLISH, DISCONNECT) that can never
// be called after it was freed, and that hands the outcome to the owner's loop.
//
// Contract
// - Paho keeps a raw pointer to an operation's listener and calls it from its own thread at any
//   time until the operation completes — also while the owner is being destroyed. So each
//   operation gets its own OpListener that owns itself until Paho calls it back (or until
//   release(), when Paho refused the operation and will never call back). Paho's token does not
//   touch the listener after the callback returns (paho.mqtt.cpp token.cpp), so the listener may
//   die at the end of its own callback.
// - The outcome is posted to the owner's executor and runs `(owner.*handler)(tag, result)` there,
//   only if the owner (held weakly) still exists. No owner state is touched on Paho's thread.
// - An operation that Paho drops without a callback (client destroyed at shutdown) leaks its
//   listener: a few dozen bytes, once per process.
//
// Threading: make() and release() on the owner's loop thread; the callbacks on Paho's threads.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <mqtt/iaction_listener.h>
#include <mqtt/token.h>

#include <cstdint>
#include <memory>
#include <utility>

namespace wedge::mqtt {

// Which operation an outcome belongs to: the connection (client) it was started on, and for a
// publish the event's seq and creation time (for the publish latency histogram).
struct OpTag {
  std::int64_t connection = 0;
  std::int64_t seq = 0;
  std::int64_t created_unix_ms = 0;
};

// What Paho reported for one operation.
struct OpResult {
  bool ok = false;
  int rc = 0;      // Paho return code on failure
  int reason = 0;  // MQTT 5 reason code (PUBACK, SUBACK, CONNACK); 0 on MQTT 3.1.1 success
};

template <class Owner>
class OpListener final : public ::mqtt::iaction_listener {
 public:
  using Handler = void (Owner::*)(OpTag tag, OpResult result);

  // A listener for one operation; pass it to Paho by reference. `loop` is the owner's executor.
  static OpListener& make(const std::shared_ptr<Owner>& owner, boost::asio::any_io_executor loop, Handler handler,
                          OpTag tag) {
    auto listener = std::make_shared<OpListener>();
    listener->owner_ = owner;
    listener->loop_ = std::move(loop);
    listener->handler_ = handler;
    listener->tag_ = tag;
    listener->self_ = listener;
    return *listener;
  }

  // Paho refused the operation (it threw): no callback will come, so let the listener go.
  void release() { self_.reset(); }

  void on_success(const ::mqtt::token& tok) override {
    finish(OpResult{true, 0, static_cast<int>(tok.get_reason_code())});
  }
  void on_failure(const ::mqtt::token& tok) override {
    finish(OpResult{false, tok.get_return_code(), static_cast<int>(tok.get_reason_code())});
  }

 private:
  void finish(OpResult result) {
    const auto keep = std::move(self_);  // `this` dies when this function returns
    boost::asio::post(loop_, [w = owner_, handler = handler_, tag = tag_, result] {
      if (auto owner = w.lock()) ((*owner).*handler)(tag, result);
    });
  }

  std::weak_ptr<Owner> owner_;
  boost::asio::any_io_executor loop_;
  Handler handler_ = nullptr;
  OpTag tag_;
  std::shared_ptr<OpListener> self_;
};

}  // namespace wedge::mqtt
