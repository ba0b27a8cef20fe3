// Label template names, and how a name becomes a file inside printing.template_dir.
//
// A template name is what a pick list gives in `label_template`: a plain name, never a path. It is
// 1..64 characters of [A-Za-z0-9_.-], starts with a letter or a digit and contains no "..", so
// `<name>.zpl` always names a file directly in the template folder (docs/scan-validation.md).
// The pick-list parser refuses any other name (order.rejected), and resolve_template_path() checks
// it again, because a name may also come from a pick list stored before the rule existed.
//
// resolve_template_path() follows symbolic links (the folder's and the file's) and refuses a file
// whose real path is not inside the real template folder: a link there may point to another
// template in the folder, never to a file elsewhere (say /etc/passwd or a ZPL file that resets the
// printer). It reads the file system; any thread.
#pragma once

#include "daemon/core/result.hpp"

#include <string>
#include <string_view>

namespace wedge::print {

inline constexpr std::size_t kMaxTemplateNameLength = 64;
inline constexpr const char* kTemplateNameRule =
    "1 to 64 letters, digits, '_', '.' or '-', starting with a letter or a digit, without '..'";

// True when `name` follows the rule above (kTemplateNameRule says it in words).
[[nodiscard]] inline bool is_template_name(std::string_view name) {
  const auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (name.empty() || name.size() > kMaxTemplateNameLength || !alnum(name.front())) return false;
  for (const char c : name)
    if (!alnum(c) && c != '_' && c != '.' && c != '-') return false;
  return name.find("..") == std::string_view::npos;
}

// The real (canonical) path of template `name`'s file `<dir>/<name>.zpl`, after every symbolic
// link is followed. Fails with invalid_argument when the name is not a template name ("template
// name '../evil' is not a plain name (…)") or the file's real path lies outside the folder's real
// path ("… leads to …, outside …"), with not_found when the folder or the file does not exist.
core::Result<std::string> resolve_template_path(const std::string& dir, std::string_view name);

}  // namespace wedge::print
