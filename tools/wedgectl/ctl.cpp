#include "tools/wedgectl/ctl.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>

#include "daemon/config/environment.hpp"
#include "daemon/startup_checks.hpp"
#include "daemon/version.hpp"
#include "tools/common/command_line.hpp"
#include "tools/wedgectl/gateway_endpoint.hpp"
#include "tools/wedgectl/http_client.hpp"
#include "tools/wedgectl/json_text.hpp"

namespace wedge::ctl {

namespace json = boost::json;

namespace {

constexpr const char* kUsage = R"(usage: wedgectl [--url URL] [--token-file FILE] [--json] [--timeout-ms N] COMMAND

Commands (through the gateway's HTTP API, docs/http-api.md):
  status                     the gateway at a glance: broker, outbox, devices, stations, KPIs
  devices                    every device with its health
  stations                   every station: step, order, next line, last scan
  station STATION            one station's full snapshot
  outbox                     events waiting for the broker: depth, oldest age
  health                     /healthz: exit 0 when healthy, 1 with the reason when not
  print-test PRINTER         print a test label
  scan STATION CODE          inject a scan, checked like one from the station's scanner, and
                             wait for its verdict: exit 0 only when the station accepted it
  short STATION LINE REASON  declare a short pick (REASON: missing | damaged)
  next STATION               move the station to its next order
  reprint STATION            reprint the current shipping label
  reload                     make the gateway read its configuration again and apply it: exit 0
                             with what changed (and what waits for the restart), 1 refused with
                             every reason (the gateway then runs on unchanged)

Commands on this machine (no gateway needed):
  check-config [FILE]        the checks of `wedge --check-config`: FILE and its drop-ins
                             (FILE.d/*.yaml), the files they name, state_dir; exit 0 valid,
                             2 invalid with every error (FILE: $CONFIGURATION_DIRECTORY/wedge.yaml,
                             else /etc/wedge/wedge.yaml)
  --version                  print the version

Options:
  --url URL          the gateway (default http://127.0.0.1:8080)
  --token-file FILE  file holding the access token (http.access_token_file)
  --json             print the gateway's JSON as it is
  --timeout-ms N     give up after N ms (default 10000)
  --config FILE      take the gateway's address and token from FILE (http.listen,
                     http.access_token_file) where --url and --token-file are not given

Exit codes: 0 done, 1 refused (a reload too) or unhealthy, 2 usage, 3 unreachable, 4 access refused;
for scan also 5 taken but needs attention, 6 no verdict in time (the scan waits at the station);
for check-config 0 valid, 2 invalid.
)";

struct Options {
  std::string url = "http://127.0.0.1:8080";
  std::string token_file;
  bool url_given = false;
  std::string config_file;  // --config: address and token from the gateway's configuration
  bool json_output = false;
  int timeout_ms = 10000;
  std::vector<std::string> words;
};

struct Call {
  std::string method;
  std::string path;
  std::string body;
};

std::string encode_segment(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
    }
  }
  return out;
}

std::optional<Call> plan(const std::vector<std::string>& w, std::string* error) {
  const std::string& command = w[0];
  auto need = [&](std::size_t count, const char* args) {
    if (w.size() == count + 1) return true;
    *error = "usage: wedgectl " + command + (count ? std::string(" ") + args : std::string());
    return false;
  };
  if (command == "status" || command == "devices" || command == "stations" || command == "outbox") {
    if (!need(0, "")) return std::nullopt;
    return Call{"GET", "/api/v1/" + command, ""};
  }
  if (command == "health") {
    if (!need(0, "")) return std::nullopt;
    return Call{"GET", "/healthz", ""};
  }
  if (command == "station") {
    if (!need(1, "STATION")) return std::nullopt;
    return Call{"GET", "/api/v1/stations/" + encode_segment(w[1]), ""};
  }
  if (command == "print-test") {
    if (!need(1, "PRINTER")) return std::nullopt;
    return Call{"POST", "/api/v1/printers/" + encode_segment(w[1]) + "/test", ""};
  }
  if (command == "scan") {
    if (!need(2, "STATION CODE")) return std::nullopt;
    return Call{"POST", "/api/v1/stations/" + encode_segment(w[1]) + "/scan",
                json::serialize(json::object{{"code", w[2]}})};
  }
  if (command == "short") {
    if (!need(3, "STATION LINE missing|damaged")) return std::nullopt;
    json::object body{{"reason", w[3]}};
    int number = 0;
    const auto [end, ec] = std::from_chars(w[2].data(), w[2].data() + w[2].size(), number);
    if (ec == std::errc() && end == w[2].data() + w[2].size() && number >= 1) body["line"] = number;
    else body["line"] = w[2];
    return Call{"POST", "/api/v1/stations/" + encode_segment(w[1]) + "/short", json::serialize(body)};
  }
  if (command == "reload") {
    if (!need(0, "")) return std::nullopt;
    return Call{"POST", "/api/v1/reload", ""};
  }
  if (command == "next" || command == "reprint") {
    if (!need(1, "STATION")) return std::nullopt;
    return Call{"POST", "/api/v1/stations/" + encode_segment(w[1]) + "/" + command, ""};
  }
  *error = "unknown command '" + command + "' (wedgectl --help lists them)";
  return std::nullopt;
}

std::optional<std::string> read_token(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read token file " + path;
    return std::nullopt;
  }
  std::ostringstream content;
  content << in.rdbuf();
  std::string token = content.str();
  const auto first = token.find_first_not_of(" \t\r\n");
  const auto last = token.find_last_not_of(" \t\r\n");
  if (first == std::string::npos) {
    *error = "token file " + path + " is empty";
    return std::nullopt;
  }
  return token.substr(first, last - first + 1);
}

std::string text_field(const json::value& body, std::string_view key) {
  const auto* object = body.if_object();
  const auto* value = object ? object->if_contains(key) : nullptr;
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

// A scan succeeds only with the station's "accepted" (docs/http-api.md, "Actions"): anything else
// the gateway answered with 2xx is said on stderr, with its reason, and has its own exit code.
int scan_exit(const Call& call, const json::value& body, std::ostream& err) {
  const std::string result = text_field(body, "result");
  if (result == "accepted") return kExitOk;
  err << "wedgectl: " << call.method << " " << call.path << ": " << (result.empty() ? "no verdict" : result);
  if (const auto reason = text_field(body, "reason"); !reason.empty()) err << ": " << reason;
  err << "\n";
  return result == "attention" ? kExitAttention : kExitPending;
}

// A reload's answer (docs/http-api.md, "Reload"): what changed on stdout, why it was refused on
// stderr; exit 0 applied, 1 refused.
int reload_exit(const json::value& body, bool success, std::ostream& out, std::ostream& err) {
  const auto* object = body.if_object();
  auto lines = [object](std::string_view key) {
    std::vector<std::string> items;
    const auto* list = object ? object->if_contains(key) : nullptr;
    if (list && list->is_array())
      for (const auto& item : list->as_array())
        if (item.is_string()) items.emplace_back(item.as_string());
    return items;
  };
  if (success && text_field(body, "result") == "applied") {
    const auto changes = lines("changes");
    if (changes.empty()) out << "reloaded: no change\n";
    for (const auto& line : changes) out << "reloaded: " << line << "\n";
    for (const auto& line : lines("at_restart")) out << "at the next restart: " << line << "\n";
    return kExitOk;
  }
  for (const auto& line : lines("errors")) err << "wedgectl: reload refused: " << line << "\n";
  return kExitRefused;
}

}  // namespace

int run_ctl(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Options options;
  tools::po::options_description flags;
  flags.add_options()("help,h", "")("version", "")("json", "")("url", tools::po::value<std::string>())(
      "token-file", tools::po::value<std::string>())("timeout-ms", tools::po::value<std::string>())(
      "config", tools::po::value<std::string>())(
      "word", tools::po::value<std::vector<std::string>>());
  tools::po::positional_options_description words;
  words.add("word", -1);
  std::vector<tools::po::option> parsed;
  try {
    // Unknown options come back too: after the command they are its words (a code may start with
    // '-'); before it, they are errors.
    parsed = tools::parse(args, flags, {&words, true});
  } catch (const tools::po::error& e) {
    return err << "wedgectl: " << tools::message(e) << "\n", kExitUsage;
  }
  for (const auto& option : parsed) {
    const std::string& name = option.string_key;
    if (option.unregistered) {
      if (options.words.empty()) return err << "wedgectl: unknown option " << option.original_tokens.front() << "\n" << kUsage, kExitUsage;
      options.words.insert(options.words.end(), option.original_tokens.begin(), option.original_tokens.end());
    } else if (name == "help") {
      out << kUsage;
      return kExitOk;
    } else if (name == "version") {
      out << "wedgectl " << kVersion << "\n";
      return kExitOk;
    } else if (name == "json") {
      options.json_output = true;
    } else if (name == "url") {
      options.url = tools::value_of(option);
      options.url_given = true;
    } else if (name == "config") {
      options.config_file = tools::value_of(option);
    } else if (name == "token-file") {
      options.token_file = tools::value_of(option);
    } else if (name == "timeout-ms") {
      const std::string text = tools::value_of(option);
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), options.timeout_ms);
      if (ec != std::errc() || end != text.data() + text.size() || options.timeout_ms < 1)
        return err << "wedgectl: --timeout-ms expects a positive integer\n", kExitUsage;
    } else {
      options.words.push_back(tools::value_of(option));
    }
  }
  if (options.words.empty()) {
    err << kUsage;
    return kExitUsage;
  }
  if (options.words[0] == "check-config") {
    if (options.words.size() > 2) return err << "wedgectl: usage: wedgectl check-config [FILE]\n", kExitUsage;
    const std::string path = options.words.size() == 2 ? options.words[1] : config::default_config_file();
    return check_config_command(path, out, err);
  }
  std::string error;
  auto call = plan(options.words, &error);
  if (!call) return err << "wedgectl: " << error << "\n", kExitUsage;
  if (!options.config_file.empty()) {
    const auto endpoint = gateway_endpoint(options.config_file, &error);
    if (!endpoint) return err << "wedgectl: --config: " << error << "\n", kExitUsage;
    if (!options.url_given) options.url = endpoint->url;
    if (options.token_file.empty()) options.token_file = endpoint->token_file;
  }
  auto base = parse_base_url(options.url, &error);
  if (!base) return err << "wedgectl: --url: " << error << "\n", kExitUsage;
  std::string token;
  if (!options.token_file.empty()) {
    auto read = read_token(options.token_file, &error);
    if (!read) return err << "wedgectl: " << error << "\n", kExitUsage;
    token = *read;
  }

  const auto reply = http_call(*base, call->method, call->path, token, call->body,
                               std::chrono::milliseconds(options.timeout_ms));
  if (!reply.ok) {
    err << "wedgectl: " << options.url << ": " << reply.error << "\n";
    return kExitUnreachable;
  }
  boost::system::error_code ec;
  json::value body = json::parse(reply.body, ec);
  if (ec) body = json::value(reply.body);
  const bool success = reply.status >= 200 && reply.status < 300;

  if (options.words[0] == "reload" && (success || reply.status == 409) && !options.json_output)
    return reload_exit(body, success, out, err);
  if (options.json_output) {
    out << (ec ? json::serialize(body) : reply.body);
    if (!reply.body.empty() && reply.body.back() != '\n') out << "\n";
  } else if (success) {
    out << render_human(body);
  } else {
    std::string message;
    if (body.is_object()) {
      if (const auto* e = body.as_object().if_contains("error"); e && e->is_string())
        message = std::string(e->as_string());
      else if (const auto* r = body.as_object().if_contains("reason"); r && r->is_string())
        message = std::string(r->as_string());
    }
    err << "wedgectl: " << call->method << " " << call->path << ": HTTP " << reply.status
        << (message.empty() ? "" : ": " + message) << "\n";
    if (body.is_object() && !body.as_object().empty()) out << render_human(body);
  }
  if (reply.status == 401 || reply.status == 403) return kExitUnauthorized;
  if (success && options.words[0] == "scan") return scan_exit(*call, body, err);

  return success ? kExitOk : kExitRefused;
}

}  // namespace wedge::ctl
