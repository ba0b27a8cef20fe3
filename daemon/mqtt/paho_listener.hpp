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
// - Paho does not call back an operation it drops with its client: MQTTAsync_destroy fails the
//   queued commands and awaited responses, but forgets a CONNECT (or DISCONNECT) still in progress.
//   OpListeners, kept next to the client, frees those: Paho C runs every operation callback under
//   its global mutex, which MQTTAsync_destroy takes too, so once the client object is destroyed
//   no callback is running and none will come, and release_unfinished() can let them go.
//
// Threading: make(), release() and OpListeners on the owner's loop thread; the callbacks on Paho's
// threads.
#pragma once

#include "daemon/core/result.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <mqtt/iaction_listener.h>
#include <mqtt/token.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace wedge::mqtt {

// Which operation an outcome belongs to: the connection (client) it was started on, and for a
// publish the event's seq and creation time (for the publish latency histogram).
struct OpTag {
  std::int64_t connection = 0;
  std::int64_t seq = 0;
  std::int64_t created_unix_ms = 0;
};

// Paho's report of a failed operation. The owner words it (refusal_reason.hpp): Paho gives codes.
struct PahoFailure {
  int rc = 0;           // Paho return code
  int reason_code = 0;  // MQTT 5 reason code (CONNACK, PUBACK, SUBACK) when there is one
};

// What Paho reported for one operation: on success the MQTT 5 reason code (0 on MQTT 3.1.1; a
// PUBACK "success" may still carry a refusal >= 0x80, which the owner checks), else the failure.
using OpResult = core::Result<int, PahoFailure>;

template <class Owner>
class OpListener final : public ::mqtt::iaction_listener {
 public:
  using Handler = void (Owner::*)(OpTag tag, OpResult result);

  // A listener for one operation; pass it to Paho by reference. `loop` is the owner's executor.
  // Not make_shared: a weak_ptr (OpListeners) must not keep a finished listener's memory.
  static std::shared_ptr<OpListener> make(const std::shared_ptr<Owner>& owner, boost::asio::any_io_executor loop,
                                          Handler handler, OpTag tag) {
    std::shared_ptr<OpListener> listener(new OpListener);
    listener->owner_ = owner;
    listener->loop_ = std::move(loop);
    listener->handler_ = handler;
    listener->tag_ = tag;
    listener->self_ = listener;
    return listener;
  }

  // Paho refused the operation (it threw) or destroyed its client: no callback will come, so let
  // the listener go.
  void release() { self_.reset(); }

  void on_success(const ::mqtt::token& tok) override {
    finish(OpResult(boost::system::in_place_value, static_cast<int>(tok.get_reason_code())));
  }
  void on_failure(const ::mqtt::token& tok) override {
    finish(PahoFailure{tok.get_return_code(), static_cast<int>(tok.get_reason_code())});
  }

 private:
  OpListener() = default;

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

// The listeners handed to one Paho client (or to a succession of clients, each destroyed before
// the next gets an operation) that Paho may not have called back yet. The owner keeps it beside
// the client and calls release_unfinished() right after destroying the client.
template <class Owner>
class OpListeners {
 public:
  using Listener = OpListener<Owner>;

  Listener& make(const std::shared_ptr<Owner>& owner, boost::asio::any_io_executor loop,
                 typename Listener::Handler handler, OpTag tag) {
    auto listener = Listener::make(owner, std::move(loop), handler, tag);
    if (issued_.size() >= prune_at_) prune();
    issued_.push_back(listener);
    return *listener;
  }

  // The client is gone: Paho calls none of its listeners any more; free the ones it left.
  void release_unfinished() {
    for (auto& weak : issued_) {
      if (auto listener = weak.lock()) listener->release();
    }
    issued_.clear();
    prune_at_ = kFirstPrune;
  }

  // Listeners Paho has not called back (nor were released); for tests.
  [[nodiscard]] std::size_t unfinished() const {
    return static_cast<std::size_t>(
        std::count_if(issued_.begin(), issued_.end(), [](const auto& weak) { return !weak.expired(); }));
  }

  OpListeners() = default;
  OpListeners(const OpListeners&) = delete;
  OpListeners& operator=(const OpListeners&) = delete;
  ~OpListeners() { release_unfinished(); }

 private:
  static constexpr std::size_t kFirstPrune = 64;

  // Forget the listeners Paho has called back; amortised O(1) per make().
  void prune() {
    std::erase_if(issued_, [](const auto& weak) { return weak.expired(); });
    prune_at_ = std::max(kFirstPrune, issued_.size() * 2);
  }

  std::vector<std::weak_ptr<Listener>> issued_;
  std::size_t prune_at_ = kFirstPrune;
};

}  // namespace wedge::mqtt
