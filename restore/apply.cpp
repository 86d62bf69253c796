#include "apply.hpp"

#include "keep_aside.hpp"
#include "plan.hpp"

#include "pmxsnap/archive/archive_input.hpp"
#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/configdb/database.hpp"
#include "pmxsnap/configdb/invariants.hpp"
#include "pmxsnap/configdb/tree.hpp"
#include "pmxsnap/trust/verify_archive.hpp"
#include "pmxsnap/util/atomic_file.hpp"
#include "pmxsnap/util/error.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <memory>

namespace pmxsnap::restore {
namespace {

using archive::db_member;
using archive::host_prefix;

// Returns what the verification warns of (pmxcfs's write limits).
std::vector<std::string> verify_first(const fs::path& archive,
                                      const std::vector<crypto::PublicKey>& keys,
                                      const ApplyOptions& options) {
    trust::VerifyOptions verify;
    verify.identity = options.identity;
    verify.drill = options.drill;
    auto verdict = trust::verify_archive(archive, keys, verify);
    std::vector<std::string> warnings;
    for (const auto& level : verdict.levels) {
        if (level.status != trust::Status::ok)
            archive::reject("{}: not restorable: {} {}: {}", archive.string(), level.level,
                            trust::to_string(level.status), level.detail);
        warnings.insert(warnings.end(), level.warnings.begin(), level.warnings.end());
    }
    return warnings;
}

void check_refusals(const ArchiveFacts& archive, const HostFacts& facts, bool force,
                    ApplyResult& result) {
    for (const auto& p : apply_preconditions(archive, facts)) {
        if (p.state != Precondition::State::failed)
            continue;
        if (!force)
            fail("refusing: {} ({}; see `pmxsnap restore plan`)", p.what, p.remedy);
        result.forced.push_back(p.what);
    }
}

// Member path → where it goes on this root.
std::map<std::string, fs::path> targets(const archive::Manifest& manifest, const host::Host& host,
                                        const ApplyOptions& options) {
    std::map<std::string, fs::path> out;
    if (!options.host_files_only)
        out[std::string(db_member)] = host.resolve(host::paths::config_db);
    if (options.host_files || options.host_files_only)
        for (const auto& m : manifest.members)
            // Not /etc/corosync (the cluster sends it at join; the cluster
            // plan restores it by hand), not the SSH host public keys (their
            // private halves are not archived: a mismatched pair breaks sshd).
            if (!m.is_directory && m.path.starts_with(host_prefix) &&
                !m.path.starts_with("host/etc/corosync/") && !m.path.starts_with("host/etc/ssh/"))
                out[m.path] = host.resolve(archive::host_path_of_member(m.path));
    return out;
}

// What --host-files leaves out on purpose, said so the operator is not left
// to wonder why corosync.conf did not come back.
std::vector<std::string> left_out(const archive::Manifest& manifest, const fs::path& archive) {
    std::vector<std::string> out;
    for (const auto& m : manifest.members) {
        if (m.is_directory || !m.path.starts_with(host_prefix))
            continue;
        auto path = archive::host_path_of_member(m.path);
        if (m.path == "host/etc/corosync/corosync.conf")
            out.push_back(fmt::format("{} (a joining node gets it from the cluster; to repair "
                                      "this node's copy: `pmxsnap restore file {} {}`)",
                                      path, archive.string(), path));
        else if (m.path.starts_with("host/etc/corosync/"))
            out.push_back(path + " (a joining node gets it from the cluster; otherwise take it "
                                 "from `pmxsnap restore extract` by hand)");
        else if (m.path.starts_with("host/etc/ssh/"))
            out.push_back(path + " (its private half is not archived)");
    }
    return out;
}

std::vector<Operation> operations_for(const std::map<std::string, fs::path>& to_install,
                                      const std::string& stamp) {
    std::vector<Operation> ops;
    for (const auto& [member, target] : to_install) {
        auto kept = kept_name(target, stamp);
        if (fs::exists(target))
            ops.push_back({"keep", target, kept});
        if (member == db_member)
            for (const char* suffix : {"-wal", "-shm"}) {
                fs::path companion = target.string() + suffix;
                if (!fs::exists(companion))
                    continue;
                ops.push_back({"keep", companion, kept + suffix});
                ops.push_back({"remove", companion, "kept as " + kept + suffix});
            }
        ops.push_back({"install", target, "from " + member});
    }
    return ops;
}

void own_by_root(const AtomicFile& file) {
    if (::geteuid() == 0 && ::fchown(file.fd(), 0, 0) != 0)
        fail_errno(file.temp_path().string());
}

// Streams the wanted members into temporary files beside their targets.
class StageFiles : public archive::MemberHandler {
  public:
    explicit StageFiles(const std::map<std::string, fs::path>& targets)
        : targets_(targets) {}
    bool wants(const archive::Member& m) override { return targets_.count(m.path) > 0; }
    void begin(const archive::Member& m) override {
        const auto& target = targets_.at(m.path);
        create_directories(target.parent_path(), 0755);
        unsigned mode = m.path == db_member ? 0600 : (m.mode & 0777);
        current_ = std::make_unique<AtomicFile>(target, mode);
        if (m.path == db_member)
            own_by_root(*current_);
    }
    void data(std::string_view chunk) override { current_->write(chunk); }
    void end(const archive::Member& m) override {
        current_->sync();
        staged[m.path] = std::move(current_);
    }
    std::map<std::string, std::unique_ptr<AtomicFile>> staged;

  private:
    const std::map<std::string, fs::path>& targets_;
    std::unique_ptr<AtomicFile> current_;
};

void check_staged_db(const AtomicFile& staged) {
    auto db = configdb::Database::open_readonly(staged.temp_path(), staged.temp_path().string());
    if (auto problems = db.integrity_problems(); !problems.empty())
        archive::reject("db/config.db: integrity_check: {}", problems.front());
    auto violations = configdb::check_invariants(configdb::Tree::load(db));
    if (!violations.empty())
        archive::reject("db/config.db: pmxcfs {}: {}", to_string(violations.front().effect),
                        violations.front().message);
}

// The order that keeps a db in place at every instant: hard links keep the
// current files (nothing moves yet), the old -wal/-shm go (a new db must
// never meet an old WAL), then one rename swaps the db.
void carry_out(const std::vector<Operation>& ops, StageFiles& stage,
               const std::map<std::string, fs::path>& to_install) {
    for (const auto& op : ops)
        if (op.action == "keep" && ::link(op.path.c_str(), op.detail.c_str()) != 0)
            fail_errno(op.detail);
    for (const auto& op : ops)
        if (op.action == "keep")
            fsync_directory(op.path.parent_path());
    for (const auto& op : ops)
        if (op.action == "remove" && ::unlink(op.path.c_str()) != 0 && errno != ENOENT)
            fail_errno(op.path.string());
    for (const auto& [member, target] : to_install) {
        stage.staged.at(member)->rename_into_place();
        fsync_directory(target.parent_path());
    }
}

} // namespace

ApplyResult apply_archive(const fs::path& archive, const host::Host& host,
                          const std::vector<crypto::PublicKey>& keys, const ApplyOptions& options,
                          const std::function<bool(const std::vector<Operation>&)>& ask) {
    ApplyResult result;
    result.warnings = verify_first(archive, keys, options);
    auto archive_facts = read_archive_facts(archive, options.identity);
    auto host_facts = read_host_facts(host, options.offline);
    if (!options.host_files_only)
        check_refusals(archive_facts, host_facts, options.force, result);
    auto to_install = targets(archive_facts.manifest, host, options);
    if (options.host_files || options.host_files_only)
        result.not_installed = left_out(archive_facts.manifest, archive);
    auto stamp = compact_utc_stamp(host.now());
    result.operations = operations_for(to_install, stamp);
    if (options.dry_run || (!options.yes && !ask(result.operations)))
        return result;

    archive::ArchiveInput input(archive, options.identity);
    archive::Reader reader(input.source());
    if (reader.manifest().state != archive_facts.manifest.state)
        fail("{}: changed while it was being restored", archive.string());
    for (const auto& [member, target] : to_install)
        remove_leftovers(target);
    StageFiles stage(to_install);
    reader.read_members(stage);
    if (auto db = stage.staged.find(std::string(db_member)); db != stage.staged.end())
        check_staged_db(*db->second);
    carry_out(result.operations, stage, to_install);
    result.applied = true;
    return result;
}

} // namespace pmxsnap::restore
