#include "snapshot.hpp"

#include "quick_record.hpp"
#include "write_archive.hpp"

#include "pmxsnap/archive/manifest.hpp"
#include "pmxsnap/capture/capture.hpp"
#include "pmxsnap/capture/quick_state.hpp"
#include "pmxsnap/crypto/age_keys.hpp"
#include "pmxsnap/crypto/keys.hpp"
#include "pmxsnap/crypto/signature.hpp"
#include "pmxsnap/health/health.hpp"
#include "pmxsnap/repo/authenticate.hpp"
#include "pmxsnap/repo/node_lock.hpp"
#include "pmxsnap/repo/repository.hpp"
#include "pmxsnap/util/atomic_file.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/interruption.hpp"
#include "pmxsnap/util/json_name.hpp"
#include "pmxsnap/util/temp_dir.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace pmxsnap::snapshot {
namespace {

class PhaseTimer {
  public:
    explicit PhaseTimer(std::vector<Phase>& phases)
        : phases_(phases) {}
    template <typename F>
    auto operator()(const char* name, F&& work) {
        auto start = std::chrono::steady_clock::now();
        struct Record {
            std::vector<Phase>& phases;
            const char* name;
            std::chrono::steady_clock::time_point start;
            ~Record() {
                std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
                phases.push_back({name, took.count()});
            }
        } record{phases_, name, start};
        return work();
    }

  private:
    std::vector<Phase>& phases_;
};

void check_directory_name(const std::string& what, const std::string& value) {
    if (!repo::is_comment_safe(value) || value == "." || value == ".." ||
        value.find('/') != std::string::npos)
        fail("{} '{}' cannot name a repository directory", what, value);
}

// The newest archive of this node whose signed index is authentic under our
// own key and names this file in this directory (repo::authenticate_index),
// when it is encrypted as this run would be (switching encryption on or off
// is a change worth a new archive): a tampered, malformed or misplaced index
// must never make --if-changed skip a snapshot; nor may one without health.
std::optional<repo::Snapshot> own_newest(const repo::Repository& repository,
                                         const std::string& cluster, const std::string& node,
                                         const crypto::PublicKey& own_key, bool encrypting) {
    auto newest = repository.newest(cluster, node);
    if (!newest || newest->encrypted != encrypting)
        return std::nullopt;
    auto index = repo::authenticate_index(*newest, {own_key});
    if (!index.ok())
        return std::nullopt;
    // An archive from before snapshots recorded their health is not one to
    // stop at: the first run after the upgrade writes the state again, with
    // its verdict, so `latest-good` has something to find.
    if (index.comment->health.empty())
        return std::nullopt;
    // Nor one from before the index carried the authkey digest and the
    // nodelist (`status` reads them there); the authkey field is always
    // written since, the nodelist only when its names fit the index.
    if (!index.comment->authkey)
        return std::nullopt;
    newest->comment = index.comment; // the signed one, not the line as read
    return newest;
}

// "Unchanged since <newest>": its facts, from its signed index.
void report_unchanged(const repo::Snapshot& newest, SnapshotResult& result) {
    const auto& comment = *newest.comment;
    result.archive = newest.archive;
    result.encrypted = newest.encrypted;
    result.signature = newest.signature;
    result.size = newest.size;
    result.cluster = comment.cluster;
    result.node = comment.node;
    result.captured_at = comment.captured;
    result.db_version = comment.db_version;
    result.config_version = comment.config_version;
    result.state = comment.state;
    if (!result.health && !comment.health.empty()) { // a captured run knows it first-hand
        archive::Health health{comment.health, {}, {}};
        for (const auto& id : comment.problems)
            health.problems.push_back({id, health::describe(id)});
        result.health = std::move(health);
    }
}

// The signed index's form of the verdict: ids only (the sentences are in
// MANIFEST.json).
void put_health(repo::TrustedComment& comment, const archive::Health& health) {
    comment.health = health.verdict;
    for (const auto& problem : health.problems)
        if (std::find(comment.problems.begin(), comment.problems.end(), problem.id) ==
            comment.problems.end())
            comment.problems.push_back(problem.id);
}

bool same_state_as_newest(const repo::Repository& repository, const archive::Manifest& manifest,
                          const crypto::PublicKey& own_key, bool encrypting,
                          SnapshotResult& result) {
    auto newest = own_newest(repository, manifest.cluster, manifest.node, own_key, encrypting);
    if (!newest || newest->comment->state != manifest.state)
        return false;
    report_unchanged(*newest, result);
    return true;
}

// One archive per second per node: when the name is taken (two runs within
// a second), wait for the next second rather than invent a time.
UnixSeconds free_stamp(const host::Host& host, const fs::path& directory) {
    for (int attempt = 0; attempt < 3; ++attempt) {
        auto now = host.now();
        auto name = repo::archive_file_name(compact_utc_stamp(now), false);
        std::error_code error; // an unreadable directory fails on the write, naming it
        if (!fs::exists(directory / name, error) && !fs::exists(directory / (name + ".age"), error))
            return now;
        if (host.clock_is_pinned())
            fail("{}: already exists (SOURCE_DATE_EPOCH pins the time; unset it or use another "
                 "repository)",
                 (directory / name).string());
        std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    }
    fail("{}: no free time stamp for a new archive", directory.string());
}

// --if-changed before any capture: the newest archive's signed index and the
// quick record both vouch that this exact db and these host files were
// captured, so the cost does not grow with the db.
bool unchanged_by_quick_check(const repo::Repository& repository, const capture::QuickState& quick,
                              const crypto::PublicKey& own_key, bool encrypting,
                              SnapshotResult& result) {
    auto newest = own_newest(repository, quick.cluster, quick.node, own_key, encrypting);
    if (!newest || !quick_record_matches(newest->archive.parent_path(),
                                         newest->archive.filename().string(), quick.key, own_key))
        return false;
    report_unchanged(*newest, result);
    result.quick = true;
    return true;
}

std::vector<crypto::AgeRecipient> load_recipients(const SnapshotOptions& options) {
    std::vector<crypto::AgeRecipient> recipients;
    recipients.reserve(options.recipients.size() + options.recipients_files.size());
    for (const auto& text : options.recipients)
        recipients.push_back(crypto::parse_age_recipient(text, "--recipient " + text));
    for (const auto& file : options.recipients_files)
        for (const auto& recipient : crypto::load_age_recipients(file))
            recipients.push_back(recipient);
    if (options.include_authkey && recipients.empty())
        fail("--include-authkey: the corosync authkey is stored only in encrypted archives "
             "(anyone holding the key can join the cluster); add --recipient or "
             "--recipients-file");
    if (options.include_host_keys && recipients.empty())
        fail("--include-host-keys: the private SSH host keys are stored only in encrypted "
             "archives (anyone holding them can impersonate the node); add --recipient or "
             "--recipients-file");
    return recipients;
}

// --dry-run after the capture: what would be written and where, and whether
// --if-changed would skip it, decided as the real run decides it (the
// newest archive's signed index under our own key) — without creating the
// node directory, taking its lock or cleaning it.
SnapshotResult& plan_dry_run(const host::Host& host, const repo::Repository& repository,
                             const capture::Capture& captured, const crypto::PublicKey& own_key,
                             bool encrypting, bool if_changed, SnapshotResult& result) {
    const auto& header = captured.header;
    captured.for_each_member([&](const archive::Member& m) {
        result.planned.push_back({m.path, m.is_directory, m.size});
    });
    result.planned_bytes = captured.total_member_bytes();
    auto newest = own_newest(repository, header.cluster, header.node, own_key, encrypting);
    if (newest && newest->comment->state == header.state)
        result.unchanged_since = newest->archive;
    if (if_changed && newest && !result.unchanged_since.empty()) {
        report_unchanged(*newest, result);
        return result;
    }
    auto now = host.now();
    result.encrypted = encrypting;
    result.captured_at = iso8601_utc(now);
    result.archive = repository.node_directory(header.cluster, header.node) /
                     repo::archive_file_name(compact_utc_stamp(now), encrypting);
    result.signature = repo::signature_path_for(result.archive);
    return result;
}

} // namespace

SnapshotResult take_snapshot(const host::Host& host, const SnapshotOptions& options) {
    SnapshotResult result;
    result.dry_run = options.dry_run;
    PhaseTimer timed(result.phases);
    if (!fs::exists(options.key))
        fail("{}: no signing key; create one with `pmxsnap keygen` (or give --key)",
             options.key.string());
    auto key = timed("load key", [&] { return crypto::load_secret_key(options.key); });
    auto recipients = load_recipients(options);
    bool encrypting = !recipients.empty();
    auto profile = capture::make_profile(options.include, options.exclude);
    profile.host_keys = options.include_host_keys;
    std::optional<capture::QuickState> quick;
    repo::Repository repository(options.repo);
    if (options.if_changed) {
        quick = timed("quick check", [&] {
            return capture::quick_state(host, {options.include_authkey, encrypting, profile});
        });
        if (quick) {
            check_directory_name("cluster name", quick->cluster);
            check_directory_name("node name", quick->node);
            if (unchanged_by_quick_check(repository, *quick, key.public_key(), encrypting,
                                         result)) {
                if (options.dry_run)
                    result.unchanged_since = result.archive;
                return result;
            }
        }
    }
    auto probe =
        host.is_live() && !options.offline ? capture::LiveProbe::yes : capture::LiveProbe::no;
    auto captured = timed("capture", [&] {
        return capture::capture(
            host, {options.note, probe, options.include_authkey, profile, encrypting});
    });
    interruption_point("captured");
    auto& header = captured.header;
    check_directory_name("cluster name", header.cluster);
    check_directory_name("node name", header.node);

    result.cluster = header.cluster;
    result.node = header.node;
    result.db_version = header.db.root_version;
    result.config_version = header.corosync.host_config_version
                                ? header.corosync.host_config_version
                                : header.corosync.pve_config_version;
    result.state = header.state;
    result.members = captured.member_count() + 1;
    result.copy_method = header.db.copy_method;
    result.runtime_recorded = !header.runtime_json.empty();
    result.violations = captured.violations;
    result.health = header.health;
    result.warnings = captured.warnings;
    result.profile = profile.name();
    result.withheld = captured.withheld;
    for (const auto& v : captured.write_limits)
        result.warnings.push_back(fmt::format("captured db: pmxcfs write limit: {} ({}{})",
                                              v.message, v.rule,
                                              v.path.empty() ? "" : ", " + escape_name(v.path)));
    if (options.dry_run)
        return plan_dry_run(host, repository, captured, key.public_key(), encrypting,
                            options.if_changed, result);

    auto directory = repository.ensure_node_directory(header.cluster, header.node);
    repo::NodeLock lock(directory, options.lock_wait);
    result.cleaned = repo::Repository::clean_leftovers(directory);
    for (const auto& path : TempDir::swept())
        result.cleaned.push_back(path);
    interruption_point("locked");

    // A quick key is recorded only for what this run saw before capturing
    // (a later change then shows as a different key) and only when settled.
    auto record_quick = [&](const fs::path& archive) {
        if (quick && quick->settled && quick->cluster == header.cluster &&
            quick->node == header.node)
            write_quick_record(directory, archive.filename().string(), quick->key, key);
    };
    if (options.if_changed &&
        same_state_as_newest(repository, header, key.public_key(), encrypting, result)) {
        record_quick(result.archive);
        return result;
    }

    auto now = free_stamp(host, directory);
    header.captured_at = iso8601_utc(now);
    auto name = repo::archive_file_name(compact_utc_stamp(now), encrypting);
    AtomicFile archive_file(directory / name, repo::file_mode);
    auto written = timed("write archive", [&] {
        return write_archive(captured, archive_file.fd(), archive_file.temp_path(), recipients);
    });

    repo::TrustedComment comment;
    comment.cluster = header.cluster;
    comment.node = header.node;
    comment.db_version = header.db.root_version;
    comment.config_version = result.config_version;
    comment.state = header.state;
    comment.captured = header.captured_at;
    comment.file = name;
    if (header.health)
        put_health(comment, *header.health);
    comment.authkey =
        header.authkeys.corosync ? repo::authkey_field(*header.authkeys.corosync) : std::string();
    comment.nodelist = repo::nodelist_field(captured.nodelist);
    AtomicFile signature_file(repo::signature_path_for(directory / name), repo::file_mode);
    signature_file.write(crypto::sign_prehashed(key, written.blake2b, comment.format(),
                                                "signature from pmxsnap secret key"));
    // Both files are on disk before either has its final name; the archive's
    // name comes last, so a crash leaves at most a signature without archive,
    // which the next run (holding this lock) removes. The last point where a
    // signal stops the run: from here on, publishing takes microseconds and
    // a run that published says so (a signal then changes nothing).
    interruption_point("signed");
    timed("publish", [&] {
        archive_file.sync();
        signature_file.sync();
        signature_file.rename_into_place();
        archive_file.rename_into_place();
        fsync_directory(directory);
    });
    result.written = true;
    result.encrypted = encrypting;
    result.archive = directory / name;
    result.signature = repo::signature_path_for(result.archive);
    result.size = written.size;
    result.captured_at = header.captured_at;
    record_quick(result.archive);
    return result;
}

} // namespace pmxsnap::snapshot
