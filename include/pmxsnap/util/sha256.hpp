// Sha256: streaming SHA-256 with lower-case hex output. On CPUs with the
// SHA extensions it runs its own block function (see sha256_sha_ni.cpp for
// why); elsewhere it is libsodium's. Used for member digests, authkey
// digests and the state digest; never throws.
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

    // Whether this process hashes with the SHA extensions (bench facts, tests).
    static bool uses_sha_extensions();

  private:
    void absorb(const std::uint8_t* data, std::size_t size);
    std::array<std::uint8_t, 32> finish_own();

    bool own_ = false;
    crypto_hash_sha256_state sodium_{};
    std::uint32_t state_[8]{};
    std::array<std::uint8_t, 64> block_{};
    std::size_t block_used_ = 0;
    std::uint64_t total_ = 0;
};

std::string sha256_hex(std::string_view bytes);

// Lower-case hex of arbitrary bytes.
std::string to_hex(std::span<const std::uint8_t> bytes);

} // namespace pmxsnap
