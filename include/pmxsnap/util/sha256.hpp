// Sha256: streaming SHA-256 over libsodium, with lower-case hex output.
// Used for member digests, authkey digests and the state digest; never throws.
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace pmxsnap {

class Sha256 {
  public:
    Sha256();
    Sha256& update(std::string_view bytes);
    Sha256& update(std::span<const std::uint8_t> bytes);
    std::array<std::uint8_t, 32> finish();
    std::string finish_hex();

  private:
    crypto_hash_sha256_state state_;
};

std::string sha256_hex(std::string_view bytes);

// Lower-case hex of arbitrary bytes.
std::string to_hex(std::span<const std::uint8_t> bytes);

} // namespace pmxsnap
