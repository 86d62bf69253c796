#include "pmxsnap/crypto/age_stream.hpp"

#include "age_x25519.hpp"

#include <sodium.h>

#include <algorithm>

namespace pmxsnap::crypto {
namespace {

constexpr std::size_t tag_size = crypto_aead_chacha20poly1305_ietf_ABYTES;
constexpr std::size_t sealed_chunk_size = age_chunk_size + tag_size;
constexpr std::size_t payload_nonce_size = 16;
// Far above any real header (a stanza is ~110 bytes) yet bounded: an
// untrusted file must not make us buffer without end while looking for it.
constexpr std::size_t max_header_bytes = 1 << 20;

using Nonce = std::array<std::uint8_t, crypto_aead_chacha20poly1305_ietf_NPUBBYTES>;

// STREAM nonce: 11-byte big-endian chunk counter, then 1 for the last chunk.
Nonce chunk_nonce(std::uint64_t counter, bool last) {
    Nonce nonce{};
    for (int i = 10; i >= 3; --i, counter >>= 8)
        nonce[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(counter & 0xff);
    nonce[11] = last ? 1 : 0;
    return nonce;
}

std::span<const std::uint8_t> as_bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

Key32 header_mac(const FileKey& file_key, const std::vector<AgeStanza>& stanzas) {
    auto mac_key = hkdf_sha256(file_key, {}, "header");
    auto mac = hmac_sha256(mac_key, as_bytes(format_age_header_for_mac(stanzas)));
    sodium_memzero(mac_key.data(), mac_key.size());
    return mac;
}

} // namespace

AgeEncryptor::AgeEncryptor(const std::vector<AgeRecipient>& recipients, Sink sink)
    : sink_(std::move(sink)) {
    if (recipients.empty())
        fail("age encryption needs at least one recipient");
    FileKey file_key;
    randombytes_buf(file_key.data(), file_key.size());
    AgeHeader header;
    for (const auto& recipient : recipients)
        header.stanzas.push_back(wrap_file_key(file_key, recipient));
    header.mac = header_mac(file_key, header.stanzas);
    std::array<std::uint8_t, payload_nonce_size> nonce;
    randombytes_buf(nonce.data(), nonce.size());
    payload_key_ = hkdf_sha256(file_key, nonce, "payload");
    sodium_memzero(file_key.data(), file_key.size());
    sink_(as_bytes(format_age_header(header)));
    sink_(nonce);
    plain_.reserve(age_chunk_size);
}

AgeEncryptor::~AgeEncryptor() {
    sodium_memzero(payload_key_.data(), payload_key_.size());
}

void AgeEncryptor::write(std::span<const std::uint8_t> bytes) {
    while (!bytes.empty()) {
        // A full chunk is sealed only once more data follows: the last chunk
        // may be full, and only finish() knows it is the last.
        if (plain_.size() == age_chunk_size)
            seal_chunk(false);
        auto take = std::min(bytes.size(), age_chunk_size - plain_.size());
        plain_.insert(plain_.end(), bytes.begin(),
                      bytes.begin() + static_cast<std::ptrdiff_t>(take));
        bytes = bytes.subspan(take);
    }
}

void AgeEncryptor::finish() {
    if (finished_)
        return;
    seal_chunk(true);
    finished_ = true;
}

void AgeEncryptor::seal_chunk(bool last) {
    sealed_.resize(plain_.size() + tag_size);
    auto nonce = chunk_nonce(counter_++, last);
    unsigned long long length = 0;
    crypto_aead_chacha20poly1305_ietf_encrypt(sealed_.data(), &length, plain_.data(), plain_.size(),
                                              nullptr, 0, nullptr, nonce.data(),
                                              payload_key_.data());
    sink_({sealed_.data(), static_cast<std::size_t>(length)});
    plain_.clear();
}

AgeDecryptor::AgeDecryptor(Source source, const std::vector<AgeIdentity>& identities,
                           std::string name)
    : source_(std::move(source))
    , name_(std::move(name)) {
    AgeHeader header;
    try {
        header = parse_age_header(read_header());
    } catch (const AgeMalformed& e) {
        throw AgeMalformed(name_ + ": " + e.what());
    }
    auto file_key = unwrap_file_key(header, identities, name_);
    if (sodium_memcmp(header_mac(file_key, header.stanzas).data(), header.mac.data(),
                      header.mac.size()) != 0) {
        sodium_memzero(file_key.data(), file_key.size());
        throw AgeMalformed(name_ + ": the age header fails its MAC (the file was altered)");
    }
    if (fill(payload_nonce_size) < payload_nonce_size)
        throw AgeMalformed(name_ + ": truncated (the age payload nonce is missing)");
    payload_key_ = hkdf_sha256(file_key, {input_.data(), payload_nonce_size}, "payload");
    sodium_memzero(file_key.data(), file_key.size());
    input_.erase(input_.begin(), input_.begin() + payload_nonce_size);
}

AgeDecryptor::~AgeDecryptor() {
    sodium_memzero(payload_key_.data(), payload_key_.size());
    sodium_memzero(plain_.data(), plain_.size());
}

std::string AgeDecryptor::read_header() {
    for (;;) {
        std::string_view seen(reinterpret_cast<const char*>(input_.data()), input_.size());
        if (auto length = age_header_length(seen)) {
            std::string header(seen.substr(0, *length));
            input_.erase(input_.begin(), input_.begin() + static_cast<std::ptrdiff_t>(*length));
            return header;
        }
        if (input_.size() >= max_header_bytes)
            throw AgeMalformed(fmt::format("the header is longer than {} bytes", max_header_bytes));
        auto before = input_.size();
        if (fill(before + 4096) == before)
            throw AgeMalformed(input_.empty() ? "the file is empty"
                                              : "truncated inside the age header");
    }
}

// Reads from the source until input_ holds want bytes or the source ends.
std::size_t AgeDecryptor::fill(std::size_t want) {
    while (input_.size() < want) {
        auto before = input_.size();
        input_.resize(want);
        auto got = source_({input_.data() + before, want - before});
        input_.resize(before + got);
        if (got == 0)
            break;
    }
    return input_.size();
}

void AgeDecryptor::open_next_chunk() {
    // One byte beyond a full chunk tells whether another chunk follows.
    fill(sealed_chunk_size + 1);
    bool last = input_.size() <= sealed_chunk_size;
    auto sealed = std::min(input_.size(), sealed_chunk_size);
    if (sealed < tag_size)
        throw AgeMalformed(name_ + ": truncated (the age payload ends inside a chunk)");
    if (last && sealed == tag_size && counter_ > 0)
        throw AgeMalformed(name_ + ": malformed age payload (an empty last chunk)");
    plain_.resize(sealed - tag_size);
    auto nonce = chunk_nonce(counter_, last);
    unsigned long long length = 0;
    if (crypto_aead_chacha20poly1305_ietf_decrypt(plain_.data(), &length, nullptr, input_.data(),
                                                  sealed, nullptr, 0, nonce.data(),
                                                  payload_key_.data()) != 0) {
        // A full final chunk that was sealed as "not last" means the file
        // was cut at a chunk boundary.
        if (last && sealed == sealed_chunk_size &&
            crypto_aead_chacha20poly1305_ietf_decrypt(
                plain_.data(), &length, nullptr, input_.data(), sealed, nullptr, 0,
                chunk_nonce(counter_, false).data(), payload_key_.data()) == 0)
            throw AgeMalformed(name_ + ": truncated (the age payload ends before its last chunk)");
        throw AgeMalformed(
            fmt::format("{}: damaged or truncated (age payload chunk {} fails authentication)",
                        name_, counter_));
    }
    input_.erase(input_.begin(), input_.begin() + static_cast<std::ptrdiff_t>(sealed));
    ++counter_;
    plain_at_ = 0;
    last_seen_ = last;
}

std::size_t AgeDecryptor::read(std::span<std::uint8_t> out) {
    while (plain_at_ == plain_.size()) {
        if (last_seen_)
            return 0;
        open_next_chunk();
    }
    auto take = std::min(out.size(), plain_.size() - plain_at_);
    std::copy_n(plain_.begin() + static_cast<std::ptrdiff_t>(plain_at_), take, out.begin());
    plain_at_ += take;
    return take;
}

} // namespace pmxsnap::crypto
