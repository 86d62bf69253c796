// verify_archive: the levels of trust in one archive, each reported, stopping
// at the first that cannot run. 1 signature: the .minisig verifies under a
// trusted key, its trusted comment parses and names this file, cluster and
// node; 2 content: the safe reader accepts every member against the
// manifest; 3 restorable: what a restore checks (see restorable.hpp). A
// failing level is a value; only an unreadable archive file throws
// pmxsnap::Error.
#pragma once

#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/crypto/keys.hpp"
#include "pmxsnap/trust/drill.hpp"
#include "pmxsnap/trust/level.hpp"
#include "pmxsnap/util/file.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pmxsnap::trust {

// What one archive's verification comes to. Never ok for what was not
// checked: a skipped level makes it partial (exit 1), unless only the
// signature was asked for (--signature-only), which is then all it vouches for.
enum class Outcome { ok, partial, failed };
std::string to_string(Outcome outcome);

struct Verdict {
    fs::path archive;
    std::vector<LevelResult> levels; // all three (four with the drill), skipped ones with why
    bool signature_only = false;     // content and restorable not asked for
    // --trust-archived-keys: the key id that vouched when it came from the
    // archive itself (published_keys.hpp), and for which node; why archived
    // keys were not used when they were looked for.
    std::optional<std::string> archived_key_id;
    std::string archived_key_for;
    std::string archived_key_note;
    // The whole manifest as level 2 read it, kept only for a caller that
    // takes the members too (VerifyOptions::members).
    std::optional<archive::Manifest> manifest;
    Outcome outcome() const;
    bool ok() const { return outcome() == Outcome::ok; }
    std::vector<std::string> skipped() const; // the names of the skipped levels
};

struct VerifyOptions {
    // age identity file for encrypted archives; without it their content
    // and restorable levels are skipped (the signature still covers them).
    fs::path identity;
    // Bounds the decompressed archive: an archive claiming more is rejected.
    std::uint64_t max_bytes = 1ULL << 30;
    // Only level 1 (the signature over every byte, and the signed index):
    // the cheap check, and the one an encrypted archive gets without its
    // identity. Levels 2 and 3 are then listed as skipped.
    bool signature_only = false;
    // Level 4, only when asked: the archive's db served by the real pmxcfs
    // (drill.hpp). Needs root; without its content level it is skipped.
    std::optional<DrillOptions> drill;
    // Also given every member level 2 reads, each end() only once its size
    // and digest matched: restore apply keeps what it installs from the very
    // bytes verified, and never reads the archive again.
    archive::MemberHandler* members = nullptr;
};

Verdict verify_archive(const fs::path& archive, const std::vector<crypto::PublicKey>& keys,
                       const VerifyOptions& options = {});

// The archive's manifest, read again for level 3's names; throws
// archive::Rejected if its MANIFEST.json is no longer the bytes whose
// SHA-256 is expected.
archive::Manifest reread_manifest(const fs::path& archive, const fs::path& identity,
                                  const archive::ReaderLimits& limits,
                                  const Sha256Digest& expected);

} // namespace pmxsnap::trust
