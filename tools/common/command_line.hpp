// The tools' command lines (wedgectl, uplink-runner, modbus-sim, …), parsed by Boost.Program_options
// with one set of rules, instead of a hand-written loop per tool.
//
// Rules: GNU-style long options (`--name VALUE` or `--name=VALUE`) and the short ones a tool
// declares; no abbreviations (a misspelt flag is an error, never a guess). parse() returns the
// options in command-line order, so each tool applies them as they come (a repeated flag: the
// last one wins, as before); message() turns a parse error into the one sentence the tool prints
// ("--url needs a value", "unknown option --frobnicate").
//
// Threading: pure, any thread.
#pragma once

#include <boost/program_options/errors.hpp>
#include <boost/program_options/options_description.hpp>
#include <boost/program_options/parsers.hpp>
#include <boost/program_options/positional_options.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace wedge::tools {

namespace po = boost::program_options;

struct ParseRules {
  const po::positional_options_description* positional = nullptr;  // where bare words go
  bool allow_unregistered = false;  // unknown options come back marked `unregistered`
};

// The options of `args` (without the program name) in order; throws po::error.
[[nodiscard]] std::vector<po::option> parse(const std::vector<std::string>& args, const po::options_description& options,
                                            ParseRules rules = {});

// One sentence for a parse error.
[[nodiscard]] std::string message(const po::error& error);

// The option's value as written (empty for a flag).
[[nodiscard]] std::string value_of(const po::option& option);

// A tool's options, each with what it does: value options get their text, plain flags nothing.
// apply() runs them in command-line order.
class Flags {
 public:
  using ApplyValue = std::function<void(const std::string&)>;
  using ApplyFlag = std::function<void()>;

  // `name` as Program_options spells it: "port", or "help,h" with a short form.
  Flags& value(const std::string& name, ApplyValue apply);
  Flags& flag(const std::string& name, ApplyFlag apply);

  // Throws po::error for a malformed command line, and whatever an apply function throws (a bad
  // number: std::invalid_argument / std::out_of_range from std::stoi and friends).
  void apply(int argc, const char* const* argv) const;
  void apply(const std::vector<std::string>& args) const;  // without the program name

 private:
  po::options_description options_;
  std::map<std::string, ApplyValue> values_;  // by long name
  std::map<std::string, ApplyFlag> flags_;
};

}  // namespace wedge::tools
