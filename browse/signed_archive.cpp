#include "signed_archive.hpp"

#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/capture/selector_scope.hpp"
#include "pmxsnap/crypto/signature.hpp"
#include "pmxsnap/repo/repository.hpp"
#include "pmxsnap/repo/selector.hpp"

namespace pmxsnap::browse {

SignedArchive open_signed(const std::string& selector, const host::Host& host,
                          const fs::path& repository, const std::vector<crypto::PublicKey>& keys,
                          std::optional<std::int64_t> before) {
    auto selected = repo::select_archive(selector, repo::Repository(repository),
                                         capture::selector_scope(host), before);
    const auto& archive = selected.archive;
    auto signature_path = repo::signature_path_for(archive);
    auto text = read_file_if_exists(signature_path, 4096);
    if (!text)
        archive::reject("{}: no signature beside it ({} is missing): its origin cannot be "
                        "checked",
                        archive.string(), signature_path.filename().string());
    if (keys.empty())
        fail("{}: no trusted public key to check its signature with (give --pubkey, or put "
             "keys in /etc/pmxsnap/trusted.d)",
             archive.string());
    crypto::SignatureFile signature;
    try {
        signature = crypto::parse_signature(*text, signature_path.string());
    } catch (const Error& e) {
        archive::reject("{}", e.what());
    }
    auto verified = crypto::verify_file(archive, signature, keys);
    if (!verified.ok)
        archive::reject("{}: signature: {}", archive.string(), verified.reason);
    auto index = repo::TrustedComment::parse(verified.trusted_comment);
    if (!index)
        archive::reject("{}: signature: its trusted comment is not a pmxsnap index",
                        archive.string());
    if (auto problem = repo::placement_problem(*index, archive); !problem.empty())
        archive::reject("{}: signature: {}", archive.string(), problem);
    return {archive, *index, verified.signer->key_id_hex()};
}

} // namespace pmxsnap::browse
