// An LD_PRELOAD shim that fills the disk on demand, for tests of a real daemon process: while the
// file named by WEDGE_TEST_DISK_FULL_FLAG exists, every write to a file whose path starts with
// WEDGE_TEST_DISK_FULL_PATH fails with ENOSPC, exactly as on a full file system (SQLite then says
// "database or disk is full"). Remove the flag file and the disk has room again.
//
// Interposes write, pwrite and pwrite64 (SQLite's unix VFS uses one of them, depending on how it
// was built). Any thread; reads the environment and the flag file on every write.
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

namespace {

bool disk_full(int fd) {
  const char* flag = getenv("WEDGE_TEST_DISK_FULL_FLAG");
  const char* prefix = getenv("WEDGE_TEST_DISK_FULL_PATH");
  if (flag == nullptr || prefix == nullptr || access(flag, F_OK) != 0) return false;
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char path[4096];
  const ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0) return false;
  path[n] = '\0';
  return strncmp(path, prefix, strlen(prefix)) == 0;
}

ssize_t no_space() {
  errno = ENOSPC;
  return -1;
}

template <typename Fn>
Fn real(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" {

ssize_t write(int fd, const void* buf, size_t count) {
  static const auto next = real<decltype(&write)>("write");
  return disk_full(fd) ? no_space() : next(fd, buf, count);
}

ssize_t pwrite(int fd, const void* buf, size_t count, off_t offset) {
  static const auto next = real<decltype(&pwrite)>("pwrite");
  return disk_full(fd) ? no_space() : next(fd, buf, count, offset);
}

ssize_t pwrite64(int fd, const void* buf, size_t count, off64_t offset) {
  static const auto next = real<decltype(&pwrite64)>("pwrite64");
  return disk_full(fd) ? no_space() : next(fd, buf, count, offset);
}

}  // extern "C"
