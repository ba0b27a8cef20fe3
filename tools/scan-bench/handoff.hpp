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
// Per kind: the process's CPU (getrusage, user + system) per round, and how long after the signal
// the second thread was awake (p50/p99). The CPU difference is that of two hand-offs to a sleeping
// thread. --work-us keeps the signalling thread busy after its signal, as the daemon's loop is
// after an append; --pipe signals through a pipe, whose write wakes the reader synchronously.
#pragma once

namespace wedge::scan_bench {

struct HandoffOptions {
  int rounds = 2000;  // per kind and block
  int blocks = 3;     // interleaved blocks of each kind
  double rate = 100;  // rounds per second
  int work_us = 0;    // the signalling thread keeps working this long after the signal (the loop does)
  bool pipe = false;  // signal through a pipe (a synchronous wake-up) instead of a condition variable
};

// Prints the figures; returns 0.
int run_handoff(const HandoffOptions& options);

}  // namespace wedge::scan_bench
