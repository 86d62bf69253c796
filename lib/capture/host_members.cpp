#include "host_members.hpp"

#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/sha256.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace pmxsnap::capture {
namespace {

// Per file and in all: these are configuration files; anything near the
// limits is a finding, not something to archive.
constexpr std::uint64_t max_host_file_bytes = 4 << 20;
constexpr std::int64_t max_host_bytes = 64 << 20;
constexpr std::size_t max_host_files = 10000;

struct HostMembers {
    std::set<std::string> directories;
    std::vector<archive::Member> files;
    std::int64_t bytes = 0;

    void add(Capture& c, const std::string& path, std::string data, const host::FileFacts& facts,
             UnixSeconds clamp) {
        archive::Member member;
        member.path = archive::host_member_path(path);
        member.mode = facts.mode & 07777;
        member.uid = facts.uid;
        member.gid = facts.gid;
        member.size = static_cast<std::int64_t>(data.size());
        member.mtime = std::min<std::int64_t>(facts.mtime, clamp);
        member.sha256 = sha256_of(data);
        bytes += member.size;
        if (bytes > max_host_bytes || files.size() >= max_host_files)
            fail("{}: the node profile's files exceed {} files or {} bytes; exclude some in "
                 "pmxsnap.conf ([snapshot] exclude = PATH)",
                 path, max_host_files, max_host_bytes);
        c.host_data[member.path] = std::move(data);
        for (auto parent = fs::path(member.path).parent_path(); !parent.empty();
             parent = parent.parent_path())
            directories.insert(parent.string());
        files.push_back(std::move(member));
    }
};

// The private host keys present, for the record of what was left out.
void withhold_host_keys(const host::Host& host, Capture& c, bool encrypting) {
    NodeProfile keys_only;
    keys_only.categories = {"identity"};
    keys_only.host_keys = true;
    for (const auto& file : profile_files(host, keys_only))
        if (is_profile_secret(file.path) && file.path.starts_with("/etc/ssh/"))
            c.withheld.push_back({file.path, encrypting
                                                 ? "private SSH host key: archived only with "
                                                   "--include-host-keys"
                                                 : "private SSH host key: archived only with "
                                                   "--include-host-keys, in encrypted archives"});
}

void add_apt_manual(const host::Host& host, Capture& c, HostMembers& out, UnixSeconds clamp) {
    auto list = apt_manual_packages(host);
    if (!list)
        return;
    host::FileFacts facts;
    facts.mode = 0644;
    if (auto status = host.facts("/var/lib/dpkg/status", host::Host::Links::follow))
        facts.mtime = status->mtime;
    out.add(c, std::string(apt_manual_path), std::move(*list), facts, clamp);
}

} // namespace

archive::Member directory_member(std::string path, unsigned mode, std::int64_t mtime) {
    archive::Member member;
    member.path = std::move(path);
    member.is_directory = true;
    member.mode = mode;
    member.mtime = mtime;
    return member;
}

void add_host_members(const host::Host& host, Capture& c, UnixSeconds clamp,
                      const CaptureOptions& options) {
    const auto& profile = options.profile;
    if (profile.host_keys && !options.encrypting)
        fail("--include-host-keys: the private SSH host keys are stored only in encrypted "
             "archives; add --recipient or --recipients-file");
    HostMembers out;
    auto paths = node_local_files(host, profile, options.include_authkey);
    if (!profile.host_keys && profile.has("identity"))
        withhold_host_keys(host, c, options.encrypting);
    for (const auto& path : paths) {
        auto facts = host.facts(path, host::Host::Links::follow);
        if (!facts || !facts->is_regular)
            continue;
        auto data = read_file(host.resolve(path), max_host_file_bytes);
        if (path == "/etc/iscsi/iscsid.conf" && !options.encrypting &&
            holds_chap_credentials(data)) {
            c.withheld.push_back({path, "holds iSCSI CHAP credentials: archived only in "
                                        "encrypted archives"});
            continue;
        }
        out.add(c, path, std::move(data), *facts, clamp);
    }
    if (profile.has("apt"))
        add_apt_manual(host, c, out, clamp);
    std::vector<archive::Member> members;
    for (const auto& directory : out.directories) {
        auto host_path = fmt::format(
            "/{}", directory.substr(std::min(directory.size(), archive::host_prefix.size())));
        auto facts = directory == "host" ? std::nullopt : host.facts(host_path);
        members.push_back(
            directory_member(directory, facts ? facts->mode : 0755,
                             facts ? std::min<std::int64_t>(facts->mtime, clamp) : 0));
    }
    std::move(out.files.begin(), out.files.end(), std::back_inserter(members));
    std::sort(members.begin(), members.end(),
              [](const archive::Member& a, const archive::Member& b) { return a.path < b.path; });
    std::move(members.begin(), members.end(), std::back_inserter(c.header.members));
    c.header.profile_json = profile_json(profile, c.withheld).dump();
}

std::vector<std::string> node_local_files(const host::Host& host, const NodeProfile& profile,
                                          bool include_authkey) {
    std::vector<std::string> files;
    for (const auto& file : profile_files(host, profile))
        files.push_back(file.path);
    if (include_authkey) {
        if (!host.facts(host::paths::corosync_authkey))
            fail("--include-authkey: {} does not exist",
                 host.resolve(host::paths::corosync_authkey).string());
        files.emplace_back(host::paths::corosync_authkey);
    }
    return files;
}

} // namespace pmxsnap::capture
