// Loop affinity: the thread that owns a module's state, remembered so that loop-only entry points
// can assert they run there (LevelDB's AssertHeld, for a thread instead of a mutex).
//
// A LoopGuard remembers the thread that constructed it: modules are constructed on the loop thread
// (daemon/app.cpp builds everything before io.run() on the same thread), so that is the loop.
// WEDGE_ASSERT_ON_LOOP(guard) aborts a debug build when called from any other thread — a Paho
// callback, a worker pool, a test thread — that forgot to post to the loop. With NDEBUG (the
// RelWithDebInfo and Release builds) it compiles to nothing. The guard keeps the same layout in
// every build, so a debug test linking a release library sees the same class.
//
// Thread-safety: on_loop() may be called from any thread; the guard never changes after construction.
#pragma once

#include <cassert>
#include <thread>

namespace wedge::core {

class LoopGuard {
 public:
  LoopGuard() noexcept : owner_(std::this_thread::get_id()) {}

  // True when the caller runs on the thread that constructed the guard.
  [[nodiscard]] bool on_loop() const noexcept { return std::this_thread::get_id() == owner_; }

 private:
  std::thread::id owner_;
};

}  // namespace wedge::core

// Aborts (debug builds only) unless the caller runs on the loop thread `guard` remembers.
#define WEDGE_ASSERT_ON_LOOP(guard) assert((guard).on_loop() && "loop-only entry point called off the loop thread")
