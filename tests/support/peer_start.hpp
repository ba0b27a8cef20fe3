// Waiting for a test peer (a simulator, a broker) that a Subprocess runs to be ready.
// Test main thread only.
#pragma once

#include "tests/support/process.hpp"

#include <chrono>
#include <functional>

namespace wedge::test {

// Waits until the peer that `process` runs is ready (`ready` holds, e.g. its port accepts): true
// then, false as soon as the process has ended or after `timeout`. The timeout is generous because
// on a loaded machine a peer's start-up (a Python interpreter and its imports) can take far longer
// than its work; it costs nothing when the peer starts, and a peer that dies fails the wait at once.
bool wait_until_started(Subprocess& process, const std::function<bool()>& ready,
                        std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace wedge::test
