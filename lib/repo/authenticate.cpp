#include "pmxsnap/repo/authenticate.hpp"

#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/file.hpp"

#include <algorithm>

namespace pmxsnap::repo {
namespace {

IndexCheck problem(IndexCheck check, IndexStatus status, std::string why) {
    check.status = status;
    check.problem = std::move(why);
    return check;
}

} // namespace

std::string published_key_problem(const std::string& directory, const crypto::PublicKey& signer,
                                  const std::vector<crypto::PublicKey>& keys) {
    std::vector<std::string> expected;
    for (const auto& key : keys)
        if (key.published_for == directory) {
            if (key.key_id == signer.key_id && key.key == signer.key)
                return "";
            expected.push_back(key.key_id_hex());
        }
    if (expected.empty())
        return "";
    auto node = directory.substr(directory.rfind('/') + 1);
    return fmt::format("signed by key {}, but node {} published key {} "
                       "(/etc/pve/pmxsnap/keys/{}.pub): only that key may sign in {}",
                       signer.key_id_hex(), node, fmt::join(expected, ", "), node, directory);
}

std::string_view to_string(IndexStatus status) {
    switch (status) {
    case IndexStatus::ok:
        return "ok";
    case IndexStatus::missing:
        return "missing";
    case IndexStatus::malformed:
        return "malformed";
    case IndexStatus::untrusted:
        return "untrusted";
    case IndexStatus::altered:
        return "altered";
    case IndexStatus::misplaced:
        return "misplaced";
    case IndexStatus::foreign:
        return "foreign";
    }
    return "?";
}

IndexCheck authenticate_index(const fs::path& archive, std::string_view signature_text,
                              const std::vector<crypto::PublicKey>& keys) {
    IndexCheck check;
    auto signature_path = signature_path_for(archive).string();
    if (signature_text.empty())
        return problem(check, IndexStatus::missing,
                       fmt::format("no signature beside it (no {})", signature_path));
    try {
        check.signature = crypto::parse_signature(signature_text, signature_path);
    } catch (const ErrorBase& e) {
        return problem(check, IndexStatus::malformed, e.what());
    }
    const auto& signature = *check.signature;
    auto signer = std::find_if(keys.begin(), keys.end(),
                               [&](const auto& key) { return key.key_id == signature.key_id; });
    if (signer == keys.end())
        return problem(
            check, IndexStatus::untrusted,
            fmt::format("signed by key {}, which is not trusted", signature.key_id_hex()));
    if (!crypto::verify_trusted_comment(signature, *signer))
        return problem(check, IndexStatus::altered,
                       "trusted comment signature does not match (the comment was altered)");
    auto comment = TrustedComment::parse(signature.trusted_comment);
    if (!comment)
        return problem(
            check, IndexStatus::malformed,
            fmt::format("trusted comment is not a pmxsnap index: {}", signature.trusted_comment));
    if (auto placement = placement_problem(*comment, archive); !placement.empty())
        return problem(check, IndexStatus::misplaced, placement);
    auto captured = parse_iso8601_utc(comment->captured);
    auto named = parse_archive_name(archive.filename().string());
    if (!captured || !named || captured != parse_compact_utc_stamp(named->first))
        return problem(check, IndexStatus::misplaced,
                       fmt::format("signed capture time {} differs from the file name {}",
                                   comment->captured, archive.filename().string()));
    if (auto foreign = published_key_problem(comment->cluster + "/" + comment->node, *signer, keys);
        !foreign.empty())
        return problem(check, IndexStatus::foreign, foreign);
    check.status = IndexStatus::ok;
    check.comment = std::move(comment);
    check.signer = *signer;
    check.captured = captured;
    return check;
}

IndexCheck authenticate_index(const Snapshot& snapshot,
                              const std::vector<crypto::PublicKey>& keys) {
    return authenticate_index(snapshot.archive, snapshot.signature_text, keys);
}

ArchiveCheck authenticate_archive(const fs::path& archive,
                                  const std::vector<crypto::PublicKey>& keys) {
    ArchiveCheck check;
    auto text = read_file_if_exists(signature_path_for(archive), 4096);
    check.index = authenticate_index(archive, text.value_or(""), keys);
    if (!check.index.ok()) {
        check.problem = fmt::format("{}: {}", to_string(check.index.status), check.index.problem);
        return check;
    }
    // The index is authentic; the file must be the one it was made for.
    auto result = crypto::verify_file(archive, *check.index.signature, keys);
    check.content_signed = result.ok;
    check.problem = result.reason;
    return check;
}

} // namespace pmxsnap::repo
