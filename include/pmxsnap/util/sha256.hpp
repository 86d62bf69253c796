// Sha256: streaming SHA-256 with lower-case hex output, by nettle (which
// libarchive already brings; its x86_64 code uses the SHA extensions where
// the CPU has them: bench/sha256/run compares it with the hand-written code
// it replaced, libsodium and OpenSSL). Used for member digests, authkey
// digests and the state digest; never throws.
#pragma once

#include <nettle/sha2.h>

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

  private:
    sha256_ctx context_{};
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
