// wedgectl: command-line client of a running wedge gateway (docs/http-api.md, "wedgectl").
#include <iostream>
#include <string>
#include <vector>

#include "tools/wedgectl/ctl.hpp"

int main(int argc, char** argv) {
  try {
    return wedge::ctl::run_ctl(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "wedgectl: " << e.what() << "\n";
    return wedge::ctl::kExitUnreachable;
  }
}
