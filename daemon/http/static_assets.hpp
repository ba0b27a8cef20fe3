// The pages and their CSS/JS, compiled into the binary from daemon/http/static/ by
// embed_assets.cmake, so the daemon needs no file on disk, no CDN and no external font.
// Immutable data; any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace wedge::http {

struct StaticAsset {
  std::string_view name;          // file name, e.g. "station.js"
  std::string_view content_type;  // from the extension, with charset for text
  std::string_view bytes;
};

// nullopt when no embedded file has that name.
std::optional<StaticAsset> find_static_asset(std::string_view name);

namespace detail {
struct EmbeddedAsset {
  const char* name;
  const unsigned char* bytes;
  std::size_t size;
};
extern const EmbeddedAsset kEmbeddedAssets[];
extern const std::size_t kEmbeddedAssetCount;
}  // namespace detail

}  // namespace wedge::http
