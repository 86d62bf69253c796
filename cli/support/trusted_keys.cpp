#include "trusted_keys.hpp"

namespace pmxsnap::cli {

std::vector<crypto::PublicKey> trusted_keys(const GlobalOptions& options) {
    if (!options.pubkey.empty())
        return {crypto::load_public_key(options.pubkey)};
    std::vector<crypto::PublicKey> keys;
    if (fs::is_directory(options.trusted_dir))
        keys = crypto::load_trusted_keys(options.trusted_dir);
    fs::path own = options.key;
    if (own.filename().string().ends_with(".key")) {
        auto name = own.filename().string();
        own = own.parent_path() / (name.substr(0, name.size() - 4) + ".pub");
    } else {
        own += ".pub";
    }
    if (fs::exists(own))
        keys.push_back(crypto::load_public_key(own));
    return keys;
}

} // namespace pmxsnap::cli
