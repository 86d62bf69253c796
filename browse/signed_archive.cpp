#include "signed_archive.hpp"

#include "pmxsnap/capture/selector_scope.hpp"
#include "pmxsnap/repo/repository.hpp"
#include "pmxsnap/repo/selector.hpp"
#include "pmxsnap/trust/authenticate_copy.hpp"

namespace pmxsnap::browse {

SignedArchive open_signed(const std::string& selector, const host::Host& host,
                          const fs::path& repository, const std::vector<crypto::PublicKey>& keys,
                          std::optional<std::int64_t> before) {
    auto selected = repo::select_archive(selector, repo::Repository(repository),
                                         capture::selector_scope(host), before);
    auto copy = std::make_shared<const trust::PrivateCopy>(selected.archive);
    auto index = trust::authenticate_copy(*copy, keys, {});
    return {selected.archive, std::move(copy), std::move(*index.comment),
            index.signer->key_id_hex()};
}

} // namespace pmxsnap::browse
