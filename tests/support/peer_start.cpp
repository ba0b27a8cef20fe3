#include "tests/support/peer_start.hpp"

namespace wedge::test {

bool wait_until_started(Subprocess& process, const std::function<bool()>& ready,
                        std::chrono::milliseconds timeout) {
  return wait_until([&] { return ready() || !process.running(); }, timeout) && ready();
}

}  // namespace wedge::test
