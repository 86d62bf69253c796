#include "pmxsnap/archive/state_digest.hpp"

#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/util/sha256.hpp"

#include <fmt/format.h>

namespace pmxsnap::archive {

namespace {

// NUL separates fields: no path can contain it, so no two member lists hash
// alike by shifting text between fields.
void field(Sha256& digest, const std::string& value) {
    digest.update(value);
    digest.update(std::string_view("\0", 1));
}

} // namespace

std::string state_digest(const Manifest& manifest) {
    Sha256 digest;
    field(digest, "pmxsnap-state/1");
    field(digest, fmt::format("db_version={}", manifest.db.root_version));
    for (const auto& member : manifest.members) {
        if (member.path == db_member)
            continue;
        field(digest, member.path);
        field(digest, member.is_directory ? "d" : "f");
        field(digest, fmt::format("{:o}:{}:{}", member.mode, member.uid, member.gid));
        field(digest, member.sha256.hex());
        if (member.pmxcfs)
            field(digest, fmt::format("{}:{}", member.pmxcfs->version, member.pmxcfs->writer));
        digest.update("\n");
    }
    return digest.finish_hex();
}

} // namespace pmxsnap::archive
