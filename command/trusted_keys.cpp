#include "trusted_keys.hpp"

#include "pmxsnap/trust/published_keys.hpp"

namespace pmxsnap::cli {

std::vector<crypto::PublicKey> trusted_keys(const GlobalOptions& options) {
    // A --pubkey that cannot be read is an error naming it (exit 2), never a
    // reason to go on without checking signatures.
    if (!options.pubkey.empty())
        return {crypto::load_public_key(options.pubkey)};
    std::vector<crypto::PublicKey> keys;
    std::error_code error;
    if (fs::is_directory(options.trusted_dir, error))
        keys = crypto::load_trusted_keys(options.trusted_dir);
    fs::path own = options.key;
    if (own.filename().string().ends_with(".key")) {
        auto name = own.filename().string();
        own = own.parent_path() / (name.substr(0, name.size() - 4) + ".pub");
    } else {
        own += ".pub";
    }
    if (fs::exists(own, error))
        keys.push_back(crypto::load_public_key(own));
    for (auto& key : trust::published_keys(host::Host(options.root)))
        keys.push_back(std::move(key));
    return keys;
}

std::vector<crypto::PublicKey> required_trusted_keys(const GlobalOptions& options) {
    auto keys = trusted_keys(options);
    if (keys.empty())
        fail("no trusted public key, so authentic archives cannot be told from planted ones; "
             "give --pubkey FILE, publish each node's key with `pmxsnap keygen --publish`, or "
             "copy the signing node's .pub (pmxsnap keygen writes it) into {}",
             options.trusted_dir);
    return keys;
}

} // namespace pmxsnap::cli
