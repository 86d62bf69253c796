#include "pmxsnap/archive/archive_input.hpp"

#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/crypto/age_stream.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace pmxsnap::archive {
namespace {

const std::string age_magic = std::string(crypto::age_version_line) + "\n";

std::size_t read_some(int fd, std::span<std::uint8_t> out, const fs::path& path) {
    for (;;) {
        ssize_t n = ::read(fd, out.data(), out.size());
        if (n >= 0)
            return static_cast<std::size_t>(n);
        if (errno != EINTR)
            fail_errno(path.string());
    }
}

bool starts_with_magic(const std::vector<std::uint8_t>& bytes) {
    return bytes.size() == age_magic.size() &&
           std::equal(bytes.begin(), bytes.end(), age_magic.begin());
}

} // namespace

ArchiveInput::ArchiveInput(const fs::path& path, const fs::path& identity_file)
    : path_(path)
    , fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (!fd_)
        fail_errno(path.string());
    sniffed_.resize(age_magic.size());
    std::size_t got = 0;
    while (got < sniffed_.size()) {
        auto n = read_some(fd_.get(), {sniffed_.data() + got, sniffed_.size() - got}, path_);
        if (n == 0)
            break;
        got += n;
    }
    sniffed_.resize(got);
    if (!starts_with_magic(sniffed_))
        return;
    if (identity_file.empty())
        fail("{}: encrypted with age; give --identity FILE (the age identity file of one of its "
             "recipients) to read its content",
             path.string());
    auto identities = crypto::load_age_identities(identity_file);
    try {
        decryptor_ = std::make_unique<crypto::AgeDecryptor>(
            [this](std::span<std::uint8_t> out) { return read_file_bytes(out); }, identities,
            path.string());
    } catch (const crypto::AgeMalformed& e) {
        throw Rejected(e.what());
    }
}

ArchiveInput::~ArchiveInput() = default;

std::size_t ArchiveInput::read_file_bytes(std::span<std::uint8_t> out) {
    if (sniffed_at_ < sniffed_.size()) {
        auto take = std::min(out.size(), sniffed_.size() - sniffed_at_);
        std::copy_n(sniffed_.begin() + static_cast<std::ptrdiff_t>(sniffed_at_), take, out.begin());
        sniffed_at_ += take;
        return take;
    }
    return read_some(fd_.get(), out, path_);
}

ZstdDecompressor::ByteSource ArchiveInput::source() {
    if (!decryptor_)
        return [this](std::span<std::uint8_t> out) { return read_file_bytes(out); };
    return [this](std::span<std::uint8_t> out) {
        try {
            return decryptor_->read(out);
        } catch (const crypto::AgeMalformed& e) {
            throw Rejected(e.what());
        }
    };
}

bool is_age_file(const fs::path& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        fail_errno(path.string());
    std::vector<std::uint8_t> head(age_magic.size());
    head.resize(read_some(fd.get(), head, path));
    return starts_with_magic(head);
}

} // namespace pmxsnap::archive
