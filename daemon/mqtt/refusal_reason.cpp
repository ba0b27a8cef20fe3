#include "daemon/mqtt/refusal_reason.hpp"

#include <openssl/x509_vfy.h>

#include <fmt/format.h>

#include "daemon/core/ascii.hpp"

namespace wedge::mqtt {
namespace {

constexpr int kNoReasonCode = 255;  // Paho C++'s ReasonCode::MQTTPP_V3_CODE

// MQTT 3.1.1 section 3.2.2.3.
std::string_view v311_connack_words(int code) {
  switch (code) {
    case 1: return "unacceptable protocol version";
    case 2: return "identifier rejected";
    case 3: return "server unavailable";
    case 4: return "bad user name or password";
    case 5: return "not authorized";
    default: return "";
  }
}

// MQTT 5 section 2.4, the codes at or above 0x80 (and 0x04 on DISCONNECT).
std::string_view v5_reason_words(int code) {
  switch (code) {
    case 0x00: return "normal disconnection";
    case 0x04: return "disconnect with will message";
    case 0x80: return "unspecified error";
    case 0x81: return "malformed packet";
    case 0x82: return "protocol error";
    case 0x83: return "implementation specific error";
    case 0x84: return "unsupported protocol version";
    case 0x85: return "client identifier not valid";
    case 0x86: return "bad user name or password";
    case 0x87: return "not authorized";
    case 0x88: return "server unavailable";
    case 0x89: return "server busy";
    case 0x8A: return "banned";
    case 0x8B: return "server shutting down";
    case 0x8C: return "bad authentication method";
    case 0x8D: return "keep alive timeout";
    case 0x8E: return "session taken over";
    case 0x8F: return "topic filter invalid";
    case 0x90: return "topic name invalid";
    case 0x91: return "packet identifier in use";
    case 0x92: return "packet identifier not found";
    case 0x93: return "receive maximum exceeded";
    case 0x94: return "topic alias invalid";
    case 0x95: return "packet too large";
    case 0x96: return "message rate too high";
    case 0x97: return "quota exceeded";
    case 0x98: return "administrative action";
    case 0x99: return "payload format invalid";
    case 0x9A: return "retain not supported";
    case 0x9B: return "QoS not supported";
    case 0x9C: return "use another server";
    case 0x9D: return "server moved";
    case 0x9E: return "shared subscriptions not supported";
    case 0x9F: return "connection rate exceeded";
    case 0xA0: return "maximum connect time";
    case 0xA1: return "subscription identifiers not supported";
    case 0xA2: return "wildcard subscriptions not supported";
    default: return "";
  }
}

std::string with_code(std::string_view words, std::string_view what, int code) {
  if (words.empty()) return fmt::format("a code MQTT does not define ({} {})", what, code);
  return fmt::format("{} ({} {})", words, what, code);
}

// The reason part of an OpenSSL error line "error:0A000086:SSL routines:func:reason:file:line:",
// or the text itself when it is not such a line.
std::string openssl_reason(std::string_view text) {
  if (text.rfind("error:", 0) != 0) return std::string(text);
  std::size_t field_start = 0;
  for (int field = 0; field < 4; ++field) {
    const auto colon = text.find(':', field_start);
    if (colon == std::string_view::npos) return std::string(text);
    field_start = colon + 1;
  }
  const auto end = text.find(':', field_start);
  return std::string(text.substr(field_start, end == std::string_view::npos ? end : end - field_start));
}

bool is_unknown_ca(long verify_result) {
  return verify_result == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
         verify_result == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
         verify_result == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
         verify_result == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
         verify_result == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE;
}

}  // namespace

std::string reason_code_words(int code) { return with_code(v5_reason_words(code), "reason code", code); }

std::string connack_refusal(int code, bool mqtt5) {
  if (mqtt5) return with_code(v5_reason_words(code), "CONNACK reason code", code);
  return with_code(v311_connack_words(code), "CONNACK", code);
}

std::string suback_refusal(int code, bool mqtt5) {
  if (!mqtt5 && code == 0x80) return "refused by the broker, usually not authorized by its ACL (SUBACK 128)";
  return with_code(v5_reason_words(code), "SUBACK reason code", code);
}

std::string paho_error_words(int rc) {
  std::string_view words;
  switch (rc) {
    case -1: words = "connection failed (broker unreachable, connection refused or closed, TLS failure or no answer in time)"; break;
    case -2: words = "persistence error"; break;
    case -3: words = "not connected"; break;
    case -4: words = "too many messages in flight"; break;
    case -5: words = "bad UTF-8 string"; break;
    case -6: words = "null parameter"; break;
    case -7: words = "topic name truncated"; break;
    case -8: words = "bad structure"; break;
    case -9: words = "bad QoS"; break;
    case -10: words = "no more message ids"; break;
    case -11: words = "operation incomplete"; break;
    case -12: words = "too many buffered messages"; break;
    case -13: words = "TLS is not supported by this Paho build"; break;
    case -14: words = "bad protocol in the broker URI"; break;
    case -15: words = "bad MQTT option"; break;
    case -16: words = "wrong MQTT version"; break;
    case -17: words = "zero-length will topic"; break;
    case -18: words = "command ignored"; break;
    case -19: words = "too many buffered messages"; break;
    default: break;
  }
  if (words.empty()) return fmt::format("unknown Paho error (rc={})", rc);
  return fmt::format("{} (rc={})", words, rc);
}

std::string paho_connect_failure(int rc, int reason, bool mqtt5, bool tls) {
  if (tls && rc == -1)
    return "connection or TLS handshake failed, for example TLS: unknown CA (the command channel's line "
           "names the TLS reason) (rc=-1)";
  // Paho C fails a CONNECT whose CONNACK refused it with the CONNACK code as rc (and, on MQTT 5, the
  // same code as reason); Paho C++ sets reason 255 (MQTTPP_V3_CODE) when there is none.
  if (reason >= 0x80 && reason != kNoReasonCode) return connack_refusal(reason, true);
  if (rc > 0) return connack_refusal(rc, mqtt5);
  return paho_error_words(rc);
}

std::string tls_failure(std::string_view openssl_text, long verify_result) {
  const std::string reason = openssl_reason(openssl_text);
  const std::string text = core::lower_ascii(reason);
  if (text.find("certificate verify failed") != std::string::npos) {
    if (is_unknown_ca(verify_result))
      return fmt::format("TLS: unknown CA: the broker's certificate is not signed by a CA in broker.ca_file ({})",
                         X509_verify_cert_error_string(verify_result));
    if (verify_result == X509_V_ERR_CERT_HAS_EXPIRED) return "TLS: the broker's certificate has expired";
    if (verify_result == X509_V_ERR_CERT_NOT_YET_VALID) return "TLS: the broker's certificate is not valid yet";
    if (verify_result == X509_V_ERR_HOSTNAME_MISMATCH)
      return "TLS: the broker's certificate does not name the host in broker.uri";
    if (verify_result != X509_V_OK)
      return fmt::format("TLS: certificate verify failed ({})", X509_verify_cert_error_string(verify_result));
    return "TLS: certificate verify failed (unknown CA, an expired certificate or another host name: check "
           "broker.ca_file and the host in broker.uri)";
  }
  if (text.find("alert unknown ca") != std::string::npos)
    return "TLS: the broker does not trust our client certificate (alert unknown CA)";
  if (text.find("alert certificate required") != std::string::npos)
    return "TLS: the broker requires a client certificate (broker.cert_file, broker.key_file)";
  if (text.find("alert bad certificate") != std::string::npos ||
      text.find("alert handshake failure") != std::string::npos)
    return fmt::format("TLS: the broker refused the handshake or our client certificate ({})", reason);
  if (text.find("wrong version number") != std::string::npos)
    return "TLS: the broker does not speak TLS on this port (wrong version number)";
  return fmt::format("TLS: {}", reason);
}

}  // namespace wedge::mqtt
