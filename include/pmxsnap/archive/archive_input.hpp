// ArchiveInput: an archive file opened for the safe Reader — a plain
// .pmxsnap, or an age-encrypted .pmxsnap.age decrypted on the fly with the
// identities of an age identity file. Encryption is recognised by the age
// version line, not by the file name. Throws pmxsnap::Error when the file
// cannot be opened or no given identity opens it, archive::Rejected when the
// encryption layer is damaged or truncated.
#pragma once

#include "pmxsnap/archive/zstd_stream.hpp"
#include "pmxsnap/util/file.hpp"

#include <memory>
#include <vector>

namespace pmxsnap::crypto {
class AgeDecryptor;
}

namespace pmxsnap::archive {

class ArchiveInput {
  public:
    // identity_file may be empty: then an encrypted archive is refused with
    // a message saying to give --identity.
    ArchiveInput(const fs::path& path, const fs::path& identity_file);
    ArchiveInput(const ArchiveInput&) = delete;
    ArchiveInput& operator=(const ArchiveInput&) = delete;
    ~ArchiveInput();

    bool encrypted() const { return decryptor_ != nullptr; }
    // The bytes of the tar.zst stream, for Reader; valid while this lives.
    ZstdDecompressor::ByteSource source();

  private:
    std::size_t read_file_bytes(std::span<std::uint8_t> out);

    fs::path path_;
    Fd fd_;
    std::vector<std::uint8_t> sniffed_; // read to recognise age, not yet passed on
    std::size_t sniffed_at_ = 0;
    std::unique_ptr<crypto::AgeDecryptor> decryptor_;
};

// True when the file starts with age's version line.
bool is_age_file(const fs::path& path);

} // namespace pmxsnap::archive
