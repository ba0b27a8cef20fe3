#include "tools/common/command_line.hpp"

namespace wedge::tools {

namespace {

// Unix style, minus guessing abbreviations and minus the sticky/grouped short forms no tool uses.
constexpr int kStyle = po::command_line_style::allow_long | po::command_line_style::long_allow_adjacent |
                       po::command_line_style::long_allow_next | po::command_line_style::allow_short |
                       po::command_line_style::short_allow_next | po::command_line_style::allow_dash_for_short;

}  // namespace

std::vector<po::option> parse(const std::vector<std::string>& args, const po::options_description& options,
                              ParseRules rules) {
  po::command_line_parser parser(args);
  parser.options(options).style(kStyle);
  if (rules.positional) parser.positional(*rules.positional);
  if (rules.allow_unregistered) parser.allow_unregistered();
  return parser.run().options;
}

std::string message(const po::error& error) {
  if (const auto* syntax = dynamic_cast<const po::invalid_command_line_syntax*>(&error);
      syntax && syntax->kind() == po::invalid_syntax::missing_parameter)
    return syntax->get_option_name() + " needs a value";
  if (const auto* unknown = dynamic_cast<const po::unknown_option*>(&error))
    return "unknown option " + unknown->get_option_name();
  return error.what();
}

std::string value_of(const po::option& option) { return option.value.empty() ? std::string() : option.value.front(); }

namespace {

std::string long_name(const std::string& name) { return name.substr(0, name.find(',')); }

}  // namespace

Flags& Flags::value(const std::string& name, ApplyValue apply) {
  options_.add_options()(name.c_str(), po::value<std::string>());
  values_.emplace(long_name(name), std::move(apply));
  return *this;
}

Flags& Flags::flag(const std::string& name, ApplyFlag apply) {
  options_.add_options()(name.c_str(), "");
  flags_.emplace(long_name(name), std::move(apply));
  return *this;
}

void Flags::apply(int argc, const char* const* argv) const {
  apply(std::vector<std::string>(argv + (argc > 0 ? 1 : 0), argv + argc));
}

void Flags::apply(const std::vector<std::string>& args) const {
  for (const auto& option : parse(args, options_)) {
    if (const auto value = values_.find(option.string_key); value != values_.end()) value->second(value_of(option));
    else flags_.at(option.string_key)();
  }
}

}  // namespace wedge::tools
