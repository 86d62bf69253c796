// The archive a browsing command reads, found by its selector and
// authenticated before anything in it is believed: its .minisig verifies
// under a trusted key (--pubkey, or trusted.d and this node's own key) and
// its signed index names this file, cluster and node — as verify's first
// level does. Only then does the safe reader open it.
// Throws archive::Rejected (exit 1) when the archive or its signature is
// the finding, pmxsnap::Error (exit 2) when it cannot be found or no key is
// there to check it with.
#pragma once

#include "pmxsnap/crypto/keys.hpp"
#include "pmxsnap/host/host.hpp"
#include "pmxsnap/repo/trusted_comment.hpp"

#include <string>
#include <vector>

namespace pmxsnap::browse {

struct SignedArchive {
    fs::path archive;
    repo::TrustedComment index;
    std::string signer; // key id, hex
};

SignedArchive open_signed(const std::string& selector, const host::Host& host,
                          const fs::path& repository, const std::vector<crypto::PublicKey>& keys,
                          std::optional<std::int64_t> before = {});

} // namespace pmxsnap::browse
