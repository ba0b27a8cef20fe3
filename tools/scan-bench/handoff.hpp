// `scan-bench handoff`: what one hand-off between two threads costs on this machine, in CPU and in
// time, at the rate a station's events come (issue 23: wedge passes each scan between its loop and
// its outbox writer, the bridge does not).
//
// Rounds at `rate` per second (a sleep between rounds, so each wake-up finds the other thread
// asleep, as in the daemon at station rates). Two kinds of round, interleaved (A B A B …):
// - alone: one thread wakes from its timed sleep and goes back to sleep (what every design pays);
// - handoff: that thread also signals a second one (a condition variable, as the loop signals the
//   outbox writer) and waits until the second has signalled back (as the writer's report comes back
//   to the loop) — two hand-offs.
// Per kind: the process's CPU (getrusage, user + system) per round, and the round trip's p50/p99.
// The difference is the CPU of two hand-offs to a sleeping thread.
#pragma once

namespace wedge::scan_bench {

struct HandoffOptions {
  int rounds = 2000;  // per kind and block
  int blocks = 3;     // interleaved blocks of each kind
  double rate = 100;  // rounds per second
};

// Prints the figures; returns 0.
int run_handoff(const HandoffOptions& options);

}  // namespace wedge::scan_bench
