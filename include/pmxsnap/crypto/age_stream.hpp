// age v1 encryption and decryption as streams, over libsodium: X25519
// recipient stanzas, HKDF-SHA-256, the header MAC, and the ChaCha20-Poly1305
// STREAM payload in 64 KiB chunks. Memory stays at one chunk. Files are
// interchangeable with `age -r` / `age -d -i`. A damaged, truncated or
// malformed file throws AgeMalformed; no matching identity throws
// AgeNoIdentity; both name the file.
#pragma once

#include "pmxsnap/crypto/age_header.hpp"
#include "pmxsnap/crypto/age_keys.hpp"

#include <array>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace pmxsnap::crypto {

class AgeNoIdentity : public Error {
  public:
    using Error::Error;
};

inline constexpr std::size_t age_chunk_size = std::size_t{64} * 1024;

class AgeEncryptor {
  public:
    using Sink = std::function<void(std::span<const std::uint8_t>)>;
    // Writes the header through sink at once.
    AgeEncryptor(const std::vector<AgeRecipient>& recipients, Sink sink);
    AgeEncryptor(const AgeEncryptor&) = delete;
    AgeEncryptor& operator=(const AgeEncryptor&) = delete;
    ~AgeEncryptor();

    void write(std::span<const std::uint8_t> bytes);
    // Seals the last chunk; without it the file is (detectably) truncated.
    void finish();

  private:
    void seal_chunk(bool last);

    Sink sink_;
    Key32 payload_key_{};
    std::uint64_t counter_ = 0;
    std::vector<std::uint8_t> plain_;
    std::vector<std::uint8_t> sealed_;
    bool finished_ = false;
};

class AgeDecryptor {
  public:
    using Source = std::function<std::size_t(std::span<std::uint8_t>)>; // 0 at end
    // Reads and authenticates the header; name is the file in messages.
    AgeDecryptor(Source source, const std::vector<AgeIdentity>& identities, std::string name);
    AgeDecryptor(const AgeDecryptor&) = delete;
    AgeDecryptor& operator=(const AgeDecryptor&) = delete;
    ~AgeDecryptor();

    // Plaintext into out; 0 only after the last chunk authenticated.
    std::size_t read(std::span<std::uint8_t> out);

  private:
    std::string read_header();
    std::size_t fill(std::size_t want);
    void open_next_chunk();

    Source source_;
    std::string name_;
    Key32 payload_key_{};
    std::vector<std::uint8_t> input_; // read ahead, not yet used
    std::vector<std::uint8_t> plain_;
    std::size_t plain_at_ = 0;
    std::uint64_t counter_ = 0;
    bool last_seen_ = false;
};

} // namespace pmxsnap::crypto
