// write_archive: streams a capture into an archive file in the canonical
// member order (MANIFEST.json, db/, pve/, host/) and returns the BLAKE2b-512
// of the bytes written, computed on the way (the signature is over it, so the
// file is never read back). Throws pmxsnap::Error (disk full, I/O).
#pragma once

#include "pmxsnap/capture/capture.hpp"
#include "pmxsnap/crypto/age_keys.hpp"

#include <array>
#include <cstdint>

namespace pmxsnap::snapshot {

struct WrittenArchive {
    std::array<std::uint8_t, 64> blake2b{};
    std::int64_t size = 0;
};

// With recipients, the zstd stream is age-encrypted on its way to the file
// (and the digest is of the encrypted bytes: the signature covers the file).
WrittenArchive write_archive(const capture::Capture& capture, int fd, const fs::path& shown_as,
                             const std::vector<crypto::AgeRecipient>& recipients);
// The same with members other than the capture's own (each with its bytes
// in the capture): how a test makes an archive no snapshot would.
WrittenArchive write_archive(const capture::Capture& capture, const archive::MemberWalk& members,
                             int fd, const fs::path& shown_as,
                             const std::vector<crypto::AgeRecipient>& recipients);

} // namespace pmxsnap::snapshot
