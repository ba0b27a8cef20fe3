#include "tools/station-bench/fsync_probe.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <system_error>
#include <vector>

#include "tools/station-bench/clock.hpp"

namespace wedge::station_bench {

namespace {

std::string failure(const char* what, const std::string& path, int error) {
  return std::string(what) + " " + path + ": " + std::strerror(error);
}

// Writes all of buf at offset; 0 or errno.
int write_all(int fd, const char* buf, std::size_t size, off_t offset) {
  while (size > 0) {
    const ssize_t n = ::pwrite(fd, buf, size, offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    buf += n;
    size -= static_cast<std::size_t>(n);
    offset += n;
  }
  return 0;
}

}  // namespace

FsyncProbe::FsyncProbe(std::string path, double rate_hz) : path_(std::move(path)) { result_.rate_hz = rate_hz; }

FsyncProbe::~FsyncProbe() { stop(); }

std::string FsyncProbe::start() {
  if (thread_.joinable() || fd_ >= 0) return result_.error = "the probe is already running";
  if (!(result_.rate_hz > 0)) return result_.error = "the probe's rate must be > 0";
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd_ < 0) return result_.error = failure("cannot create", path_, errno);
  // Reserve the blocks, then write them once and sync: posix_fallocate alone leaves unwritten
  // extents, and the first write into one makes fdatasync commit the journal too, which a reused
  // WAL does not pay. The probe should see the steady state.
  if (const int error = ::posix_fallocate(fd_, 0, static_cast<off_t>(kFileBytes)); error != 0 && error != EOPNOTSUPP) {
    remove_file();
    return result_.error = failure("cannot preallocate", path_, error);
  }
  const std::vector<char> fill(64 * 1024, 'p');
  for (std::size_t offset = 0; offset < kFileBytes; offset += fill.size()) {
    if (const int error = write_all(fd_, fill.data(), fill.size(), static_cast<off_t>(offset)); error != 0) {
      remove_file();
      return result_.error = failure("cannot write", path_, error);
    }
  }
  if (::fsync(fd_) != 0) {
    const int error = errno;
    remove_file();
    return result_.error = failure("cannot fsync", path_, error);
  }
  {
    std::lock_guard lock(mutex_);
    stop_requested_ = false;
  }
  try {
    thread_ = std::thread([this] { run(); });
  } catch (const std::system_error& e) {
    remove_file();
    return result_.error = std::string("cannot start the probe's thread: ") + e.what();
  }
  return {};
}

void FsyncProbe::stop() {
  if (thread_.joinable()) {
    {
      std::lock_guard lock(mutex_);
      stop_requested_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  remove_file();
}

void FsyncProbe::remove_file() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  ::unlink(path_.c_str());
}

void FsyncProbe::run() {
  using Clock = std::chrono::steady_clock;
  const auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / result_.rate_hz));
  std::vector<char> block(kWriteBytes);
  constexpr std::size_t kSlots = kFileBytes / kWriteBytes;
  auto next = Clock::now();
  std::unique_lock lock(mutex_);
  for (std::size_t i = 0;; ++i) {
    if (wake_.wait_until(lock, next, [this] { return stop_requested_; })) return;
    lock.unlock();
    // New bytes every time, so no layer can skip the write as unchanged.
    std::memset(block.data(), static_cast<int>('a' + i % 26), block.size());
    const auto offset = static_cast<off_t>((i % kSlots) * kWriteBytes);
    const std::int64_t begin_ns = mono_ns();
    int error = write_all(fd_, block.data(), block.size(), offset);
    const char* what = "cannot write";
    if (error == 0 && ::fdatasync(fd_) != 0) {
      error = errno;
      what = "cannot fdatasync";
    }
    const std::int64_t end_ns = mono_ns();
    if (error != 0) {
      result_.error = failure(what, path_, error);
      return;
    }
    result_.syncs.add(end_ns - begin_ns);
    // A fixed schedule, but no burst to catch up after a slow sync: that would measure a queue.
    next = std::max(next + period, Clock::now());
    lock.lock();
  }
}

}  // namespace wedge::station_bench
