// Scanner base: frames become exactly one event each, with AIM, validation and GS substitution.
#include "drivers/scanner/scanner.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace wedge::drivers::scanner {
namespace {

class FakeScanner : public Scanner {
 public:
  explicit FakeScanner(ScanOptions options = {}) : Scanner("scan-1", options) {
    set_scan_handler([this](const ScanEvent& e) { events.push_back(e); });
  }
  void start() override { set_active(true); }
  void stop() override { set_active(false); }
  void frame(std::string data, std::string reject = {}) {
    Frame f;
    f.data = std::move(data);
    f.reject_reason = std::move(reject);
    deliver_frame(std::move(f));
  }
  std::vector<ScanEvent> events;
};

TEST(ScannerBase, GoodScanWithAimIdentifier) {
  FakeScanner scanner;
  scanner.start();
  const auto before = std::chrono::steady_clock::now();
  scanner.frame("]C10109501234567890\x1d" "10ABC");
  ASSERT_EQ(scanner.events.size(), 1u);
  const auto& e = scanner.events[0];
  EXPECT_TRUE(e.ok);
  EXPECT_EQ(e.device_id, "scan-1");
  EXPECT_EQ(e.data, "0109501234567890\x1d" "10ABC");
  EXPECT_EQ(e.symbology, "gs1-128");
  EXPECT_EQ(e.aim_id, "]C1");
  EXPECT_TRUE(e.reason.empty());
  EXPECT_GE(e.timestamp, before);
  EXPECT_EQ(scanner.counters().good, 1u);
}

TEST(ScannerBase, WithoutAimSymbologyIsUnknown) {
  FakeScanner scanner;
  scanner.start();
  scanner.frame("4006381333931");
  EXPECT_EQ(scanner.events.at(0).symbology, "unknown");
  EXPECT_TRUE(scanner.events.at(0).aim_id.empty());
}

TEST(ScannerBase, AimRecognitionCanBeOff) {
  FakeScanner scanner(ScanOptions{false, std::nullopt});
  scanner.start();
  scanner.frame("]E04006381333931");
  EXPECT_EQ(scanner.events.at(0).data, "]E04006381333931");
  EXPECT_EQ(scanner.events.at(0).symbology, "unknown");
}

TEST(ScannerBase, BadScansAreRejectedWithoutData) {
  FakeScanner scanner;
  scanner.start();
  scanner.frame(std::string("]C1ab\0cd", 8));
  scanner.frame("ab\xFF");
  scanner.frame("ab\x07");
  scanner.frame("]E0");
  scanner.frame("0123", "too long (9 > max 4)");
  ASSERT_EQ(scanner.events.size(), 5u);
  const char* reasons[] = {"NUL byte", "invalid UTF-8", "line noise", "empty scan",
                           "too long (9 > max 4)"};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_FALSE(scanner.events[i].ok);
    EXPECT_TRUE(scanner.events[i].data.empty());
    EXPECT_EQ(scanner.events[i].reason, reasons[i]);
  }
  EXPECT_EQ(scanner.counters().rejected, 5u);
}

TEST(ScannerBase, GsSubstituteMapsBackToGs) {
  FakeScanner scanner(ScanOptions{true, '^'});
  scanner.start();
  scanner.frame("]d2010950123456789017^10ABC");
  EXPECT_EQ(scanner.events.at(0).data, "010950123456789017\x1d" "10ABC");
  EXPECT_EQ(scanner.events.at(0).symbology, "gs1-datamatrix");
}

TEST(ScannerBase, NothingIsDeliveredWhenInactive) {
  FakeScanner scanner;
  scanner.frame("123");
  scanner.start();
  scanner.stop();
  scanner.frame("456");
  EXPECT_TRUE(scanner.events.empty());
}

}  // namespace
}  // namespace wedge::drivers::scanner
