#include "write_archive.hpp"

#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/archive/writer.hpp"
#include "pmxsnap/crypto/age_stream.hpp"
#include "pmxsnap/crypto/blake2b.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/interruption.hpp"

namespace pmxsnap::snapshot {
namespace {

void stream_file(archive::Writer& writer, const archive::Member& member, const fs::path& path) {
    writer.begin_file(member);
    read_chunks(path, [&](std::string_view chunk) { writer.write_data(chunk); });
    writer.end_file();
}

} // namespace

WrittenArchive write_archive(const capture::Capture& c, int fd, const fs::path& shown_as,
                             const std::vector<crypto::AgeRecipient>& recipients) {
    return write_archive(c, c.members(), fd, shown_as, recipients);
}

WrittenArchive write_archive(const capture::Capture& c, const archive::MemberWalk& members, int fd,
                             const fs::path& shown_as,
                             const std::vector<crypto::AgeRecipient>& recipients) {
    WrittenArchive result;
    crypto::Blake2b512 hasher;
    archive::ByteSink to_file = [&](std::span<const std::uint8_t> bytes) {
        write_all(fd, {reinterpret_cast<const char*>(bytes.data()), bytes.size()}, shown_as);
        hasher.update(bytes);
        result.size += static_cast<std::int64_t>(bytes.size());
    };
    std::unique_ptr<crypto::AgeEncryptor> encryptor;
    if (!recipients.empty())
        encryptor = std::make_unique<crypto::AgeEncryptor>(recipients, to_file);
    // The manifest is written twice over, once only to count its bytes (the
    // tar header comes first), instead of being held whole: cheaper than
    // its memory on a large db.
    auto manifest_bytes = archive::manifest_size(c.header, members);
    const auto* db = c.header.find(archive::db_member);
    auto options = archive::compression_for(static_cast<std::uint64_t>(c.total_member_bytes()) +
                                                manifest_bytes,
                                            db ? static_cast<std::uint64_t>(db->size) : 0);
    archive::Writer writer(encryptor ? archive::ByteSink([&](std::span<const std::uint8_t> bytes) {
                               encryptor->write(bytes);
                           })
                                     : to_file,
                           options);

    archive::Member manifest_member;
    manifest_member.path = archive::manifest_member;
    manifest_member.mode = 0600;
    manifest_member.mtime = c.header.db.root_mtime;
    manifest_member.size = static_cast<std::int64_t>(manifest_bytes);
    writer.begin_file(manifest_member);
    archive::write_manifest(c.header, members,
                            [&](std::string_view chunk) { writer.write_data(chunk); });
    writer.end_file();

    members([&](const archive::Member& member) {
        if (member.is_directory) {
            writer.add_directory(member);
        } else if (member.path == archive::db_member) {
            stream_file(writer, member, c.db_copy);
            interruption_point("writing"); // half an archive in the repository's temp file
        } else if (member.pmxcfs) {
            c.db->with_data(member.pmxcfs->inode,
                            [&](std::string_view data) { writer.add_file(member, data); });
        } else {
            writer.add_file(member, c.host_data.at(member.path));
        }
    });
    writer.finish();
    if (encryptor)
        encryptor->finish();
    result.blake2b = hasher.finish();
    return result;
}

} // namespace pmxsnap::snapshot
