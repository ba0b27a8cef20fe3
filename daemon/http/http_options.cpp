#include "daemon/http/http_options.hpp"

#include "daemon/http/host_check.hpp"

#include <fstream>
#include <sstream>

namespace wedge::http {

namespace {

constexpr std::size_t kMinTokenLength = 16;

std::string trim(std::string text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

}  // namespace

OptionsResult make_options(std::string_view listen, const std::string& token_file,
                           const std::vector<std::string>& allowed_hosts) {
  OptionsResult result;
  std::string error;
  auto address = parse_listen_address(listen, &error);
  if (!address) {
    result.error = "http.listen: " + error;
    return result;
  }
  Options options;
  options.listen = *address;
  for (std::size_t i = 0; i < allowed_hosts.size(); ++i) {
    auto host = normalize_allowed_host(allowed_hosts[i], &error);
    if (!host) {
      result.error = "http.allowed_hosts[" + std::to_string(i) + "]: " + error;
      return result;
    }
    options.allowed_hosts.push_back(std::move(*host));
  }
  if (!token_file.empty()) {
    std::ifstream in(token_file, std::ios::binary);
    if (!in) {
      result.error = "http.access_token_file: cannot read " + token_file;
      return result;
    }
    std::ostringstream content;
    content << in.rdbuf();
    options.access_token = trim(content.str());
    if (options.access_token.size() < kMinTokenLength) {
      result.error = "http.access_token_file: the token in " + token_file + " must be at least " +
                     std::to_string(kMinTokenLength) + " characters";
      return result;
    }
    for (const char c : options.access_token) {
      if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
        result.error = "http.access_token_file: the token in " + token_file +
                       " must be printable ASCII without spaces";
        return result;
      }
    }
  }
  if (!options.listen.loopback() && options.access_token.empty()) {
    result.error = "http.listen: listening on a non-loopback address requires http.access_token_file";
    return result;
  }
  result.options = std::move(options);
  return result;
}

}  // namespace wedge::http
