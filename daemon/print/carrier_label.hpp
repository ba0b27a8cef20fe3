// Carrier labels from the OMS: the carrier's own ZPL (with its routing barcodes), sent base64 in the
// pick list, checked here before any printer sees it, then printed byte for byte.
//
// Contract (docs/workflows.md, "Carrier labels", lists every rule and every forbidden command)
// - decode_base64(): strict RFC 4648 base64 (padding required, no whitespace, no URL alphabet).
// - check_carrier_zpl(): at most kMaxCarrierLabelBytes; one or more complete `^XA … ^XZ` formats
//   and nothing between them but whitespace; no command of kForbiddenZplCommands (commands that
//   change or store anything on the printer, recall what is stored there, make it answer on the
//   link, or change the command prefixes), no tilde command at all (tilde commands act at once on
//   the printer, none belongs in a label), and `^PQ` for one label only. The refusal names the
//   command and why; the ZPL is never changed.
//
// Pure functions on values; any thread.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "daemon/core/result.hpp"

namespace wedge::print {

inline constexpr std::size_t kMaxCarrierLabelBytes = 64 * 1024;  // decoded ZPL, per parcel

struct ForbiddenZplCommand {
  std::string_view command;  // "^JU", "~DG", …
  std::string_view why;      // completes "… refused: <command> <why>"
};

// Every forbidden command, in the documented order (docs/workflows.md). Tilde commands not in the
// list are refused as well (see above).
[[nodiscard]] std::span<const ForbiddenZplCommand> forbidden_zpl_commands() noexcept;

[[nodiscard]] core::Result<std::string> decode_base64(std::string_view text);

// A refusal is Errc::invalid_argument with a sentence that names the command or the rule broken.
[[nodiscard]] core::Status check_carrier_zpl(std::string_view zpl);

}  // namespace wedge::print
