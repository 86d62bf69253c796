#include "pmxsnap/util/sha256.hpp"

#include "sha256_sha_ni.hpp"

#include <algorithm>
#include <cstring>

namespace pmxsnap {
namespace {

// Two lower-case hex digits per byte into out.
void write_hex(std::span<const std::uint8_t> bytes, char* out) {
    static constexpr char digits[] = "0123456789abcdef";
    for (auto byte : bytes) {
        *out++ = digits[byte >> 4];
        *out++ = digits[byte & 0x0f];
    }
}

// FIPS 180-4 section 5.3.3.
constexpr std::uint32_t initial_state[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                            0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

void put_big_endian(std::uint8_t* out, std::uint64_t value, int bytes) {
    for (int i = bytes - 1; i >= 0; --i, value >>= 8)
        out[i] = static_cast<std::uint8_t>(value);
}

} // namespace

Sha256::Sha256()
    : own_(detail::cpu_has_sha_ni()) {
    if (own_)
        std::memcpy(state_, initial_state, sizeof state_);
    else
        crypto_hash_sha256_init(&sodium_);
}

bool Sha256::uses_sha_extensions() {
    return detail::cpu_has_sha_ni();
}

void Sha256::absorb(const std::uint8_t* data, std::size_t size) {
    // An empty view may carry a null pointer (SQLite's NULL blob), which
    // memcpy must not be given even for zero bytes.
    if (size == 0)
        return;
    total_ += size;
    if (block_used_ > 0) {
        auto take = std::min(size, block_.size() - block_used_);
        std::memcpy(block_.data() + block_used_, data, take);
        block_used_ += take;
        data += take;
        size -= take;
        if (block_used_ < block_.size())
            return;
        detail::sha256_blocks_sha_ni(state_, block_.data(), 1);
        block_used_ = 0;
    }
    auto whole = size / 64;
    if (whole > 0)
        detail::sha256_blocks_sha_ni(state_, data, whole);
    std::memcpy(block_.data(), data + whole * 64, size - whole * 64);
    block_used_ = size - whole * 64;
}

Sha256& Sha256::update(std::string_view bytes) {
    return update(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

Sha256& Sha256::update(std::span<const std::uint8_t> bytes) {
    if (own_)
        absorb(bytes.data(), bytes.size());
    else
        crypto_hash_sha256_update(&sodium_, bytes.data(), bytes.size());
    return *this;
}

// FIPS 180-4 section 5.1.1: a one bit, zeros, and the length in bits.
std::array<std::uint8_t, 32> Sha256::finish_own() {
    std::uint64_t bits = total_ * 8;
    block_[block_used_++] = 0x80;
    if (block_used_ > 56) {
        std::fill(block_.begin() + static_cast<std::ptrdiff_t>(block_used_), block_.end(), 0);
        detail::sha256_blocks_sha_ni(state_, block_.data(), 1);
        block_used_ = 0;
    }
    std::fill(block_.begin() + static_cast<std::ptrdiff_t>(block_used_), block_.begin() + 56, 0);
    put_big_endian(block_.data() + 56, bits, 8);
    detail::sha256_blocks_sha_ni(state_, block_.data(), 1);
    std::array<std::uint8_t, 32> digest{};
    for (int i = 0; i < 8; ++i)
        put_big_endian(digest.data() + 4 * i, state_[i], 4);
    return digest;
}

std::array<std::uint8_t, 32> Sha256::finish() {
    if (own_)
        return finish_own();
    std::array<std::uint8_t, 32> digest{};
    crypto_hash_sha256_final(&sodium_, digest.data());
    return digest;
}

std::string Sha256::finish_hex() {
    auto digest = finish();
    return to_hex(digest);
}

std::string sha256_hex(std::string_view bytes) {
    return Sha256().update(bytes).finish_hex();
}

Sha256Digest sha256_of(std::string_view bytes) {
    return Sha256Digest(Sha256().update(bytes).finish());
}

std::optional<Sha256Digest> Sha256Digest::from_hex(std::string_view hex) {
    auto value = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        return -1;
    };
    if (hex.size() != 64)
        return std::nullopt;
    std::array<std::uint8_t, 32> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        int high = value(hex[2 * i]);
        int low = value(hex[2 * i + 1]);
        if (high < 0 || low < 0)
            return std::nullopt;
        bytes[i] = static_cast<std::uint8_t>(high << 4 | low);
    }
    return Sha256Digest(bytes);
}

std::string Sha256Digest::hex() const {
    return set_ ? to_hex(bytes_) : std::string();
}

std::array<char, 64> Sha256Digest::hex_chars() const {
    std::array<char, 64> out;
    write_hex(bytes_, out.data());
    return out;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    std::string out(bytes.size() * 2, '\0');
    write_hex(bytes, out.data());
    return out;
}

} // namespace pmxsnap
