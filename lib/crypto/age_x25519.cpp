#include "age_x25519.hpp"

#include "base64_lines.hpp"

#include "pmxsnap/crypto/age_stream.hpp"

#include <sodium.h>

#include <algorithm>
#include <optional>

namespace pmxsnap::crypto {
namespace {

constexpr std::string_view stanza_type = "X25519";
constexpr std::string_view wrap_info = "age-encryption.org/v1/X25519";
constexpr std::size_t wrapped_size = 16 + crypto_aead_chacha20poly1305_ietf_ABYTES;

std::optional<Key32> decode_share(std::string_view text) {
    auto bytes = detail::decode_base64_unpadded(text);
    if (!bytes || bytes->size() != 32)
        return std::nullopt;
    Key32 share;
    std::copy(bytes->begin(), bytes->end(), share.begin());
    return share;
}

// The wrapping key binds the ephemeral share and the recipient.
Key32 wrapping_key(const Key32& shared_secret, const Key32& share, const Key32& recipient) {
    std::array<std::uint8_t, 64> salt;
    std::copy(share.begin(), share.end(), salt.begin());
    std::copy(recipient.begin(), recipient.end(), salt.begin() + 32);
    return hkdf_sha256(shared_secret, salt, wrap_info);
}

const std::array<std::uint8_t, crypto_aead_chacha20poly1305_ietf_NPUBBYTES> zero_nonce{};

std::optional<FileKey> try_unwrap(const AgeStanza& stanza, const Key32& share,
                                  const AgeIdentity& identity) {
    Key32 shared{};
    // Fails for low-order points (an all-zero shared secret), which the
    // spec says must be rejected rather than used.
    if (crypto_scalarmult(shared.data(), identity.secret_key.data(), share.data()) != 0)
        throw AgeMalformed("malformed age header: an X25519 share is a low-order point");
    auto key = wrapping_key(shared, share, identity.recipient().public_key);
    sodium_memzero(shared.data(), shared.size());
    FileKey file_key{};
    unsigned long long length = 0;
    bool opened = crypto_aead_chacha20poly1305_ietf_decrypt(
                      file_key.data(), &length, nullptr, stanza.body.data(), stanza.body.size(),
                      nullptr, 0, zero_nonce.data(), key.data()) == 0;
    sodium_memzero(key.data(), key.size());
    if (!opened)
        return std::nullopt;
    return file_key;
}

} // namespace

AgeStanza wrap_file_key(const FileKey& file_key, const AgeRecipient& recipient) {
    Key32 ephemeral{}, share{}, shared{};
    randombytes_buf(ephemeral.data(), ephemeral.size());
    crypto_scalarmult_base(share.data(), ephemeral.data());
    if (crypto_scalarmult(shared.data(), ephemeral.data(), recipient.public_key.data()) != 0)
        fail("{}: a low-order X25519 point, not a usable recipient",
             format_age_recipient(recipient));
    auto key = wrapping_key(shared, share, recipient.public_key);
    AgeStanza stanza;
    stanza.arguments = {std::string(stanza_type), detail::encode_base64_unpadded(share)};
    stanza.body.resize(wrapped_size);
    unsigned long long length = 0;
    crypto_aead_chacha20poly1305_ietf_encrypt(stanza.body.data(), &length, file_key.data(),
                                              file_key.size(), nullptr, 0, nullptr,
                                              zero_nonce.data(), key.data());
    sodium_memzero(ephemeral.data(), ephemeral.size());
    sodium_memzero(shared.data(), shared.size());
    sodium_memzero(key.data(), key.size());
    return stanza;
}

FileKey unwrap_file_key(const AgeHeader& header, const std::vector<AgeIdentity>& identities,
                        const std::string& name) {
    bool any_x25519 = false;
    for (const auto& stanza : header.stanzas) {
        if (stanza.arguments[0] == "scrypt")
            fail("{}: encrypted with a passphrase (age -p); pmxsnap reads X25519 recipients only "
                 "— decrypt it with `age -d` first",
                 name);
        if (stanza.arguments[0] != stanza_type)
            continue; // another recipient type (or grease): not ours to open
        auto share =
            stanza.arguments.size() == 2 ? decode_share(stanza.arguments[1]) : std::nullopt;
        if (!share || stanza.body.size() != wrapped_size)
            throw AgeMalformed(name +
                               ": malformed age header: an X25519 stanza has the wrong form");
        any_x25519 = true;
        for (const auto& identity : identities)
            try {
                if (auto file_key = try_unwrap(stanza, *share, identity))
                    return *file_key;
            } catch (const AgeMalformed& e) {
                throw AgeMalformed(name + ": " + e.what());
            }
    }
    if (!any_x25519)
        throw AgeNoIdentity(name + ": has no X25519 recipient stanza pmxsnap can open");
    throw AgeNoIdentity(
        fmt::format("{}: none of the {} identit{} given can decrypt it (wrong --identity?)", name,
                    identities.size(), identities.size() == 1 ? "y" : "ies"));
}

} // namespace pmxsnap::crypto
