#include "pmxsnap/util/sha256.hpp"

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

} // namespace

Sha256::Sha256() {
    sha256_init(&context_);
}

Sha256& Sha256::update(std::string_view bytes) {
    return update(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

Sha256& Sha256::update(std::span<const std::uint8_t> bytes) {
    // An empty view may carry a null pointer (SQLite's NULL blob).
    if (!bytes.empty())
        sha256_update(&context_, bytes.size(), bytes.data());
    return *this;
}

std::array<std::uint8_t, 32> Sha256::finish() {
    std::array<std::uint8_t, 32> digest{};
    sha256_digest(&context_, digest.size(), digest.data());
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
