// The baseline of `scripts/bench scan`: the least a durable scanner → MQTT bridge must do, in one
// process of its own (`scan-bench bridge`), so that its CPU time can be read from /proc apart from
// the bench's.
//
// It listens on 127.0.0.1:port for one scanner connection at a time (a new one replaces it) and,
// for every line (CR or LF terminated), on the one reading thread:
//   BEGIN; DELETE the rows whose PUBACK has come; INSERT the line; COMMIT   (SQLite, WAL,
//   synchronous=FULL: one fdatasync of the WAL, the same durability as wedge's outbox commit)
// then publishes {"id":<rowid>,"line":"<line>"} at QoS 1 with Paho (TCP_NODELAY, as the gateway's
// link), on `<topic_prefix>/station/bridge/event/line`. Paho's thread notes the rowid of each PUBACK;
// the next commit deletes it. So, like wedge's outbox, a PUBACK costs no fsync of its own and an
// event is deleted only once the broker has it.
//
// No parsing, no validation, no screens, no reconnects: a failure ends the process with a line on
// stderr (exit 1). It runs until killed (the bench sends SIGTERM).
#pragma once

#include <string>

namespace wedge::scan_bench {

struct BridgeOptions {
  int port = 0;             // to listen on, 127.0.0.1
  std::string uri;          // the broker, mqtt://127.0.0.1:PORT
  std::string db_path;      // the SQLite file (created)
  std::string topic_prefix; // wedge/v1/<site>/<gateway>
};

// Returns the exit code.
[[nodiscard]] int run_bridge(const BridgeOptions& options);

}  // namespace wedge::scan_bench
