// Broker refusals and connection failures in words, for both broker connections (the Paho link
// and the command channel), so that an operator reads "bad user name or password" in the log and
// in the status reason, not "rc=5" or "rc=-1 reason=0" (docs/operations.md has the table).
//
// Each function returns a short English phrase that starts with what went wrong and ends with the
// code in brackets, e.g. "not authorized (CONNACK 5)". Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

namespace wedge::mqtt {

// A CONNACK return code: MQTT 3.1.1 (1..5) or MQTT 5 (reason codes 0x80..0x9F).
[[nodiscard]] std::string connack_refusal(int code, bool mqtt5);

// An MQTT 5 reason code (CONNACK, PUBACK, SUBACK, DISCONNECT), e.g. 135 → "not authorized".
[[nodiscard]] std::string reason_code_words(int code);

// A SUBACK return code: 0x80 in MQTT 3.1.1 ("failure"), a reason code in MQTT 5.
[[nodiscard]] std::string suback_refusal(int code, bool mqtt5);

// What Paho reported for a failed CONNECT: `rc` (a Paho C error code below 0, or a CONNACK code
// above 0) and `reason` (an MQTT 5 reason code; 0 or 255 when none). `tls`: the link uses mqtts,
// where Paho reports a failed handshake as rc=-1 without OpenSSL's reason (Paho C++ 1.2.0's TLS
// error handler keeps a pointer into a copied object, so it is not used); the command channel's
// line names it.
[[nodiscard]] std::string paho_connect_failure(int rc, int reason, bool mqtt5, bool tls);

// A Paho C error code (MQTTASYNC_*, below 0) in words.
[[nodiscard]] std::string paho_error_words(int rc);

// A TLS failure: `openssl_text` is OpenSSL's error (an ERR_error_string line or an error_code
// message), `verify_result` SSL_get_verify_result() when known (0 = X509_V_OK = unknown). Starts
// with "TLS: ", e.g. "TLS: unknown CA (…)".
[[nodiscard]] std::string tls_failure(std::string_view openssl_text, long verify_result = 0);

}  // namespace wedge::mqtt
