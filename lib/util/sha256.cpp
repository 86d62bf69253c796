#include "pmxsnap/util/sha256.hpp"

namespace pmxsnap {

Sha256::Sha256() {
    crypto_hash_sha256_init(&state_);
}

Sha256& Sha256::update(std::string_view bytes) {
    crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char*>(bytes.data()),
                              bytes.size());
    return *this;
}

Sha256& Sha256::update(std::span<const std::uint8_t> bytes) {
    crypto_hash_sha256_update(&state_, bytes.data(), bytes.size());
    return *this;
}

std::array<std::uint8_t, 32> Sha256::finish() {
    std::array<std::uint8_t, 32> digest{};
    crypto_hash_sha256_final(&state_, digest.data());
    return digest;
}

std::string Sha256::finish_hex() {
    auto digest = finish();
    return to_hex(digest);
}

std::string sha256_hex(std::string_view bytes) {
    return Sha256().update(bytes).finish_hex();
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (auto byte : bytes) {
        out.push_back(digits[byte >> 4]);
        out.push_back(digits[byte & 0x0f]);
    }
    return out;
}

} // namespace pmxsnap
