// The birth/death session number grows by one per CONNECT and survives restarts.
#include "daemon/mqtt/session_counter.hpp"

#include "tests/support/process.hpp"

#include <gtest/gtest.h>

namespace wedge::mqtt {
namespace {

TEST(SessionCounter, PersistsAcrossInstances) {
  test::TempDir dir;
  const auto path = dir.file("mqtt-session");
  {
    SessionCounter counter(path);
    EXPECT_EQ(counter.current(), 0);
    EXPECT_TRUE(counter.next());
    EXPECT_TRUE(counter.next());
    EXPECT_EQ(counter.current(), 2);
  }
  SessionCounter again(path);
  EXPECT_EQ(again.current(), 2);
  EXPECT_TRUE(again.next());
  EXPECT_EQ(test::read_file(path), "3\n");
}

TEST(SessionCounter, UnwritableDirectoryStillCountsInMemory) {
  SessionCounter counter("/nonexistent-dir/mqtt-session");
  EXPECT_FALSE(counter.next());
  EXPECT_EQ(counter.current(), 1);
}

}  // namespace
}  // namespace wedge::mqtt
