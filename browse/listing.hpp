// ls: the members of one authenticated archive as the operator knows them
// (/etc/pve/..., /etc/corosync/...), with type, mode, owner, size, mtime and,
// for /etc/pve entries, pmxcfs's version and writer — all from the manifest
// the safe reader checked every member against. PATHs filter: one matches
// itself and what is under it. Throws pmxsnap::Error (exit 2) for a PATH
// that matches nothing, archive::Rejected (exit 1) for a bad archive.
#pragma once

#include "signed_archive.hpp"

#include "pmxsnap/archive/manifest.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pmxsnap::browse {

struct Entry {
    std::string path; // as the operator knows it
    archive::Member member;
};

struct Listing {
    SignedArchive source;
    bool encrypted = false;
    std::string captured_at;
    std::int64_t db_version = 0;
    std::vector<Entry> entries;

    nlohmann::json to_json() const;
    std::vector<std::string> text() const;
};

Listing list_archive(const SignedArchive& source, const fs::path& identity,
                     const std::vector<std::string>& paths);

// "drwxr-xr-x" / "-rw-r-----" for a member.
std::string mode_string(const archive::Member& member);

} // namespace pmxsnap::browse
