// authenticate_index: whether an archive's signed index (the trusted comment
// of its .minisig) vouches for this file where it lies. The one check that
// list, prune, verify and snapshot --if-changed share; it reads only the
// signature, never the archive, and never throws: every outcome is a value.
#pragma once

#include "pmxsnap/crypto/keys.hpp"
#include "pmxsnap/crypto/signature.hpp"
#include "pmxsnap/repo/repository.hpp"
#include "pmxsnap/util/time.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap::repo {

enum class IndexStatus {
    ok,        // signed by a trusted key, names this file in this <cluster>/<node>
    missing,   // no .minisig beside the archive
    malformed, // not a minisign signature, or its trusted comment is no pmxsnap index
    untrusted, // signed by a key that is not trusted
    altered,   // the trusted comment does not match its signature
    misplaced, // authentic, but for another file name or another <cluster>/<node>
    foreign,   // authentic, but its <cluster>/<node> has a published key and this is another
};
std::string_view to_string(IndexStatus status);

struct IndexCheck {
    IndexStatus status = IndexStatus::missing;
    std::string problem; // why it is not ok, naming what differs; "" when ok
    std::optional<crypto::SignatureFile> signature; // when it parses
    std::optional<TrustedComment> comment;          // when the index is authentic
    std::optional<crypto::PublicKey> signer;        // when the index is authentic
    std::optional<UnixSeconds> captured;            // the signed capture time, when ok

    bool ok() const { return status == IndexStatus::ok; }
};

// The checks, in order: a signature is there and parses; its key is one of
// keys; the trusted comment verifies under it; it is a pmxsnap index; it
// names this file and the <cluster>/<node> directory the archive lies in
// (repository layout <repo>/<cluster>/<node>/<file>); its capture time is the
// file name's; when keys hold keys published for that <cluster>/<node>
// (crypto::PublicKey::published_for), it is signed by one of them.
// signature_text is the .minisig's content ("" when missing).
// The expectation a published key sets: "" when directory ("<cluster>/<node>")
// has no key published for it among keys, or signer is one of those; else
// the finding, naming the node, the expected key id(s) and the signer's.
std::string published_key_problem(const std::string& directory, const crypto::PublicKey& signer,
                                  const std::vector<crypto::PublicKey>& keys);

IndexCheck authenticate_index(const fs::path& archive, std::string_view signature_text,
                              const std::vector<crypto::PublicKey>& keys);
IndexCheck authenticate_index(const Snapshot& snapshot, const std::vector<crypto::PublicKey>& keys);

// The whole archive vouched for: its signed index (authenticate_index), then
// every byte of the file against that signature (Ed25519 over the file's
// BLAKE2b-512 prehash, crypto::verify_file). What verify's signature level
// and every command that believes an archive's content share. Reads the
// .minisig beside the archive, streams the archive; a finding is a value.
struct ArchiveCheck {
    IndexCheck index;
    bool content_signed = false; // the file's bytes are the ones the signature covers
    std::string problem;         // why not ok, one phrase; "" when ok

    bool ok() const { return index.ok() && content_signed; }
};
ArchiveCheck authenticate_archive(const fs::path& archive,
                                  const std::vector<crypto::PublicKey>& keys);

} // namespace pmxsnap::repo
