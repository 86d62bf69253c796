#include "restore_file.hpp"

#include "extract.hpp"
#include "host_identity.hpp"
#include "keep_aside.hpp"

#include "pmxsnap/archive/archive_input.hpp"
#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/capture/capture.hpp"
#include "pmxsnap/corosync/parser.hpp"
#include "pmxsnap/corosync/truncation.hpp"
#include "pmxsnap/host/mounts.hpp"
#include "pmxsnap/util/atomic_file.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/json_name.hpp"
#include "pmxsnap/util/sha256.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace pmxsnap::restore {
namespace {

using archive::corosync_conf_member;
using archive::pve_corosync_conf_member; // the cluster's master copy

bool is_corosync_conf(const std::string& member) {
    return archive::is_corosync_conf_member(member);
}

class KeepOne : public archive::MemberHandler {
  public:
    explicit KeepOne(std::string path)
        : path_(std::move(path)) {}
    bool wants(const archive::Member& m) override { return m.path == path_; }
    void data(std::string_view chunk) override { content.append(chunk); }
    std::string content;

  private:
    std::string path_;
};

// The archive, its one member, read in full through the safe reader.
struct ArchivedFile {
    archive::Manifest manifest;
    archive::Member member;
    std::string content;
};

ArchivedFile read_archived(const fs::path& archive, const std::string& member,
                           const std::string& path, const fs::path& identity) {
    archive::ArchiveInput input(archive, identity);
    archive::Reader reader(input.source());
    const auto* found = reader.manifest().find(member);
    if (!found || found->is_directory)
        fail("{}: no such file in {}", escape_name(path), archive.string());
    // The whole archive through the safe reader before anything live is
    // looked at: a tampered or truncated archive is the finding (exit 1),
    // whatever the state of the host.
    ArchivedFile archived{reader.manifest(), *found, {}};
    KeepOne keep(member);
    reader.read_members(keep);
    archived.content = std::move(keep.content);
    return archived;
}

// "absent": the file must not exist (diff prints it for a file removed since
// the archive); a digest is compared as sha256sum prints it, in any case.
void require_reviewed(const FileRestore& result, const std::string& path,
                      const std::optional<std::string>& expect_digest) {
    if (!expect_digest)
        fail("{}: give --expect-digest SHA256 (the live file's digest, from `pmxsnap diff`) "
             "or --force",
             escape_name(path));
    auto expected = *expect_digest;
    std::transform(expected.begin(), expected.end(), expected.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    auto now = result.previous_sha256.value_or("absent");
    if (now != expected)
        fail("{}: changed since it was reviewed (SHA-256 {}, expected {}); run `pmxsnap diff` "
             "again",
             escape_name(result.target.string()), now, *expect_digest);
}

void require_writable_pve(const host::Host& host) {
    auto mount_point = host.resolve(host::paths::pve_mount).string();
    auto mount = host::mount_at(host::current_mounts(), mount_point);
    if (!mount)
        fail("{}: not mounted (pmxcfs is not running): an edit there would be hidden once it "
             "starts; fix corosync and quorum first (`pmxsnap doctor`)",
             mount_point);
    bool fuse = mount->fs_type == "fuse" || mount->fs_type.starts_with("fuse.");
    if (!fuse)
        fail("{}: a {} mount, not pmxcfs (FUSE)", mount_point, mount->fs_type);
    if (mount->read_only)
        fail("{}: mounted read-only", mount_point);
}

// pmxcfs accepts create + write + rename within a directory; it has no
// fsync semantics of its own (its db commits per write), so none is asked.
void write_via_rename(const fs::path& target, const std::string& content) {
    auto temp = target.parent_path() / (".pmxsnap-tmp." + target.filename().string());
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
    if (!fd)
        fail_errno(temp.string());
    try {
        write_all(fd.get(), content, temp);
    } catch (...) {
        ::unlink(temp.c_str());
        throw;
    }
    fd = Fd();
    if (::rename(temp.c_str(), target.c_str()) != 0) {
        int saved = errno;
        ::unlink(temp.c_str());
        errno = saved;
        fail_errno(target.string());
    }
}

// An archived corosync.conf (either copy: pmxcfs sends /etc/pve's to
// /etc/corosync) that would not run corosync is not installed, --force or
// not: it is the damage, not the repair.
void check_archived_content(const ArchivedFile& archived) {
    const auto& member = archived.member.path;
    if (!is_corosync_conf(member))
        return;
    auto parsed = corosync::parse_config(archived.content);
    if (!parsed.ok())
        archive::reject("{}: the archived copy does not parse ({}): not restored; take an older "
                        "archive (`pmxsnap list`)",
                        member, parsed.error->to_string(member));
    if (auto evidence = corosync::truncation_evidence(archived.content); !evidence.empty())
        archive::reject("{}: the archived copy looks truncated ({}): not restored; take an older "
                        "archive (`pmxsnap list`)",
                        member, evidence.front().message);
}

// As apply: another cluster's archive is refused; and a node's own files
// (hostname, hosts, interfaces) come only from that node's archive, while
// corosync.conf and /etc/pve are the same on every node of the cluster.
std::vector<std::string> refusals(const ArchivedFile& archived, const host::Host& host) {
    std::vector<std::string> found;
    auto [cluster, node] = read_host_identity(host);
    if (!cluster.empty() && cluster != archived.manifest.cluster)
        found.push_back(fmt::format("the archive is of cluster {}, this host is in cluster {}",
                                    archived.manifest.cluster, cluster));
    bool cluster_wide = archived.member.path == corosync_conf_member ||
                        archived.member.path.starts_with(archive::pve_prefix);
    if (!cluster_wide && !node.empty() && node != archived.manifest.node)
        found.push_back(fmt::format("the archive is of node {}, this host is {}",
                                    archived.manifest.node, node));
    return found;
}

std::string next_step(const std::string& member, const fs::path& archive) {
    if (member == pve_corosync_conf_member)
        return fmt::format("pmxcfs copies this file to /etc/corosync/corosync.conf (on every "
                           "node) only when its config_version is not lower than that copy's: "
                           "compare the two (`pmxsnap diff {} live --path "
                           "/etc/corosync/corosync.conf`) before systemctl restart corosync",
                           archive.string());
    if (member == corosync_conf_member)
        return "systemctl restart corosync (pmxcfs copies /etc/pve/corosync.conf over this file "
               "whenever its config_version is not lower: check `pmxsnap diff` for that copy too)";
    if (member.starts_with("host/etc/network/"))
        return "ifreload -a, then check the ring address with `ip -br addr`";
    if (member == "host/etc/hostname")
        return "hostnamectl set-hostname \"$(cat /etc/hostname)\" (pmxcfs finds the node's "
               "directory by this name)";
    return {};
}

// pmxcfs has no hard links: the file in place is kept aside as a copy
// under a sibling name (<file>.pmxsnap-<stamp>, in the same /etc/pve
// directory, by temp name + rename so the kept name never holds part of it).
void restore_pve_file(const host::Host& host, const std::string& path, const ArchivedFile& archived,
                      const std::optional<std::string>& expect_digest, bool force,
                      FileRestore& result) {
    check_archived_content(archived);
    result.target =
        host.resolve(std::string(host::paths::pve_mount) + "/" + result.member.substr(4));
    require_writable_pve(host);
    for (const auto& refusal : refusals(archived, host)) {
        if (!force)
            fail("{}: refusing: {}; --force if that is meant", escape_name(path), refusal);
        result.forced.push_back(refusal);
    }
    auto current = read_file_if_exists(result.target);
    if (current)
        result.previous_sha256 = sha256_hex(*current);
    if (!force)
        require_reviewed(result, path, expect_digest);
    // Kept first, replaced second: killed in between, the file in place is
    // still the previous one and its copy is there too.
    if (current) {
        fs::path kept = kept_name(result.target, compact_utc_stamp(host.now()));
        write_via_rename(kept, *current);
        result.kept = kept;
    }
    write_via_rename(result.target, archived.content);
}

void own_as_archived(const AtomicFile& staged, const archive::Member& member, FileRestore& result) {
    if (::geteuid() == 0) {
        if (::fchown(staged.fd(), member.uid, member.gid) != 0)
            fail_errno(staged.temp_path().string());
        return;
    }
    if (member.uid != ::geteuid() || member.gid != ::getegid())
        result.notes.push_back(fmt::format("not root: {} keeps owner {}:{} instead of the "
                                           "archived {}:{}",
                                           result.target.string(), ::geteuid(), ::getegid(),
                                           member.uid, member.gid));
}

void restore_node_file(const host::Host& host, const std::string& path,
                       const ArchivedFile& archived,
                       const std::optional<std::string>& expect_digest, bool force,
                       FileRestore& result) {
    check_archived_content(archived);
    auto host_path = archive::host_path_of_member(result.member);
    result.target = host.resolve(host_path);
    for (const auto& refusal : refusals(archived, host)) {
        if (!force)
            fail("{}: refusing: {}; --force if that is meant", escape_name(path), refusal);
        result.forced.push_back(refusal);
    }
    auto facts = host.facts(host_path);
    if (facts && facts->is_directory)
        fail("{}: is a directory", result.target.string());
    if (facts && facts->is_symlink && !force)
        fail("{}: is a symbolic link; restore file replaces the link by the archived file only "
             "with --force (the link is kept aside)",
             result.target.string());
    if (facts && facts->is_regular)
        if (auto current = read_file_if_exists(result.target))
            result.previous_sha256 = sha256_hex(*current);
    // The file in place is always kept aside, so no review is demanded (the
    // commonest repair, doctor's `restore file latest-good
    // /etc/corosync/corosync.conf`, takes no digest); one given is checked.
    if (!force && expect_digest)
        require_reviewed(result, path, expect_digest);

    create_directories(result.target.parent_path(), 0755);
    remove_leftovers(result.target);
    AtomicFile staged(result.target, archived.member.mode & 07777);
    staged.write(archived.content);
    own_as_archived(staged, archived.member, result);
    staged.sync();
    // Kept first, replaced second: killed in between, both names hold the
    // previous file; never is there no file at all.
    if (facts)
        result.kept = keep_aside(result.target, compact_utc_stamp(host.now()));
    staged.rename_into_place();
    fsync_directory(result.target.parent_path());
}

} // namespace

std::string restore_file_refusal(const std::string& path) {
    auto member = member_path_of(path);
    if (member.starts_with(archive::pve_prefix))
        return {};
    if (member.starts_with(archive::host_prefix) &&
        capture::is_node_local_config(archive::host_path_of_member(member)))
        return {};
    return fmt::format("{}: restore file puts back /etc/pve paths and the node-local files "
                       "snapshots record (/etc/corosync/corosync.conf, /etc/hostname, /etc/hosts, "
                       "/etc/resolv.conf, /etc/network/interfaces, /etc/network/interfaces.d/*); "
                       "for others, `pmxsnap restore extract ARCHIVE --to DIR PATH` and copy by "
                       "hand",
                       escape_name(path));
}

FileRestore restore_file(const trust::PrivateCopy& archive, const host::Host& host,
                         const std::string& path, const std::optional<std::string>& expect_digest,
                         bool force, const fs::path& identity) {
    if (auto refusal = restore_file_refusal(path); !refusal.empty())
        throw Error(refusal);
    FileRestore result;
    result.member = member_path_of(path);
    auto archived = archive.read(
        [&](const fs::path& copy) { return read_archived(copy, result.member, path, identity); });
    result.restored_sha256 = sha256_hex(archived.content);
    if (result.member.starts_with(archive::pve_prefix))
        restore_pve_file(host, path, archived, expect_digest, force, result);
    else
        restore_node_file(host, path, archived, expect_digest, force, result);
    result.next = next_step(result.member, archive.original());
    return result;
}

} // namespace pmxsnap::restore
