// libwedge-slow-fsync.so: `scripts/bench scan --slow-disk MS` preloads it (LD_PRELOAD) into the
// bench, the daemon and the bridge alike, and every fsync() and fdatasync() then sleeps
// WEDGE_SLOW_FSYNC_MS milliseconds (a decimal) before the real call: the flash of an edge PC,
// whose cache flush takes 5-20 ms, on any disk. SQLite (a shared library here) reaches them through
// libc's dynamic symbols, so the outbox's commits are delayed like the fsync probe's.
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
#include <ctime>

namespace {

using SyncFn = int (*)(int);

long delay_ns() {
  static const long ns = [] {
    const char* text = std::getenv("WEDGE_SLOW_FSYNC_MS");
    const double ms = text ? std::strtod(text, nullptr) : 0.0;
    return ms > 0 ? static_cast<long>(ms * 1e6) : 0L;
  }();
  return ns;
}

void slow_down() {
  const long ns = delay_ns();
  if (ns <= 0) return;
  const int saved = errno;
  timespec left{ns / 1'000'000'000L, ns % 1'000'000'000L};
  while (::nanosleep(&left, &left) == -1 && errno == EINTR) {
  }
  errno = saved;
}

// Sleeps, then the real `name` (found once, RTLD_NEXT: libc's).
int delayed(std::atomic<SyncFn>& slot, const char* name, int fd) {
  slow_down();
  SyncFn fn = slot.load(std::memory_order_acquire);
  if (!fn) {
    fn = reinterpret_cast<SyncFn>(::dlsym(RTLD_NEXT, name));
    slot.store(fn, std::memory_order_release);
  }
  if (!fn) {
    errno = ENOSYS;
    return -1;
  }
  return fn(fd);
}

std::atomic<SyncFn> real_fsync{nullptr};
std::atomic<SyncFn> real_fdatasync{nullptr};

}  // namespace

extern "C" int fsync(int fd) { return delayed(real_fsync, "fsync", fd); }
extern "C" int fdatasync(int fd) { return delayed(real_fdatasync, "fdatasync", fd); }
