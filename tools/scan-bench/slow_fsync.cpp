// libwedge-slow-fsync.so: `scripts/bench scan --slow-disk MS` preloads it (LD_PRELOAD) into the
// bench, the daemon and the bridge alike, and every fsync() and fdatasync() is then slowed to model
// the flash of an edge PC, whose cache flush takes 5-20 ms, on any disk. SQLite (a shared library
// here) reaches them through libc's dynamic symbols, so the outbox's commits are slowed like the
// fsync probe's. WEDGE_SLOW_FSYNC_MS (a decimal) is the delay; WEDGE_SLOW_FSYNC_MODE says how:
// - `add` (the default): sleep MS, then the real call. The sync takes MS + what the disk under it
//   takes, as on a dm-delay device, so this VM's own sync tail (p99 0.7-5 ms) comes on top.
// - `total`: the real call, then sleep what is left of MS since the call began. The sync takes MS,
//   or the real sync's time when that is longer: a device whose flush takes MS.
//
// Why not a device-mapper `delay` target over a loop file: it needs root and the dm driver in the
// kernel, which a container or a CI VM often lacks (this development VM has no /dev/mapper/control);
// the shim delays exactly the syncs and needs neither. Unlike dm-delay it does not slow plain
// writes and reads, which the page cache absorbs anyway.
// Any thread: concurrent syncs sleep concurrently, as concurrent flushes wait on a delayed device.
#include <dlfcn.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace {

using SyncFn = int (*)(int);

bool total_mode() {
  static const bool total = [] {
    const char* text = std::getenv("WEDGE_SLOW_FSYNC_MODE");
    return text && std::strcmp(text, "total") == 0;
  }();
  return total;
}

long delay_ns() {
  static const long ns = [] {
    const char* text = std::getenv("WEDGE_SLOW_FSYNC_MS");
    const double ms = text ? std::strtod(text, nullptr) : 0.0;
    return ms > 0 ? static_cast<long>(ms * 1e6) : 0L;
  }();
  return ns;
}

long now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1'000'000'000L + ts.tv_nsec;
}

void sleep_ns(long ns) {
  if (ns <= 0) return;
  const int saved = errno;
  timespec left{ns / 1'000'000'000L, ns % 1'000'000'000L};
  while (::nanosleep(&left, &left) == -1 && errno == EINTR) {
  }
  errno = saved;
}

// The real `name` (found once, RTLD_NEXT: libc's), slowed as WEDGE_SLOW_FSYNC_MODE says.
int delayed(std::atomic<SyncFn>& slot, const char* name, int fd) {
  const bool total = total_mode();
  const long start = total ? now_ns() : 0;
  if (!total) sleep_ns(delay_ns());
  SyncFn fn = slot.load(std::memory_order_acquire);
  if (!fn) {
    fn = reinterpret_cast<SyncFn>(::dlsym(RTLD_NEXT, name));
    slot.store(fn, std::memory_order_release);
  }
  if (!fn) {
    errno = ENOSYS;
    return -1;
  }
  const int rc = fn(fd);
  if (total) sleep_ns(delay_ns() - (now_ns() - start));  // errno of the real call survives
  return rc;
}

std::atomic<SyncFn> real_fsync{nullptr};
std::atomic<SyncFn> real_fdatasync{nullptr};

}  // namespace

extern "C" int fsync(int fd) { return delayed(real_fsync, "fsync", fd); }
extern "C" int fdatasync(int fd) { return delayed(real_fdatasync, "fdatasync", fd); }
