#include "daemon/print/template_path.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

namespace wedge::print {

namespace fs = std::filesystem;

core::Result<std::string> resolve_template_path(const std::string& dir, std::string_view name) {
  if (!is_template_name(name))
    return core::fail(core::Errc::invalid_argument, fmt::format("template name '{}' is not a plain name ({})", name, kTemplateNameRule));
  std::error_code ec;
  const fs::path folder = fs::canonical(dir, ec);
  if (ec) return core::fail(core::Errc::not_found, fmt::format("template folder {}: {}", dir, ec.message()));
  const fs::path file = folder / (std::string(name) + ".zpl");
  const fs::path real = fs::canonical(file, ec);
  if (ec) return core::fail(core::Errc::not_found, fmt::format("cannot read template {}: {}", file.string(), ec.message()));
  // Both paths are canonical, so a real path inside the folder is relative to it without "..".
  const fs::path inside = real.lexically_relative(folder);
  if (inside.empty() || *inside.begin() == "..")
    return core::fail(core::Errc::invalid_argument,
                      fmt::format("template {} leads to {}, outside printing.template_dir {} (a symbolic link?): "
                                  "refused",
                                  file.string(), real.string(), folder.string()));
  return real.string();
}

}  // namespace wedge::print
