// HKDF-SHA-256 (RFC 5869), the key derivation age v1 uses everywhere. Built
// on libsodium's HMAC-SHA-256 because Debian 12's libsodium (1.0.18) has no
// crypto_kdf_hkdf_sha256 yet. Never throws.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace pmxsnap::crypto {

using Key32 = std::array<std::uint8_t, 32>;

// One block of output: every key age derives is 32 bytes.
Key32 hkdf_sha256(std::span<const std::uint8_t> input_key, std::span<const std::uint8_t> salt,
                  std::string_view info);

Key32 hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> message);

} // namespace pmxsnap::crypto
