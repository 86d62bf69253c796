#include "apply.hpp"

#include "host_files.hpp"
#include "host_texts.hpp"
#include "keep_aside.hpp"
#include "kept_members.hpp"
#include "plan.hpp"

#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/configdb/database.hpp"
#include "pmxsnap/configdb/invariants.hpp"
#include "pmxsnap/configdb/tree.hpp"
#include "pmxsnap/trust/private_copy.hpp"
#include "pmxsnap/trust/verify_archive.hpp"
#include "pmxsnap/util/atomic_file.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/interruption.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <memory>

namespace pmxsnap::restore {
namespace {

using archive::db_member;

// What apply reads after verify: the db it installs, or the host files
// (shown, reviewed, installed), and the configs its facts come from.
KeptMembers::Wanted wanted_by(const ApplyOptions& options) {
    bool host_files = !options.host_categories.empty();
    return [host_files](const archive::Member& m) {
        if (is_fact_source(m))
            return true;
        return host_files ? m.path.starts_with(archive::host_prefix) : m.path == db_member;
    };
}

// Verifies the private copy of the archive, keeping in kept the members
// apply goes on with; returns the manifest verify read, and in warnings what
// the verification warns of (pmxcfs's write limits).
archive::Manifest verify_first(const fs::path& archive, const trust::PrivateCopy& copy,
                               const std::vector<crypto::PublicKey>& keys,
                               const ApplyOptions& options, KeptMembers& kept,
                               std::vector<std::string>& warnings) {
    trust::VerifyOptions verify;
    verify.identity = options.identity;
    verify.drill = options.drill;
    verify.members = &kept;
    auto verdict = trust::verify_archive(copy.path(), keys, verify);
    for (const auto& level : verdict.levels) {
        if (level.status != trust::Status::ok)
            archive::reject("{}: not restorable: {} {}: {}", archive.string(), level.level,
                            trust::to_string(level.status), copy.as_original(level.detail));
        warnings.insert(warnings.end(), level.warnings.begin(), level.warnings.end());
    }
    return std::move(*verdict.manifest);
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
std::map<std::string, fs::path> targets(const host::Host& host, const ApplyOptions& options,
                                        const HostFileChoice& files) {
    if (!options.host_categories.empty())
        return files.install;
    return {{std::string(db_member), host.resolve(host::paths::config_db)}};
}

std::vector<Operation> operations_for(const std::map<std::string, fs::path>& to_install,
                                      const std::string& stamp) {
    std::vector<Operation> ops;
    for (const auto& [member, target] : to_install) {
        auto kept = kept_name(target, stamp);
        if (fs::exists(target))
            ops.push_back({Operation::Action::keep, target, kept, {}});
        if (member == db_member)
            for (const char* suffix : {"-wal", "-shm"}) {
                fs::path companion = target.string() + suffix;
                if (!fs::exists(companion))
                    continue;
                fs::path kept_companion = kept + suffix;
                ops.push_back({Operation::Action::keep, companion, kept_companion, {}});
                ops.push_back({Operation::Action::remove, companion, kept_companion, {}});
            }
        ops.push_back({Operation::Action::install, target, {}, member});
    }
    return ops;
}

// The db is root's; a host file gets its archived owner back (crontabs
// are root:crontab). Only root can give files away.
void own_by(const AtomicFile& file, uid_t uid, gid_t gid) {
    if (::geteuid() == 0 && ::fchown(file.fd(), uid, gid) != 0)
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
            own_by(*current_, 0, 0);
        else
            own_by(*current_, static_cast<uid_t>(m.uid), static_cast<gid_t>(m.gid));
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
    using Action = Operation::Action;
    for (const auto& op : ops)
        if (op.action == Action::keep)
            link_kept(op.path, op.kept);
    for (const auto& op : ops)
        if (op.action == Action::keep)
            fsync_directory(op.kept.parent_path());
    for (const auto& op : ops)
        if (op.action == Action::remove && ::unlink(op.path.c_str()) != 0 && errno != ENOENT)
            fail_errno(op.path.string());
    for (const auto& [member, target] : to_install) {
        stage.staged.at(member)->rename_into_place();
        fsync_directory(target.parent_path());
    }
}

} // namespace

std::string_view to_string(Operation::Action action) {
    switch (action) {
    case Operation::Action::keep:
        return "keep";
    case Operation::Action::remove:
        return "remove";
    case Operation::Action::install:
        return "install";
    }
    return "?";
}

std::string detail(const Operation& op) {
    switch (op.action) {
    case Operation::Action::keep:
        return op.kept.string();
    case Operation::Action::remove:
        return "kept as " + op.kept.string();
    case Operation::Action::install:
        return "from " + op.member;
    }
    return {};
}

ApplyResult apply_archive(const fs::path& archive, const host::Host& host,
                          const std::vector<crypto::PublicKey>& keys, const ApplyOptions& options,
                          const std::function<bool(const std::vector<Operation>&)>& ask) {
    ApplyResult result;
    KeptMembers kept(wanted_by(options));
    auto manifest = [&] {
        trust::PrivateCopy copy(archive);
        return verify_first(archive, copy, keys, options, kept, result.warnings);
    }();
    interruption_point("apply-verified"); // from here on, only kept is read
    auto archive_facts =
        archive_facts_from(archive, std::move(manifest),
                           [&](archive::MemberHandler& handler) { kept.replay(handler); });
    auto host_facts = read_host_facts(host, options.offline);
    if (options.host_categories.empty())
        check_refusals(archive_facts, host_facts, options.force, result);
    HostFileChoice files;
    if (!options.host_categories.empty()) {
        files = choose_host_files(archive_facts.manifest, host, options.host_categories,
                                  archive.string());
        result.not_installed = files.left_out;
        auto texts = read_host_texts(kept);
        result.storage = review_storage(texts, host);
        if (options.dry_run)
            result.diffs = diffs_of(texts, files.install);
    }
    auto to_install = targets(host, options, files);
    auto stamp = compact_utc_stamp(host.now());
    result.operations = operations_for(to_install, stamp);
    if (options.dry_run || (!options.yes && !ask(result.operations)))
        return result;

    for (const auto& [member, target] : to_install)
        remove_leftovers(target);
    StageFiles stage(to_install);
    kept.replay(stage);
    if (auto db = stage.staged.find(std::string(db_member)); db != stage.staged.end())
        check_staged_db(*db->second);
    carry_out(result.operations, stage, to_install);
    result.applied = true;
    return result;
}

} // namespace pmxsnap::restore
