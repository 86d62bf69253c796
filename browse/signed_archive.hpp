// The archive a browsing command reads, found by its selector, copied
// privately (trust::PrivateCopy) and the copy authenticated before anything
// in it is believed — the check restore and diff make
// (trust::authenticate_copy): its .minisig verifies under a trusted key
// (--pubkey, or trusted.d and this node's own key), its signed index names
// this file, cluster and node, a node with a published key is signed by
// that key, and every byte is the signed ones. Only then does the safe
// reader open the copy, never the file in the repository again.
// Throws archive::Rejected (exit 1) when the archive or its signature is
// the finding, pmxsnap::Error (exit 2) when it cannot be found.
#pragma once

#include "pmxsnap/crypto/keys.hpp"
#include "pmxsnap/host/host.hpp"
#include "pmxsnap/repo/trusted_comment.hpp"
#include "pmxsnap/trust/private_copy.hpp"

#include <memory>
#include <string>
#include <vector>

namespace pmxsnap::browse {

struct SignedArchive {
    fs::path archive;                               // as selected, for messages
    std::shared_ptr<const trust::PrivateCopy> copy; // what is read
    repo::TrustedComment index;
    std::string signer; // key id, hex
};

SignedArchive open_signed(const std::string& selector, const host::Host& host,
                          const fs::path& repository, const std::vector<crypto::PublicKey>& keys,
                          std::optional<std::int64_t> before = {});

} // namespace pmxsnap::browse
