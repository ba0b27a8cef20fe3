// The tools' one command-line parser: options in order (the last of a repeated one wins), both
// `--name VALUE` and `--name=VALUE`, no guessed abbreviations, and one sentence per mistake.
#include "tools/common/command_line.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wedge::tools {
namespace {

struct Seen {
  std::string port;
  int verbose = 0;
};

Flags flags_for(Seen& seen) {
  Flags flags;
  flags.value("port", [&](const std::string& v) { seen.port = v; }).flag("verbose,v", [&] { ++seen.verbose; });
  return flags;
}

TEST(CommandLine, AppliesOptionsInOrderAndTheLastValueWins) {
  Seen seen;
  flags_for(seen).apply(std::vector<std::string>{"--port", "1", "-v", "--port=2", "--verbose"});
  EXPECT_EQ(seen.port, "2");
  EXPECT_EQ(seen.verbose, 2);
}

TEST(CommandLine, MistakesBecomeOneSentence) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--port"}, "--port needs a value"},
      {{"--frobnicate"}, "unknown option --frobnicate"},
      {{"--por", "1"}, "unknown option --por"},  // no guessing from a prefix
  };
  for (const auto& [args, sentence] : cases) {
    Seen seen;
    try {
      flags_for(seen).apply(args);
      ADD_FAILURE() << args.front() << " was accepted";
    } catch (const po::error& e) {
      EXPECT_EQ(message(e), sentence) << args.front();
    }
  }
}

TEST(CommandLine, WordsAndUnknownOptionsComeBackInOrderWhenAllowed) {
  po::options_description options;
  options.add_options()("json", "")("word", po::value<std::vector<std::string>>());
  po::positional_options_description words;
  words.add("word", -1);
  const auto parsed = parse({"scan", "S1", "--json", "-12x"}, options, {&words, true});
  ASSERT_EQ(parsed.size(), 4u);
  EXPECT_EQ(value_of(parsed[0]), "scan");
  EXPECT_EQ(value_of(parsed[1]), "S1");
  EXPECT_EQ(parsed[2].string_key, "json");
  EXPECT_TRUE(parsed[3].unregistered);
  EXPECT_EQ(parsed[3].original_tokens.front(), "-12x");
}

}  // namespace
}  // namespace wedge::tools
