#pragma once

#include <optional>
#include <string_view>

namespace rtm::api {

struct DashboardAsset {
  std::string_view content_type;
  std::string_view body;
};

// The web dashboard's files (services/dashboard), built into the binary so
// that rtm runs as one file: "/" is index.html. nullopt for other paths.
std::optional<DashboardAsset> dashboard_asset(std::string_view path);

}  // namespace rtm::api
