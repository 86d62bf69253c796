#include "pmxsnap/crypto/keys.hpp"

#include "base64_lines.hpp"

#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/file.hpp"

#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>

namespace pmxsnap::crypto {
namespace {

using detail::decode_base64;
using detail::encode_base64;

constexpr std::uint8_t signature_algorithm[2] = {'E', 'd'};
constexpr std::uint8_t checksum_algorithm[2] = {'B', '2'};
constexpr std::uint8_t scrypt_kdf[2] = {'S', 'c'};
constexpr std::size_t public_key_bytes = 2 + 8 + 32;
// sig_alg, kdf_alg, chk_alg, salt, opslimit, memlimit, keynum, sk, chk
constexpr std::size_t secret_key_bytes = 2 + 2 + 2 + 32 + 8 + 8 + 8 + 64 + 32;
constexpr std::uint64_t max_key_file_bytes = 4096;

std::array<std::uint8_t, 32> checksum(const KeyId& id, const std::array<std::uint8_t, 64>& sk) {
    std::array<std::uint8_t, 32> out{};
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, out.size());
    crypto_generichash_update(&state, signature_algorithm, 2);
    crypto_generichash_update(&state, id.data(), id.size());
    crypto_generichash_update(&state, sk.data(), sk.size());
    crypto_generichash_final(&state, out.data(), out.size());
    return out;
}

// The base64 line of a key file: the first line that is not a comment.
std::string_view payload_line(std::string_view text, const std::string& source) {
    for (auto line : detail::split_lines(text, 8)) {
        if (line.starts_with("untrusted comment:") || line.empty())
            continue;
        return line;
    }
    fail("{}: no key in this file (expected a minisign key)", source);
}

} // namespace

std::string PublicKey::key_id_hex() const {
    std::string out;
    for (auto it = key_id.rbegin(); it != key_id.rend(); ++it)
        out += fmt::format("{:02X}", *it);
    return out;
}

PublicKey SecretKey::public_key() const {
    PublicKey pub;
    pub.key_id = key_id;
    crypto_sign_ed25519_sk_to_pk(pub.key.data(), key.data());
    return pub;
}

SecretKey generate_secret_key() {
    SecretKey key;
    std::array<std::uint8_t, 32> pk{};
    crypto_sign_keypair(pk.data(), key.key.data());
    randombytes_buf(key.key_id.data(), key.key_id.size());
    return key;
}

std::string format_public_key(const PublicKey& key) {
    std::array<std::uint8_t, public_key_bytes> raw{};
    std::memcpy(raw.data(), signature_algorithm, 2);
    std::memcpy(raw.data() + 2, key.key_id.data(), 8);
    std::memcpy(raw.data() + 10, key.key.data(), 32);
    return "untrusted comment: minisign public key " + key.key_id_hex() + "\n" +
           encode_base64(raw) + "\n";
}

std::string format_secret_key(const SecretKey& key) {
    std::array<std::uint8_t, secret_key_bytes> raw{};
    auto* at = raw.data();
    std::memcpy(at, signature_algorithm, 2);
    // kdf_alg stays zero: an unencrypted key, as `minisign -G -W` writes.
    std::memcpy(at + 4, checksum_algorithm, 2);
    std::memcpy(at + 54, key.key_id.data(), 8);
    std::memcpy(at + 62, key.key.data(), 64);
    auto chk = checksum(key.key_id, key.key);
    std::memcpy(at + 126, chk.data(), 32);
    auto text = "untrusted comment: minisign secret key (unencrypted, pmxsnap)\n" +
                encode_base64(raw) + "\n";
    sodium_memzero(raw.data(), raw.size());
    return text;
}

PublicKey parse_public_key(std::string_view text, const std::string& source) {
    std::array<std::uint8_t, public_key_bytes> raw{};
    decode_base64(payload_line(text, source), raw, source, "public key");
    if (std::memcmp(raw.data(), signature_algorithm, 2) != 0)
        fail("{}: not an Ed25519 minisign public key", source);
    PublicKey key;
    std::memcpy(key.key_id.data(), raw.data() + 2, 8);
    std::memcpy(key.key.data(), raw.data() + 10, 32);
    return key;
}

SecretKey parse_secret_key(std::string_view text, const std::string& source) {
    std::array<std::uint8_t, secret_key_bytes> raw{};
    decode_base64(payload_line(text, source), raw, source, "secret key");
    if (std::memcmp(raw.data(), signature_algorithm, 2) != 0)
        fail("{}: not an Ed25519 minisign secret key", source);
    if (std::memcmp(raw.data() + 2, scrypt_kdf, 2) == 0)
        fail("{}: encrypted minisign secret keys are not supported; create one with `pmxsnap "
             "keygen` or `minisign -G -W`",
             source);
    if (raw[2] != 0 || raw[3] != 0 || std::memcmp(raw.data() + 4, checksum_algorithm, 2) != 0)
        fail("{}: unknown key derivation or checksum algorithm", source);
    SecretKey key;
    std::memcpy(key.key_id.data(), raw.data() + 54, 8);
    std::memcpy(key.key.data(), raw.data() + 62, 64);
    // minisign computes the checksum only when it encrypts a key: an
    // unencrypted key from `minisign -G -W` carries 32 zero bytes. pmxsnap
    // writes the real checksum and checks it whenever one is there.
    auto chk = checksum(key.key_id, key.key);
    bool zero = sodium_is_zero(raw.data() + 126, 32) == 1;
    bool intact = zero || sodium_memcmp(chk.data(), raw.data() + 126, 32) == 0;
    sodium_memzero(raw.data(), raw.size());
    if (!intact)
        fail("{}: secret key checksum does not match (damaged key file)", source);
    return key;
}

PublicKey load_public_key(const std::filesystem::path& path) {
    return parse_public_key(read_file(path, max_key_file_bytes), path.string());
}

SecretKey load_secret_key(const std::filesystem::path& path) {
    require_owner_only(path, "the secret key");
    auto text = read_file(path, max_key_file_bytes);
    auto key = parse_secret_key(text, path.string());
    sodium_memzero(text.data(), text.size());
    return key;
}

std::vector<PublicKey> load_trusted_keys(const std::filesystem::path& directory) {
    struct stat st {};
    if (::stat(directory.c_str(), &st) != 0)
        fail_errno(directory.string());
    if ((st.st_mode & 002) != 0)
        fail("{}: writable by others; trusted keys must be root's alone (chmod o-w {})",
             directory.string(), directory.string());
    std::vector<std::filesystem::path> files;
    std::error_code error;
    for (std::filesystem::directory_iterator it(directory, error), end; !error && it != end;
         it.increment(error))
        if (it->path().extension() == ".pub" && it->is_regular_file(error))
            files.push_back(it->path());
    if (error)
        fail("{}: cannot read: {}", directory.string(), error.message());
    std::sort(files.begin(), files.end());
    std::vector<PublicKey> keys;
    keys.reserve(files.size());
    for (const auto& file : files)
        keys.push_back(load_public_key(file));
    return keys;
}

} // namespace pmxsnap::crypto
