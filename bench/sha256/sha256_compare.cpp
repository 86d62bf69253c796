// SHA-256 implementations side by side on the two shapes pmxsnap hashes:
// long streams (the db file, archive bodies) and many short messages (one
// per pmxcfs row and member, ~200 bytes each, up to 262,144 of them). Each
// candidate is checked against the others before it is timed. Built and run
// by bench/sha256/run; the figures go to bench/results (2026-12-06-sha256.md:
// the hand-written SHA-NI code pmxsnap::Sha256 then was, against the rest).
#include "pmxsnap/util/sha256.hpp"

#include <fmt/format.h>
#include <nettle/sha2.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace {

using Digest = std::array<std::uint8_t, 32>;
using Hash = std::function<Digest(const std::vector<std::string_view>&)>;

Digest own(const std::vector<std::string_view>& parts) {
    pmxsnap::Sha256 h;
    for (auto part : parts)
        h.update(part);
    return h.finish();
}

Digest sodium(const std::vector<std::string_view>& parts) {
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    for (auto part : parts)
        crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(part.data()),
                                  part.size());
    Digest out;
    crypto_hash_sha256_final(&state, out.data());
    return out;
}

Digest nettle(const std::vector<std::string_view>& parts) {
    sha256_ctx ctx;
    sha256_init(&ctx);
    for (auto part : parts)
        sha256_update(&ctx, part.size(), reinterpret_cast<const std::uint8_t*>(part.data()));
    Digest out;
    sha256_digest(&ctx, out.size(), out.data());
    return out;
}

// OpenSSL 3: the algorithm fetched once, a context per message (as a
// Sha256 object per member would need).
EVP_MD* fetched_sha256() {
    static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return md;
}

Digest openssl(const std::vector<std::string_view>& parts) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, fetched_sha256(), nullptr);
    for (auto part : parts)
        EVP_DigestUpdate(ctx, part.data(), part.size());
    Digest out;
    unsigned size = 0;
    EVP_DigestFinal_ex(ctx, out.data(), &size);
    EVP_MD_CTX_free(ctx);
    return out;
}

double seconds_of(const std::function<void()>& work) {
    auto best = 1e9;
    for (int round = 0; round < 5; ++round) {
        auto start = std::chrono::steady_clock::now();
        work();
        std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        best = std::min(best, took.count());
    }
    return best;
}

} // namespace

int main() {
    if (sodium_init() < 0)
        return 2;
    std::mt19937_64 random(1);
    std::string stream(256u << 20, '\0');
    for (auto& c : stream)
        c = static_cast<char>(random());
    std::vector<std::string_view> chunks;
    for (std::size_t at = 0; at < stream.size(); at += 64 << 10)
        chunks.push_back(std::string_view(stream).substr(at, 64 << 10));
    std::vector<std::string_view> messages;
    for (std::size_t at = 0; at + 200 <= stream.size() && messages.size() < 262144; at += 211)
        messages.push_back(std::string_view(stream).substr(at, 150 + at % 100));

    std::vector<std::pair<const char*, Hash>> candidates = {
        {"pmxsnap::Sha256", own},
        {"libsodium 1.0.18 (portable C)", sodium},
        {"nettle", nettle},
        {"OpenSSL 3 EVP", openssl}};
    for (auto& [name, hash] : candidates)
        if (hash(chunks) != own(chunks) || hash({messages[7]}) != own({messages[7]})) {
            fmt::print(stderr, "{}: a different digest\n", name);
            return 1;
        }
    fmt::print(
        "| implementation | 256 MiB stream, MB/s | 262,144 messages of 150-250 bytes, ms |\n");
    fmt::print("|---|---:|---:|\n");
    for (auto& [name, hash] : candidates) {
        double stream_s = seconds_of([&] { (void)hash(chunks); });
        double messages_s = seconds_of([&] {
            for (auto message : messages)
                (void)hash({message});
        });
        fmt::print("| {} | {:.0f} | {:.1f} |\n", name, 256.0 * 1.048576 / stream_s,
                   messages_s * 1000);
    }
}
