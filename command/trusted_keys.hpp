// The keys an archive's signature is checked against: --pubkey when given,
// else every *.pub in /etc/pmxsnap/trusted.d (--trusted-dir), this node's own
// public key (the .pub beside --key), so a node always trusts what it signed
// itself, and the keys the cluster published in /etc/pve/pmxsnap/keys
// (trust::published_keys; under --root its etc/pve), each the one key its
// node's directory may be signed with.
#pragma once

#include "context.hpp"

#include "pmxsnap/crypto/keys.hpp"

#include <vector>

namespace pmxsnap::cli {

std::vector<crypto::PublicKey> trusted_keys(const GlobalOptions& options);

// trusted_keys, or pmxsnap::Error (exit 2, one line saying how to add one)
// when there is none: what every command that checks signatures uses
// (verify, list, prune, restore, diff, ls and cat), so all of them fail
// alike.
std::vector<crypto::PublicKey> required_trusted_keys(const GlobalOptions& options);

} // namespace pmxsnap::cli
