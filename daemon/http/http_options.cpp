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

core::Result<Options> make_options(std::string_view listen, const std::string& token_file,
                                   const std::vector<std::string>& allowed_hosts) {
  const auto refuse = [](std::string reason) { return core::fail(core::Errc::invalid_argument, std::move(reason)); };
  auto address = parse_listen_address(listen);
  if (!address) return refuse("http.listen: " + address.error().reason);
  Options options;
  options.listen = *address;
  for (std::size_t i = 0; i < allowed_hosts.size(); ++i) {
    auto host = normalize_allowed_host(allowed_hosts[i]);
    if (!host) return refuse("http.allowed_hosts[" + std::to_string(i) + "]: " + host.error().reason);
    options.allowed_hosts.push_back(std::move(*host));
  }
  if (!token_file.empty()) {
    std::ifstream in(token_file, std::ios::binary);
    if (!in) return core::fail(core::Errc::unavailable, "http.access_token_file: cannot read " + token_file);
    std::ostringstream content;
    content << in.rdbuf();
    options.access_token = trim(content.str());
    if (options.access_token.size() < kMinTokenLength)
      return refuse("http.access_token_file: the token in " + token_file + " must be at least " +
                    std::to_string(kMinTokenLength) + " characters");
    for (const char c : options.access_token) {
      if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
        return refuse("http.access_token_file: the token in " + token_file + " must be printable ASCII without spaces");
    }
  }
  if (!options.listen.loopback() && options.access_token.empty())
    return refuse("http.listen: listening on a non-loopback address requires http.access_token_file");
  return options;
}

}  // namespace wedge::http
