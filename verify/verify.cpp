#include "verify.hpp"

#include "restorable.hpp"

#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/crypto/signature.hpp"
#include "pmxsnap/repo/repository.hpp"
#include "pmxsnap/repo/trusted_comment.hpp"
#include "pmxsnap/util/atomic_file.hpp"
#include "pmxsnap/util/temp_dir.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <optional>

namespace pmxsnap::verify {
namespace {

LevelResult check_signature(const fs::path& archive, const std::vector<crypto::PublicKey>& keys) {
    LevelResult level{"signature", Status::failed, ""};
    auto signature_path = repo::signature_path_for(archive);
    auto text = read_file_if_exists(signature_path, 4096);
    if (!text) {
        level.detail = signature_path.string() + ": missing";
        return level;
    }
    if (keys.empty()) {
        level.detail = "no trusted public key (give --pubkey, or put keys in "
                       "/etc/pmxsnap/trusted.d)";
        return level;
    }
    crypto::SignatureFile signature;
    try {
        signature = crypto::parse_signature(*text, signature_path.string());
    } catch (const Error& e) {
        level.detail = e.what();
        return level;
    }
    auto result = crypto::verify_file(archive, signature, keys);
    if (!result.ok) {
        level.detail = result.reason;
        return level;
    }
    auto comment = repo::TrustedComment::parse(result.trusted_comment);
    if (!comment) {
        level.detail = "trusted comment is not a pmxsnap index: " + result.trusted_comment;
        return level;
    }
    auto name = archive.filename().string();
    if (comment->file != name) {
        level.detail = "signed for file " + comment->file + ", but this file is " + name +
                       " (renamed or replaced)";
        return level;
    }
    auto node_dir = archive.parent_path();
    if (node_dir.filename() != comment->node ||
        node_dir.parent_path().filename() != comment->cluster) {
        level.detail = "signed for " + comment->cluster + "/" + comment->node +
                       ", but it lies in " + node_dir.parent_path().filename().string() + "/" +
                       node_dir.filename().string() + " (moved)";
        return level;
    }
    level.status = Status::ok;
    level.detail = "signed by key " + result.signer->key_id_hex() + ": " + comment->cluster + "/" +
                   comment->node + " db_version " + std::to_string(comment->db_version) +
                   " captured " + comment->captured;
    return level;
}

LevelResult check_content(const fs::path& archive) {
    LevelResult level{"content", Status::failed, ""};
    Fd fd(::open(archive.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        fail_errno(archive.string());
    try {
        archive::Reader reader(archive::file_source(fd.get()));
        archive::MemberHandler ignore;
        reader.read_members(ignore);
        level.status = Status::ok;
        level.detail =
            std::to_string(reader.manifest().members.size() + 1) + " members match MANIFEST.json";
    } catch (const archive::Rejected& e) {
        level.detail = e.what();
    }
    return level;
}

} // namespace

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

bool Verdict::ok() const {
    for (const auto& level : levels)
        if (level.status == Status::failed)
            return false;
    return true;
}

Verdict verify_archive(const fs::path& archive, const std::vector<crypto::PublicKey>& keys) {
    if (!fs::exists(archive))
        fail("{}: no such archive", archive.string());
    Verdict verdict{archive, {}};
    verdict.levels.push_back(check_signature(archive, keys));
    if (verdict.levels.back().status != Status::ok) {
        verdict.levels.push_back({"content", Status::skipped, "signature not verified"});
        return verdict;
    }
    auto [content, restorable] = check_content_and_restorable(archive);
    verdict.levels.push_back(content);
    verdict.levels.push_back(restorable);
    return verdict;
}

} // namespace pmxsnap::verify
