// Broker refusal codes in words (issue 17, item 6): one table for both broker connections.
#include "daemon/mqtt/refusal_reason.hpp"

#include <gtest/gtest.h>

namespace wedge::mqtt {
namespace {

TEST(RefusalReason, Mqtt311ConnackCodes) {
  EXPECT_EQ(connack_refusal(1, false), "unacceptable protocol version (CONNACK 1)");
  EXPECT_EQ(connack_refusal(2, false), "identifier rejected (CONNACK 2)");
  EXPECT_EQ(connack_refusal(3, false), "server unavailable (CONNACK 3)");
  EXPECT_EQ(connack_refusal(4, false), "bad user name or password (CONNACK 4)");
  EXPECT_EQ(connack_refusal(5, false), "not authorized (CONNACK 5)");
  EXPECT_EQ(connack_refusal(9, false), "a code MQTT does not define (CONNACK 9)");
}

TEST(RefusalReason, Mqtt5ReasonCodes) {
  const std::pair<int, const char*> table[] = {
      {133, "client identifier not valid"}, {134, "bad user name or password"}, {135, "not authorized"},
      {136, "server unavailable"},         {138, "banned"},                    {140, "bad authentication method"},
      {149, "packet too large"},           {151, "quota exceeded"},            {153, "payload format invalid"},
      {156, "use another server"},         {157, "server moved"},              {159, "connection rate exceeded"},
  };
  for (const auto& [code, words] : table) {
    EXPECT_EQ(connack_refusal(code, true), std::string(words) + " (CONNACK reason code " + std::to_string(code) + ")");
    EXPECT_EQ(reason_code_words(code), std::string(words) + " (reason code " + std::to_string(code) + ")");
  }
  for (int code = 0x80; code <= 0xA2; ++code)
    EXPECT_EQ(reason_code_words(code).find("does not define"), std::string::npos) << code;
  EXPECT_EQ(suback_refusal(0x87, true), "not authorized (SUBACK reason code 135)");
  EXPECT_NE(suback_refusal(0x80, false).find("not authorized by its ACL"), std::string::npos);
}

TEST(RefusalReason, PahoConnectFailures) {
  // Paho fails a refused CONNECT with the CONNACK code as rc (and as reason on MQTT 5).
  // Paho C++ sets reason 255 when the CONNACK carried none (MQTT 3.1.1).
  EXPECT_EQ(paho_connect_failure(5, 255, false, false), "not authorized (CONNACK 5)");
  EXPECT_EQ(paho_connect_failure(135, 135, true, false), "not authorized (CONNACK reason code 135)");
  EXPECT_EQ(paho_connect_failure(-1, 0, true, false).rfind("connection failed (", 0), 0u);
  EXPECT_NE(paho_connect_failure(-1, 0, true, false).find("(rc=-1)"), std::string::npos);
  EXPECT_NE(paho_connect_failure(-1, 0, true, true).find("TLS handshake failed"), std::string::npos);
  EXPECT_EQ(paho_error_words(-77), "unknown Paho error (rc=-77)");
  EXPECT_EQ(tls_failure("error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify "
                        "failed:../ssl/statem/statem_clnt.c:1889:")
                .rfind("TLS: certificate verify failed", 0),
            0u);
}

TEST(RefusalReason, TlsFailures) {
  EXPECT_EQ(tls_failure("certificate verify failed (SSL routines)", 20).rfind("TLS: unknown CA: ", 0), 0u);
  EXPECT_NE(tls_failure("certificate verify failed (SSL routines)", 20).find("unable to get local issuer certificate"),
            std::string::npos);
  EXPECT_EQ(tls_failure("certificate verify failed", 62), "TLS: the broker's certificate does not name the host in broker.uri");
  EXPECT_EQ(tls_failure("certificate verify failed", 10), "TLS: the broker's certificate has expired");
  EXPECT_EQ(tls_failure("error:0A00045C:SSL routines::tlsv13 alert certificate required:ssl/record/rec_layer_s3.c:1586:SSL alert number 116"),
            "TLS: the broker requires a client certificate (broker.cert_file, broker.key_file)");
  EXPECT_EQ(tls_failure("sslv3 alert unknown ca"), "TLS: the broker does not trust our client certificate (alert unknown CA)");
  EXPECT_EQ(tls_failure("wrong version number (SSL routines)"),
            "TLS: the broker does not speak TLS on this port (wrong version number)");
  EXPECT_EQ(tls_failure("stream truncated"), "TLS: stream truncated");
}

}  // namespace
}  // namespace wedge::mqtt
