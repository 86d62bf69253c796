// Sha256: streaming SHA-256 with lower-case hex output. On CPUs with the
// SHA extensions it runs its own block function (see sha256_sha_ni.cpp for
// why); elsewhere it is libsodium's. Used for member digests, authkey
// digests and the state digest; never throws.
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <optional>
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

// A SHA-256 value kept as its 32 bytes, or none (a directory's). A member
// list held hex strings: 64 characters on the heap per file, 21 MB for the
// 262,144 members of a pmxcfs-maximum db, on top of the list itself.
class Sha256Digest {
  public:
    Sha256Digest() = default;
    explicit Sha256Digest(const std::array<std::uint8_t, 32>& bytes)
        : bytes_(bytes)
        , set_(true) {}
    // Exactly 64 lower-case hex digits, as pmxsnap writes them; else nullopt.
    static std::optional<Sha256Digest> from_hex(std::string_view hex);

    bool empty() const { return !set_; }
    // Lower-case hex; "" for none.
    std::string hex() const;
    // The same 64 characters without a heap string (all '0' for none): the
    // manifest writer and the state digest format one per member.
    std::array<char, 64> hex_chars() const;
    bool operator==(const Sha256Digest& other) const = default;

  private:
    std::array<std::uint8_t, 32> bytes_{};
    bool set_ = false;
};

std::string sha256_hex(std::string_view bytes);
Sha256Digest sha256_of(std::string_view bytes);

// Lower-case hex of arbitrary bytes.
std::string to_hex(std::span<const std::uint8_t> bytes);

} // namespace pmxsnap
