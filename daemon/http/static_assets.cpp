#include "daemon/http/static_assets.hpp"

namespace wedge::http {

namespace {

std::string_view content_type_for(std::string_view name) {
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace

std::optional<StaticAsset> find_static_asset(std::string_view name) {
  for (std::size_t i = 0; i < detail::kEmbeddedAssetCount; ++i) {
    const auto& asset = detail::kEmbeddedAssets[i];
    if (name != asset.name) continue;
    // The bytes are plain octets; viewing them as chars is the only way to hand them to a body.
    const std::string_view bytes(reinterpret_cast<const char*>(asset.bytes), asset.size);
    return StaticAsset{asset.name, content_type_for(name), bytes};
  }
  return std::nullopt;
}

}  // namespace wedge::http
