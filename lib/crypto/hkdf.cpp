#include "pmxsnap/crypto/hkdf.hpp"

#include <sodium.h>

namespace pmxsnap::crypto {

namespace {

// libsodium declares its pointers non-null even for zero lengths, and an
// empty span's data() may be null (the header MAC's HKDF has no salt).
const unsigned char* never_null(std::span<const std::uint8_t> bytes) {
    static const unsigned char nothing = 0;
    return bytes.empty() ? &nothing : bytes.data();
}

} // namespace

Key32 hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> message) {
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, never_null(key), key.size());
    crypto_auth_hmacsha256_update(&state, never_null(message), message.size());
    Key32 out;
    crypto_auth_hmacsha256_final(&state, out.data());
    sodium_memzero(&state, sizeof state);
    return out;
}

Key32 hkdf_sha256(std::span<const std::uint8_t> input_key, std::span<const std::uint8_t> salt,
                  std::string_view info) {
    // Extract: an empty salt is HMAC with an empty key, which HMAC pads to
    // the same zero block RFC 5869 prescribes.
    auto pseudo_random_key = hmac_sha256(salt, input_key);
    // Expand, first block only: T(1) = HMAC(PRK, info || 0x01).
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, pseudo_random_key.data(), pseudo_random_key.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(info.data()),
                                  info.size());
    const unsigned char counter = 1;
    crypto_auth_hmacsha256_update(&state, &counter, 1);
    Key32 out;
    crypto_auth_hmacsha256_final(&state, out.data());
    sodium_memzero(&state, sizeof state);
    sodium_memzero(pseudo_random_key.data(), pseudo_random_key.size());
    return out;
}

} // namespace pmxsnap::crypto
