#include "by_path.hpp"

#include <algorithm>

namespace pmxsnap::diff {

ByPath by_path(const archive::Manifest& manifest) {
    ByPath sorted;
    sorted.reserve(manifest.members.size());
    for (const auto& member : manifest.members)
        sorted.push_back(&member);
    std::stable_sort(
        sorted.begin(), sorted.end(),
        [](const archive::Member* x, const archive::Member* y) { return x->path < y->path; });
    std::size_t kept = 0;
    for (const auto* member : sorted) {
        if (kept > 0 && sorted[kept - 1]->path == member->path)
            sorted[kept - 1] = member;
        else
            sorted[kept++] = member;
    }
    sorted.resize(kept);
    return sorted;
}

ByPath::const_iterator position_in(const ByPath& sorted, std::string_view path) {
    return std::lower_bound(
        sorted.begin(), sorted.end(), path,
        [](const archive::Member* member, std::string_view key) { return member->path < key; });
}

const archive::Member* find_in(const ByPath& sorted, std::string_view path) {
    auto it = position_in(sorted, path);
    return it != sorted.end() && (*it)->path == path ? *it : nullptr;
}

} // namespace pmxsnap::diff
