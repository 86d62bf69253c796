#include "pmxsnap/trust/verify_archive.hpp"

#include "pmxsnap/archive/archive_input.hpp"
#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/crypto/signature.hpp"
#include "pmxsnap/repo/authenticate.hpp"
#include "pmxsnap/repo/repository.hpp"
#include "pmxsnap/repo/trusted_comment.hpp"
#include "pmxsnap/trust/restorable.hpp"
#include "pmxsnap/util/atomic_file.hpp"
#include "pmxsnap/util/interruption.hpp"
#include "pmxsnap/util/temp_dir.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <optional>

namespace pmxsnap::trust {
namespace {

// The signed index first, then every byte of the file against the signature
// (repo::authenticate_archive: the check diff shares; list, prune and
// snapshot share its first half).
LevelResult check_signature(const fs::path& archive, const std::vector<crypto::PublicKey>& keys) {
    LevelResult level{"signature", Status::failed, ""};
    auto checked = repo::authenticate_archive(archive, keys);
    if (!checked.ok()) {
        level.detail = checked.problem;
        return level;
    }
    const auto& index = checked.index;
    const auto& comment = *index.comment;
    level.status = Status::ok;
    level.detail =
        fmt::format("signed by key {}: {}/{} db_version {} captured {}", index.signer->key_id_hex(),
                    comment.cluster, comment.node, comment.db_version, comment.captured);
    return level;
}

// Keeps what level 3 needs while level 2 streams the archive: the db into a
// private file, the corosync.conf copies in memory (small).
class KeepForRestoreCheck : public archive::MemberHandler {
  public:
    explicit KeepForRestoreCheck(const TempDir& scratch)
        : scratch_(scratch) {}
    void begin(const archive::Member& member) override {
        current_ = member.path;
        text_.clear();
        if (current_ == archive::db_member)
            db_ = std::make_unique<AtomicFile>(scratch_ / "config.db", 0600);
    }
    void data(std::string_view chunk) override {
        if (db_)
            db_->write(chunk);
        else if (is_corosync_copy())
            text_.append(chunk);
    }
    void end(const archive::Member&) override {
        if (db_) {
            db_->commit();
            db_.reset();
            extracted.db = scratch_ / "config.db";
        } else if (is_corosync_copy()) {
            extracted.corosync_copies[current_] = text_;
        }
    }
    ExtractedForCheck extracted;

  private:
    bool is_corosync_copy() const { return archive::is_corosync_conf_member(current_); }
    const TempDir& scratch_;
    std::string current_, text_;
    std::unique_ptr<AtomicFile> db_;
};

// Hands each member to both handlers, each only what it wants.
class BothHandlers : public archive::MemberHandler {
  public:
    BothHandlers(archive::MemberHandler& first, archive::MemberHandler& second)
        : first_(first)
        , second_(second) {}
    bool wants(const archive::Member& m) override {
        first_wants_ = first_.wants(m);
        second_wants_ = second_.wants(m);
        return first_wants_ || second_wants_;
    }
    void begin(const archive::Member& m) override {
        if (first_wants_)
            first_.begin(m);
        if (second_wants_)
            second_.begin(m);
    }
    void data(std::string_view chunk) override {
        if (first_wants_)
            first_.data(chunk);
        if (second_wants_)
            second_.data(chunk);
    }
    void end(const archive::Member& m) override {
        if (first_wants_)
            first_.end(m);
        if (second_wants_)
            second_.end(m);
    }

  private:
    archive::MemberHandler& first_;
    archive::MemberHandler& second_;
    bool first_wants_ = false, second_wants_ = false;
};

std::string summarize(const std::vector<std::string>& problems, const std::string& node) {
    if (problems.empty())
        return "db sound, every pmxcfs rule holds, pve/ equals the db, corosync.conf parses "
               "and lists node " +
               node;
    auto text = problems.front();
    if (problems.size() > 1)
        text += " (and " + std::to_string(problems.size() - 1) + " more)";
    return text;
}

// Levels 2, 3 and (when asked) 4, in that order: the later ones read what
// the content level extracted. With options.members, the manifest is kept
// in kept_manifest.
std::vector<LevelResult> check_content_and_beyond(const fs::path& archive,
                                                  const VerifyOptions& options,
                                                  std::optional<archive::Manifest>& kept_manifest) {
    LevelResult content{"content", Status::failed, ""};
    LevelResult restorable{"restorable", Status::skipped, "content not verified"};
    LevelResult drilled{"drill", Status::skipped, "content not verified"};
    auto levels = [&] {
        std::vector<LevelResult> out{content, restorable};
        if (options.drill)
            out.push_back(drilled);
        return out;
    };
    if (options.identity.empty() && archive::is_age_file(archive)) {
        content = {"content", Status::skipped,
                   "encrypted with age: give --identity FILE to check the content"};
        restorable.detail = "encrypted with age: give --identity FILE to check it";
        drilled.detail = restorable.detail;
        return levels();
    }
    TempDir scratch;
    KeepForRestoreCheck keep(scratch);
    std::optional<CondensedManifest> manifest;
    Sha256Digest manifest_digest;
    archive::ReaderLimits limits;
    limits.max_total_bytes = options.max_bytes;
    try {
        archive::ArchiveInput input(archive, options.identity);
        archive::Reader reader(input.source(), limits);
        if (options.members) {
            BothHandlers both(keep, *options.members);
            reader.read_members(both);
        } else {
            reader.read_members(keep);
        }
        interruption_point("verify-extracted"); // the archived db is in scratch
        manifest_digest = reader.manifest_digest();
        auto taken = reader.take_manifest();
        if (options.members)
            kept_manifest = taken;
        content.status = Status::ok;
        content.detail = std::to_string(taken.members.size() + 1) + " members match MANIFEST.json";
        manifest = condense(std::move(taken));
    } catch (const archive::Rejected& e) {
        content.detail = e.what();
        return levels();
    }
    auto reread = [&] {
        return reread_manifest(archive, options.identity, limits, manifest_digest);
    };
    auto [problems, warnings] = check_restorable(*manifest, keep.extracted, reread);
    restorable.status = problems.empty() ? Status::ok : Status::failed;
    restorable.detail = summarize(problems, manifest->header.node);
    restorable.problems = problems;
    restorable.warnings = warnings;
    // The drill runs whatever level 3 said: pmxcfs's own verdict is the
    // evidence level 3's model is judged by.
    if (options.drill)
        drilled = drill(reread(), keep.extracted.db, *options.drill);
    return levels();
}

// The file was rewritten or replaced between the signature level's read and
// the content level's (or during them): each level is true of the bytes it
// read, but not of one archive. The content level says so, failed, unless
// it failed already.
void fail_changed_content(Verdict& verdict) {
    for (auto& level : verdict.levels)
        if (level.level == "content" && level.status != Status::failed) {
            level.status = Status::failed;
            level.detail = "the file changed while it was being verified (rewritten or "
                           "replaced after its signature was checked); verify it again";
        }
}

} // namespace

archive::Manifest reread_manifest(const fs::path& archive, const fs::path& identity,
                                  const archive::ReaderLimits& limits,
                                  const Sha256Digest& expected) {
    archive::ArchiveInput input(archive, identity);
    archive::Reader reader(input.source(), limits);
    if (reader.manifest_digest() != expected)
        throw archive::Rejected("MANIFEST.json: differs from the one read before (the archive "
                                "changed while it was being verified)");
    return reader.take_manifest();
}

std::string to_string(Status status) {
    switch (status) {
    case Status::ok:
        return "ok";
    case Status::failed:
        return "FAILED";
    default:
        return "skipped";
    }
}

std::string to_string(Outcome outcome) {
    switch (outcome) {
    case Outcome::ok:
        return "ok";
    case Outcome::partial:
        return "partial";
    default:
        return "failed";
    }
}

Outcome Verdict::outcome() const {
    bool skipped_any = false;
    for (const auto& level : levels) {
        if (level.status == Status::failed)
            return Outcome::failed;
        skipped_any = skipped_any || level.status == Status::skipped;
    }
    return skipped_any && !signature_only ? Outcome::partial : Outcome::ok;
}

std::vector<std::string> Verdict::skipped() const {
    std::vector<std::string> names;
    for (const auto& level : levels)
        if (level.status == Status::skipped)
            names.push_back(level.level);
    return names;
}

Verdict verify_archive(const fs::path& archive, const std::vector<crypto::PublicKey>& keys,
                       const VerifyOptions& options) {
    std::error_code error;
    auto status = fs::status(archive, error);
    if (status.type() == fs::file_type::not_found)
        fail("{}: no such archive", archive.string());
    if (error)
        fail("{}: cannot read: {}", archive.string(), error.message());
    if (status.type() == fs::file_type::directory)
        fail("{}: is a directory; to verify the archives of a repository, use --all --repo {}",
             archive.string(), archive.string());
    Verdict verdict;
    verdict.archive = archive;
    verdict.signature_only = options.signature_only;
    auto version_signed = file_version(archive);
    verdict.levels.push_back(check_signature(archive, keys));
    interruption_point("verify-signed"); // the content level reads the file again
    auto skip_the_rest = [&](const std::string& why) {
        for (const auto* level : {"content", "restorable", "drill"})
            if (std::string_view(level) != "drill" || options.drill)
                verdict.levels.emplace_back(level, Status::skipped, why);
        return verdict;
    };
    if (verdict.levels.back().status != Status::ok)
        return skip_the_rest("signature not verified");
    if (options.signature_only)
        return skip_the_rest("not asked (--signature-only)");
    for (auto& level : check_content_and_beyond(archive, options, verdict.manifest))
        verdict.levels.push_back(std::move(level));
    if (file_version(archive) != version_signed)
        fail_changed_content(verdict);
    return verdict;
}

} // namespace pmxsnap::trust
