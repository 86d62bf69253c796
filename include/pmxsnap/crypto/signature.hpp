// minisign signatures (.minisig): making them over a BLAKE2b-512 prehash
// (algorithm "ED"), reading them, and verifying a file or only the signed
// trusted comment. A signature that does not verify is a value (VerifyResult);
// a malformed signature file throws pmxsnap::Error naming it.
#pragma once

#include "pmxsnap/crypto/keys.hpp"

#include <optional>

namespace pmxsnap::crypto {

struct SignatureFile {
    std::array<std::uint8_t, 2> algorithm{}; // "ED" prehashed, "Ed" legacy
    KeyId key_id{};
    std::array<std::uint8_t, 64> signature{};
    std::string untrusted_comment;
    std::string trusted_comment;
    std::array<std::uint8_t, 64> global_signature{};

    bool prehashed() const { return algorithm[0] == 'E' && algorithm[1] == 'D'; }
    std::string key_id_hex() const;
};

// The whole .minisig text for a file whose BLAKE2b-512 is digest. Comments
// must be single lines.
std::string sign_prehashed(const SecretKey& key, const std::array<std::uint8_t, 64>& digest,
                           std::string_view trusted_comment, std::string_view untrusted_comment);

SignatureFile parse_signature(std::string_view text, const std::string& source);

struct VerifyResult {
    bool ok = false;
    std::string reason; // empty when ok
    std::string trusted_comment;
    std::optional<PublicKey> signer;
};

// Streams the file (memory does not grow with it) and checks the signature
// and the trusted comment against whichever trusted key has its key id.
VerifyResult verify_file(const std::filesystem::path& file, const SignatureFile& signature,
                         const std::vector<PublicKey>& trusted);

// Checks only the global signature over the trusted comment: cheap, and
// enough to trust a signed index without reading the archive.
bool verify_trusted_comment(const SignatureFile& signature, const PublicKey& key);

} // namespace pmxsnap::crypto
