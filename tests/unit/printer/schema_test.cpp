// Registry rows and schemas of the printer family and the printing section.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "daemon/print/schema.hpp"
#include "drivers/printer/factory.hpp"
#include "drivers/printer/schema.hpp"
#include "drivers/registry.hpp"

namespace wedge {
namespace {

bool has_key(const drivers::Schema& schema, const std::string& name) {
  for (const auto& k : schema)
    if (k.name == name) return true;
  return false;
}

TEST(PrinterRegistry, RowsAndKeys) {
  const auto* tcp = drivers::find_driver("printer", "zpl-tcp");
  const auto* usb = drivers::find_driver("printer", "zpl-usb");
  ASSERT_NE(tcp, nullptr);
  ASSERT_NE(usb, nullptr);
  for (const char* key : {"host", "port", "connect_timeout_ms", "io_timeout_ms",
                          "status_interval_ms", "status_timeout_ms", "reconnect_initial_ms",
                          "reconnect_max_ms"})
    EXPECT_TRUE(has_key(*tcp->schema, key)) << key;
  for (const char* key : {"path", "status_mode", "io_timeout_ms", "status_interval_ms"})
    EXPECT_TRUE(has_key(*usb->schema, key)) << key;
}

TEST(PrinterFactory, PicksDriverByName) {
  boost::asio::io_context io;
  drivers::Settings tcp;
  tcp.set("host", std::string("127.0.0.1"));
  for (const auto& k : drivers::zpl_tcp_schema())
    if (k.default_value) tcp.set(k.name, *k.default_value);
  auto p = drivers::make_printer(io.get_executor(), "zpl-tcp", "p1", tcp);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->id(), "p1");
  EXPECT_EQ(drivers::make_printer(io.get_executor(), "escpos", "p2", tcp), nullptr);
}

TEST(PrintingSchema, OptionsFromSettings) {
  drivers::Settings s;
  for (const auto& k : print::printing_schema())
    if (k.default_value) s.set(k.name, *k.default_value);
  EXPECT_FALSE(s.has("gs1_company_prefix"));
  auto q = print::queue_options(s, "/var/lib/wedge");
  EXPECT_EQ(q.db_path, "/var/lib/wedge/print.db");
  EXPECT_EQ(q.max_attempts, 10);
  s.set("gs1_company_prefix", std::string("0614141"));
  auto o = print::sscc_options(s, "/var/lib/wedge/");
  EXPECT_EQ(o.db_path, "/var/lib/wedge/print.db");
  EXPECT_EQ(o.company_prefix, "0614141");
}

}  // namespace
}  // namespace wedge
