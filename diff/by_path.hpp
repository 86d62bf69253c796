// A side's members sorted by path, for walking two sides side by side and
// for lookups. Of a path listed twice the later entry counts (the manifest's
// order is not trusted); a side read against another (source.hpp) counts
// the entry that differs from the other side's. Pointers, not copies: maps
// of both sides' paths were 85 MB on a pmxcfs-maximum archive; this is 2 MB
// a side.
#pragma once

#include "pmxsnap/archive/manifest.hpp"

#include <string_view>
#include <vector>

namespace pmxsnap::diff {

using ByPath = std::vector<const archive::Member*>;

ByPath by_path(const archive::Manifest& manifest);

// The member at path, or nullptr.
const archive::Member* find_in(const ByPath& sorted, std::string_view path);
// Where path is or would be in sorted.
ByPath::const_iterator position_in(const ByPath& sorted, std::string_view path);

} // namespace pmxsnap::diff
