#include "quick_record.hpp"

#include "pmxsnap/crypto/blake2b.hpp"
#include "pmxsnap/crypto/signature.hpp"
#include "pmxsnap/repo/repository.hpp"
#include "pmxsnap/util/atomic_file.hpp"
#include "pmxsnap/util/error.hpp"

namespace pmxsnap::snapshot {
namespace {

std::string comment_for(const std::string& archive_name, const std::string& key) {
    return fmt::format("pmxsnap-quick/1 file={} key={}", archive_name, key);
}

} // namespace

void write_quick_record(const fs::path& node_directory, const std::string& archive_name,
                        const std::string& key, const crypto::SecretKey& signer) {
    auto comment = comment_for(archive_name, key);
    crypto::Blake2b512 hasher;
    hasher.update(std::string_view(comment));
    AtomicFile record(node_directory / quick_record_name, repo::file_mode);
    record.write(crypto::sign_prehashed(signer, hasher.finish(), comment,
                                        "pmxsnap --if-changed quick record"));
    record.commit();
}

bool quick_record_matches(const fs::path& node_directory, const std::string& archive_name,
                          const std::string& key, const crypto::PublicKey& own_key) {
    auto text = read_file_if_exists(node_directory / quick_record_name, 4096);
    if (!text)
        return false;
    try {
        auto signature =
            crypto::parse_signature(*text, (node_directory / quick_record_name).string());
        return signature.trusted_comment == comment_for(archive_name, key) &&
               crypto::verify_trusted_comment(signature, own_key);
    } catch (const Error&) {
        return false; // malformed: a full capture decides
    }
}

} // namespace pmxsnap::snapshot
