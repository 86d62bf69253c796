#include "pmxsnap/crypto/signature.hpp"

#include "base64_lines.hpp"

#include "pmxsnap/crypto/blake2b.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/file.hpp"

#include <sodium.h>

#include <cstring>

namespace pmxsnap::crypto {
namespace {

constexpr std::string_view untrusted_prefix = "untrusted comment: ";
constexpr std::string_view trusted_prefix = "trusted comment: ";
constexpr std::size_t signature_bytes = 2 + 8 + 64;
// minisign's own limits on comment lengths.
constexpr std::size_t max_comment_bytes = 8192;
constexpr std::uint64_t max_legacy_file_bytes = 64ULL << 20;

std::vector<std::uint8_t> global_message(const std::array<std::uint8_t, 64>& signature,
                                         std::string_view trusted_comment) {
    std::vector<std::uint8_t> message(signature.begin(), signature.end());
    message.insert(message.end(), trusted_comment.begin(), trusted_comment.end());
    return message;
}

std::string hex_id(const KeyId& id) {
    return PublicKey{id, {}, {}}.key_id_hex();
}

// BLAKE2b-512 of the file ("ED"), or the file itself for legacy "Ed".
std::vector<std::uint8_t> signed_message(const std::filesystem::path& file, bool prehashed) {
    Blake2b512 hasher;
    std::vector<std::uint8_t> whole;
    read_chunks(file, [&](std::string_view chunk) {
        if (prehashed) {
            hasher.update(chunk);
            return;
        }
        if (whole.size() + chunk.size() > max_legacy_file_bytes)
            fail("{}: larger than {} bytes: a legacy (non-prehashed) signature cannot be "
                 "checked for it",
                 file.string(), max_legacy_file_bytes);
        whole.insert(whole.end(), chunk.begin(), chunk.end());
    });
    if (!prehashed)
        return whole;
    auto digest = hasher.finish();
    return {digest.begin(), digest.end()};
}

} // namespace

std::string SignatureFile::key_id_hex() const {
    return hex_id(key_id);
}

std::string sign_prehashed(const SecretKey& key, const std::array<std::uint8_t, 64>& digest,
                           std::string_view trusted_comment, std::string_view untrusted_comment) {
    if (!detail::is_single_line(trusted_comment) || !detail::is_single_line(untrusted_comment))
        fail("signature comments must be single lines");
    if (trusted_comment.size() > max_comment_bytes)
        fail("trusted comment longer than {} bytes", max_comment_bytes);
    std::array<std::uint8_t, signature_bytes> raw{};
    raw[0] = 'E';
    raw[1] = 'D';
    std::memcpy(raw.data() + 2, key.key_id.data(), 8);
    std::array<std::uint8_t, 64> signature{};
    crypto_sign_detached(signature.data(), nullptr, digest.data(), digest.size(), key.key.data());
    std::memcpy(raw.data() + 10, signature.data(), 64);
    auto message = global_message(signature, trusted_comment);
    std::array<std::uint8_t, 64> global{};
    crypto_sign_detached(global.data(), nullptr, message.data(), message.size(), key.key.data());
    return std::string(untrusted_prefix) + std::string(untrusted_comment) + "\n" +
           detail::encode_base64(raw) + "\n" + std::string(trusted_prefix) +
           std::string(trusted_comment) + "\n" + detail::encode_base64(global) + "\n";
}

SignatureFile parse_signature(std::string_view text, const std::string& source) {
    auto lines = detail::split_lines(text, 5);
    if (lines.size() < 4)
        fail("{}: not a minisign signature (expected 4 lines)", source);
    if (!lines[0].starts_with(untrusted_prefix))
        fail("{}: line 1 is not an untrusted comment", source);
    if (!lines[2].starts_with(trusted_prefix))
        fail("{}: line 3 is not a trusted comment", source);
    SignatureFile signature;
    signature.untrusted_comment = lines[0].substr(untrusted_prefix.size());
    signature.trusted_comment = lines[2].substr(trusted_prefix.size());
    if (signature.trusted_comment.size() > max_comment_bytes)
        fail("{}: trusted comment longer than {} bytes", source, max_comment_bytes);
    std::array<std::uint8_t, signature_bytes> raw{};
    detail::decode_base64(lines[1], raw, source, "signature");
    std::memcpy(signature.algorithm.data(), raw.data(), 2);
    if (!signature.prehashed() && !(raw[0] == 'E' && raw[1] == 'd'))
        fail("{}: unsupported signature algorithm", source);
    std::memcpy(signature.key_id.data(), raw.data() + 2, 8);
    std::memcpy(signature.signature.data(), raw.data() + 10, 64);
    detail::decode_base64(lines[3], signature.global_signature, source,
                          "trusted comment signature");
    return signature;
}

bool verify_trusted_comment(const SignatureFile& signature, const PublicKey& key) {
    if (signature.key_id != key.key_id)
        return false;
    auto message = global_message(signature.signature, signature.trusted_comment);
    return crypto_sign_verify_detached(signature.global_signature.data(), message.data(),
                                       message.size(), key.key.data()) == 0;
}

VerifyResult verify_file(const std::filesystem::path& file, const SignatureFile& signature,
                         const std::vector<PublicKey>& trusted) {
    VerifyResult result;
    const PublicKey* key = nullptr;
    for (const auto& candidate : trusted)
        if (candidate.key_id == signature.key_id)
            key = &candidate;
    if (key == nullptr) {
        result.reason = "signed by key " + signature.key_id_hex() + ", which is not trusted";
        return result;
    }
    auto message = signed_message(file, signature.prehashed());
    if (crypto_sign_verify_detached(signature.signature.data(), message.data(), message.size(),
                                    key->key.data()) != 0) {
        result.reason = "signature does not match the file (altered or corrupt)";
        return result;
    }
    if (!verify_trusted_comment(signature, *key)) {
        result.reason = "trusted comment signature does not match (the comment was altered)";
        return result;
    }
    result.ok = true;
    result.trusted_comment = signature.trusted_comment;
    result.signer = *key;
    return result;
}

} // namespace pmxsnap::crypto
