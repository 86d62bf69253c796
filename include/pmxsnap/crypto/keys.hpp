// Ed25519 keys in minisign's formats: generating them, writing and reading
// the key files (`untrusted comment:` line + base64 line), loading trusted
// keys. Secret keys are unencrypted (timers must sign unattended) and must be
// mode 0600. Malformed or unreadable key files throw pmxsnap::Error naming
// the file.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::crypto {

using KeyId = std::array<std::uint8_t, 8>;

struct PublicKey {
    KeyId key_id{};
    std::array<std::uint8_t, 32> key{};
    // "<cluster>/<node>" for a key the cluster published for that node
    // (/etc/pve/pmxsnap/keys/<node>.pub, keygen --publish): the key that
    // node's repository directory must be signed with. Empty for any other
    // trusted key (trusted.d, --pubkey, this node's own).
    std::string published_for;
    // As minisign prints it: the id as a little-endian 64-bit number in hex.
    std::string key_id_hex() const;
};

struct SecretKey {
    KeyId key_id{};
    std::array<std::uint8_t, 64> key{}; // libsodium's: seed || public key
    PublicKey public_key() const;
};

SecretKey generate_secret_key();

std::string format_public_key(const PublicKey& key);
std::string format_secret_key(const SecretKey& key);

// source names the input in errors. parse_public_key also accepts the bare
// base64 line (as `minisign -P` takes it).
PublicKey parse_public_key(std::string_view text, const std::string& source);
SecretKey parse_secret_key(std::string_view text, const std::string& source);

PublicKey load_public_key(const std::filesystem::path& path);
// Refuses a key file that group or others may read ("permissions too open").
SecretKey load_secret_key(const std::filesystem::path& path);
// Every *.pub in directory; refuses a directory others may write to.
std::vector<PublicKey> load_trusted_keys(const std::filesystem::path& directory);

} // namespace pmxsnap::crypto
