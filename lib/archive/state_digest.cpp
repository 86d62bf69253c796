#include "pmxsnap/archive/state_digest.hpp"

#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/util/sha256.hpp"

#include <fmt/format.h>

namespace pmxsnap::archive {

namespace {

// NUL separates fields: no path can contain it, so no two member lists hash
// alike by shifting text between fields.
template <typename... Args>
void field(fmt::memory_buffer& out, fmt::format_string<Args...> format, Args&&... args) {
    fmt::format_to(fmt::appender(out), format, std::forward<Args>(args)...);
    out.push_back('\0');
}

} // namespace

std::string state_digest(const Manifest& manifest) {
    return state_digest(manifest, walk_members(manifest.members));
}

std::string state_digest(const Manifest& header, const MemberWalk& walk) {
    Sha256 digest;
    // Each member's fields are gathered and hashed at once: six small
    // updates and three heap strings per member were 3% of a snapshot.
    fmt::memory_buffer text;
    field(text, "pmxsnap-state/1");
    field(text, "db_version={}", header.db.root_version);
    walk([&](const Member& member) {
        if (member.path == db_member)
            return;
        auto hex = member.sha256.hex_chars();
        field(text, "{}", member.path);
        field(text, "{}", member.is_directory ? "d" : "f");
        field(text, "{:o}:{}:{}", member.mode, member.uid, member.gid);
        field(text, "{}",
              member.sha256.empty() ? std::string_view()
                                    : std::string_view(hex.data(), hex.size()));
        if (member.pmxcfs)
            field(text, "{}:{}", member.pmxcfs->version, member.pmxcfs->writer);
        text.push_back('\n');
        digest.update(std::string_view(text.data(), text.size()));
        text.clear();
    });
    digest.update(std::string_view(text.data(), text.size()));
    return digest.finish_hex();
}

} // namespace pmxsnap::archive
